// Files written for CRI-O, and crix's own sample, must load.
#include <doctest/doctest.h>

#include <cstdlib>
#include <set>
#include <sstream>

#include "config/ConfigLoader.h"
#include "config/ConfigWriter.h"
#include "tests/support/Subprocess.h"
#include "tests/support/TempDir.h"

using namespace crix::config;
using crix::test::TempDir;

namespace {

// Shaped like the output of CRI-O's `crio config` on a systemd host: every
// table present, most keys commented out at their defaults, the ones that
// differ from CRI-O's defaults set. Written for this test; the key set follows
// CRI-O's crio.conf(5).
const char* const kCrioConfigOutput = R"(# CRI-O configuration, as printed by `crio config`.
# See crio.conf(5) for every option.

[crio]

# Where images and containers are stored.
root = "/var/lib/containers/storage"

# Volatile state.
runroot = "/run/containers/storage"

# imagestore = ""

storage_driver = "overlay"

storage_option = [
	"overlay.mountopt=nodev,metacopy=on",
]

# log_dir = "/var/log/crio/pods"

# version_file = "/var/run/crio/version"

# version_file_persist = ""

# clean_shutdown_file = "/var/lib/crio/clean.shutdown"

# internal_wipe = true

# internal_repair = true

[crio.api]

# listen = "/var/run/crio/crio.sock"

# stream_address = "127.0.0.1"

# stream_port = "0"

# stream_enable_tls = false

# stream_idle_timeout = ""

# stream_tls_cert = ""

# stream_tls_key = ""

# stream_tls_ca = ""

# grpc_max_send_msg_size = 83886080

# grpc_max_recv_msg_size = 83886080

[crio.runtime]

# default_ulimits = [
# ]

# no_pivot = false

# decryption_keys_path = "/etc/crio/keys/"

# conmon = ""

conmon_cgroup = "system.slice"

# conmon_env = [
# ]

# default_env = [
# ]

selinux = true

# seccomp_profile = ""

# privileged_seccomp_profile = ""

# apparmor_profile = "crio-default"

# blockio_config_file = ""

# blockio_reload = false

# irqbalance_config_file = "/etc/sysconfig/irqbalance"

# rdt_config_file = ""

cgroup_manager = "systemd"

# separate_pull_cgroup = ""

# default_capabilities = [
# 	"CHOWN",
# 	"DAC_OVERRIDE",
# 	"FSETID",
# 	"FOWNER",
# 	"SETGID",
# 	"SETUID",
# 	"SETPCAP",
# 	"NET_BIND_SERVICE",
# 	"KILL",
# ]

# add_inheritable_capabilities = false

default_sysctls = [
	"net.ipv4.ping_group_range=0 2147483647",
]

# allowed_devices = [
# 	"/dev/fuse",
# 	"/dev/net/tun",
# ]

# additional_devices = [
# ]

# cdi_spec_dirs = [
# 	"/etc/cdi",
# 	"/var/run/cdi",
# ]

# device_ownership_from_security_context = false

hooks_dir = [
	"/usr/share/containers/oci/hooks.d",
	"/etc/containers/oci/hooks.d",
]

# default_mounts_file = ""

# pids_limit = -1

# log_size_max = -1

# log_to_journald = false

# container_exits_dir = "/var/run/crio/exits"

# container_attach_socket_dir = "/var/run/crio"

# bind_mount_prefix = ""

# read_only = false

log_level = "warn"

# log_filter = ""

# uid_mappings = ""

# gid_mappings = ""

# minimum_mappable_uid = -1

# minimum_mappable_gid = -1

ctr_stop_timeout = 30

# drop_infra_ctr = true

# irqbalance_config_restore_file = "/etc/sysconfig/orig_irq_banned_cpus"

infra_ctr_cpuset = "0-1"

# shared_cpuset = ""

# namespaces_dir = "/var/run"

pinns_path = "/usr/bin/pinns"

# enable_criu_support = true

# enable_pod_events = false

default_runtime = "crun"

# absent_mount_sources_to_reject = [
# ]

# Runtime handlers; see crio.conf(5) for every key.

[crio.runtime.runtimes.crun]
runtime_path = "/usr/bin/crun"
runtime_type = "oci"
runtime_root = "/run/crun"
inherit_default_runtime = false
runtime_config_path = ""
container_min_memory = ""
monitor_path = "/usr/libexec/crio/conmon"
monitor_cgroup = "system.slice"
monitor_exec_cgroup = ""
monitor_env = [
	"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
]
allowed_annotations = [
	"io.containers.trace-syscall",
]
privileged_without_host_devices = false

[crio.runtime.runtimes.runc]
runtime_path = "/usr/libexec/crio/runc"
runtime_type = "oci"
runtime_root = "/run/runc"
inherit_default_runtime = false
runtime_config_path = ""
container_min_memory = "12MiB"
monitor_path = "/usr/libexec/crio/conmon"
monitor_cgroup = "system.slice"
monitor_exec_cgroup = ""
monitor_env = [
	"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
]
privileged_without_host_devices = false

# Workloads customise containers by annotation (experimental):
# [crio.runtime.workloads.workload-type]
# activation_annotation = "io.crio/workload"
# annotation_prefix = "io.crio.workload-type"

# hostnetwork_disable_selinux = true

# disable_hostport_mapping = false

# timezone = ""

[crio.image]

# default_transport = "docker://"

# global_auth_file = ""

pause_image = "registry.k8s.io/pause:3.10"

# pause_image_auth_file = ""

# pause_command = "/pause"

# pinned_images = [
# ]

# signature_policy = ""

# signature_policy_dir = "/etc/crio/policies"

# insecure_registries = [
# ]

# image_volumes = "mkdir"

# big_files_temporary_dir = ""

# auto_reload_registries = false

pull_progress_timeout = "0s"

# oci_artifact_mount_support = true

[crio.network]

# cni_default_network = ""

network_dir = "/etc/cni/net.d/"

plugin_dirs = [
	"/opt/cni/bin/",
	"/usr/libexec/cni/",
]

[crio.metrics]

enable_metrics = true

metrics_collectors = [
	"operations",
	"image_pulls_layer_size",
	"containers_oom_total",
]

# metrics_host = "127.0.0.1"

metrics_port = 9537

# metrics_socket = ""

# metrics_cert = ""

# metrics_key = ""

[crio.tracing]

# enable_tracing = false

# tracing_endpoint = "127.0.0.1:4317"

# tracing_sampling_rate_per_million = 0

[crio.stats]

# stats_collection_period = 0

collection_period = 10

# included_pod_metrics = [
# ]

[crio.nri]

enable_nri = true

# nri_listen = "/var/run/nri/nri.sock"

# nri_plugin_dir = "/opt/nri/plugins"

# nri_plugin_config_dir = "/etc/nri/conf.d"

# nri_disable_connections = false

# nri_plugin_registration_timeout = "5s"

# nri_plugin_request_timeout = "2s"
)";

// 1-based line of the n-th (0-based) line of text that starts with prefix.
int lineStarting(const std::string& text, const std::string& prefix, int n = 0) {
  std::istringstream in(text);
  std::string line;
  for (int number = 1; std::getline(in, line); ++number) {
    if (line.starts_with(prefix) && n-- == 0) return number;
  }
  return 0;
}

// "table.key" for every uncommented key line, tracking [table] headers.
// Enough for the simple layout toToml() and contrib/crix.conf share.
std::set<std::string> keysIn(const std::string& text) {
  std::set<std::string> keys;
  std::istringstream in(text);
  std::string line, table;
  while (std::getline(in, line)) {
    if (line.starts_with("[")) {
      table = line.substr(1, line.find(']') - 1);
    } else if (!line.empty() && line[0] != '#' && line[0] != ' ' && line[0] != ']' &&
               line.find(" = ") != std::string::npos) {
      keys.insert(table + "." + line.substr(0, line.find(" = ")));
    }
  }
  return keys;
}

}  // namespace

TEST_SUITE("config") {

TEST_CASE("a file as `crio config` writes it loads") {
  TempDir dir;
  const auto path = dir.write("crio.conf", kCrioConfigOutput);
  Loaded l;
  REQUIRE_NOTHROW(l = load(path, "", true));

  const Config& c = l.config;
  CHECK(c.crio.root == "/var/lib/containers/storage");
  CHECK(c.crio.storage_option == StringList{"overlay.mountopt=nodev,metacopy=on"});
  CHECK(c.crio.log_dir == "/var/log/crix/pods");  // commented out: crix's default stays
  CHECK(c.api.stream_idle_timeout == std::chrono::hours(4));
  CHECK(c.runtime.cgroup_manager == "systemd");
  CHECK(c.runtime.conmon_cgroup == "system.slice");
  CHECK(c.runtime.selinux);
  CHECK(c.runtime.log_level == "warn");
  CHECK(c.runtime.default_runtime == "crun");
  CHECK(c.runtime.hooks_dir.size() == 2);
  CHECK(c.runtime.infra_ctr_cpuset == "0-1");
  REQUIRE(c.runtimeHandler("crun") != nullptr);
  CHECK(c.runtimeHandler("crun")->runtime_path == "/usr/bin/crun");
  CHECK(c.runtimeHandler("crun")->monitor_env.size() == 1);
  CHECK(c.runtimeHandler("runc")->container_min_memory.bytes == 12 * 1024 * 1024);
  CHECK(c.image.pause_image == "registry.k8s.io/pause:3.10");
  CHECK(c.network.plugin_dirs == StringList{"/opt/cni/bin/", "/usr/libexec/cni/"});
  CHECK(c.metrics.enable_metrics);
  CHECK(c.metrics.metrics_port == 9537);
  CHECK(c.stats.collection_period == 10);

  // Only the "not yet" kind of warning: nothing CRI-O wrote is unknown.
  std::vector<std::string> texts;
  for (const auto& w : l.warnings) {
    texts.push_back(w.text());
    CHECK_MESSAGE(w.message.find("does not use yet") != std::string::npos, w.text());
  }
  const auto at = [&](const std::string& prefix, int n = 0) {
    return path + ":" + std::to_string(lineStarting(kCrioConfigOutput, prefix, n)) + ": ";
  };
  CHECK(texts == std::vector<std::string>{
                     at("inherit_default_runtime", 0) +
                         "crio.runtime.runtimes.crun.inherit_default_runtime is a CRI-O key crix "
                         "does not use yet",
                     at("inherit_default_runtime", 1) +
                         "crio.runtime.runtimes.runc.inherit_default_runtime is a CRI-O key crix "
                         "does not use yet",
                     at("[crio.nri]") + "crio.nri is a CRI-O table crix does not use yet",
                 });
}

TEST_CASE("contrib/crix.conf loads without warnings and states exactly the defaults") {
  const char* root = std::getenv("CRIX_SOURCE_ROOT");
  if (!root || !*root) {
    FAIL_CHECK("CRIX_SOURCE_ROOT not set: the contrib/crix.conf check cannot run");
    return;
  }
  const std::string path = std::string(root) + "/contrib/crix.conf";
  const Loaded l = load(path, "", true);
  for (const auto& w : l.warnings) FAIL_CHECK(w.text());
  CHECK(l.config == defaults());
  // Every key crix knows is spelled out in the sample, none beyond them.
  CHECK(keysIn(crix::test::readFile(path)) == keysIn(toToml(defaults())));
}

}  // TEST_SUITE
