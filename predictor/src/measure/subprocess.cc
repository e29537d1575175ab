#include "acesniper/measure/subprocess.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>

extern char** environ;

namespace acesniper {

namespace {

constexpr size_t kMaxOutput = 1 << 20;

double Now() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

// Waits for pid; fills exit code or signal.
void Reap(pid_t pid, int* exit_code, int* sig) {
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (WIFEXITED(status)) *exit_code = WEXITSTATUS(status);
  if (WIFSIGNALED(status)) *sig = WTERMSIG(status);
}

void KillGroup(pid_t pid) {
  ::kill(-pid, SIGKILL);
  ::kill(pid, SIGKILL);
}

}  // namespace

std::string DescribeExit(int exit_code, int sig) {
  if (sig) return "killed by signal " + std::to_string(sig) + " (" + strsignal(sig) + ")";
  return "exited with status " + std::to_string(exit_code);
}

Result<CommandResult> RunShellCommand(const std::string& command, double timeout_seconds) {
  int out[2];
  if (::pipe2(out, O_CLOEXEC) != 0) return Status::IOError(std::string("pipe: ") + std::strerror(errno));
  pid_t pid = ::fork();
  if (pid < 0) {
    ::close(out[0]);
    ::close(out[1]);
    return Status::IOError(std::string("fork: ") + std::strerror(errno));
  }
  if (pid == 0) {
    ::setpgid(0, 0);
    ::dup2(out[1], 1);
    ::dup2(out[1], 2);
    int devnull = ::open("/dev/null", O_RDONLY);
    if (devnull >= 0) ::dup2(devnull, 0);
    ::execl("/bin/sh", "sh", "-c", command.c_str(), static_cast<char*>(nullptr));
    ::_exit(127);
  }
  ::setpgid(pid, pid);
  ::close(out[1]);
  CommandResult r;
  const double deadline = Now() + timeout_seconds;
  char buf[65536];
  for (;;) {
    double left = deadline - Now();
    if (left <= 0) {
      r.timed_out = true;
      KillGroup(pid);
      break;
    }
    pollfd p{out[0], POLLIN, 0};
    int n = ::poll(&p, 1, static_cast<int>(left * 1000) + 1);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) continue;
    ssize_t got = ::read(out[0], buf, sizeof buf);
    if (got < 0 && errno == EINTR) continue;
    if (got <= 0) break;  // every writer closed: the command is done
    if (r.output.size() < kMaxOutput) r.output.append(buf, static_cast<size_t>(got));
  }
  ::close(out[0]);
  if (!r.timed_out) KillGroup(pid);  // background children of the command must not linger
  Reap(pid, &r.exit_code, &r.signal);
  if (r.timed_out) r.exit_code = -1;
  return r;
}

WorkerProcess::~WorkerProcess() { Stop(); }

Status WorkerProcess::Start(const std::vector<std::string>& argv, const std::map<std::string, std::string>& env) {
  Stop();
  int req[2], rep[2];
  if (::pipe2(req, O_CLOEXEC) != 0) return Status::IOError(std::string("pipe: ") + std::strerror(errno));
  if (::pipe2(rep, O_CLOEXEC) != 0) {
    ::close(req[0]);
    ::close(req[1]);
    return Status::IOError(std::string("pipe: ") + std::strerror(errno));
  }
  // Build everything the child needs before fork (no allocation after it).
  std::vector<std::string> env_strings;
  for (char** e = environ; *e; ++e) {
    std::string kv = *e;
    std::string key = kv.substr(0, kv.find('='));
    if (!env.count(key)) env_strings.push_back(kv);
  }
  for (const auto& [k, v] : env) env_strings.push_back(k + "=" + v);
  std::vector<char*> envp, args;
  for (auto& s : env_strings) envp.push_back(s.data());
  envp.push_back(nullptr);
  std::vector<std::string> argv_copy = argv;
  for (auto& s : argv_copy) args.push_back(s.data());
  args.push_back(nullptr);
  pid_t pid = ::fork();
  if (pid < 0) return Status::IOError(std::string("fork: ") + std::strerror(errno));
  if (pid == 0) {
    ::setpgid(0, 0);
    // fds 3 and 4 for the protocol; dup2 clears close-on-exec on the copies.
    int r = ::fcntl(req[0], F_DUPFD_CLOEXEC, 10), w = ::fcntl(rep[1], F_DUPFD_CLOEXEC, 10);
    ::dup2(r, 3);
    ::dup2(w, 4);
    ::dup2(2, 1);  // engines that print go to the parent's stderr, not into the protocol
    ::execve(args[0], args.data(), envp.data());
    ::_exit(127);
  }
  ::setpgid(pid, pid);
  ::close(req[0]);
  ::close(rep[1]);
  pid_ = pid;
  to_child_ = req[1];
  from_child_ = rep[0];
  buffer_.clear();
  return Status::Ok();
}

Status WorkerProcess::Send(const std::string& line) {
  if (pid_ <= 0) return Status::Internal("worker is not running");
  std::string data = line + "\n";
  size_t off = 0;
  while (off < data.size()) {
    ssize_t n = ::write(to_child_, data.data() + off, data.size() - off);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return Status::IOError("the worker stopped reading: " + Stop());
    off += static_cast<size_t>(n);
  }
  return Status::Ok();
}

Result<std::string> WorkerProcess::ReadLine(double timeout_seconds, ReadError* why) {
  *why = ReadError::kNone;
  if (pid_ <= 0) {
    *why = ReadError::kGone;
    return Status::Internal("worker is not running");
  }
  const double deadline = Now() + timeout_seconds;
  char buf[4096];
  for (;;) {
    auto nl = buffer_.find('\n');
    if (nl != std::string::npos) {
      std::string line = buffer_.substr(0, nl);
      buffer_.erase(0, nl + 1);
      return line;
    }
    double left = deadline - Now();
    if (left <= 0) {
      *why = ReadError::kTimeout;
      Stop();
      return Status::Internal("no reply within " + std::to_string(static_cast<int>(timeout_seconds)) + " s");
    }
    pollfd p{from_child_, POLLIN, 0};
    int n = ::poll(&p, 1, static_cast<int>(std::min(left, 0.2) * 1000) + 1);
    if (n < 0 && errno == EINTR) continue;
    if (n == 0) {
      // The worker may have died while a grandchild (a tool it ran) still holds the pipe.
      int status = 0;
      if (::waitpid(pid_, &status, WNOHANG) == pid_) {
        *why = ReadError::kGone;
        std::string how = DescribeExit(WIFEXITED(status) ? WEXITSTATUS(status) : -1, WIFSIGNALED(status) ? WTERMSIG(status) : 0);
        ::kill(-pid_, SIGKILL);  // whatever it left running
        ::close(to_child_);
        ::close(from_child_);
        to_child_ = from_child_ = -1;
        pid_ = -1;
        return Status::Internal("the worker " + how);
      }
      continue;
    }
    if (n < 0) continue;
    ssize_t got = ::read(from_child_, buf, sizeof buf);
    if (got < 0 && errno == EINTR) continue;
    if (got <= 0) {
      *why = ReadError::kGone;
      return Status::Internal("the worker " + Stop());
    }
    buffer_.append(buf, static_cast<size_t>(got));
  }
}

std::string WorkerProcess::Stop() {
  if (pid_ <= 0) return "was not running";
  if (to_child_ >= 0) ::close(to_child_);
  if (from_child_ >= 0) ::close(from_child_);
  to_child_ = from_child_ = -1;
  // A worker that is exiting on its own gets a moment to do so, so its real cause is reported.
  int exit_code = -1, sig = 0;
  int status = 0;
  pid_t done = 0;
  for (int i = 0; i < 20 && (done = ::waitpid(pid_, &status, WNOHANG)) == 0; ++i) ::usleep(10000);
  if (done == pid_) {
    if (WIFEXITED(status)) exit_code = WEXITSTATUS(status);
    if (WIFSIGNALED(status)) sig = WTERMSIG(status);
    ::kill(-pid_, SIGKILL);
  } else {
    KillGroup(pid_);
    Reap(pid_, &exit_code, &sig);
  }
  pid_ = -1;
  return DescribeExit(exit_code, sig);
}

}  // namespace acesniper

