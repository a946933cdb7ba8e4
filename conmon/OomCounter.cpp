#include "conmon/OomCounter.h"

#include <fcntl.h>
#include <linux/magic.h>
#include <sys/statfs.h>
#include <unistd.h>

#include <algorithm>

#include "conmon/Diag.h"
#include "conmon/Text.h"

namespace crix::conmon {
namespace {

constexpr std::string_view kCgroupRoot = "/sys/fs/cgroup";

bool unifiedHierarchy() {
  struct statfs fs;
  return ::statfs(kCgroupRoot.data(), &fs) == 0 && fs.f_type == CGROUP2_SUPER_MAGIC;
}

std::string readSmallFile(const std::string& path) {
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd) return {};
  std::string text(4096, '\0');
  const ssize_t n = ::read(fd.get(), text.data(), text.size());
  text.resize(n > 0 ? static_cast<size_t>(n) : 0);
  return text;
}

// The process's cgroup in the memory hierarchy (v1) or the unified one (v2),
// from lines like "4:memory:/crix/abc" or "0::/crix/abc".
std::string cgroupOf(pid_t pid, bool unified) {
  const std::string text = readSmallFile("/proc/" + std::to_string(pid) + "/cgroup");
  std::string_view rest = text;
  while (!rest.empty()) {
    const size_t eol = std::min(rest.find('\n'), rest.size());
    const std::string_view line = rest.substr(0, eol);
    rest.remove_prefix(std::min(eol + 1, rest.size()));
    const size_t first = line.find(':');
    const size_t second = line.find(':', first + 1);
    if (first == line.npos || second == line.npos) continue;
    const std::string_view controllers = line.substr(first + 1, second - first - 1);
    const std::string_view path = line.substr(second + 1);
    if (unified) {
      if (line.substr(0, first) == "0" && controllers.empty()) return std::string(path);
      continue;
    }
    for (std::string_view list = controllers; !list.empty();) {
      const size_t comma = std::min(list.find(','), list.size());
      if (list.substr(0, comma) == "memory") return std::string(path);
      list.remove_prefix(std::min(comma + 1, list.size()));
    }
  }
  return {};
}

}  // namespace

std::optional<long long> parseOomKillCount(std::string_view text) {
  constexpr std::string_view kKey = "oom_kill ";
  while (!text.empty()) {
    const size_t eol = std::min(text.find('\n'), text.size());
    const std::string_view line = text.substr(0, eol);
    if (line.starts_with(kKey)) return parseDecimal(line.substr(kKey.size()));
    text.remove_prefix(std::min(eol + 1, text.size()));
  }
  return std::nullopt;
}

OomCounter OomCounter::watch(pid_t pid, const std::string& cgroupPath) {
  const bool unified = unifiedHierarchy();
  std::string dir;
  if (cgroupPath.starts_with(std::string(kCgroupRoot) + "/")) {
    dir = cgroupPath;
  } else {
    const std::string cgroup = cgroupPath.empty() ? cgroupOf(pid, unified) : cgroupPath;
    if (cgroup.empty()) {
      diag::warn("cannot find the memory cgroup of ", Decimal(pid), "; OOM kills will not be reported");
      return {};
    }
    dir = std::string(kCgroupRoot) + (unified ? "" : "/memory") + (cgroup.front() == '/' ? "" : "/") + cgroup;
  }

  OomCounter counter;
  counter.file_ = dir + (unified ? "/memory.events" : "/memory.oom_control");
  counter.fd_.reset(::open(counter.file_.c_str(), O_RDONLY | O_CLOEXEC));
  const auto baseline = counter.read();
  if (!baseline) {
    diag::warn("no oom_kill counter in ", counter.file_, "; OOM kills will not be reported");
    return {};
  }
  counter.baseline_ = *baseline;
  diag::debug("watching ", counter.file_, " from oom_kill ", Decimal(*baseline));
  return counter;
}

std::optional<long long> OomCounter::read() const {
  if (!fd_) return std::nullopt;
  char buf[1024];
  const ssize_t n = ::pread(fd_.get(), buf, sizeof buf, 0);
  if (n <= 0) return std::nullopt;
  return parseOomKillCount({buf, static_cast<size_t>(n)});
}

bool OomCounter::killedSinceWatched() const {
  const auto now = read();
  return now && *now > baseline_;
}

}  // namespace crix::conmon
