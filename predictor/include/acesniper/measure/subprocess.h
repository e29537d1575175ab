// Child processes for measuring: a shell command with a deadline (the exec runner), and a
// long-lived worker that measures networks sent to it line by line (so that a network that hangs
// or crashes the engine takes down only the worker, which is restarted). POSIX only.
#pragma once

#include <sys/types.h>

#include <map>
#include <string>
#include <vector>

#include "acesniper/common/status.h"

namespace acesniper {

struct CommandResult {
  int exit_code = -1;   // when it exited
  int signal = 0;       // when a signal ended it
  bool timed_out = false;
  std::string output;   // stdout and stderr together (at most 1 MiB kept)
};

// Runs `/bin/sh -c command` in its own process group; on timeout the whole group is killed.
Result<CommandResult> RunShellCommand(const std::string& command, double timeout_seconds);

// "exited with status 3", "killed by signal 11 (Segmentation fault)".
std::string DescribeExit(int exit_code, int signal);

class WorkerProcess {
 public:
  WorkerProcess() = default;
  WorkerProcess(const WorkerProcess&) = delete;
  WorkerProcess& operator=(const WorkerProcess&) = delete;
  ~WorkerProcess();

  // Starts argv[0] with `env` added to the environment. The child reads requests on fd 3 and
  // writes replies on fd 4; its stdout and stderr are the parent's stderr.
  Status Start(const std::vector<std::string>& argv, const std::map<std::string, std::string>& env);
  bool running() const { return pid_ > 0; }
  Status Send(const std::string& line);
  // The next reply line. kTimeout: none within the deadline (the worker is killed);
  // kGone: the worker exited or crashed (how, in the message).
  enum class ReadError { kNone, kTimeout, kGone };
  Result<std::string> ReadLine(double timeout_seconds, ReadError* why);
  // Kills the worker's process group and reaps it; returns how it ended.
  std::string Stop();

 private:
  pid_t pid_ = -1;
  int to_child_ = -1, from_child_ = -1;
  std::string buffer_;
};

}  // namespace acesniper
