// The simulator's clock: events in time order; events at the same time in the order they were
// scheduled, so a run is a pure function of its inputs (no dependence on heap layout).
#pragma once

#include <cstdint>
#include <queue>
#include <vector>

namespace acesniper {

struct SimEvent {
  double time = 0;
  uint64_t seq = 0;   // scheduling order: breaks ties
  int kind = 0;
  int64_t subject = 0;
};

class EventQueue {
 public:
  void Schedule(double time, int kind, int64_t subject) { heap_.push({time, next_seq_++, kind, subject}); }
  bool empty() const { return heap_.empty(); }
  size_t size() const { return heap_.size(); }
  // The earliest event; the queue must not be empty.
  SimEvent Pop() {
    SimEvent e = heap_.top();
    heap_.pop();
    return e;
  }

 private:
  struct Later {
    bool operator()(const SimEvent& a, const SimEvent& b) const {
      return a.time != b.time ? a.time > b.time : a.seq > b.seq;
    }
  };
  std::priority_queue<SimEvent, std::vector<SimEvent>, Later> heap_;
  uint64_t next_seq_ = 0;
};

}  // namespace acesniper
