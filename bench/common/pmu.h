// Hardware performance counters (core cycles, instructions, branch misses, cache misses) for
// the calling thread, through perf_event_open. Many VMs expose no PMU: the probe says why
// (errno), the context states it once, and every row simply goes without these counters.
//
// The backend is injectable so the PMU-present path can be tested on a machine without one:
// EB_FAKE_PMU=1 selects a fake whose counts are synthetic (derived from the TSC), and tests may
// install their own backend with set_pmu_backend().
#pragma once
#include <cstdint>
#include <memory>
#include <string>

namespace eb::bench {

enum PmuEvent : int { kPmuCycles, kPmuInstructions, kPmuBranchMisses, kPmuCacheMisses, kPmuEventCount };
const char* pmu_event_name(int event);  // "cycles", "instructions", "branch-misses", "cache-misses"

struct PmuReading {
  uint64_t value[kPmuEventCount] = {};
  uint32_t valid = 0;  // bit i set when value[i] was counted
};

// Counters open for one thread.
class PmuGroup {
 public:
  virtual ~PmuGroup() = default;
  virtual bool read(PmuReading* out) = 0;
};

class PmuBackend {
 public:
  virtual ~PmuBackend() = default;
  // Short name for the context: "perf_event_open", "fake".
  virtual std::string name() const = 0;
  // Opens the counters for the calling thread; nullptr and *why set when the PMU is unusable.
  virtual std::unique_ptr<PmuGroup> open_thread(std::string* why) = 0;
};

// perf_event_open backend (user-space counts only: exclude_kernel, exclude_hv).
std::unique_ptr<PmuBackend> make_perf_event_backend();
// Synthetic counts for tests: cycles = TSC ticks, instructions = 2 x cycles, misses fixed ratios.
std::unique_ptr<PmuBackend> make_fake_backend();

// The process-wide backend: set_pmu_backend() if called, else EB_FAKE_PMU=1 -> fake,
// else perf_event_open.
PmuBackend& pmu_backend();
void set_pmu_backend(std::unique_ptr<PmuBackend> backend);  // resets the cached status

struct PmuStatus {
  bool available = false;
  uint32_t events = 0;  // PmuEvent bits that opened
  // For the context: "available: perf_event_open (cycles, instructions, ...)" or
  // "unavailable: ENOENT (No such file or directory) opening cycles".
  std::string description;
};
// Probed once (opens and closes a group on the calling thread).
const PmuStatus& pmu_status();

// RAII: opens the counters for this thread and takes a baseline; delta() gives the counts since
// the baseline (or since restart()). Does nothing when the PMU is unavailable.
class PmuScope {
 public:
  PmuScope();
  ~PmuScope();
  PmuScope(const PmuScope&) = delete;
  PmuScope& operator=(const PmuScope&) = delete;
  bool active() const { return group_ != nullptr; }
  void restart();
  bool delta(PmuReading* out);
  // The innermost scope on this thread, or nullptr.
  static PmuScope* current();

 private:
  std::unique_ptr<PmuGroup> group_;
  PmuReading start_;
  PmuScope* previous_ = nullptr;
};

}  // namespace eb::bench
