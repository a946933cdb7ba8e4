// crix's configuration, in the shape of CRI-O's crio.conf so that an existing
// CRI-O configuration file keeps working. Each nested struct is one TOML table
// and each field carries the TOML key's exact name: grepping for a key finds
// both the file format and every use of it in the daemon.
//
// Loading, writing and reload diffing live beside this header:
//   config/ConfigLoader.h  load() files and drop-ins, Diagnostic, Loaded
//   config/ConfigWriter.h  toToml() and toJson()
//   config/Reload.h        reloadableChanges() for SIGHUP
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace crix::config {

inline constexpr const char* kDefaultConfigFile = "/etc/crix/crix.conf";
inline constexpr const char* kDefaultConfigDir = "/etc/crix/crix.conf.d";

// Go-style durations ("30s", "4h") in the file; nanoseconds because that is
// Go's resolution, so every value CRI-O accepts survives a round trip.
using Duration = std::chrono::nanoseconds;

// A memory size written as a string ("12MiB", "500KiB", "1048576") the way
// CRI-O's container_min_memory is. 0 means "not set".
struct ByteSize {
  std::int64_t bytes = 0;
  bool operator==(const ByteSize&) const = default;
};

using StringList = std::vector<std::string>;
using StringMap = std::map<std::string, std::string>;

// [crio]
struct RootConfig {
  std::string root;
  std::string runroot;
  std::string log_dir;
  std::string version_file;
  std::string clean_shutdown_file;
  std::string storage_driver;
  StringList storage_option;
  bool operator==(const RootConfig&) const = default;
};

// [crio.api]
struct ApiConfig {
  std::string listen;
  std::string stream_address;
  std::string stream_port;  // a string in CRI-O too; "0" picks a free port
  bool stream_enable_tls = false;
  std::string stream_tls_cert;
  std::string stream_tls_key;
  std::string stream_tls_ca;
  Duration stream_idle_timeout{};
  std::int64_t grpc_max_send_msg_size = 0;
  std::int64_t grpc_max_recv_msg_size = 0;
  // crix's own: the most threads gRPC may run calls on. A call beyond it is
  // refused with RESOURCE_EXHAUSTED instead of starting one more thread.
  std::int64_t grpc_max_threads = 0;
  bool operator==(const ApiConfig&) const = default;
};

// [crio.runtime.runtimes.NAME]. Empty strings mean "derive it":
//   runtime_path   ""  -> look NAME up on PATH
//   runtime_root   ""  -> the runtime's own default state directory
//   monitor_path   ""  -> crio.runtime.conmon, else crix-conmon beside crix
//   monitor_cgroup ""  -> crio.runtime.conmon_cgroup
//   monitor_env    []  -> crio.runtime.conmon_env
// The helpers below resolve the monitor fallbacks.
struct RuntimeHandler {
  std::string runtime_path;
  std::string runtime_type = "oci";
  std::string runtime_root;
  std::string runtime_config_path;
  std::string monitor_path;
  std::string monitor_cgroup;
  StringList monitor_env;
  std::string monitor_exec_cgroup;  // "" or "container"
  bool privileged_without_host_devices = false;
  StringList allowed_annotations;
  StringMap platform_runtime_paths;  // "os/arch" -> path
  ByteSize container_min_memory;     // 0: crix's global minimum
  bool no_sync_log = false;
  bool operator==(const RuntimeHandler&) const = default;
};

// [crio.runtime]
struct RuntimeConfig {
  std::string default_runtime;
  bool no_pivot = false;
  std::string decryption_keys_path;
  std::string conmon;  // deprecated in CRI-O in favour of monitor_path, still honoured
  std::string conmon_cgroup;
  StringList conmon_env;
  StringList default_env;
  bool selinux = false;
  std::string seccomp_profile;  // "" -> crix's built-in profile
  // CRI defines an unset seccomp profile as Unconfined; true makes it RuntimeDefault.
  bool seccomp_use_default_when_empty = false;
  std::string apparmor_profile;
  std::string cgroup_manager;  // "cgroupfs" or "systemd"
  StringList default_capabilities;
  bool add_inheritable_capabilities = false;
  StringList default_sysctls;
  StringList allowed_devices;
  StringList additional_devices;
  StringList default_ulimits;
  StringList hooks_dir;
  std::int64_t pids_limit = -1;
  std::int64_t log_size_max = -1;
  bool log_to_journald = false;
  std::string container_exits_dir;
  std::string container_attach_socket_dir;
  std::string bind_mount_prefix;
  bool read_only = false;
  std::string log_level;
  std::string log_filter;
  std::string uid_mappings;
  std::string gid_mappings;
  std::int64_t minimum_mappable_uid = -1;
  std::int64_t minimum_mappable_gid = -1;
  std::int64_t ctr_stop_timeout = 30;
  bool drop_infra_ctr = true;
  std::string infra_ctr_cpuset;
  std::string namespaces_dir;
  std::string pinns_path;
  StringList absent_mount_sources_to_reject;
  bool device_ownership_from_security_context = false;
  bool enable_criu_support = false;
  std::map<std::string, RuntimeHandler> runtimes;
  bool operator==(const RuntimeConfig&) const = default;
};

// [crio.image]
struct ImageConfig {
  std::string default_transport;
  std::string global_auth_file;
  std::string pause_image;
  std::string pause_image_auth_file;
  std::string pause_command;
  StringList pinned_images;
  std::string signature_policy;  // "" -> /etc/containers/policy.json
  std::string signature_policy_dir;
  StringList insecure_registries;
  std::string image_volumes;  // "mkdir", "bind" or "ignore"
  std::string big_files_temporary_dir;
  bool auto_reload_registries = false;
  Duration pull_progress_timeout{};  // 0: no timeout
  // crix additions. CRI-O takes the registries.conf path from a command-line
  // flag and has no download concurrency knob in crio.conf.
  std::string registries_conf;
  std::int64_t max_parallel_downloads = 3;
  bool operator==(const ImageConfig&) const = default;
};

// [crio.network]
struct NetworkConfig {
  std::string cni_default_network;  // "" -> first network found in network_dir
  std::string network_dir;
  StringList plugin_dirs;
  bool operator==(const NetworkConfig&) const = default;
};

// [crio.metrics]
struct MetricsConfig {
  bool enable_metrics = false;
  StringList metrics_collectors;  // [] -> every collector crix has
  std::int64_t metrics_port = 9090;
  std::string metrics_socket;
  std::string metrics_host;
  bool operator==(const MetricsConfig&) const = default;
};

// [crio.stats]
struct StatsConfig {
  std::int64_t stats_collection_period = 0;  // seconds; 0 -> on demand
  std::int64_t collection_period = 0;        // seconds; 0 -> on demand
  bool operator==(const StatsConfig&) const = default;
};

struct Config {
  RootConfig crio;
  ApiConfig api;
  RuntimeConfig runtime;
  ImageConfig image;
  NetworkConfig network;
  MetricsConfig metrics;
  StatsConfig stats;
  bool operator==(const Config&) const = default;

  // nullptr when no [crio.runtime.runtimes.NAME] table exists.
  const RuntimeHandler* runtimeHandler(const std::string& name) const;
};

// crix's built-in configuration: what load() starts from before any file.
Config defaults();

// The monitor settings a handler really uses, after CRI-O's fallbacks from the
// handler's monitor_* keys to the deprecated crio.runtime.conmon* keys.
// An empty monitorPath still means "crix-conmon beside the crix binary".
std::string monitorPath(const Config& cfg, const RuntimeHandler& handler);
std::string monitorCgroup(const Config& cfg, const RuntimeHandler& handler);
StringList monitorEnv(const Config& cfg, const RuntimeHandler& handler);

}  // namespace crix::config
