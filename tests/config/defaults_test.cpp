#include <doctest/doctest.h>

#include "config/Config.h"
#include "config/ConfigLoader.h"
#include "tests/support/TempDir.h"

using namespace crix::config;

TEST_SUITE("config") {

TEST_CASE("defaults are crix's own where they differ from CRI-O") {
  const Config c = defaults();
  CHECK(c.crio.root == "/var/lib/crix");
  CHECK(c.crio.runroot == "/run/crix");
  CHECK(c.crio.log_dir == "/var/log/crix/pods");
  CHECK(c.api.listen == "/run/crix/crix.sock");
  CHECK(c.api.stream_address == "127.0.0.1");
  CHECK(c.api.stream_port == "0");
  CHECK(c.runtime.default_runtime == "runc");
  CHECK(c.runtime.cgroup_manager == "cgroupfs");
  CHECK(c.runtime.conmon_cgroup == "pod");
  CHECK(c.runtime.seccomp_profile.empty());
  CHECK(c.runtime.log_level == "info");
  CHECK(c.runtime.log_size_max == -1);
  CHECK(c.runtime.ctr_stop_timeout == 30);
  CHECK(c.runtime.drop_infra_ctr);
  CHECK(c.runtime.default_capabilities ==
        StringList{"CHOWN", "DAC_OVERRIDE", "FSETID", "FOWNER", "SETGID", "SETUID", "SETPCAP",
                   "NET_BIND_SERVICE", "KILL"});
  CHECK(c.image.pause_image == "registry.k8s.io/pause:3.9");
  CHECK(c.image.pause_command == "/pause");
  CHECK(c.image.registries_conf == "/etc/containers/registries.conf");
  CHECK(c.image.max_parallel_downloads == 3);
  CHECK(c.network.network_dir == "/etc/cni/net.d");
  CHECK(c.network.plugin_dirs == StringList{"/opt/cni/bin", "/usr/lib/cni"});

  const RuntimeHandler* runc = c.runtimeHandler("runc");
  REQUIRE(runc != nullptr);
  CHECK(runc->runtime_path.empty());  // looked up on PATH
  CHECK(runc->runtime_root == "/run/runc");
  CHECK(runc->runtime_type == "oci");
  CHECK(runc->monitor_path.empty());  // crix-conmon beside crix
  CHECK(c.runtimeHandler("crun") == nullptr);
}

TEST_CASE("defaults pass validation unchanged and without warnings") {
  Config c = defaults();
  CHECK(validate(c).empty());
  CHECK(c == defaults());
}

TEST_CASE("no files at the default locations means the defaults") {
  crix::test::TempDir dir;
  const Loaded l = load(dir / "crix.conf", dir / "crix.conf.d", false);
  CHECK(l.config == defaults());
  CHECK(l.warnings.empty());
  CHECK(l.filesRead.empty());
}

TEST_CASE("monitor settings fall back to the deprecated conmon keys") {
  Config c = defaults();
  c.runtime.conmon = "/usr/libexec/crix/crix-conmon";
  c.runtime.conmon_cgroup = "system.slice";
  c.runtime.conmon_env = {"PATH=/usr/bin"};
  RuntimeHandler h;
  CHECK(monitorPath(c, h) == "/usr/libexec/crix/crix-conmon");
  CHECK(monitorCgroup(c, h) == "system.slice");
  CHECK(monitorEnv(c, h) == StringList{"PATH=/usr/bin"});
  h.monitor_path = "/opt/conmon";
  h.monitor_cgroup = "pod";
  h.monitor_env = {"A=b"};
  CHECK(monitorPath(c, h) == "/opt/conmon");
  CHECK(monitorCgroup(c, h) == "pod");
  CHECK(monitorEnv(c, h) == StringList{"A=b"});
}

}  // TEST_SUITE
