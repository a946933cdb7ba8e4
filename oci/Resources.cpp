#include "oci/Resources.h"

#include <cctype>

#include "core/Error.h"
#include "core/Log.h"

namespace crix::oci {
namespace {

[[noreturn]] void bad(const std::string& field, std::int64_t value, const std::string& why) {
  throw Error::invalidArgument(field + " " + std::to_string(value) + " " + why);
}

// "0-3,6", as cpuset.cpus and cpuset.mems take it.
bool isCpuList(const std::string& s) {
  if (s.empty()) return false;
  bool digit = false;
  for (const char c : s) {
    if (std::isdigit(static_cast<unsigned char>(c))) {
      digit = true;
    } else if ((c == ',' || c == '-') && digit) {
      digit = false;
    } else {
      return false;
    }
  }
  return digit;
}

// "2MB", "1GB", "64KB": what the hugetlb controller names its files by.
bool isPageSize(const std::string& s) {
  std::size_t i = 0;
  while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]))) ++i;
  if (i == 0) return false;
  const std::string unit = s.substr(i);
  return unit == "KB" || unit == "MB" || unit == "GB" || unit == "TB" || unit == "PB";
}

}  // namespace

nlohmann::json resourcesSection(const config::Config& cfg, const config::RuntimeHandler* handler,
                                const runtime::v1::LinuxContainerResources& r,
                                const HostFacts& host) {
  nlohmann::json out = nlohmann::json::object();

  nlohmann::json cpu = nlohmann::json::object();
  if (r.cpu_shares() < 0) bad("cpu_shares", r.cpu_shares(), "is negative");
  if (r.cpu_shares() > 0) cpu["shares"] = static_cast<std::uint64_t>(r.cpu_shares());
  if (r.cpu_period() < 0) bad("cpu_period", r.cpu_period(), "is negative");
  if (r.cpu_period() > 0) cpu["period"] = static_cast<std::uint64_t>(r.cpu_period());
  if (r.cpu_quota() < -1) bad("cpu_quota", r.cpu_quota(), "is neither -1 (no quota) nor positive");
  if (r.cpu_quota() != 0) cpu["quota"] = r.cpu_quota();
  if (!r.cpuset_cpus().empty()) {
    if (!isCpuList(r.cpuset_cpus())) {
      throw Error::invalidArgument("cpuset_cpus \"" + r.cpuset_cpus() +
                                   "\" is not a CPU list like \"0-3,6\"");
    }
    cpu["cpus"] = r.cpuset_cpus();
  }
  if (!r.cpuset_mems().empty()) {
    if (!isCpuList(r.cpuset_mems())) {
      throw Error::invalidArgument("cpuset_mems \"" + r.cpuset_mems() +
                                   "\" is not a node list like \"0-1\"");
    }
    cpu["mems"] = r.cpuset_mems();
  }
  if (!cpu.empty()) out["cpu"] = std::move(cpu);

  nlohmann::json memory = nlohmann::json::object();
  const std::int64_t limit = r.memory_limit_in_bytes();
  if (limit < 0) bad("memory_limit_in_bytes", limit, "is negative");
  if (limit > 0) {
    const std::int64_t minimum = handler && handler->container_min_memory.bytes > 0
                                     ? handler->container_min_memory.bytes
                                     : kDefaultMinMemory;
    if (limit < minimum) {
      bad("memory_limit_in_bytes", limit,
          "is too low; a container needs at least " + std::to_string(minimum) + " bytes");
    }
    memory["limit"] = limit;
  }
  const std::int64_t swap = r.memory_swap_limit_in_bytes();
  if (swap < -1) bad("memory_swap_limit_in_bytes", swap, "is neither -1 (unlimited) nor positive");
  if (swap > 0 && limit > 0 && swap < limit) {
    bad("memory_swap_limit_in_bytes", swap,
        "is below memory_limit_in_bytes " + std::to_string(limit) +
            " (it limits memory plus swap)");
  }
  if (host.swapLimitSupported) {
    if (swap != 0) {
      memory["swap"] = swap;
    } else if (limit > 0) {
      memory["swap"] = limit;
    }
  } else if (swap != 0) {
    log::warn("this node cannot limit swap; ignoring memory_swap_limit_in_bytes ", swap);
  }
  if (!memory.empty()) out["memory"] = std::move(memory);

  if (!r.hugepage_limits().empty()) {
    nlohmann::json pages = nlohmann::json::array();
    for (const auto& h : r.hugepage_limits()) {
      if (!isPageSize(h.page_size())) {
        throw Error::invalidArgument("hugepage page_size \"" + h.page_size() +
                                     "\" is not a size like \"2MB\" or \"1GB\"");
      }
      pages.push_back({{"pageSize", h.page_size()}, {"limit", h.limit()}});
    }
    if (host.hugetlbController) {
      out["hugepageLimits"] = std::move(pages);
    } else {
      log::warn("this node has no hugetlb cgroup controller; ignoring hugepage limits");
    }
  }

  if (!r.unified().empty()) {
    if (!host.cgroupV2) {
      throw Error::invalidArgument(
          "unified cgroup settings need cgroup v2, and this node runs cgroup v1");
    }
    nlohmann::json unified = nlohmann::json::object();
    for (const auto& [key, value] : r.unified()) {
      if (key.empty() || key.find('/') != std::string::npos) {
        throw Error::invalidArgument("unified cgroup key \"" + key + "\" is not a file name");
      }
      unified[key] = value;
    }
    out["unified"] = std::move(unified);
  }

  if (cfg.runtime.pids_limit > 0 && host.pidsController) {
    out["pids"] = {{"limit", cfg.runtime.pids_limit}};
  }
  return out;
}

int oomScoreAdj(const runtime::v1::LinuxContainerResources& resources) {
  const auto adj = resources.oom_score_adj();
  if (adj < -1000 || adj > 1000) bad("oom_score_adj", adj, "is outside [-1000, 1000]");
  return static_cast<int>(adj);
}

std::string cgroupsPath(const std::string& cgroupManager, const std::string& parent,
                        const std::string& containerId) {
  if (cgroupManager == "systemd") {
    const std::string slice = parent.empty() ? "system.slice" : parent;
    if (!slice.ends_with(".slice") || slice.find('/') != std::string::npos) {
      throw Error::invalidArgument("cgroup parent \"" + parent +
                                   "\" is not a systemd slice name (like "
                                   "kubepods-burstable-pod1234.slice), as the systemd cgroup "
                                   "manager needs");
    }
    return slice + ":crix:" + containerId;
  }
  std::string base = parent.empty() ? "/crix" : parent;
  while (base.size() > 1 && base.back() == '/') base.pop_back();
  if (base.front() != '/') base.insert(0, "/");
  return (base == "/" ? "" : base) + "/crix-" + containerId;
}

}  // namespace crix::oci
