#include "config/Schema.h"

namespace crix::config::schema {

namespace {

using namespace std::string_view_literals;

// ---- [crio] ----------------------------------------------------------------

const Field<RootConfig> kRootFields[] = {
    {"root", &RootConfig::root},
    {"runroot", &RootConfig::runroot},
    {"storage_driver", &RootConfig::storage_driver},
    {"storage_option", &RootConfig::storage_option},
    {"log_dir", &RootConfig::log_dir},
    {"version_file", &RootConfig::version_file},
    {"clean_shutdown_file", &RootConfig::clean_shutdown_file},
};
// file_locking* only appear in old CRI-O files; keeping them here spares their
// owners an "unknown key" scare.
const std::string_view kRootUnused[] = {
    "imagestore"sv,     "version_file_persist"sv, "internal_wipe"sv,
    "internal_repair"sv, "file_locking"sv,         "file_locking_path"sv,
};
const std::string_view kRootUnusedTables[] = {"tracing"sv, "nri"sv};

// ---- [crio.api] ------------------------------------------------------------

const Field<ApiConfig> kApiFields[] = {
    {"listen", &ApiConfig::listen},
    {"stream_address", &ApiConfig::stream_address},
    {"stream_port", &ApiConfig::stream_port},
    {"stream_enable_tls", &ApiConfig::stream_enable_tls},
    {"stream_idle_timeout", &ApiConfig::stream_idle_timeout},
    {"stream_tls_cert", &ApiConfig::stream_tls_cert},
    {"stream_tls_key", &ApiConfig::stream_tls_key},
    {"stream_tls_ca", &ApiConfig::stream_tls_ca},
    {"grpc_max_send_msg_size", &ApiConfig::grpc_max_send_msg_size},
    {"grpc_max_recv_msg_size", &ApiConfig::grpc_max_recv_msg_size},
    {"grpc_max_threads", &ApiConfig::grpc_max_threads},
};
const std::string_view kApiUnused[] = {"host_ip"sv};

// ---- [crio.runtime] --------------------------------------------------------

const Field<RuntimeConfig> kRuntimeFields[] = {
    {"default_runtime", &RuntimeConfig::default_runtime},
    {"no_pivot", &RuntimeConfig::no_pivot},
    {"decryption_keys_path", &RuntimeConfig::decryption_keys_path, true},
    {"conmon", &RuntimeConfig::conmon},
    {"conmon_cgroup", &RuntimeConfig::conmon_cgroup},
    {"conmon_env", &RuntimeConfig::conmon_env},
    {"default_env", &RuntimeConfig::default_env},
    {"selinux", &RuntimeConfig::selinux},
    {"seccomp_profile", &RuntimeConfig::seccomp_profile, true},
    {"seccomp_use_default_when_empty", &RuntimeConfig::seccomp_use_default_when_empty},
    {"apparmor_profile", &RuntimeConfig::apparmor_profile, true},
    {"cgroup_manager", &RuntimeConfig::cgroup_manager},
    {"default_capabilities", &RuntimeConfig::default_capabilities},
    {"add_inheritable_capabilities", &RuntimeConfig::add_inheritable_capabilities},
    {"default_sysctls", &RuntimeConfig::default_sysctls},
    {"allowed_devices", &RuntimeConfig::allowed_devices},
    {"additional_devices", &RuntimeConfig::additional_devices},
    {"default_ulimits", &RuntimeConfig::default_ulimits},
    {"hooks_dir", &RuntimeConfig::hooks_dir},
    {"pids_limit", &RuntimeConfig::pids_limit},
    {"log_size_max", &RuntimeConfig::log_size_max},
    {"log_to_journald", &RuntimeConfig::log_to_journald},
    {"container_exits_dir", &RuntimeConfig::container_exits_dir},
    {"container_attach_socket_dir", &RuntimeConfig::container_attach_socket_dir},
    {"bind_mount_prefix", &RuntimeConfig::bind_mount_prefix},
    {"read_only", &RuntimeConfig::read_only},
    {"log_level", &RuntimeConfig::log_level, true},
    {"log_filter", &RuntimeConfig::log_filter, true},
    {"uid_mappings", &RuntimeConfig::uid_mappings},
    {"gid_mappings", &RuntimeConfig::gid_mappings},
    {"minimum_mappable_uid", &RuntimeConfig::minimum_mappable_uid},
    {"minimum_mappable_gid", &RuntimeConfig::minimum_mappable_gid},
    {"ctr_stop_timeout", &RuntimeConfig::ctr_stop_timeout},
    {"drop_infra_ctr", &RuntimeConfig::drop_infra_ctr},
    {"infra_ctr_cpuset", &RuntimeConfig::infra_ctr_cpuset},
    {"namespaces_dir", &RuntimeConfig::namespaces_dir},
    {"pinns_path", &RuntimeConfig::pinns_path},
    {"absent_mount_sources_to_reject", &RuntimeConfig::absent_mount_sources_to_reject},
    {"device_ownership_from_security_context",
     &RuntimeConfig::device_ownership_from_security_context},
    {"enable_criu_support", &RuntimeConfig::enable_criu_support},
};
// Including keys older CRI-O releases wrote (default_mounts, manage_ns_*)
// since upgraded nodes still carry them.
const std::string_view kRuntimeUnused[] = {
    "privileged_seccomp_profile"sv,
    "blockio_config_file"sv,
    "blockio_reload"sv,
    "irqbalance_config_file"sv,
    "irqbalance_config_restore_file"sv,
    "rdt_config_file"sv,
    "separate_pull_cgroup"sv,
    "cdi_spec_dirs"sv,
    "default_mounts_file"sv,
    "default_mounts"sv,
    "shared_cpuset"sv,
    "enable_pod_events"sv,
    "hostnetwork_disable_selinux"sv,
    "disable_hostport_mapping"sv,
    "timezone"sv,
    "manage_ns_lifecycle"sv,
    "manage_network_ns_lifecycle"sv,
};
const std::string_view kRuntimeUnusedTables[] = {"workloads"sv};

// ---- [crio.runtime.runtimes.NAME] ------------------------------------------

const Field<RuntimeHandler> kHandlerFields[] = {
    {"runtime_path", &RuntimeHandler::runtime_path},
    {"runtime_type", &RuntimeHandler::runtime_type},
    {"runtime_root", &RuntimeHandler::runtime_root},
    {"runtime_config_path", &RuntimeHandler::runtime_config_path},
    {"monitor_path", &RuntimeHandler::monitor_path},
    {"monitor_cgroup", &RuntimeHandler::monitor_cgroup},
    {"monitor_env", &RuntimeHandler::monitor_env},
    {"monitor_exec_cgroup", &RuntimeHandler::monitor_exec_cgroup},
    {"privileged_without_host_devices", &RuntimeHandler::privileged_without_host_devices},
    {"allowed_annotations", &RuntimeHandler::allowed_annotations},
    {"platform_runtime_paths", &RuntimeHandler::platform_runtime_paths},
    {"container_min_memory", &RuntimeHandler::container_min_memory},
    {"no_sync_log", &RuntimeHandler::no_sync_log},
};
const std::string_view kHandlerUnused[] = {
    "inherit_default_runtime"sv, "runtime_pull_image"sv, "default_annotations"sv,
    "stream_websockets"sv,       "exec_cpu_affinity"sv,  "seccomp_profile"sv,
    "container_create_timeout"sv,
};

// ---- [crio.image] ----------------------------------------------------------

const Field<ImageConfig> kImageFields[] = {
    {"default_transport", &ImageConfig::default_transport},
    {"global_auth_file", &ImageConfig::global_auth_file, true},
    {"pause_image", &ImageConfig::pause_image, true},
    {"pause_image_auth_file", &ImageConfig::pause_image_auth_file, true},
    {"pause_command", &ImageConfig::pause_command, true},
    {"pinned_images", &ImageConfig::pinned_images, true},
    {"signature_policy", &ImageConfig::signature_policy},
    {"signature_policy_dir", &ImageConfig::signature_policy_dir},
    {"insecure_registries", &ImageConfig::insecure_registries, true},
    {"image_volumes", &ImageConfig::image_volumes},
    {"big_files_temporary_dir", &ImageConfig::big_files_temporary_dir},
    {"auto_reload_registries", &ImageConfig::auto_reload_registries},
    {"pull_progress_timeout", &ImageConfig::pull_progress_timeout},
    {"registries_conf", &ImageConfig::registries_conf, true,
     "crix addition: path of registries.conf (CRI-O takes it from a command-line flag)"},
    {"max_parallel_downloads", &ImageConfig::max_parallel_downloads, false,
     "crix addition: how many layers one image pull downloads at once"},
};
// "registries" was dropped by CRI-O in favour of registries.conf.
const std::string_view kImageUnused[] = {
    "namespaced_auth_dir"sv, "oci_artifact_mount_support"sv, "short_name_mode"sv,
    "registries"sv,
};

// ---- [crio.network] --------------------------------------------------------

const Field<NetworkConfig> kNetworkFields[] = {
    {"cni_default_network", &NetworkConfig::cni_default_network},
    {"network_dir", &NetworkConfig::network_dir},
    {"plugin_dirs", &NetworkConfig::plugin_dirs},
};
// plugin_dir is CRI-O's deprecated single-directory spelling of plugin_dirs.
const std::string_view kNetworkUnused[] = {"plugin_dir"sv};

// ---- [crio.metrics] --------------------------------------------------------

const Field<MetricsConfig> kMetricsFields[] = {
    {"enable_metrics", &MetricsConfig::enable_metrics},
    {"metrics_collectors", &MetricsConfig::metrics_collectors},
    {"metrics_host", &MetricsConfig::metrics_host},
    {"metrics_port", &MetricsConfig::metrics_port},
    {"metrics_socket", &MetricsConfig::metrics_socket},
};
const std::string_view kMetricsUnused[] = {"metrics_cert"sv, "metrics_key"sv};

// ---- [crio.stats] ----------------------------------------------------------

const Field<StatsConfig> kStatsFields[] = {
    {"stats_collection_period", &StatsConfig::stats_collection_period},
    {"collection_period", &StatsConfig::collection_period},
};
const std::string_view kStatsUnused[] = {"included_pod_metrics"sv};

}  // namespace

const Table<RootConfig>& rootTable() {
  static const Table<RootConfig> t{"", "crio", &Config::crio, kRootFields, kRootUnused,
                                   kRootUnusedTables};
  return t;
}

const Table<ApiConfig>& apiTable() {
  static const Table<ApiConfig> t{"api", "crio.api", &Config::api, kApiFields, kApiUnused, {}};
  return t;
}

const Table<RuntimeConfig>& runtimeTable() {
  static const Table<RuntimeConfig> t{"runtime",      "crio.runtime",  &Config::runtime,
                                      kRuntimeFields, kRuntimeUnused, kRuntimeUnusedTables};
  return t;
}

const Table<ImageConfig>& imageTable() {
  static const Table<ImageConfig> t{"image",      "crio.image", &Config::image,
                                    kImageFields, kImageUnused, {}};
  return t;
}

const Table<NetworkConfig>& networkTable() {
  static const Table<NetworkConfig> t{"network",      "crio.network", &Config::network,
                                      kNetworkFields, kNetworkUnused, {}};
  return t;
}

const Table<MetricsConfig>& metricsTable() {
  static const Table<MetricsConfig> t{"metrics",      "crio.metrics", &Config::metrics,
                                      kMetricsFields, kMetricsUnused, {}};
  return t;
}

const Table<StatsConfig>& statsTable() {
  static const Table<StatsConfig> t{"stats",      "crio.stats", &Config::stats,
                                    kStatsFields, kStatsUnused, {}};
  return t;
}

std::span<const Field<RuntimeHandler>> runtimeHandlerFields() { return kHandlerFields; }
std::span<const std::string_view> runtimeHandlerUnusedKeys() { return kHandlerUnused; }

}  // namespace crix::config::schema
