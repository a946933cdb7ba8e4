#include <doctest/doctest.h>

#include <algorithm>

#include "config/ConfigLoader.h"
#include "core/Error.h"
#include "tests/support/TempDir.h"

using namespace crix::config;
using crix::test::TempDir;

namespace {

// The message of the crix::Error that loading `text` as the main file throws;
// checks that it is InvalidArgument.
std::string loadFailure(const TempDir& dir, const std::string& text) {
  const std::string path = dir.write("crix.conf", text);
  try {
    load(path, "", true);
  } catch (const crix::Error& e) {
    CHECK(e.code() == crix::StatusCode::InvalidArgument);
    return e.what();
  }
  FAIL("loading did not fail:\n" << text);
  return "";
}

bool contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

}  // namespace

TEST_SUITE("config") {

TEST_CASE("the main file sets only the keys it names") {
  TempDir dir;
  const auto path = dir.write("crix.conf",
                              "[crio.runtime]\n"
                              "log_level = \"debug\"\n"
                              "[crio.image]\n"
                              "pause_image = \"example.com/pause:1\"\n");
  const Loaded l = load(path, dir / "none.d", true);
  CHECK(l.config.runtime.log_level == "debug");
  CHECK(l.config.image.pause_image == "example.com/pause:1");
  CHECK(l.config.api.listen == "/run/crix/crix.sock");
  CHECK(l.warnings.empty());
  CHECK(l.filesRead == std::vector<std::string>{path});
}

TEST_CASE("drop-ins apply in lexical order over the main file") {
  TempDir dir;
  const auto main = dir.write("crix.conf",
                              "[crio.runtime]\n"
                              "log_level = \"debug\"\n"
                              "ctr_stop_timeout = 45\n"
                              "[crio.image]\n"
                              "pause_image = \"example.com/pause:main\"\n");
  // Written out of order so that directory order cannot pass for sorting.
  const auto b = dir.write("crix.conf.d/20-b.conf", "[crio.runtime]\nlog_level = \"error\"\n");
  const auto a = dir.write("crix.conf.d/10-a.conf",
                           "[crio.runtime]\nlog_level = \"warn\"\n"
                           "[crio.image]\nmax_parallel_downloads = 5\n");
  dir.write("crix.conf.d/30-ignored.toml", "[crio.runtime]\nlog_level = \"trace\"\n");
  dir.write("crix.conf.d/.40-hidden.conf", "[crio.runtime]\nlog_level = \"trace\"\n");

  const Loaded l = load(main, dir / "crix.conf.d", true);
  CHECK(l.config.runtime.log_level == "error");                 // the later drop-in wins
  CHECK(l.config.runtime.ctr_stop_timeout == 45);               // only in the main file
  CHECK(l.config.image.pause_image == "example.com/pause:main");  // only in the main file
  CHECK(l.config.image.max_parallel_downloads == 5);            // only in 10-a
  CHECK(l.filesRead == std::vector<std::string>{main, a, b});
}

TEST_CASE("a drop-in adds runtimes and overrides single keys of existing ones") {
  TempDir dir;
  const auto main = dir.write("crix.conf",
                              "[crio.runtime]\n"
                              "default_runtime = \"crun\"\n"
                              "[crio.runtime.runtimes.crun]\n"
                              "runtime_path = \"/usr/bin/crun\"\n"
                              "runtime_root = \"/run/crun\"\n"
                              "allowed_annotations = [\"io.kubernetes.cri-o.Devices\"]\n");
  dir.write("d/50-runtimes.conf",
            "[crio.runtime.runtimes.crun]\n"
            "runtime_root = \"/run/crun-2\"\n"
            "[crio.runtime.runtimes.runc]\n"
            "runtime_path = \"/usr/sbin/runc\"\n"
            "[crio.runtime.runtimes.youki]\n"
            "runtime_path = \"/usr/local/bin/youki\"\n"
            "platform_runtime_paths = { \"linux/arm64\" = \"/opt/arm64/youki\" }\n"
            "container_min_memory = \"12MiB\"\n");
  const Loaded l = load(main, dir / "d", true);
  const auto& rt = l.config.runtime.runtimes;
  REQUIRE(rt.size() == 3);
  CHECK(rt.at("crun").runtime_path == "/usr/bin/crun");  // kept from the main file
  CHECK(rt.at("crun").runtime_root == "/run/crun-2");    // overridden
  CHECK(rt.at("crun").allowed_annotations == StringList{"io.kubernetes.cri-o.Devices"});
  CHECK(rt.at("runc").runtime_path == "/usr/sbin/runc");
  CHECK(rt.at("runc").runtime_root == "/run/runc");  // built-in default kept
  CHECK(rt.at("youki").runtime_type == "oci");
  CHECK(rt.at("youki").platform_runtime_paths.at("linux/arm64") == "/opt/arm64/youki");
  CHECK(rt.at("youki").container_min_memory.bytes == 12 * 1024 * 1024);
  CHECK(l.config.runtime.default_runtime == "crun");
  CHECK(l.warnings.empty());
}

TEST_CASE("an unknown key warns with file, line and dotted key") {
  TempDir dir;
  const auto path = dir.write("crix.conf",
                              "# comment\n"
                              "[crio.runtime]\n"
                              "log_level = \"info\"\n"
                              "frobnicate = true\n"
                              "[crio.sparkles]\n"
                              "x = 1\n"
                              "[storage]\n"
                              "driver = \"overlay\"\n");
  const Loaded l = load(path, "", true);
  REQUIRE(l.warnings.size() == 3);
  CHECK(l.warnings[0].text() == path + ":4: unknown key crio.runtime.frobnicate");
  CHECK(l.warnings[0].file == path);
  CHECK(l.warnings[0].line == 4);
  CHECK(l.warnings[0].key == "crio.runtime.frobnicate");
  CHECK(l.warnings[1].text() == path + ":5: unknown table crio.sparkles");
  CHECK(l.warnings[2].text() == path + ":7: unknown table storage");
}

TEST_CASE("a CRI-O key crix does not use yet warns as such") {
  TempDir dir;
  const auto path = dir.write("crix.conf",
                              "[crio.runtime]\n"
                              "log_level = \"info\"\n"
                              "hostnetwork_disable_selinux = true\n"
                              "[crio.runtime.runtimes.runc]\n"
                              "inherit_default_runtime = false\n"
                              "[crio.tracing]\n"
                              "enable_tracing = true\n"
                              "[crio.nri]\n");
  const Loaded l = load(path, "", true);
  REQUIRE(l.warnings.size() == 3);
  CHECK(l.warnings[0].text() ==
        path + ":3: crio.runtime.hostnetwork_disable_selinux is a CRI-O key crix does not use yet");
  CHECK(l.warnings[1].text() ==
        path +
            ":5: crio.runtime.runtimes.runc.inherit_default_runtime is a CRI-O key crix does not "
            "use yet");
  // An unused table warns once, and only when it sets something: [crio.nri]
  // with every key commented out, as `crio config` writes it, is silent.
  CHECK(l.warnings[2].text() == path + ":6: crio.tracing is a CRI-O table crix does not use yet");
}

TEST_CASE("a value of the wrong type fails with file, line and key") {
  TempDir dir;
  const std::string file = dir / "crix.conf";

  CHECK(loadFailure(dir, "[crio.api]\nlisten = \"/tmp/x.sock\"\nstream_port = 5\n") ==
        file + ":3: crio.api.stream_port: expected a string, got integer");
  CHECK(loadFailure(dir, "[crio.runtime]\nlog_size_max = \"10M\"\n") ==
        file + ":2: crio.runtime.log_size_max: expected an integer, got string");
  CHECK(loadFailure(dir, "[crio.network]\nplugin_dirs = \"/opt/cni/bin\"\n") ==
        file + ":2: crio.network.plugin_dirs: expected an array of strings, got string");
  CHECK(loadFailure(dir, "[crio.network]\nplugin_dirs = [\n  \"/opt/cni/bin\",\n  7,\n]\n") ==
        file + ":4: crio.network.plugin_dirs: expected an array of strings, got integer at index 1");
  CHECK(loadFailure(dir, "[crio.runtime]\nselinux = \"yes\"\n") ==
        file + ":2: crio.runtime.selinux: expected a boolean, got string");
  CHECK(loadFailure(dir, "[crio]\napi = 3\n") == file + ":2: crio.api: expected a table, got integer");
  CHECK(loadFailure(dir, "[crio.runtime.runtimes]\nrunc = \"/usr/bin/runc\"\n") ==
        file + ":2: crio.runtime.runtimes.runc: expected a table, got string");
  CHECK(loadFailure(dir, "[crio.runtime.runtimes.runc]\ncontainer_min_memory = 5\n") ==
        file + ":2: crio.runtime.runtimes.runc.container_min_memory: expected a string, got integer");
}

TEST_CASE("a type error in a drop-in names the drop-in") {
  TempDir dir;
  const auto main = dir.write("crix.conf", "[crio.runtime]\nlog_level = \"debug\"\n");
  const auto bad = dir.write("crix.conf.d/10-x.conf", "# x\n[crio.api]\nstream_port = 5\n");
  try {
    load(main, dir / "crix.conf.d", true);
    FAIL("no error");
  } catch (const crix::Error& e) {
    CHECK(std::string(e.what()) == bad + ":3: crio.api.stream_port: expected a string, got integer");
  }
}

TEST_CASE("a value out of range fails naming the key") {
  TempDir dir;
  const std::string file = dir / "crix.conf";

  CHECK(loadFailure(dir, "[crio.runtime]\nlog_level = \"loud\"\n")
            .starts_with(file + ":2: crio.runtime.log_level: unknown log level \"loud\""));
  CHECK(loadFailure(dir, "[crio.runtime]\ncgroup_manager = \"cgroupv3\"\n")
            .starts_with(file + ":2: crio.runtime.cgroup_manager:"));
  CHECK(loadFailure(dir, "[crio.runtime]\n\ndefault_runtime = \"kata\"\n") ==
        file + ":3: crio.runtime.default_runtime: no [crio.runtime.runtimes.kata] table");
  CHECK(loadFailure(dir, "[crio.runtime]\nctr_stop_timeout = -1\n") ==
        file + ":2: crio.runtime.ctr_stop_timeout: must not be negative, got -1");
  CHECK(loadFailure(dir, "[crio.runtime]\nlog_size_max = 100\n")
            .starts_with(file + ":2: crio.runtime.log_size_max:"));
  CHECK(loadFailure(dir, "[crio.api]\nstream_port = \"http\"\n")
            .starts_with(file + ":2: crio.api.stream_port:"));
  CHECK(loadFailure(dir, "[crio.api]\nstream_port = \"70000\"\n")
            .starts_with(file + ":2: crio.api.stream_port:"));
  CHECK(loadFailure(dir, "[crio.api]\nstream_enable_tls = true\n")
            .starts_with(file + ":2: crio.api.stream_enable_tls: needs stream_tls_cert"));
  CHECK(loadFailure(dir, "[crio.api]\nstream_idle_timeout = \"4 hours\"\n")
            .starts_with(file + ":2: crio.api.stream_idle_timeout:"));
  CHECK(loadFailure(dir, "[crio]\nroot = \"var/lib/crix\"\n")
            .starts_with(file + ":2: crio.root: \"var/lib/crix\" is not an absolute path"));
  CHECK(loadFailure(dir, "[crio.image]\nimage_volumes = \"copy\"\n")
            .starts_with(file + ":2: crio.image.image_volumes:"));
  CHECK(loadFailure(dir, "[crio.image]\nmax_parallel_downloads = 0\n")
            .starts_with(file + ":2: crio.image.max_parallel_downloads:"));
  CHECK(loadFailure(dir, "[crio.runtime]\ndefault_capabilities = [\"CHOWN\", \"FLY\"]\n")
            .starts_with(file + ":2: crio.runtime.default_capabilities: unknown capability"));
  CHECK(loadFailure(dir, "[crio.runtime]\ndefault_ulimits = [\"nofile=2048:1024\"]\n")
            .starts_with(file + ":2: crio.runtime.default_ulimits:"));
  CHECK(loadFailure(dir, "[crio.runtime]\nconmon_cgroup = \"system.slice\"\n")
            .starts_with(file + ":2: crio.runtime.conmon_cgroup:"));
  CHECK(loadFailure(dir, "[crio.runtime.runtimes.runc]\nruntime_type = \"wasm\"\n")
            .starts_with(file + ":2: crio.runtime.runtimes.runc.runtime_type:"));
  CHECK(loadFailure(dir, "[crio.runtime.runtimes.runc]\nmonitor_exec_cgroup = \"pod\"\n")
            .starts_with(file + ":2: crio.runtime.runtimes.runc.monitor_exec_cgroup:"));
}

TEST_CASE("checks that span keys see the merged result of all files") {
  TempDir dir;
  // The runtime table arrives in a later drop-in than default_runtime, and
  // systemd (from a drop-in) makes the slice in the main file valid.
  const auto main = dir.write("crix.conf",
                              "[crio.runtime]\n"
                              "default_runtime = \"crun\"\n"
                              "conmon_cgroup = \"system.slice\"\n");
  dir.write("d/10.conf", "[crio.runtime]\ncgroup_manager = \"systemd\"\n");
  dir.write("d/20.conf", "[crio.runtime.runtimes.crun]\nruntime_path = \"/usr/bin/crun\"\n");
  const Loaded l = load(main, dir / "d", true);
  CHECK(l.config.runtime.default_runtime == "crun");
  CHECK(l.config.runtime.conmon_cgroup == "system.slice");
}

TEST_CASE("a runtime crix cannot run is a warning, not an error") {
  TempDir dir;
  const auto path = dir.write("crix.conf",
                              "[crio.runtime.runtimes.kata]\n"
                              "runtime_path = \"/usr/bin/containerd-shim-kata-v2\"\n"
                              "runtime_type = \"vm\"\n");
  const Loaded l = load(path, "", true);
  REQUIRE(l.warnings.size() == 1);
  CHECK(l.warnings[0].line == 3);
  CHECK(contains(l.warnings[0].text(), "crio.runtime.runtimes.kata.runtime_type \"vm\""));
}

TEST_CASE("grpc sizes of zero or less mean the default, as in CRI-O") {
  TempDir dir;
  const auto path = dir.write("crix.conf", "[crio.api]\ngrpc_max_send_msg_size = 0\n"
                                           "grpc_max_recv_msg_size = -5\n");
  const Loaded l = load(path, "", true);
  CHECK(l.config.api.grpc_max_send_msg_size == 80 * 1024 * 1024);
  CHECK(l.config.api.grpc_max_recv_msg_size == 80 * 1024 * 1024);
}

TEST_CASE("a TOML syntax error fails with file and line") {
  TempDir dir;
  const std::string msg = loadFailure(dir, "[crio.api]\nlisten = \"/run/x.sock\"\nstream_port = \n");
  CHECK(msg.starts_with((dir / "crix.conf") + ":3:"));
  CHECK(contains(msg, "invalid TOML"));
}

TEST_CASE("a missing main file is an error only when it was named explicitly") {
  TempDir dir;
  CHECK_NOTHROW(load(dir / "absent.conf", dir / "absent.d", false));
  try {
    load(dir / "absent.conf", dir / "absent.d", true);
    FAIL("no error");
  } catch (const crix::Error& e) {
    CHECK(e.code() == crix::StatusCode::NotFound);
    CHECK(contains(e.what(), dir / "absent.conf"));
  }
}

TEST_CASE("a drop-in path that is not a directory is refused") {
  TempDir dir;
  const auto notDir = dir.write("plain", "");
  CHECK_THROWS_AS(load("", notDir, false), crix::Error);
}

TEST_CASE("validate() checks a Config built in code, naming the key") {
  Config c = defaults();
  c.runtime.log_level = "chatty";
  try {
    validate(c);
    FAIL("no error");
  } catch (const crix::Error& e) {
    CHECK(std::string(e.what()).starts_with("crio.runtime.log_level: unknown log level"));
  }
}

TEST_CASE("loadString applies a document on top of a given Config") {
  Config base = defaults();
  base.runtime.log_level = "debug";
  const Loaded l = loadString("[crio.image]\npause_image = \"x.io/p:1\"\n", "inline", base);
  CHECK(l.config.runtime.log_level == "debug");
  CHECK(l.config.image.pause_image == "x.io/p:1");
}

}  // TEST_SUITE
