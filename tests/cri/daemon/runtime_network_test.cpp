// Pod networking through the daemon with Debian's CNI plugins: the bridge
// conflist crix ships (contrib/cni), on a bridge and subnet of the test's
// own (tests/support/CniTestNetwork); host ports, host-network pods, DNS and
// hostname, teardown after kill -9, broken configurations and plugins, and
// the NetworkReady condition.
#include <doctest/doctest.h>
#include <grpcpp/grpcpp.h>
#include <sys/stat.h>

#include <filesystem>
#include <random>
#include <string>
#include <thread>

#include <nlohmann/json.hpp>

#include "tests/support/RuntimeEnv.h"
#include "tests/support/CniTestNetwork.h"
#include "tests/support/Subprocess.h"

using namespace crix::test;
namespace fs = std::filesystem;

namespace {

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

std::string networkConfig(const std::string& networkDir, const std::string& pluginDirs = "\"/usr/lib/cni\"") {
  return "[crio.network]\nnetwork_dir = \"" + networkDir + "\"\nplugin_dirs = [" + pluginDirs + "]\n";
}

// A container serving `text` at http://POD:80/ with busybox httpd.
v1::ContainerConfig webServer(const std::string& text) {
  return RuntimeEnv::containerConfig(
      "web", {"sh", "-c", "mkdir -p /www && echo " + text + " > /www/index.html && exec httpd -f -p 80 -h /www"});
}

// busybox wget from the host, bounded by the runner (busybox 1.35's own
// -T timeout option crashes it).
ProcessResult hostGet(const std::string& url) {
  return runProcess({"/bin/busybox", "wget", "-q", "-O", "-", url}, std::chrono::seconds(5));
}

// Polls until the URL answers with `text` (the server needs a moment to bind).
bool waitServes(const std::function<std::string()>& get, const std::string& text) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (std::chrono::steady_clock::now() < deadline) {
    if (contains(get(), text)) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return false;
}

std::string hostAddress() {
  // "2: eth0    inet 192.0.2.2/24 brd ..." : the first global IPv4 address
  // that is not on a bridge of ours.
  std::istringstream lines(runChecked({"/usr/sbin/ip", "-o", "-4", "addr", "show", "scope", "global"}));
  for (std::string line; std::getline(lines, line);) {
    std::istringstream words(line);
    std::string index, dev, family, cidr;
    words >> index >> dev >> family >> cidr;
    if (dev.rfind("crix", 0) == 0 || dev.rfind("cni", 0) == 0) continue;
    return cidr.substr(0, cidr.find('/'));
  }
  return {};
}

int randomPort() {
  std::random_device random;
  return 30000 + static_cast<int>(random() % 2000);
}

v1::StatusResponse runtimeStatus(RuntimeEnv& env) {
  v1::StatusRequest req;
  v1::StatusResponse resp;
  const auto s = env.rt().Status(deadlineContext().get(), req, &resp);
  REQUIRE_MESSAGE(s.ok(), s.error_message());
  return resp;
}

const v1::RuntimeCondition* networkCondition(const v1::StatusResponse& resp) {
  for (const auto& c : resp.status().conditions())
    if (c.type() == "NetworkReady") return &c;
  return nullptr;
}

bool netnsPinned(RuntimeEnv& env, const std::string& podId) {
  return fs::exists(env.daemon().runrootDir() + "/ns/netns/" + podId);
}

}  // namespace

TEST_CASE("pod network: pods get addresses on the bridge and reach each other") {
  if (!runtimeToolsPresent()) return;
  CniTestNetwork net;
  RuntimeEnv env(networkConfig(net.networkDir()));

  auto serverConfig = env.podConfig("server");
  const auto server = env.runPod(serverConfig);
  const auto status = env.podStatus(server);
  const std::string ip = status.network().ip();
  CHECK(ip.rfind(net.subnetPrefix(), 0) == 0);
  CHECK(status.network().additional_ips().empty());
  CHECK(net.leasedAddresses() == std::vector<std::string>{ip});
  env.runContainer(server, webServer("hello-from-server"), serverConfig);

  auto clientConfig = env.podConfig("client");
  const auto client = env.runPod(clientConfig);
  const std::string clientIp = env.podStatus(client).network().ip();
  CHECK(clientIp.rfind(net.subnetPrefix(), 0) == 0);
  CHECK(clientIp != ip);
  const auto ctr = env.runContainer(client, RuntimeEnv::containerConfig("c", {"sleep", "1000"}), clientConfig);
  // Inside: eth0 carries the address the CRI reports.
  CHECK(contains(env.execOut(ctr, {"ip", "-o", "-4", "addr", "show", "eth0"}), clientIp + "/24"));
  CHECK(waitServes(
      [&] {
        v1::ExecSyncResponse resp;
        env.execSync(ctr, {"wget", "-q", "-O", "-", "http://" + ip + "/"}, &resp, 5);
        return resp.stdout();
      },
      "hello-from-server"));

  // The verbose status names the network.
  v1::PodSandboxStatusResponse verbose;
  REQUIRE(env.tryPodStatus(client, &verbose, true).ok());
  const auto info = nlohmann::json::parse(verbose.info().at("info"));
  CHECK(info["network"] == net.name());
  CHECK(info["ips"] == nlohmann::json::array({clientIp}));
}

TEST_CASE("pod network: a host port answers on 127.0.0.1 and on the host's address") {
  if (!runtimeToolsPresent()) return;
  CniTestNetwork net;
  RuntimeEnv env(networkConfig(net.networkDir()));
  const int port = randomPort();
  auto config = env.podConfig("hostport");
  auto* mapping = config.add_port_mappings();
  mapping->set_protocol(v1::TCP);
  mapping->set_container_port(80);
  mapping->set_host_port(port);
  // A container port without a host port is only informational.
  config.add_port_mappings()->set_container_port(8080);
  const auto pod = env.runPod(config);
  env.runContainer(pod, webServer("hello-through-hostport"), config);

  CHECK(waitServes([&] { return hostGet("http://127.0.0.1:" + std::to_string(port) + "/").out; },
                   "hello-through-hostport"));
  const std::string address = hostAddress();
  REQUIRE_MESSAGE(!address.empty(), "the host has no global IPv4 address");
  CHECK(contains(hostGet("http://" + address + ":" + std::to_string(port) + "/").out, "hello-through-hostport"));

  REQUIRE(env.stopPod(pod).ok());
  CHECK(CniTestNetwork::iptablesRulesWith(pod).empty());
  CHECK(hostGet("http://127.0.0.1:" + std::to_string(port) + "/").exitCode != 0);
}

TEST_CASE("pod network: a host-network pod gets no pod address and no CNI call") {
  if (!runtimeToolsPresent()) return;
  CniTestNetwork net;
  RuntimeEnv env(networkConfig(net.networkDir()));
  auto config = env.podConfig("host-net");
  config.mutable_linux()->mutable_security_context()->mutable_namespace_options()->set_network(v1::NODE);
  const auto pod = env.runPod(config);
  CHECK(env.podStatus(pod).network().ip().empty());
  CHECK(net.leasedAddresses().empty());
  CHECK(net.bridgePorts().empty());
  CHECK_FALSE(netnsPinned(env, pod));
  const auto ctr = env.runContainer(pod, RuntimeEnv::containerConfig("c", {"sleep", "1000"}), config);
  const pid_t pid = env.runcPid(ctr);
  REQUIRE(pid > 0);
  CHECK(fs::read_symlink("/proc/" + std::to_string(pid) + "/ns/net") == fs::read_symlink("/proc/self/ns/net"));
  // The node's name, as kubelet expects of a host-network pod.
  char host[256] = {};
  ::gethostname(host, sizeof host - 1);
  CHECK(env.execOut(ctr, {"hostname"}) == std::string(host) + "\n");
}

TEST_CASE("pod network: DNS configuration and hostname land in the container") {
  if (!runtimeToolsPresent()) return;
  CniTestNetwork net;
  RuntimeEnv env(networkConfig(net.networkDir()));
  auto config = env.podConfig("dns");
  config.set_hostname("web-7");
  auto* dns = config.mutable_dns_config();
  dns->add_servers("10.96.0.10");
  dns->add_searches("default.svc.cluster.local");
  dns->add_searches("svc.cluster.local");
  dns->add_options("ndots:5");
  const auto pod = env.runPod(config);
  const auto ctr = env.runContainer(pod, RuntimeEnv::containerConfig("c", {"sleep", "1000"}), config);
  const std::string resolv = env.execOut(ctr, {"cat", "/etc/resolv.conf"});
  CHECK(contains(resolv, "nameserver 10.96.0.10"));
  CHECK(contains(resolv, "search default.svc.cluster.local svc.cluster.local"));
  CHECK(contains(resolv, "options ndots:5"));
  CHECK(env.execOut(ctr, {"hostname"}) == "web-7\n");
  CHECK(contains(env.execOut(ctr, {"cat", "/etc/hostname"}), "web-7"));
}

TEST_CASE("pod network: StopPodSandbox twice, and after kill -9, leaves no lease, veth, rule or netns") {
  if (!runtimeToolsPresent()) return;
  CniTestNetwork net;
  RuntimeEnv env(networkConfig(net.networkDir()));
  auto config = env.podConfig("teardown");
  auto* mapping = config.add_port_mappings();
  mapping->set_container_port(80);
  mapping->set_host_port(randomPort());
  const auto pod = env.runPod(config);
  env.runContainer(pod, RuntimeEnv::containerConfig("c", {"sleep", "1000"}), config);
  const std::string ip = env.podStatus(pod).network().ip();
  CHECK(net.leasedAddresses() == std::vector<std::string>{ip});
  CHECK(net.bridgePorts().size() == 1);
  CHECK(!CniTestNetwork::iptablesRulesWith(pod).empty());
  CHECK(netnsPinned(env, pod));

  SUBCASE("stopped twice") {}
  SUBCASE("stopped after the daemon was killed") {
    env.killDaemon();
    env.startDaemon();
    CHECK(env.podStatus(pod).network().ip() == ip);
  }
  const auto first = env.stopPod(pod);
  REQUIRE_MESSAGE(first.ok(), first.error_message());
  const auto second = env.stopPod(pod);
  CHECK_MESSAGE(second.ok(), second.error_message());
  CHECK(net.leasedAddresses().empty());
  CHECK(net.bridgePorts().empty());
  CHECK(CniTestNetwork::iptablesRulesWith(pod).empty());
  CHECK_FALSE(netnsPinned(env, pod));
  CHECK(fs::is_empty(env.daemon().rootDir() + "/cni-attachments"));
  CHECK(env.removePod(pod).ok());
}

TEST_CASE("pod network: a failing plugin or a broken configuration gives a clear error and leaks nothing") {
  if (!runtimeToolsPresent()) return;
  CniTestNetwork net;
  TempDir fakes("crix-cni-plugins");
  // Fails ADD with a CNI error object, succeeds at DEL.
  writeFile(fakes / "quota",
            "#!/bin/sh\ncat >/dev/null\nif [ \"$CNI_COMMAND\" = ADD ]; then\n"
            "  echo '{\"cniVersion\":\"1.0.0\",\"code\":100,\"msg\":\"no addresses left\",\"details\":\"pool p1\"}'\n"
            "  exit 1\nfi\n");
  ::chmod((fakes / "quota").c_str(), 0755);
  auto conf = nlohmann::json::parse(readFile(net.conflistPath()));
  conf["plugins"].push_back({{"type", "quota"}});
  writeFile(net.conflistPath(), conf.dump());
  RuntimeEnv env(networkConfig(net.networkDir(), "\"" + fakes.path() + "\", \"/usr/lib/cni\""));

  auto config = env.podConfig("failing");
  std::string id;
  auto s = env.tryRunPod(config, &id);
  CHECK(s.error_code() == grpc::StatusCode::UNKNOWN);
  CHECK(contains(s.error_message(), "CNI plugin \"quota\""));
  CHECK(contains(s.error_message(), "no addresses left: pool p1"));
  CHECK(env.listPods().empty());
  CHECK(net.leasedAddresses().empty());
  CHECK(net.bridgePorts().empty());
  CHECK(CniTestNetwork::iptablesRulesWith(net.name()).empty());
  CHECK(fs::is_empty(env.daemon().runrootDir() + "/ns/netns"));
  CHECK(fs::is_empty(env.daemon().rootDir() + "/cni-attachments"));

  // Broken: the only configuration is not JSON. Not ready, and pods are
  // refused before anything is made.
  writeFile(net.conflistPath(), "{\"cniVersion\": \"1.0.0\", \"name\": ");
  const auto status = runtimeStatus(env);
  const auto* cond = networkCondition(status);
  REQUIRE(cond);
  CHECK_FALSE(cond->status());
  CHECK(cond->reason() == "NetworkPluginNotReady");
  CHECK(contains(cond->message(), "no valid CNI network configuration in " + net.networkDir()));
  s = env.tryRunPod(env.podConfig("refused"), &id);
  CHECK(s.error_code() == grpc::StatusCode::FAILED_PRECONDITION);
  CHECK(contains(s.error_message(), "no valid CNI network configuration"));
  CHECK(env.listPods().empty());
  CHECK(fs::is_empty(env.daemon().runrootDir() + "/ns/netns"));

  // Bad bandwidth annotation: refused as invalid.
  auto shaped = env.podConfig("shaped");
  (*shaped.mutable_annotations())["kubernetes.io/ingress-bandwidth"] = "lots";
  s = env.tryRunPod(shaped, &id);
  CHECK(s.error_code() == grpc::StatusCode::INVALID_ARGUMENT);
  CHECK(contains(s.error_message(), "kubernetes.io/ingress-bandwidth"));
}

TEST_CASE("pod network: NetworkReady follows the configuration directory without a restart") {
  if (!runtimeToolsPresent()) return;
  TempDir dir("crix-netdir");
  const std::string netDir = dir / "net.d";
  RuntimeEnv env(networkConfig(netDir));
  auto* cond = networkCondition(runtimeStatus(env));
  auto status = runtimeStatus(env);
  cond = networkCondition(status);
  REQUIRE(cond);
  CHECK_FALSE(cond->status());
  CHECK(cond->reason() == "NetworkPluginNotReady");
  CHECK(contains(cond->message(), netDir));

  CniTestNetwork net(netDir);
  status = runtimeStatus(env);
  cond = networkCondition(status);
  REQUIRE(cond);
  CHECK(cond->status());
  CHECK(cond->reason().empty());

  // The node's pod CIDR from the kubelet: new pods get addresses from it,
  // with a conflist whose IPAM takes the ipRanges capability and has no
  // ranges of its own (host-local adds the two up, as with containerd).
  auto conf = nlohmann::json::parse(readFile(net.conflistPath()));
  conf["plugins"][0]["capabilities"] = {{"ipRanges", true}};
  conf["plugins"][0]["ipam"].erase("ranges");
  writeFile(net.conflistPath(), conf.dump());
  v1::UpdateRuntimeConfigRequest update;
  update.mutable_runtime_config()->mutable_network_config()->set_pod_cidr(net.subnetPrefix() + "128/25");
  v1::UpdateRuntimeConfigResponse updated;
  auto s = env.rt().UpdateRuntimeConfig(deadlineContext().get(), update, &updated);
  REQUIRE_MESSAGE(s.ok(), s.error_message());
  const auto pod = env.runPod(env.podConfig("from-cidr"));
  const std::string ip = env.podStatus(pod).network().ip();
  CHECK(ip.rfind(net.subnetPrefix(), 0) == 0);
  CHECK(std::stoi(ip.substr(net.subnetPrefix().size())) > 128);
  REQUIRE(env.removePod(pod).ok());
  CHECK(net.leasedAddresses().empty());

  update.mutable_runtime_config()->mutable_network_config()->set_pod_cidr("not-a-cidr");
  s = env.rt().UpdateRuntimeConfig(deadlineContext().get(), update, &updated);
  CHECK(s.error_code() == grpc::StatusCode::INVALID_ARGUMENT);

  fs::remove(net.conflistPath());
  status = runtimeStatus(env);
  cond = networkCondition(status);
  REQUIRE(cond);
  CHECK_FALSE(cond->status());
}

TEST_CASE("pod network: after a reboot wiped the pods' state, the next start releases their leases") {
  if (!runtimeToolsPresent()) return;
  CniTestNetwork net;
  RuntimeEnv env(networkConfig(net.networkDir()));
  auto config = env.podConfig("rebooted");
  const auto pod = env.runPod(config);
  env.runContainer(pod, RuntimeEnv::containerConfig("c", {"sleep", "1000"}), config);
  REQUIRE(net.leasedAddresses().size() == 1);
  env.killDaemon();
  // A reboot: processes, mounts (the pod's netns with its veth) and the
  // runtime state are gone; host-local's store and crix's root stay.
  env.daemon().removeLeftovers();
  fs::remove_all(env.daemon().runrootDir());
  fs::remove_all(env.daemon().runcRoot());
  CHECK(net.leasedAddresses().size() == 1);
  env.startDaemon();
  CHECK(env.listPods().empty());
  CHECK(net.leasedAddresses().empty());
  CHECK(fs::is_empty(env.daemon().rootDir() + "/cni-attachments"));
  CHECK(env.daemon().waitForLog("detaching pod " + pod + " from the pod network"));
}
