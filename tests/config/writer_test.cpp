#include <doctest/doctest.h>

#include <algorithm>

#include "config/ConfigLoader.h"
#include "config/ConfigWriter.h"
#include "config/Reload.h"

using namespace crix::config;

namespace {

// A Config that differs from the defaults in every kind of value, including
// text that needs escaping and a runtime name that needs quoting.
Config unusual() {
  Config c = defaults();
  c.crio.root = "/srv/crix root";
  c.crio.storage_option = {"overlay.mountopt=nodev", "size=\"10G\""};
  c.api.stream_idle_timeout = std::chrono::minutes(90) + std::chrono::milliseconds(250);
  c.api.stream_port = "10010";
  c.runtime.log_level = "debug";
  c.runtime.log_filter = "^(pod|ctr)\\s";
  c.runtime.default_env = {"TZ=UTC", "GREETING=tab\there"};
  c.runtime.cgroup_manager = "systemd";
  c.runtime.conmon_cgroup = "system.slice";
  c.runtime.pids_limit = 4096;
  c.runtime.log_size_max = 1 << 20;
  c.runtime.default_ulimits = {"nofile=1024:2048"};
  c.runtime.add_inheritable_capabilities = true;
  c.runtime.default_runtime = "kata.v2";
  RuntimeHandler kata;
  kata.runtime_path = "/usr/bin/containerd-shim-kata-v2";
  kata.runtime_type = "oci";
  kata.platform_runtime_paths = {{"linux/amd64", "/opt/amd64/kata"}, {"linux/arm64", "/opt/k"}};
  kata.container_min_memory = ByteSize{500 * 1024};
  kata.monitor_env = {"LOG_DRIVER=systemd"};
  kata.no_sync_log = true;
  c.runtime.runtimes.emplace("kata.v2", kata);
  c.image.insecure_registries = {"registry.local:5000"};
  c.image.pull_progress_timeout = std::chrono::seconds(75);
  c.image.max_parallel_downloads = 8;
  c.network.cni_default_network = "crix-ünïcode";
  c.metrics.metrics_collectors = {"operations"};
  c.stats.stats_collection_period = 15;
  return c;
}

}  // namespace

TEST_SUITE("config") {

TEST_CASE("toToml then load gives back the same Config") {
  for (const Config& original : {defaults(), unusual()}) {
    const std::string text = toToml(original);
    const Loaded back = loadString(text, "crix config output");
    CHECK_MESSAGE(back.config == original, text);
    CHECK(back.warnings.empty());
    CHECK(toToml(back.config) == text);
  }
}

TEST_CASE("toToml writes every table, runtimes included") {
  const std::string text = toToml(unusual());
  for (const char* header :
       {"[crio]\n", "[crio.api]\n", "[crio.runtime]\n", "[crio.runtime.runtimes.runc]\n",
        "[crio.runtime.runtimes.\"kata.v2\"]\n", "[crio.image]\n", "[crio.network]\n",
        "[crio.metrics]\n", "[crio.stats]\n"}) {
    CHECK_MESSAGE(text.find(header) != std::string::npos, header);
  }
  CHECK(text.find("stream_idle_timeout = \"1h30m0.25s\"") != std::string::npos);
  CHECK(text.find("container_min_memory = \"500KiB\"") != std::string::npos);
}

TEST_CASE("toJson groups snake_case keys by table like the TOML") {
  const auto j = toJson(unusual());
  CHECK(j["crio"]["root"] == "/srv/crix root");
  CHECK(j["crio"]["api"]["listen"] == "/run/crix/crix.sock");
  CHECK(j["crio"]["api"]["stream_idle_timeout"] == "1h30m0.25s");
  CHECK(j["crio"]["runtime"]["log_level"] == "debug");
  CHECK(j["crio"]["runtime"]["pids_limit"] == 4096);
  CHECK(j["crio"]["runtime"]["add_inheritable_capabilities"] == true);
  CHECK(j["crio"]["runtime"]["runtimes"]["runc"]["runtime_root"] == "/run/runc");
  CHECK(j["crio"]["runtime"]["runtimes"]["kata.v2"]["platform_runtime_paths"]["linux/arm64"] ==
        "/opt/k");
  CHECK(j["crio"]["runtime"]["runtimes"]["kata.v2"]["container_min_memory"] == "500KiB");
  CHECK(j["crio"]["image"]["insecure_registries"][0] == "registry.local:5000");
  CHECK(j["crio"]["network"]["plugin_dirs"].size() == 2);
  CHECK(j["crio"]["metrics"]["metrics_port"] == 9090);
  CHECK(j["crio"]["stats"]["stats_collection_period"] == 15);
}

TEST_CASE("reloadableChanges lists a changed log level") {
  const Config before = defaults();
  Config after = defaults();
  after.runtime.log_level = "debug";
  CHECK(reloadableChanges(before, after) == std::vector<std::string>{"log_level: info -> debug"});
  CHECK(restartRequiredChanges(before, after).empty());
  CHECK(reloadableChanges(before, before).empty());
}

TEST_CASE("reload diffs split reloadable keys from restart-only ones") {
  const Config before = defaults();
  Config after = defaults();
  after.image.pause_image = "registry.k8s.io/pause:3.10";
  after.image.insecure_registries = {"a.local", "b.local"};
  after.image.global_auth_file = "/var/lib/kubelet/config.json";
  after.api.listen = "/run/other.sock";
  after.runtime.runtimes["runc"].runtime_root = "/run/runc2";
  after.runtime.runtimes["crun"].runtime_path = "/usr/bin/crun";

  CHECK(reloadableChanges(before, after) ==
        std::vector<std::string>{
            "global_auth_file: \"\" -> /var/lib/kubelet/config.json",
            "pause_image: registry.k8s.io/pause:3.9 -> registry.k8s.io/pause:3.10",
            "insecure_registries: [] -> [\"a.local\", \"b.local\"]",
        });
  CHECK(restartRequiredChanges(before, after) ==
        std::vector<std::string>{
            "crio.api.listen: /run/crix/crix.sock -> /run/other.sock",
            "crio.runtime.runtimes.runc.runtime_root: /run/runc -> /run/runc2",
            "crio.runtime.runtimes.crun: added",
        });
}

}  // TEST_SUITE
