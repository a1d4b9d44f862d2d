#include "cli/bench_runner.h"

#include <fcntl.h>
#include <poll.h>
#include <regex.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <sstream>
#include <stdexcept>

extern char** environ;

namespace eb::cli::runner {

namespace fs = std::filesystem;

std::string ProcResult::describe() const {
  if (signaled) return "killed by signal " + std::to_string(signal) + " (" + strsignal(signal) + ")";
  return "exit " + std::to_string(status);
}

namespace {

// argv and envp for execve, built before fork(): only async-signal-safe calls after it.
struct ExecArgs {
  std::vector<std::string> env_strings, argv_copy;
  std::vector<char*> envp, args;
  std::string exe;
  ExecArgs(const std::vector<std::string>& argv, const std::map<std::string, std::string>& env) {
    for (char** e = environ; *e; ++e) {
      std::string kv = *e;
      std::string key = kv.substr(0, kv.find('='));
      if (!env.count(key)) env_strings.push_back(kv);
    }
    for (const auto& [k, v] : env) env_strings.push_back(k + "=" + v);
    for (auto& s : env_strings) envp.push_back(s.data());
    envp.push_back(nullptr);
    argv_copy = argv;
    for (auto& s : argv_copy) args.push_back(s.data());
    args.push_back(nullptr);
    exe = argv.at(0).find('/') == std::string::npos ? which(argv[0]) : argv[0];
    if (exe.empty()) throw std::runtime_error(argv[0] + " not found in PATH");
  }
};

// Reads every fd in `fds` until all are closed, handing each chunk to sink(fd, data, n).
template <typename Sink>
void drain(std::vector<pollfd> fds, Sink sink) {
  char buf[65536];
  while (!fds.empty()) {
    if (poll(fds.data(), fds.size(), -1) < 0) {
      if (errno == EINTR) continue;
      break;
    }
    for (size_t i = 0; i < fds.size();) {
      if (fds[i].revents) {
        ssize_t n = read(fds[i].fd, buf, sizeof buf);
        if (n > 0) {
          sink(fds[i].fd, buf, static_cast<size_t>(n));
          ++i;
          continue;
        }
        if (n < 0 && errno == EINTR) continue;
        close(fds[i].fd);
        fds.erase(fds.begin() + static_cast<long>(i));
        continue;
      }
      ++i;
    }
  }
}

void wait_child(pid_t pid, ProcResult* r) {
  int st = 0;
  while (waitpid(pid, &st, 0) < 0 && errno == EINTR) {
  }
  if (WIFSIGNALED(st)) {
    r->signaled = true;
    r->signal = WTERMSIG(st);
  } else {
    r->status = WEXITSTATUS(st);
  }
}

}  // namespace

ProcResult run_process(const std::vector<std::string>& argv, const std::map<std::string, std::string>& env,
                       bool capture_out, bool capture_err, bool out_to_err) {
  ExecArgs ea(argv, env);
  int out_pipe[2] = {-1, -1}, err_pipe[2] = {-1, -1};
  if (capture_out && pipe2(out_pipe, O_CLOEXEC) != 0) throw std::runtime_error("pipe failed");
  if (capture_err && pipe2(err_pipe, O_CLOEXEC) != 0) throw std::runtime_error("pipe failed");
  pid_t pid = fork();
  if (pid < 0) throw std::runtime_error(std::string("fork failed: ") + std::strerror(errno));
  if (pid == 0) {
    if (capture_out) dup2(out_pipe[1], 1);
    else if (out_to_err) dup2(2, 1);
    if (capture_err) dup2(err_pipe[1], 2);
    execve(ea.exe.c_str(), ea.args.data(), ea.envp.data());
    _exit(127);
  }
  ProcResult r;
  if (capture_out) close(out_pipe[1]);
  if (capture_err) close(err_pipe[1]);
  std::vector<pollfd> fds;
  if (capture_out) fds.push_back({out_pipe[0], POLLIN, 0});
  if (capture_err) fds.push_back({err_pipe[0], POLLIN, 0});
  const int out_fd = out_pipe[0];
  drain(fds, [&](int fd, const char* data, size_t n) { (fd == out_fd ? r.out : r.err).append(data, n); });
  wait_child(pid, &r);
  return r;
}

ProcResult run_process_streaming(const std::vector<std::string>& argv, const std::map<std::string, std::string>& env,
                                 const std::function<void(std::string_view)>& on_output) {
  ExecArgs ea(argv, env);
  int p[2] = {-1, -1};
  if (pipe2(p, O_CLOEXEC) != 0) throw std::runtime_error("pipe failed");
  pid_t pid = fork();
  if (pid < 0) throw std::runtime_error(std::string("fork failed: ") + std::strerror(errno));
  if (pid == 0) {
    dup2(p[1], 1);
    dup2(p[1], 2);
    execve(ea.exe.c_str(), ea.args.data(), ea.envp.data());
    _exit(127);
  }
  close(p[1]);
  ProcResult r;
  drain({{p[0], POLLIN, 0}}, [&](int, const char* data, size_t n) { on_output(std::string_view(data, n)); });
  wait_child(pid, &r);
  return r;
}

std::string self_dir() {
  char buf[PATH_MAX];
  ssize_t n = readlink("/proc/self/exe", buf, sizeof buf - 1);
  if (n <= 0) return ".";
  buf[n] = 0;
  return fs::path(buf).parent_path().string();
}

std::string which(const std::string& name) {
  const char* path = std::getenv("PATH");
  std::istringstream dirs(path ? path : "/usr/bin:/bin");
  std::string d;
  while (std::getline(dirs, d, ':')) {
    if (d.empty()) continue;
    std::string p = d + "/" + name;
    if (access(p.c_str(), X_OK) == 0) return p;
  }
  return "";
}

std::vector<std::string> find_bench_binaries(const std::string& dir) {
  std::vector<std::string> out;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(dir, ec)) {
    std::string name = e.path().filename().string();
    if (name.rfind("eb-bench-", 0) != 0) continue;
    if (!e.is_regular_file() || access(e.path().c_str(), X_OK) != 0) continue;
    out.push_back(e.path().string());
  }
  std::sort(out.begin(), out.end());
  return out;
}

bool list_rows(const std::vector<std::string>& binaries, const std::string& filter,
               const std::map<std::string, std::string>& env, std::vector<Listing>* out, std::string* error) {
  out->clear();
  for (const auto& bin : binaries) {
    ProcResult r = run_process({bin, "--benchmark_list_tests=true", "--benchmark_filter=" + filter}, env, true, true);
    if (!r.ok()) {
      std::string msg = r.err;
      while (!msg.empty() && (msg.back() == '\n' || msg.back() == '\r')) msg.pop_back();
      if (auto nl = msg.rfind('\n'); nl != std::string::npos) msg = msg.substr(nl + 1);
      *error = fs::path(bin).filename().string() + " could not list its benchmarks (" + r.describe() + ")" +
               (msg.empty() ? "" : ": " + msg);
      return false;
    }
    Listing l;
    l.binary = bin;
    std::istringstream lines(r.out);
    std::string line;
    while (std::getline(lines, line))
      if (!line.empty()) l.names.push_back(line);
    out->push_back(std::move(l));
  }
  return true;
}

bool valid_filter(const std::string& filter, std::string* why) {
  regex_t re;
  int rc = regcomp(&re, filter.c_str(), REG_EXTENDED | REG_NOSUB);
  if (rc != 0) {
    char msg[256];
    regerror(rc, &re, msg, sizeof msg);
    *why = "invalid regular expression '" + filter + "': " + msg;
    return false;
  }
  regfree(&re);
  return true;
}

std::string regex_escape(const std::string& s) {
  std::string o;
  for (char c : s) {
    if (std::strchr("\\^$.|?*+()[]{}", c)) o += '\\';
    o += c;
  }
  return o;
}

std::string exact_row_filter(const std::string& run_name) {
  // Google Benchmark orders name parts: base/args, min_time, iterations, repeats, time type,
  // threads. Split off the suffixes that come after "iterations:".
  std::string base = run_name, suffix;
  for (;;) {
    auto slash = base.rfind('/');
    if (slash == std::string::npos) break;
    std::string part = base.substr(slash + 1);
    if (part.rfind("threads:", 0) == 0 || part == "real_time" || part == "manual_time" ||
        part == "process_time" || part.rfind("repeats:", 0) == 0) {
      suffix = base.substr(slash) + suffix;
      base = base.substr(0, slash);
    } else {
      break;
    }
  }
  return "^" + regex_escape(base) + "(/iterations:[0-9]+)?" + regex_escape(suffix) + "$";
}

std::string base_row_name(const std::string& run_name) {
  std::string base = run_name;
  for (;;) {
    auto slash = base.rfind('/');
    if (slash == std::string::npos) break;
    std::string part = base.substr(slash + 1);
    bool gb = part == "real_time" || part == "manual_time" || part == "process_time";
    for (const char* p : {"threads:", "iterations:", "repeats:", "min_time:", "min_warmup_time:"})
      gb = gb || part.rfind(p, 0) == 0;
    if (!gb) break;
    base = base.substr(0, slash);
  }
  return base;
}

std::string make_temp_dir(const std::string& prefix) {
  const char* t = std::getenv("TMPDIR");
  std::string tmpl = std::string(t && *t ? t : "/tmp") + "/" + prefix + "XXXXXX";
  std::vector<char> buf(tmpl.begin(), tmpl.end());
  buf.push_back(0);
  if (!mkdtemp(buf.data())) throw std::runtime_error(std::string("mkdtemp failed: ") + std::strerror(errno));
  return buf.data();
}

}  // namespace eb::cli::runner
