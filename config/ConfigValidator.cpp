#include "config/ConfigValidator.h"

#include <algorithm>
#include <array>
#include <charconv>
#include <regex>
#include <string_view>

#include "config/TomlText.h"
#include "core/Error.h"
#include "core/Log.h"

namespace crix::config {

namespace {

constexpr std::int64_t kDefaultGrpcMsgSize = 80LL * 1024 * 1024;
constexpr std::int64_t kMaxGrpcMsgSize = 2147483647;  // gRPC takes an int
// conmon reads container output in chunks of this size; a smaller limit
// could never be honoured.
constexpr std::int64_t kMinLogSizeMax = 8192;

constexpr std::array<std::string_view, 41> kCapabilities = {
    "CHOWN",           "DAC_OVERRIDE",    "DAC_READ_SEARCH", "FOWNER",      "FSETID",
    "KILL",            "SETGID",          "SETUID",          "SETPCAP",     "LINUX_IMMUTABLE",
    "NET_BIND_SERVICE", "NET_BROADCAST",  "NET_ADMIN",       "NET_RAW",     "IPC_LOCK",
    "IPC_OWNER",       "SYS_MODULE",      "SYS_RAWIO",       "SYS_CHROOT",  "SYS_PTRACE",
    "SYS_PACCT",       "SYS_ADMIN",       "SYS_BOOT",        "SYS_NICE",    "SYS_RESOURCE",
    "SYS_TIME",        "SYS_TTY_CONFIG",  "MKNOD",           "LEASE",       "AUDIT_WRITE",
    "AUDIT_CONTROL",   "SETFCAP",         "MAC_OVERRIDE",    "MAC_ADMIN",   "SYSLOG",
    "WAKE_ALARM",      "BLOCK_SUSPEND",   "AUDIT_READ",      "PERFMON",     "BPF",
    "CHECKPOINT_RESTORE",
};

constexpr std::array<std::string_view, 16> kUlimits = {
    "as",     "core",  "cpu",    "data",   "fsize",  "locks",      "memlock", "msgqueue",
    "nice",   "nofile", "nproc", "rss",    "rtprio", "rttime",     "sigpending", "stack",
};

template <class Container>
bool contains(const Container& c, std::string_view v) {
  return std::find(c.begin(), c.end(), v) != c.end();
}

std::optional<std::int64_t> parseInt(std::string_view s) {
  std::int64_t v = 0;
  const auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size() || s.empty()) return std::nullopt;
  return v;
}

std::vector<std::string_view> split(std::string_view s, char sep) {
  std::vector<std::string_view> parts;
  std::size_t start = 0;
  while (true) {
    const auto pos = s.find(sep, start);
    parts.push_back(s.substr(start, pos == std::string_view::npos ? std::string_view::npos
                                                                  : pos - start));
    if (pos == std::string_view::npos) break;
    start = pos + 1;
  }
  return parts;
}

bool isAbsolute(std::string_view p) { return !p.empty() && p[0] == '/'; }

bool isPerms(std::string_view p) {
  return !p.empty() && p.size() <= 3 &&
         p.find_first_not_of("rwm") == std::string_view::npos;
}

// "0-3,5,7-8"
bool isCpuList(std::string_view s) {
  for (const auto part : split(s, ',')) {
    const auto range = split(part, '-');
    if (range.size() > 2) return false;
    std::int64_t prev = -1;
    for (const auto n : range) {
      const auto v = parseInt(n);
      if (!v || *v < 0 || *v < prev) return false;
      prev = *v;
    }
  }
  return true;
}

// "containerID:hostID:size[,...]"
bool isIdMappings(std::string_view s) {
  for (const auto range : split(s, ',')) {
    const auto fields = split(range, ':');
    if (fields.size() != 3) return false;
    for (std::size_t i = 0; i < 3; ++i) {
      const auto v = parseInt(fields[i]);
      if (!v || *v < 0 || (i == 2 && *v == 0) || *v > 0xFFFFFFFFLL) return false;
    }
  }
  return true;
}

class Checker {
 public:
  Checker(Config& cfg, const Origins& origins, std::vector<Diagnostic>& warnings)
      : cfg_(cfg), origins_(origins), warnings_(warnings) {}

  void run() {
    root();
    api();
    runtime();
    for (auto& [name, handler] : cfg_.runtime.runtimes) runtimeHandler(name, handler);
    image();
    network();
    metrics();
  }

 private:
  // The key's own origin, else that of the nearest enclosing table that has
  // one: a runtime handler's unset key is still best blamed on its table.
  const Origin* originOf(std::string key) const {
    while (true) {
      if (const auto it = origins_.find(key); it != origins_.end()) return &it->second;
      const auto dot = key.rfind('.');
      if (dot == std::string::npos) return nullptr;
      key.resize(dot);
    }
  }

  [[noreturn]] void fail(const std::string& key, const std::string& message) const {
    std::string prefix;
    if (const Origin* o = originOf(key)) {
      prefix = o->file + ":" + std::to_string(o->line) + ": ";
    }
    throw Error::invalidArgument(prefix + key + ": " + message);
  }

  void warn(const std::string& key, const std::string& message) const {
    Diagnostic d;
    d.key = key;
    d.message = message;
    if (const Origin* o = originOf(key)) {
      d.file = o->file;
      d.line = o->line;
    }
    warnings_.push_back(std::move(d));
  }

  void absolute(const std::string& key, const std::string& path) const {
    if (path.empty()) fail(key, "must not be empty");
    if (!isAbsolute(path)) fail(key, "\"" + path + "\" is not an absolute path");
  }
  void absoluteOrEmpty(const std::string& key, const std::string& path) const {
    if (!path.empty()) absolute(key, path);
  }
  void absoluteEach(const std::string& key, const StringList& paths) const {
    for (const auto& p : paths) absolute(key, p);
  }
  void nonNegative(const std::string& key, std::int64_t v) const {
    if (v < 0) fail(key, "must not be negative, got " + std::to_string(v));
  }
  void nonNegative(const std::string& key, Duration d) const {
    if (d.count() < 0) fail(key, "must not be negative");
  }
  void port(const std::string& key, std::int64_t v) const {
    if (v < 0 || v > 65535) fail(key, "port " + std::to_string(v) + " is not in 0-65535");
  }
  void envList(const std::string& key, const StringList& env) const {
    for (const auto& e : env) {
      const auto eq = e.find('=');
      if (eq == std::string::npos || eq == 0) {
        fail(key, "\"" + e + "\" is not of the form NAME=value");
      }
    }
  }
  void grpcSize(const std::string& key, std::int64_t& v) const {
    if (v <= 0) v = kDefaultGrpcMsgSize;  // CRI-O reads "unset or <= 0" as the default
    if (v > kMaxGrpcMsgSize) {
      fail(key, std::to_string(v) + " exceeds gRPC's limit of " + std::to_string(kMaxGrpcMsgSize));
    }
  }
  // cgroupfs has no slices; systemd takes either the pod's cgroup or a slice.
  void monitorCgroupValue(const std::string& key, const std::string& value) const {
    if (value.empty() || value == "pod") return;
    if (cfg_.runtime.cgroup_manager == "systemd") {
      if (value.size() > 6 && value.ends_with(".slice")) return;
      fail(key, "\"" + value + "\" is neither \"pod\" nor a systemd slice (name.slice)");
    }
    fail(key, "\"" + value + "\" is not \"pod\"; with cgroup_manager \"cgroupfs\" the monitor "
              "can only join the pod's cgroup");
  }

  void root() {
    const auto& c = cfg_.crio;
    absolute("crio.root", c.root);
    absolute("crio.runroot", c.runroot);
    absolute("crio.log_dir", c.log_dir);
    absoluteOrEmpty("crio.version_file", c.version_file);
    absoluteOrEmpty("crio.clean_shutdown_file", c.clean_shutdown_file);
  }

  void api() {
    auto& a = cfg_.api;
    absolute("crio.api.listen", a.listen);
    const auto p = parseInt(a.stream_port);
    if (!p) fail("crio.api.stream_port", "\"" + a.stream_port + "\" is not a port number");
    port("crio.api.stream_port", *p);
    if (a.stream_enable_tls) {
      if (a.stream_tls_cert.empty()) fail("crio.api.stream_enable_tls", "needs stream_tls_cert");
      if (a.stream_tls_key.empty()) fail("crio.api.stream_enable_tls", "needs stream_tls_key");
    }
    nonNegative("crio.api.stream_idle_timeout", a.stream_idle_timeout);
    grpcSize("crio.api.grpc_max_send_msg_size", a.grpc_max_send_msg_size);
    grpcSize("crio.api.grpc_max_recv_msg_size", a.grpc_max_recv_msg_size);
    // gRPC's pollers and the quick calls keep 8 of them (cri/SlowCallLimit);
    // fewer than 16 leave too few for the slow calls.
    if (a.grpc_max_threads < 16)
      fail("crio.api.grpc_max_threads", "must be at least 16, got " + std::to_string(a.grpc_max_threads));
  }

  void runtime() {
    auto& r = cfg_.runtime;
    if (r.cgroup_manager != "cgroupfs" && r.cgroup_manager != "systemd") {
      fail("crio.runtime.cgroup_manager",
           "\"" + r.cgroup_manager + "\" is not \"cgroupfs\" or \"systemd\"");
    }
    if (r.default_runtime.empty()) fail("crio.runtime.default_runtime", "must not be empty");
    if (!r.runtimes.contains(r.default_runtime)) {
      fail("crio.runtime.default_runtime",
           "no [crio.runtime.runtimes." + toml_text::key(r.default_runtime) + "] table");
    }
    monitorCgroupValue("crio.runtime.conmon_cgroup", r.conmon_cgroup);
    envList("crio.runtime.conmon_env", r.conmon_env);
    envList("crio.runtime.default_env", r.default_env);

    for (const auto& cap : r.default_capabilities) {
      std::string name = cap;
      std::transform(name.begin(), name.end(), name.begin(),
                     [](unsigned char ch) { return static_cast<char>(std::toupper(ch)); });
      if (name.starts_with("CAP_")) name.erase(0, 4);
      if (!contains(kCapabilities, name)) {
        fail("crio.runtime.default_capabilities", "unknown capability \"" + cap + "\"");
      }
    }
    for (const auto& s : r.default_sysctls) {
      const auto eq = s.find('=');
      if (eq == std::string::npos || eq == 0) {
        fail("crio.runtime.default_sysctls", "\"" + s + "\" is not of the form name=value");
      }
    }
    absoluteEach("crio.runtime.allowed_devices", r.allowed_devices);
    for (const auto& d : r.additional_devices) device(d);
    for (const auto& u : r.default_ulimits) ulimit(u);
    for (const auto& h : r.hooks_dir) {
      if (h.empty()) fail("crio.runtime.hooks_dir", "contains an empty path");
    }
    if (r.log_size_max >= 0 && r.log_size_max < kMinLogSizeMax) {
      fail("crio.runtime.log_size_max", "must be negative (no limit) or at least " +
                                            std::to_string(kMinLogSizeMax) + ", got " +
                                            std::to_string(r.log_size_max));
    }
    absolute("crio.runtime.container_exits_dir", r.container_exits_dir);
    absolute("crio.runtime.container_attach_socket_dir", r.container_attach_socket_dir);
    absolute("crio.runtime.namespaces_dir", r.namespaces_dir);
    if (!log::parseLevel(r.log_level)) {
      fail("crio.runtime.log_level",
           "unknown log level \"" + r.log_level +
               "\"; use one of fatal, panic, error, warn, info, debug, trace");
    }
    if (!r.log_filter.empty()) {
      try {
        std::regex re(r.log_filter);
      } catch (const std::regex_error& e) {
        fail("crio.runtime.log_filter",
             "\"" + r.log_filter + "\" is not a regular expression: " + e.what());
      }
    }
    if (!r.uid_mappings.empty() && !isIdMappings(r.uid_mappings)) {
      fail("crio.runtime.uid_mappings",
           "\"" + r.uid_mappings + "\" is not containerUID:hostUID:size[,...]");
    }
    if (!r.gid_mappings.empty() && !isIdMappings(r.gid_mappings)) {
      fail("crio.runtime.gid_mappings",
           "\"" + r.gid_mappings + "\" is not containerGID:hostGID:size[,...]");
    }
    if (r.minimum_mappable_uid < -1) {
      fail("crio.runtime.minimum_mappable_uid", "must be -1 (no minimum) or an ID");
    }
    if (r.minimum_mappable_gid < -1) {
      fail("crio.runtime.minimum_mappable_gid", "must be -1 (no minimum) or an ID");
    }
    nonNegative("crio.runtime.ctr_stop_timeout", r.ctr_stop_timeout);
    if (!r.infra_ctr_cpuset.empty() && !isCpuList(r.infra_ctr_cpuset)) {
      fail("crio.runtime.infra_ctr_cpuset",
           "\"" + r.infra_ctr_cpuset + "\" is not a CPU list like \"0-3,6\"");
    }
    absoluteEach("crio.runtime.absent_mount_sources_to_reject", r.absent_mount_sources_to_reject);
  }

  // host[:container][:permissions], as podman and CRI-O read --device.
  void device(const std::string& spec) const {
    const std::string key = "crio.runtime.additional_devices";
    const auto parts = split(spec, ':');
    const auto bad = [&](const std::string& why) { fail(key, "\"" + spec + "\": " + why); };
    if (parts.size() > 3) bad("too many ':'-separated fields");
    if (!isAbsolute(parts[0])) bad("the host device must be an absolute path");
    if (parts.size() == 2 && !isAbsolute(parts[1]) && !isPerms(parts[1])) {
      bad("the second field must be a container path or permissions (r, w, m)");
    }
    if (parts.size() == 3) {
      if (!isAbsolute(parts[1])) bad("the container path must be absolute");
      if (!isPerms(parts[2])) bad("permissions must be made of r, w and m");
    }
  }

  // name=soft[:hard], as docker's --ulimit.
  void ulimit(const std::string& spec) const {
    const std::string key = "crio.runtime.default_ulimits";
    const auto eq = spec.find('=');
    if (eq == std::string::npos) fail(key, "\"" + spec + "\" is not of the form name=soft:hard");
    const std::string_view name = std::string_view(spec).substr(0, eq);
    if (!contains(kUlimits, name)) {
      fail(key, "\"" + spec + "\": unknown ulimit \"" + std::string(name) + "\"");
    }
    const auto limits = split(std::string_view(spec).substr(eq + 1), ':');
    if (limits.size() > 2) fail(key, "\"" + spec + "\" is not of the form name=soft:hard");
    for (const auto l : limits) {
      if (!parseInt(l)) fail(key, "\"" + spec + "\": \"" + std::string(l) + "\" is not a number");
    }
    if (limits.size() == 2) {
      const auto soft = *parseInt(limits[0]);
      const auto hard = *parseInt(limits[1]);
      if (hard >= 0 && (soft < 0 || soft > hard)) {
        fail(key, "\"" + spec + "\": the soft limit exceeds the hard limit");
      }
    }
  }

  void runtimeHandler(const std::string& name, RuntimeHandler& h) const {
    const std::string base = toml_text::join("crio.runtime.runtimes", name);
    const auto k = [&](std::string_view field) { return base + "." + std::string(field); };

    if (h.runtime_type.empty()) h.runtime_type = "oci";  // CRI-O's reading of ""
    if (h.runtime_type == "vm" || h.runtime_type == "pod") {
      warn(k("runtime_type"), k("runtime_type") + " \"" + h.runtime_type +
                                  "\" is not supported by crix, which runs only \"oci\" "
                                  "runtimes; pods asking for handler " +
                                  name + " will fail");
    } else if (h.runtime_type != "oci") {
      fail(k("runtime_type"),
           "\"" + h.runtime_type + "\" is not one of \"oci\", \"vm\", \"pod\"");
    }
    absoluteOrEmpty(k("runtime_path"), h.runtime_path);
    absoluteOrEmpty(k("runtime_root"), h.runtime_root);
    absoluteOrEmpty(k("runtime_config_path"), h.runtime_config_path);
    absoluteOrEmpty(k("monitor_path"), h.monitor_path);
    monitorCgroupValue(k("monitor_cgroup"), h.monitor_cgroup);
    envList(k("monitor_env"), h.monitor_env);
    if (!h.monitor_exec_cgroup.empty() && h.monitor_exec_cgroup != "container") {
      fail(k("monitor_exec_cgroup"), "\"" + h.monitor_exec_cgroup + "\" is not \"\" or \"container\"");
    }
    for (const auto& [platform, path] : h.platform_runtime_paths) {
      const auto slash = platform.find('/');
      if (slash == std::string::npos || slash == 0 || slash + 1 == platform.size()) {
        fail(k("platform_runtime_paths"), "\"" + platform + "\" is not of the form os/arch");
      }
      absolute(k("platform_runtime_paths"), path);
    }
    nonNegative(k("container_min_memory"), h.container_min_memory.bytes);
  }

  void image() {
    const auto& i = cfg_.image;
    if (i.pause_image.empty()) fail("crio.image.pause_image", "must not be empty");
    absoluteOrEmpty("crio.image.signature_policy", i.signature_policy);
    absoluteOrEmpty("crio.image.signature_policy_dir", i.signature_policy_dir);
    if (i.image_volumes != "mkdir" && i.image_volumes != "bind" && i.image_volumes != "ignore") {
      fail("crio.image.image_volumes",
           "\"" + i.image_volumes + "\" is not one of \"mkdir\", \"bind\", \"ignore\"");
    }
    absoluteOrEmpty("crio.image.big_files_temporary_dir", i.big_files_temporary_dir);
    nonNegative("crio.image.pull_progress_timeout", i.pull_progress_timeout);
    absoluteOrEmpty("crio.image.registries_conf", i.registries_conf);
    if (i.max_parallel_downloads < 1) {
      fail("crio.image.max_parallel_downloads",
           "must be at least 1, got " + std::to_string(i.max_parallel_downloads));
    }
  }

  void network() {
    const auto& n = cfg_.network;
    absolute("crio.network.network_dir", n.network_dir);
    absoluteEach("crio.network.plugin_dirs", n.plugin_dirs);
  }

  void metrics() {
    port("crio.metrics.metrics_port", cfg_.metrics.metrics_port);
    absoluteOrEmpty("crio.metrics.metrics_socket", cfg_.metrics.metrics_socket);
    nonNegative("crio.stats.stats_collection_period", cfg_.stats.stats_collection_period);
    nonNegative("crio.stats.collection_period", cfg_.stats.collection_period);
  }

  Config& cfg_;
  const Origins& origins_;
  std::vector<Diagnostic>& warnings_;
};

}  // namespace

void checkConfig(Config& cfg, const Origins& origins, std::vector<Diagnostic>& warnings) {
  Checker(cfg, origins, warnings).run();
}

}  // namespace crix::config
