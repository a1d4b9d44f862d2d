#include "bench/common/pmu.h"

#include <linux/perf_event.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <vector>

#include "bench/common/bench_common.h"

namespace eb::bench {

const char* pmu_event_name(int event) {
  switch (event) {
    case kPmuCycles: return "cycles";
    case kPmuInstructions: return "instructions";
    case kPmuBranchMisses: return "branch-misses";
    case kPmuCacheMisses: return "cache-misses";
  }
  return "?";
}

namespace {

const char* errno_name(int e) {
  switch (e) {
    case ENOENT: return "ENOENT";
    case EOPNOTSUPP: return "EOPNOTSUPP";
    case EACCES: return "EACCES";
    case EPERM: return "EPERM";
    case ENODEV: return "ENODEV";
    case ENOSYS: return "ENOSYS";
    case EINVAL: return "EINVAL";
    case EMFILE: return "EMFILE";
    case EBUSY: return "EBUSY";
  }
  return "errno";
}

std::string errno_text(int e) { return std::string(errno_name(e)) + " (" + std::strerror(e) + ")"; }

class PerfEventGroup final : public PmuGroup {
 public:
  ~PerfEventGroup() override {
    for (int fd : fds_)
      if (fd >= 0) close(fd);
  }

  // Opens the leader (cycles) and as many members as the kernel accepts.
  bool open(std::string* why) {
    static const uint64_t kConfigs[kPmuEventCount] = {PERF_COUNT_HW_CPU_CYCLES, PERF_COUNT_HW_INSTRUCTIONS,
                                                      PERF_COUNT_HW_BRANCH_MISSES, PERF_COUNT_HW_CACHE_MISSES};
    int leader = -1;
    for (int e = 0; e < kPmuEventCount; ++e) {
      perf_event_attr attr;
      std::memset(&attr, 0, sizeof attr);
      attr.size = sizeof attr;
      attr.type = PERF_TYPE_HARDWARE;
      attr.config = kConfigs[e];
      attr.disabled = leader < 0 ? 1 : 0;
      attr.exclude_kernel = 1;
      attr.exclude_hv = 1;
      attr.read_format = PERF_FORMAT_GROUP | PERF_FORMAT_ID | PERF_FORMAT_TOTAL_TIME_ENABLED |
                         PERF_FORMAT_TOTAL_TIME_RUNNING;
      long fd = syscall(SYS_perf_event_open, &attr, 0 /* this thread */, -1 /* any cpu */, leader, 0);
      if (fd < 0) {
        if (leader < 0) {
          *why = errno_text(errno) + " opening " + pmu_event_name(e);
          return false;
        }
        continue;  // a member the PMU lacks: go on without it
      }
      if (leader < 0) leader = static_cast<int>(fd);
      uint64_t id = 0;
      if (ioctl(static_cast<int>(fd), PERF_EVENT_IOC_ID, &id) != 0) {
        close(static_cast<int>(fd));
        if (static_cast<int>(fd) == leader) {
          *why = errno_text(errno) + " reading the event id";
          return false;
        }
        continue;
      }
      fds_.push_back(static_cast<int>(fd));
      ids_[e] = id;
      events_ |= 1u << e;
    }
    ioctl(leader, PERF_EVENT_IOC_RESET, PERF_IOC_FLAG_GROUP);
    if (ioctl(leader, PERF_EVENT_IOC_ENABLE, PERF_IOC_FLAG_GROUP) != 0) {
      *why = errno_text(errno) + " enabling the group";
      return false;
    }
    return true;
  }

  uint32_t events() const { return events_; }

  bool read(PmuReading* out) override {
    // {nr, time_enabled, time_running, {value, id} x nr}
    uint64_t buf[3 + 2 * kPmuEventCount] = {};
    ssize_t n = ::read(fds_[0], buf, sizeof buf);
    if (n < static_cast<ssize_t>(3 * sizeof(uint64_t))) return false;
    uint64_t nr = buf[0], enabled = buf[1], running = buf[2];
    if (running == 0) return false;  // never scheduled: no counts to trust
    // Multiplexed with other users of the PMU: scale up to the enabled time, as perf stat does.
    double scale = running < enabled ? static_cast<double>(enabled) / static_cast<double>(running) : 1.0;
    *out = PmuReading{};
    for (uint64_t i = 0; i < nr && i < kPmuEventCount; ++i) {
      uint64_t value = buf[3 + 2 * i], id = buf[4 + 2 * i];
      for (int e = 0; e < kPmuEventCount; ++e)
        if ((events_ & (1u << e)) && ids_[e] == id) {
          out->value[e] = static_cast<uint64_t>(static_cast<double>(value) * scale);
          out->valid |= 1u << e;
        }
    }
    return out->valid != 0;
  }

 private:
  std::vector<int> fds_;
  uint64_t ids_[kPmuEventCount] = {};
  uint32_t events_ = 0;
};

class PerfEventBackend final : public PmuBackend {
 public:
  std::string name() const override { return "perf_event_open"; }
  std::unique_ptr<PmuGroup> open_thread(std::string* why) override {
    auto g = std::make_unique<PerfEventGroup>();
    if (!g->open(why)) return nullptr;
    return g;
  }
};

class FakeGroup final : public PmuGroup {
 public:
  bool read(PmuReading* out) override {
    uint64_t t = rdtsc();
    out->value[kPmuCycles] = t;
    out->value[kPmuInstructions] = 2 * t;
    out->value[kPmuBranchMisses] = t / 1000;
    out->value[kPmuCacheMisses] = t / 500;
    out->valid = (1u << kPmuEventCount) - 1;
    return true;
  }
};

class FakeBackend final : public PmuBackend {
 public:
  std::string name() const override { return "fake"; }
  std::unique_ptr<PmuGroup> open_thread(std::string*) override { return std::make_unique<FakeGroup>(); }
};

std::mutex g_mu;
std::unique_ptr<PmuBackend> g_backend;
std::unique_ptr<PmuStatus> g_status;
thread_local PmuScope* t_current = nullptr;

PmuBackend& backend_locked() {
  if (!g_backend) {
    const char* fake = std::getenv("EB_FAKE_PMU");
    if (fake && std::strcmp(fake, "0") != 0 && *fake)
      g_backend = make_fake_backend();
    else
      g_backend = make_perf_event_backend();
  }
  return *g_backend;
}

}  // namespace

std::unique_ptr<PmuBackend> make_perf_event_backend() { return std::make_unique<PerfEventBackend>(); }
std::unique_ptr<PmuBackend> make_fake_backend() { return std::make_unique<FakeBackend>(); }

PmuBackend& pmu_backend() {
  std::lock_guard<std::mutex> lock(g_mu);
  return backend_locked();
}

void set_pmu_backend(std::unique_ptr<PmuBackend> backend) {
  std::lock_guard<std::mutex> lock(g_mu);
  g_backend = std::move(backend);
  g_status.reset();
}

const PmuStatus& pmu_status() {
  std::lock_guard<std::mutex> lock(g_mu);
  if (g_status) return *g_status;
  auto st = std::make_unique<PmuStatus>();
  PmuBackend& b = backend_locked();
  std::string why;
  auto group = b.open_thread(&why);
  PmuReading r;
  if (!group) {
    st->description = "unavailable: " + why;
  } else if (!group->read(&r)) {
    st->description = "unavailable: " + b.name() + " opened but the counters did not run";
  } else {
    st->available = true;
    st->events = r.valid;
    std::string list;
    for (int e = 0; e < kPmuEventCount; ++e)
      if (r.valid & (1u << e)) list += std::string(list.empty() ? "" : ", ") + pmu_event_name(e);
    st->description = "available: " + b.name() + " (" + list + "; user space only)";
    if (b.name() == "fake") st->description += "; FAKE counters (EB_FAKE_PMU): synthetic, for tests only";
  }
  g_status = std::move(st);
  return *g_status;
}

PmuScope::PmuScope() {
  if (pmu_status().available) {
    std::string why;
    group_ = pmu_backend().open_thread(&why);
    if (group_ && !group_->read(&start_)) group_.reset();
  }
  previous_ = t_current;
  t_current = this;
}

PmuScope::~PmuScope() { t_current = previous_; }

void PmuScope::restart() {
  if (group_ && !group_->read(&start_)) group_.reset();
}

bool PmuScope::delta(PmuReading* out) {
  PmuReading now;
  if (!group_ || !group_->read(&now)) return false;
  *out = PmuReading{};
  out->valid = now.valid & start_.valid;
  for (int e = 0; e < kPmuEventCount; ++e)
    if (out->valid & (1u << e)) out->value[e] = now.value[e] - start_.value[e];
  return out->valid != 0;
}

PmuScope* PmuScope::current() { return t_current; }

}  // namespace eb::bench
