// CNI configuration: parsing, choosing the network from a directory,
// watching the directory, reading results, the attachment cache. No plugin
// runs here (cni_plugin_test.cpp runs them).
#include <doctest/doctest.h>

#include <filesystem>
#include <string>

#include "core/Error.h"
#include "netns/cni/CniAttachmentCache.h"
#include "netns/cni/CniConfigDirectory.h"
#include "netns/cni/CniConfigWatcher.h"
#include "netns/cni/CniNetworkList.h"
#include "netns/cni/CniResult.h"
#include "tests/support/ErrorOf.h"
#include "tests/support/Subprocess.h"
#include "tests/support/TempDir.h"

using namespace crix;
using namespace crix::netns::cni;
using nlohmann::json;

namespace {

const std::vector<std::string> kPlugins = {"/usr/lib/cni"};

std::string conflist(const std::string& name, const std::string& type = "bridge") {
  return json({{"cniVersion", "1.0.0"}, {"name", name}, {"plugins", {{{"type", type}}}}}).dump();
}

std::string messageOf(auto&& fn) { return test::errorOf(fn).what(); }

}  // namespace

TEST_CASE("network list: a conflist, and a single plugin file lifted into a list") {
  const auto list = parseNetworkList(
      R"({"cniVersion":"0.4.0","name":"net","disableCheck":true,"plugins":[{"type":"bridge","bridge":"b0"},{"type":"portmap"}]})",
      "f.conflist", false);
  CHECK(list.name == "net");
  CHECK(list.cniVersion == "0.4.0");
  CHECK(list.disableCheck);
  CHECK(list.pluginTypes() == std::vector<std::string>{"bridge", "portmap"});
  CHECK(list.plugins[0]["bridge"] == "b0");
  CHECK(parseNetworkList(list.toJson().dump(), "again", false).toJson() == list.toJson());

  const auto single = parseNetworkList(R"({"cniVersion":"0.3.1","name":"one","type":"ptp"})", "f.conf", true);
  CHECK(single.pluginTypes() == std::vector<std::string>{"ptp"});
  CHECK(single.name == "one");
}

TEST_CASE("network list: what is wrong with a bad one is named") {
  struct Case {
    const char* text;
    const char* expected;
  };
  const Case cases[] = {
      {"{not json", "not valid JSON"},
      {"[1]", "not a JSON object"},
      {R"({"cniVersion":"1.0.0","plugins":[{"type":"bridge"}]})", "no network \"name\""},
      {R"({"name":"n","plugins":[{"type":"bridge"}]})", "no \"cniVersion\""},
      {R"({"cniVersion":"9.9.9","name":"n","plugins":[{"type":"bridge"}]})", "cniVersion \"9.9.9\""},
      {R"({"cniVersion":"1.0.0","name":"n","plugins":[]})", "\"plugins\" must be a non-empty list"},
      {R"({"cniVersion":"1.0.0","name":"n","plugins":[{"bridge":"x"}]})", "plugin 0 has no \"type\""},
      {R"({"cniVersion":"1.0.0","name":"n","plugins":[{"type":"../../bin/sh"}]})", "not a plugin name"},
      {R"({"cniVersion":"1.0.0","name":5,"plugins":[{"type":"bridge"}]})", "\"name\" must be a string"},
  };
  for (const auto& c : cases) {
    CAPTURE(c.text);
    const auto e = test::errorOf([&] { parseNetworkList(c.text, "/etc/cni/net.d/x.conflist", false); });
    CHECK(e.code() == StatusCode::InvalidArgument);
    CHECK(std::string(e.what()).find("/etc/cni/net.d/x.conflist") != std::string::npos);
    CHECK(std::string(e.what()).find(c.expected) != std::string::npos);
  }
}

TEST_CASE("network directory: lexically first valid file, or the one named by cni_default_network") {
  test::TempDir dir;
  const std::string d = dir.path();
  test::writeFile(d + "/20-b.conflist", conflist("bee"));
  test::writeFile(d + "/30-c.conf", R"({"cniVersion":"1.0.0","name":"sea","type":"ptp"})");
  test::writeFile(d + "/05-broken.conflist", "{ this is not json");
  test::writeFile(d + "/01-ignored.txt", conflist("text-file"));

  auto choice = chooseNetwork(d, "", kPlugins);
  REQUIRE(choice.network);
  CHECK(choice.network->name == "bee");
  CHECK(choice.network->source == d + "/20-b.conflist");

  choice = chooseNetwork(d, "sea", kPlugins);
  REQUIRE(choice.network);
  CHECK(choice.network->pluginTypes() == std::vector<std::string>{"ptp"});

  choice = chooseNetwork(d, "nowhere", kPlugins);
  CHECK_FALSE(choice.network);
  CHECK(choice.problem.find("named \"nowhere\"") != std::string::npos);

  test::writeFile(d + "/10-a.conflist", conflist("ay", "no-such-plugin"));
  choice = chooseNetwork(d, "", kPlugins);
  CHECK_FALSE(choice.network);
  CHECK(choice.problem.find("plugin \"no-such-plugin\" not found") != std::string::npos);
  CHECK(choice.problem.find("/usr/lib/cni") != std::string::npos);

  test::TempDir empty;
  choice = chooseNetwork(empty.path(), "", kPlugins);
  CHECK_FALSE(choice.network);
  CHECK(choice.problem == "no valid CNI network configuration in " + empty.path());
  CHECK_FALSE(chooseNetwork(empty / "missing", "", kPlugins).network);
}

TEST_CASE("network directory watch: a conflist written later, changed, removed") {
  test::TempDir dir;
  const std::string netDir = dir / "net.d";  // does not exist yet
  CniConfigWatcher watcher(netDir, "", kPlugins);
  CHECK_FALSE(watcher.current().network);

  std::filesystem::create_directories(netDir);
  CHECK_FALSE(watcher.current().network);
  test::writeFile(netDir + "/10-a.conflist", conflist("first"));
  REQUIRE(watcher.current().network);
  CHECK(watcher.current().network->name == "first");

  // Rewritten in place and replaced by rename: both are seen.
  test::writeFile(netDir + "/10-a.conflist", conflist("second"));
  CHECK(watcher.current().network->name == "second");
  test::writeFile(netDir + "/.tmp", conflist("third"));
  std::filesystem::rename(netDir + "/.tmp", netDir + "/05-a.conflist");
  CHECK(watcher.current().network->name == "third");

  std::filesystem::remove(netDir + "/05-a.conflist");
  std::filesystem::remove(netDir + "/10-a.conflist");
  CHECK_FALSE(watcher.current().network);

  // The directory itself removed and made again.
  std::filesystem::remove_all(netDir);
  CHECK_FALSE(watcher.current().network);
  std::filesystem::create_directories(netDir);
  test::writeFile(netDir + "/10-a.conflist", conflist("back"));
  REQUIRE(watcher.current().network);
  CHECK(watcher.current().network->name == "back");
}

TEST_CASE("results: the pod's addresses, primary first, host-side ones left out") {
  const json v1 = json::parse(R"({
    "cniVersion": "1.0.0",
    "interfaces": [{"name": "crix0"}, {"name": "veth1"}, {"name": "eth0", "sandbox": "/run/netns/x"}],
    "ips": [{"address": "10.88.0.1/16", "interface": 0},
            {"address": "10.88.0.7/16", "interface": 2, "gateway": "10.88.0.1"},
            {"address": "fd00::7/64", "interface": 2},
            {"address": "not-an-ip/3", "interface": 2},
            {"address": "10.9.9.9/8"}]
  })");
  CHECK(podAddresses(v1, "eth0") == std::vector<std::string>{"10.88.0.7", "fd00::7", "10.9.9.9"});

  const json v02 = json::parse(R"({"cniVersion":"0.2.0","ip4":{"ip":"10.1.2.3/24"},"ip6":{"ip":"fd00::3/64"}})");
  CHECK(podAddresses(v02, "eth0") == std::vector<std::string>{"10.1.2.3", "fd00::3"});

  // The loopback plugin's result: an address on lo only.
  const json lo = json::parse(
      R"({"cniVersion":"1.0.0","interfaces":[{"name":"lo","sandbox":"/x"}],"ips":[{"address":"127.0.0.1/8","interface":0}]})");
  CHECK(podAddresses(lo, "eth0").empty());
  CHECK(podAddresses(json(nullptr), "eth0").empty());
  CHECK(podAddresses(json::parse(R"({"ips": "nonsense"})"), "eth0").empty());
}

TEST_CASE("attachment cache: written, read back, listed, removed; damage is reported") {
  test::TempDir dir;
  CniAttachmentCache cache(dir / "cache");
  CHECK(cache.podIds().empty());
  CHECK_FALSE(cache.load("pod1"));

  CniAttachment a;
  a.podId = "pod1";
  a.network = parseNetworkList(conflist("net"), "/etc/cni/net.d/10.conflist", false);
  a.runtime.containerId = "pod1";
  a.runtime.netnsPath = "/run/x/netns/pod1";
  a.runtime.args = {{"K8S_POD_NAME", "web"}, {"IgnoreUnknown", "1"}};
  a.runtime.capabilityArgs = {{"portMappings", json::array({{{"hostPort", 8080}}})}};
  cache.save(a);
  CHECK(cache.podIds() == std::vector<std::string>{"pod1"});
  auto back = cache.load("pod1");
  REQUIRE(back);
  CHECK(back->network.toJson() == a.network.toJson());
  CHECK(back->network.source == "/etc/cni/net.d/10.conflist");
  CHECK(back->runtime.netnsPath == a.runtime.netnsPath);
  CHECK(back->runtime.args == a.runtime.args);
  CHECK(back->runtime.capabilityArgs == a.runtime.capabilityArgs);
  CHECK(back->result.is_null());

  a.result = {{"cniVersion", "1.0.0"}, {"ips", json::array()}};
  cache.save(a);
  CHECK(cache.load("pod1")->result == a.result);

  test::writeFile(dir / "cache/pod2.json", "{garbage");
  CHECK(test::codeOf([&] { cache.load("pod2"); }) == StatusCode::DataLoss);
  CHECK(test::codeOf([&] { cache.load("../etc/passwd"); }) == StatusCode::InvalidArgument);

  cache.remove("pod1");
  cache.remove("pod1");
  CHECK_FALSE(cache.load("pod1"));
}
