// Pods on CNI networks with Debian's real plugins (bridge, host-local,
// portmap, bandwidth from /usr/lib/cni) in namespaces pinned by the test,
// plus small recording and failing plugins of the test's own.
#include <doctest/doctest.h>
#include <sys/stat.h>

#include <algorithm>
#include <filesystem>
#include <sstream>
#include <string>

#include "core/Error.h"
#include "netns/cni/CniNetworkChain.h"
#include "netns/cni/PodNetworking.h"
#include "tests/netns/PinnerSandbox.h"
#include "tests/support/CniTestNetwork.h"
#include "tests/support/ErrorOf.h"
#include "tests/support/Subprocess.h"
#include "tests/support/TempDir.h"

using namespace crix;
using namespace crix::netns;
using namespace crix::netns::cni;
using namespace crix::netns::testing;
using nlohmann::json;

namespace {

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

std::string inPod(const std::string& netns, std::vector<std::string> argv) {
  argv.insert(argv.begin(), {"/usr/bin/nsenter", "--net=" + netns});
  return test::runChecked(argv);
}

PodNetworkRequest requestFor(const std::string& podId, const std::string& netns) {
  PodNetworkRequest r;
  r.podId = podId;
  r.netnsPath = netns;
  r.podName = "web-" + podId;
  r.podNamespace = "default";
  r.podUid = "uid-" + podId;
  return r;
}

// A plugin of the test's own: appends what it was called with (command,
// CNI_* variables, stdin) to <dir>/calls.jsonl; ADD passes prevResult on, or
// makes a result when it is first. With failAdd, ADD fails with a CNI error.
void writeRecorderPlugin(const std::string& dir, const std::string& type, bool failAdd = false) {
  std::filesystem::create_directories(dir);
  const std::string path = dir + "/" + type;
  test::writeFile(path, std::string(R"(#!/usr/bin/python3
import json, os, sys
conf = json.load(sys.stdin)
env = {k: v for k, v in os.environ.items() if k.startswith("CNI_")}
with open(os.path.join(os.path.dirname(__file__), "calls.jsonl"), "a") as f:
    f.write(json.dumps({"type": ")") + type + R"(", "env": env, "conf": conf}) + "\n")
if env["CNI_COMMAND"] == "ADD":
    if )" + (failAdd ? "True" : "False") + R"(:
        print(json.dumps({"cniVersion": conf["cniVersion"], "code": 100, "msg": "quota of pods on this switch used up", "details": "switch sw-7"}))
        sys.exit(1)
    print(json.dumps(conf.get("prevResult") or {"cniVersion": conf["cniVersion"], "ips": [{"address": "10.200.0.9/24"}]}))
)");
  ::chmod(path.c_str(), 0755);
}

// Detaches the pod when the test ends, also when it failed half way, so
// that no lease, rule or veth outlives the test.
struct DetachAtEnd {
  PodNetworking& networking;
  std::string podId;
  ~DetachAtEnd() {
    try {
      networking.detach(podId);
    } catch (const std::exception& e) {
      MESSAGE("cleanup: ", e.what());
    }
  }
};

std::vector<json> calls(const std::string& dir) {
  std::vector<json> out;
  std::istringstream lines(test::readFile(dir + "/calls.jsonl"));
  for (std::string line; std::getline(lines, line);) out.push_back(json::parse(line));
  return out;
}

}  // namespace

TEST_CASE("bridge network: a pod gets an address, CHECK passes, DEL frees lease, rules and veth") {
  test::CniTestNetwork net;
  test::TempDir state;
  CniConfigWatcher config(net.networkDir(), "", {"/usr/lib/cni"});
  PodNetworking networking(config, state / "attachments");
  PinnerSandbox box;
  const std::string podId = "cnipod1";
  const auto pinned = box.pin(request(podId, "web"));

  DetachAtEnd cleanup{networking, podId};
  auto req = requestFor(podId, pinned.network);
  req.portMappings = json::array({{{"hostPort", 28080}, {"containerPort", 80}, {"protocol", "tcp"}}});
  req.bandwidth = {{"ingressRate", 1000000}, {"ingressBurst", 2147483647}};
  const auto status = networking.attach(req);
  CHECK(status.network == net.name());
  REQUIRE(status.ips.size() == 1);
  CHECK(status.ips[0].rfind(net.subnetPrefix(), 0) == 0);
  CHECK(networking.attached(podId)->ips == status.ips);
  CHECK(networking.attachedPods() == std::vector<std::string>{podId});

  // Inside: eth0 with that address, lo up, a default route via the bridge.
  CHECK(contains(inPod(pinned.network, {"/usr/sbin/ip", "-o", "-4", "addr", "show", "eth0"}), status.ips[0] + "/24"));
  CHECK(contains(inPod(pinned.network, {"/usr/sbin/ip", "-o", "link", "show", "lo"}), "UP"));
  CHECK(contains(inPod(pinned.network, {"/usr/sbin/ip", "route"}), "default via " + net.gateway()));
  // Outside: the lease, the veth on the bridge, the host port's rules, the
  // shaping of the pod's ingress on its veth.
  CHECK(net.leasedAddresses() == std::vector<std::string>{status.ips[0]});
  const auto ports = net.bridgePorts();
  REQUIRE(ports.size() == 1);
  CHECK(!test::CniTestNetwork::iptablesRulesWith(podId).empty());
  CHECK(contains(test::runChecked({"/usr/sbin/tc", "qdisc", "show", "dev", ports[0]}), "rate 1Mbit"));

  networking.detach(podId);
  CHECK(net.leasedAddresses().empty());
  CHECK(net.bridgePorts().empty());
  CHECK(test::CniTestNetwork::iptablesRulesWith(podId).empty());
  CHECK(networking.attachedPods().empty());
  CHECK_FALSE(networking.attached(podId));
  // Idempotent, as StopPodSandbox must be.
  networking.detach(podId);
  CHECK(test::codeOf([&] { networking.check(podId); }) == StatusCode::NotFound);
}

TEST_CASE("bridge network: DEL still frees the lease when the namespace is gone or ADD never finished") {
  test::CniTestNetwork net;
  test::TempDir state;
  CniConfigWatcher config(net.networkDir(), "", {"/usr/lib/cni"});
  PinnerSandbox box;

  SUBCASE("the namespace went first (a reboot, or a daemon that lost it)") {
    PodNetworking networking(config, state / "attachments");
    DetachAtEnd cleanup{networking, "cnipod2"};
    const auto pinned = box.pin(request("cnipod2", "web"));
    networking.attach(requestFor("cnipod2", pinned.network));
    CHECK(net.leasedAddresses().size() == 1);
    box.pinner().release("cnipod2");
    // A new instance: all it knows is on disk, as after a daemon restart.
    PodNetworking restarted(config, state / "attachments");
    restarted.detach("cnipod2");
    CHECK(net.leasedAddresses().empty());
    CHECK(restarted.attachedPods().empty());
    // The bridge plugin removes its masquerade rules only while the
    // namespace exists (crix detaches before releasing it); after a reboot,
    // the case this stands for, the rules are gone with the boot.
  }
  SUBCASE("the daemon died during ADD: the attachment was recorded without a result") {
    const auto pinned = box.pin(request("cnipod3", "web"));
    CniAttachmentCache cache(state / "attachments");
    CniAttachment a;
    a.podId = "cnipod3";
    a.network = *config.current().network;
    a.runtime.containerId = "cnipod3";
    a.runtime.netnsPath = pinned.network;
    cache.save(a);
    addNetworkList(a.network, a.runtime, {"/usr/lib/cni"});
    CHECK(net.leasedAddresses().size() == 1);

    PodNetworking restarted(config, state / "attachments");
    DetachAtEnd cleanup{restarted, "cnipod3"};
    CHECK(restarted.attachedPods() == std::vector<std::string>{"cnipod3"});
    restarted.detach("cnipod3");
    CHECK(net.leasedAddresses().empty());
    CHECK(net.bridgePorts().empty());
    CHECK(test::CniTestNetwork::iptablesRulesWith("cnipod3").empty());
  }
}

TEST_CASE("CHECK: passes on an attached pod, fails once the pod's interface is gone") {
  test::CniTestNetwork net;
  // Only the bridge: Debian's portmap and bandwidth 1.1.1 fail CHECK on
  // their own (IPv6 chains never made; a nil dereference without shaping).
  auto conf = json::parse(test::readFile(net.conflistPath()));
  conf["plugins"] = json::array({conf["plugins"][0]});
  test::writeFile(net.conflistPath(), conf.dump());
  test::TempDir state;
  CniConfigWatcher config(net.networkDir(), "", {"/usr/lib/cni"});
  PodNetworking networking(config, state / "attachments");
  PinnerSandbox box;
  const auto pinned = box.pin(request("cnipod5", "web"));
  DetachAtEnd cleanup{networking, "cnipod5"};
  networking.attach(requestFor("cnipod5", pinned.network));
  networking.check("cnipod5");
  inPod(pinned.network, {"/usr/sbin/ip", "link", "del", "eth0"});
  const auto e = test::errorOf([&] { networking.check("cnipod5"); });
  CHECK(e.code() == StatusCode::Unknown);
  CHECK(contains(e.what(), "CNI plugin \"bridge\" (CHECK"));
}

TEST_CASE("a failing plugin: its message comes back and what the chain did is deleted") {
  test::CniTestNetwork net;
  test::TempDir state;
  const std::string fakes = state / "plugins";
  writeRecorderPlugin(fakes, "switch-quota", /*failAdd=*/true);
  // The bridge chain, then the failing plugin.
  auto conf = json::parse(test::readFile(net.conflistPath()));
  conf["plugins"].push_back({{"type", "switch-quota"}});
  test::writeFile(net.conflistPath(), conf.dump());

  CniConfigWatcher config(net.networkDir(), "", {fakes, "/usr/lib/cni"});
  PodNetworking networking(config, state / "attachments");
  PinnerSandbox box;
  const auto pinned = box.pin(request("cnipod4", "web"));
  DetachAtEnd cleanup{networking, "cnipod4"};
  const auto e = test::errorOf([&] { networking.attach(requestFor("cnipod4", pinned.network)); });
  CHECK(e.code() == StatusCode::Unknown);
  CHECK(contains(e.what(), "CNI plugin \"switch-quota\""));
  CHECK(contains(e.what(), "quota of pods on this switch used up: switch sw-7"));
  CHECK(contains(e.what(), "cnipod4"));

  // DEL ran for the whole chain, the failed plugin included.
  const auto recorded = calls(fakes);
  REQUIRE(recorded.size() == 2);
  CHECK(recorded[1]["env"]["CNI_COMMAND"] == "DEL");
  CHECK(net.leasedAddresses().empty());
  CHECK(net.bridgePorts().empty());
  CHECK(test::CniTestNetwork::iptablesRulesWith("cnipod4").empty());
  CHECK(networking.attachedPods().empty());
  CHECK(contains(inPod(pinned.network, {"/usr/sbin/ip", "-o", "link"}), "lo:"));
  CHECK_FALSE(contains(inPod(pinned.network, {"/usr/sbin/ip", "-o", "link"}), "eth0"));
}

TEST_CASE("plugins get the CNI environment, prevResult, and only the capability arguments they declare") {
  test::TempDir state;
  const std::string fakes = state / "plugins";
  writeRecorderPlugin(fakes, "first");
  writeRecorderPlugin(fakes, "ports");
  const std::string netDir = state / "net.d";
  std::filesystem::create_directories(netDir);
  test::writeFile(netDir + "/10.conflist", json({{"cniVersion", "1.0.0"},
                                                {"name", "rec"},
                                                {"plugins",
                                                 {{{"type", "first"}, {"capabilities", {{"ipRanges", true}}}},
                                                  {{"type", "ports"},
                                                   {"capabilities", {{"portMappings", true}, {"bandwidth", false}}},
                                                   {"runtimeConfig", {{"stale", 1}}}}}}})
                                               .dump());
  CniConfigWatcher config(netDir, "", {fakes});
  PodNetworking networking(config, state / "attachments");
  CHECK(test::codeOf([&] { networking.setPodCidr("10.5.0.0/33"); }) == StatusCode::InvalidArgument);
  CHECK(test::codeOf([&] { networking.setPodCidr("banana"); }) == StatusCode::InvalidArgument);
  networking.setPodCidr("10.244.3.0/24,fd00:3::/64");

  auto req = requestFor("recpod", "/nonexistent/netns");
  req.portMappings = json::array({{{"hostPort", 8080}, {"containerPort", 80}, {"protocol", "tcp"}}});
  req.bandwidth = {{"ingressRate", 5000}};
  DetachAtEnd cleanup{networking, "recpod"};
  const auto status = networking.attach(req);
  CHECK(status.ips == std::vector<std::string>{"10.200.0.9"});

  const auto recorded = calls(fakes);
  REQUIRE(recorded.size() == 2);
  const json& first = recorded[0];
  CHECK(first["env"]["CNI_COMMAND"] == "ADD");
  CHECK(first["env"]["CNI_CONTAINERID"] == "recpod");
  CHECK(first["env"]["CNI_NETNS"] == "/nonexistent/netns");
  CHECK(first["env"]["CNI_IFNAME"] == "eth0");
  CHECK(first["env"]["CNI_PATH"] == fakes);
  CHECK(first["env"]["CNI_ARGS"] ==
        "IgnoreUnknown=1;K8S_POD_NAMESPACE=default;K8S_POD_NAME=web-recpod;K8S_POD_INFRA_CONTAINER_ID=recpod;"
        "K8S_POD_UID=uid-recpod");
  CHECK(first["conf"]["name"] == "rec");
  CHECK(first["conf"]["cniVersion"] == "1.0.0");
  CHECK_FALSE(first["conf"].contains("prevResult"));
  CHECK(first["conf"]["runtimeConfig"] ==
        json::parse(R"({"ipRanges": [[{"subnet": "10.244.3.0/24"}], [{"subnet": "fd00:3::/64"}]]})"));

  const json& ports = recorded[1];
  CHECK(ports["conf"]["prevResult"]["ips"][0]["address"] == "10.200.0.9/24");
  // Only what it declared (bandwidth: false is not a declaration), and the
  // file's own runtimeConfig never reaches it.
  CHECK(ports["conf"]["runtimeConfig"] == json::parse(R"({"portMappings": [{"hostPort": 8080, "containerPort": 80, "protocol": "tcp"}]})"));

  networking.detach("recpod");
  const auto all = calls(fakes);
  REQUIRE(all.size() == 4);
  // Reverse order, with the ADD result, and the namespace that is gone is
  // not passed.
  CHECK(all[2]["type"] == "ports");
  CHECK(all[3]["type"] == "first");
  CHECK(all[3]["env"]["CNI_COMMAND"] == "DEL");
  CHECK(all[3]["env"]["CNI_NETNS"] == "");
  CHECK(all[3]["conf"]["prevResult"]["ips"][0]["address"] == "10.200.0.9/24");
}

TEST_CASE("no usable network: attach says why and touches nothing") {
  test::TempDir state;
  CniConfigWatcher config(state / "net.d", "", {"/usr/lib/cni"});
  PodNetworking networking(config, state / "attachments");
  const auto e = test::errorOf([&] { networking.attach(requestFor("nopod", "/x")); });
  CHECK(e.code() == StatusCode::FailedPrecondition);
  CHECK(contains(e.what(), "no valid CNI network configuration in " + state / "net.d"));
  CHECK(networking.attachedPods().empty());
}
