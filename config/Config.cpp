#include "config/Config.h"

namespace crix::config {

namespace {

// gRPC's own 4 MiB default is too small for ListContainers on a busy node;
// CRI-O settled on 80 MiB and kubelet expects a runtime to accept that much.
constexpr std::int64_t kGrpcMaxMsgSize = 80LL * 1024 * 1024;

RuntimeHandler defaultRunc() {
  RuntimeHandler h;
  h.runtime_type = "oci";
  h.runtime_root = "/run/runc";
  return h;
}

}  // namespace

const RuntimeHandler* Config::runtimeHandler(const std::string& name) const {
  const auto it = runtime.runtimes.find(name);
  return it == runtime.runtimes.end() ? nullptr : &it->second;
}

Config defaults() {
  Config c;

  c.crio.root = "/var/lib/crix";
  c.crio.runroot = "/run/crix";
  c.crio.log_dir = "/var/log/crix/pods";
  // version_file sits on tmpfs so that its absence after boot tells crix the
  // node rebooted and old containers are gone.
  c.crio.version_file = "/run/crix/version";
  c.crio.clean_shutdown_file = "/var/lib/crix/clean.shutdown";
  c.crio.storage_driver = "overlay";

  c.api.listen = "/run/crix/crix.sock";
  c.api.stream_address = "127.0.0.1";
  c.api.stream_port = "0";
  // CRI-O's empty stream_idle_timeout falls back to the kubelet streaming
  // library's 4h; crix states that value instead of hiding it.
  c.api.stream_idle_timeout = std::chrono::hours(4);
  c.api.grpc_max_send_msg_size = kGrpcMaxMsgSize;
  c.api.grpc_max_recv_msg_size = kGrpcMaxMsgSize;
  c.api.grpc_max_threads = 64;

  auto& r = c.runtime;
  r.default_runtime = "runc";
  r.decryption_keys_path = "/etc/crix/keys";
  r.conmon_cgroup = "pod";
  r.apparmor_profile = "crix-default";
  r.cgroup_manager = "cgroupfs";
  // CRI-O's current default set. Older CRI-O also granted NET_RAW and
  // SYS_CHROOT; few workloads need them and both widen what an attacker gets.
  r.default_capabilities = {"CHOWN",  "DAC_OVERRIDE", "FSETID",           "FOWNER", "SETGID",
                            "SETUID", "SETPCAP",      "NET_BIND_SERVICE", "KILL"};
  r.allowed_devices = {"/dev/fuse", "/dev/net/tun"};
  r.hooks_dir = {"/usr/share/containers/oci/hooks.d"};
  r.container_exits_dir = "/run/crix/exits";
  r.container_attach_socket_dir = "/run/crix";
  r.log_level = "info";
  r.namespaces_dir = "/var/run";
  r.runtimes.emplace("runc", defaultRunc());

  auto& i = c.image;
  i.default_transport = "docker://";
  i.pause_image = "registry.k8s.io/pause:3.9";
  i.pause_command = "/pause";
  i.signature_policy_dir = "/etc/crix/policies";
  i.image_volumes = "mkdir";
  i.registries_conf = "/etc/containers/registries.conf";

  c.network.network_dir = "/etc/cni/net.d";
  c.network.plugin_dirs = {"/opt/cni/bin", "/usr/lib/cni"};

  c.metrics.metrics_host = "127.0.0.1";

  return c;
}

std::string monitorPath(const Config& cfg, const RuntimeHandler& handler) {
  return handler.monitor_path.empty() ? cfg.runtime.conmon : handler.monitor_path;
}

std::string monitorCgroup(const Config& cfg, const RuntimeHandler& handler) {
  return handler.monitor_cgroup.empty() ? cfg.runtime.conmon_cgroup : handler.monitor_cgroup;
}

StringList monitorEnv(const Config& cfg, const RuntimeHandler& handler) {
  return handler.monitor_env.empty() ? cfg.runtime.conmon_env : handler.monitor_env;
}

}  // namespace crix::config
