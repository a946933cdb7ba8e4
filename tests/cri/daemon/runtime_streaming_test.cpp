// Exec, Attach and PortForward through the daemon: the CRI RPC hands out a
// URL on crix's streaming server, and independent clients (npm's ws, and
// spdy-transport speaking SPDY/3.1 as kubectl does; tests/cri/streaming/js)
// use it against real runc containers.
#include <doctest/doctest.h>
#include <grpcpp/grpcpp.h>

#include <chrono>
#include <filesystem>
#include <random>
#include <string>
#include <thread>

#include <nlohmann/json.hpp>

#include "tests/support/RuntimeEnv.h"
#include "tests/support/NodeScript.h"
#include "tests/support/Subprocess.h"

using namespace crix::test;
namespace fs = std::filesystem;
using nlohmann::json;

namespace {

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

// Runs one scenario of tests/cri/streaming/js/<script>; its "done" line.
json runClient(const std::string& script, const json& spec) {
  const NodeRun run = runNodeScript(script, {"ws", "spdy-transport"}, {spec.dump()}, std::chrono::seconds(45));
  INFO(run.transcript());
  REQUIRE(run.process.exitCode == 0);
  return run.event("done");
}

std::string execUrl(RuntimeEnv& env, const std::string& ctr, const std::vector<std::string>& cmd, bool tty,
                    bool in, bool out, bool err) {
  v1::ExecRequest req;
  req.set_container_id(ctr);
  for (const auto& c : cmd) req.add_cmd(c);
  req.set_tty(tty);
  req.set_stdin(in);
  req.set_stdout(out);
  req.set_stderr(err);
  v1::ExecResponse resp;
  const auto s = env.rt().Exec(deadlineContext().get(), req, &resp);
  REQUIRE_MESSAGE(s.ok(), s.error_message());
  return resp.url();
}

grpc::Status tryExec(RuntimeEnv& env, const v1::ExecRequest& req) {
  v1::ExecResponse resp;
  return env.rt().Exec(deadlineContext().get(), req, &resp);
}

std::string attachUrl(RuntimeEnv& env, const std::string& ctr, bool in, bool tty = false) {
  v1::AttachRequest req;
  req.set_container_id(ctr);
  req.set_stdin(in);
  req.set_tty(tty);
  req.set_stdout(true);
  req.set_stderr(!tty);
  v1::AttachResponse resp;
  const auto s = env.rt().Attach(deadlineContext().get(), req, &resp);
  REQUIRE_MESSAGE(s.ok(), s.error_message());
  return resp.url();
}

std::string portForwardUrl(RuntimeEnv& env, const std::string& pod, int port) {
  v1::PortForwardRequest req;
  req.set_pod_sandbox_id(pod);
  req.add_port(port);
  v1::PortForwardResponse resp;
  const auto s = env.rt().PortForward(deadlineContext().get(), req, &resp);
  REQUIRE_MESSAGE(s.ok(), s.error_message());
  return resp.url();
}

const json kV5 = json::array({"v5.channel.k8s.io", "v4.channel.k8s.io"});

// The error channel's metav1.Status, as kubectl reads the exit code.
json statusOf(const json& done) { return json::parse(done.at("error").get<std::string>()); }

size_t openFds(pid_t pid) {
  size_t n = 0;
  for ([[maybe_unused]] const auto& e : fs::directory_iterator("/proc/" + std::to_string(pid) + "/fd")) ++n;
  return n;
}

int randomPort() {
  std::random_device random;
  return 32000 + static_cast<int>(random() % 2000);
}

v1::ContainerConfig httpd(const std::string& listen) {
  return RuntimeEnv::containerConfig(
      "web", {"sh", "-c", "mkdir -p /www && echo hello-through-port-forward > /www/index.html && exec httpd -f -p " +
                              listen + " -h /www"});
}

}  // namespace

TEST_SUITE("streaming") {

TEST_CASE("exec over WebSocket: stdout, stderr and the exit code in the status") {
  if (!runtimeToolsPresent()) return;
  RuntimeEnv env;
  const auto podConfig = env.podConfig("exec-ws");
  const auto pod = env.runPod(podConfig);
  const auto ctr = env.runContainer(pod, RuntimeEnv::containerConfig("c", {"sleep", "1000"}), podConfig);

  auto done = runClient("server-ws.js", {{"mode", "exec"},
                                         {"url", execUrl(env, ctr, {"sh", "-c", "echo out; echo err >&2; exit 3"},
                                                         false, false, true, true)},
                                         {"protocols", kV5}});
  CHECK(done["protocol"] == "v5.channel.k8s.io");
  CHECK(done["stdout"] == "out\n");
  CHECK(done["stderr"] == "err\n");
  auto status = statusOf(done);
  CHECK(status["status"] == "Failure");
  CHECK(status["reason"] == "NonZeroExitCode");
  CHECK(status["details"]["causes"][0]["reason"] == "ExitCode");
  CHECK(status["details"]["causes"][0]["message"] == "3");

  done = runClient("server-ws.js", {{"mode", "exec"},
                                    {"url", execUrl(env, ctr, {"id", "-u"}, false, false, true, false)},
                                    {"protocols", json::array({"v4.channel.k8s.io"})}});
  CHECK(done["protocol"] == "v4.channel.k8s.io");
  CHECK(done["stdout"] == "0\n");
  CHECK(statusOf(done)["status"] == "Success");

  // A command that cannot start: a failure status, not an exit code.
  done = runClient("server-ws.js", {{"mode", "exec"},
                                    {"url", execUrl(env, ctr, {"/no/such/tool"}, false, false, true, true)},
                                    {"protocols", kV5}});
  status = statusOf(done);
  CHECK(status["status"] == "Failure");
  CHECK(contains(status.value("message", ""), "/no/such/tool"));
}

TEST_CASE("exec over SPDY/3.1 as kubectl: stdin reaches cat and its end ends it") {
  if (!runtimeToolsPresent()) return;
  RuntimeEnv env;
  const auto podConfig = env.podConfig("exec-spdy");
  const auto pod = env.runPod(podConfig);
  const auto ctr = env.runContainer(pod, RuntimeEnv::containerConfig("c", {"sleep", "1000"}), podConfig);
  const auto done = runClient("server-spdy.js",
                              {{"mode", "exec"},
                               {"url", execUrl(env, ctr, {"cat"}, false, true, true, true)},
                               {"protocol", "v4.channel.k8s.io"},
                               {"streams", json::array({"error", "stdin", "stdout", "stderr"})},
                               {"stdin", "hello over spdy\n"}});
  CHECK(done["stdout"] == "hello over spdy\n");
  CHECK(done["stderr"] == "");
  CHECK(contains(done["error"].get<std::string>(), "Success"));

  // A large stdin goes through flow control both ways.
  const auto big = runClient("server-spdy.js",
                             {{"mode", "exec"},
                              {"url", execUrl(env, ctr, {"sh", "-c", "echo start; cat"}, false, true, true, true)},
                              {"protocol", "v4.channel.k8s.io"},
                              {"streams", json::array({"error", "stdin", "stdout", "stderr"})},
                              {"stdinRandom", 1 << 20}});
  CHECK(big["stdoutBytes"] == 1 << 20);
  CHECK(big["stdoutSha"] == big["stdinSha"]);
}

TEST_CASE("exec with a terminal: the client's size reaches stty, input is echoed and read") {
  if (!runtimeToolsPresent()) return;
  RuntimeEnv env;
  const auto podConfig = env.podConfig("exec-tty");
  const auto pod = env.runPod(podConfig);
  const auto ctr = env.runContainer(pod, RuntimeEnv::containerConfig("c", {"sleep", "1000"}), podConfig);
  // The size may land a moment after the shell starts: look a few times.
  const std::vector<std::string> cmd = {
      "sh", "-c",
      "for i in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15; do s=$(stty size); [ \"$s\" = \"40 100\" ] && break; "
      "sleep 0.2; done; echo size=$s; read line; echo got:$line"};
  const auto done = runClient("server-ws.js", {{"mode", "exec"},
                                               {"url", execUrl(env, ctr, cmd, true, true, true, false)},
                                               {"protocols", kV5},
                                               {"resizes", json::array({json::array({100, 40})})},
                                               {"stdin", "typed\n"}});
  const std::string out = done["stdout"];
  CHECK(contains(out, "size=40 100"));
  // The terminal echoes input and ends lines with \r\n.
  CHECK(contains(out, "typed\r\n"));
  CHECK(contains(out, "got:typed\r\n"));
  CHECK(statusOf(done)["status"] == "Success");
}

TEST_CASE("attach to a running container that prints and reads") {
  if (!runtimeToolsPresent()) return;
  RuntimeEnv env;
  const auto podConfig = env.podConfig("attach");
  const auto pod = env.runPod(podConfig);
  auto config = RuntimeEnv::containerConfig(
      "reader", {"sh", "-c", "while read line; do echo got:$line; echo err:$line >&2; done; echo bye"});
  config.set_stdin(true);
  config.set_stdin_once(true);
  const auto ctr = env.runContainer(pod, config, podConfig);

  const auto done = runClient("server-ws.js", {{"mode", "exec"},
                                               {"url", attachUrl(env, ctr, true)},
                                               {"protocols", kV5},
                                               {"stdin", "one\ntwo\n"},
                                               {"closeStdin", true}});
  CHECK(done["stdout"] == "got:one\ngot:two\nbye\n");
  CHECK(done["stderr"] == "err:one\nerr:two\n");
  // stdin-once: the client's end of input ended the container.
  CHECK(env.waitExited(ctr).exit_code() == 0);

  // Attaching to a container created without stdin, with stdin: refused.
  const auto ticker =
      env.runContainer(pod, RuntimeEnv::containerConfig("ticker", {"sh", "-c", "while :; do echo tick; sleep 0.1; done"}),
                       podConfig);
  v1::AttachRequest req;
  req.set_container_id(ticker);
  req.set_stdin(true);
  req.set_stdout(true);
  v1::AttachResponse resp;
  const auto refused = env.rt().Attach(deadlineContext().get(), req, &resp);
  CHECK(refused.error_code() == grpc::StatusCode::FAILED_PRECONDITION);
  CHECK(contains(refused.error_message(), "without stdin"));

  // A client that goes away leaves the container running.
  const auto gone = runClient("server-ws.js", {{"mode", "disconnect"}, {"url", attachUrl(env, ticker, false)},
                                               {"protocols", kV5}});
  CHECK(contains(gone["stdout"].get<std::string>(), "tick"));
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  CHECK(env.containerStatus(ticker).state() == v1::CONTAINER_RUNNING);
}

TEST_CASE("port-forward to busybox httpd in a pod: WebSocket, and two SPDY connections at once") {
  if (!runtimeToolsPresent()) return;
  RuntimeEnv env;
  const auto podConfig = env.podConfig("pf");
  const auto pod = env.runPod(podConfig);
  env.runContainer(pod, httpd("80"), podConfig);
  // The server needs a moment to listen.
  json ws;
  for (int i = 0; i < 50; ++i) {
    ws = runClient("server-ws.js", {{"mode", "portforward"},
                                    {"url", portForwardUrl(env, pod, 80) + "?port=80"},
                                    {"protocols", json::array({"v4.channel.k8s.io"})},
                                    {"payload", "GET / HTTP/1.0\r\n\r\n"}});
    if (contains(ws["echoed"].get<std::string>(), "200 OK")) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  CHECK_MESSAGE(contains(ws["echoed"].get<std::string>(), "hello-through-port-forward"), ws.dump());
  CHECK(ws["prefixes"]["0"] == 80);
  CHECK(ws["prefixes"]["1"] == 80);

  const auto spdy = runClient("server-spdy.js", {{"mode", "portforward"},
                                                 {"url", portForwardUrl(env, pod, 80)},
                                                 {"port", 80},
                                                 {"pairs", 2},
                                                 {"payload", "GET / HTTP/1.0\r\n\r\n"}});
  REQUIRE(spdy["pairs"].size() == 2);
  for (const auto& pair : spdy["pairs"]) {
    CHECK(contains(pair["echoed"].get<std::string>(), "hello-through-port-forward"));
    CHECK(pair["error"] == "");
  }

  // Nothing listens on 81: the error stream says so.
  const auto failed = runClient("server-spdy.js", {{"mode", "portforward-fail"},
                                                   {"url", portForwardUrl(env, pod, 81)},
                                                   {"port", 81}});
  CHECK(contains(failed["error"].get<std::string>(), "localhost:81"));
}

TEST_CASE("port-forward into a host-network pod reaches the node's localhost") {
  if (!runtimeToolsPresent()) return;
  RuntimeEnv env;
  auto podConfig = env.podConfig("pf-host");
  podConfig.mutable_linux()->mutable_security_context()->mutable_namespace_options()->set_network(v1::NODE);
  const auto pod = env.runPod(podConfig);
  const int port = randomPort();
  env.runContainer(pod, httpd("127.0.0.1:" + std::to_string(port)), podConfig);
  json ws;
  for (int i = 0; i < 50; ++i) {
    ws = runClient("server-ws.js", {{"mode", "portforward"},
                                    {"url", portForwardUrl(env, pod, port) + "?port=" + std::to_string(port)},
                                    {"protocols", json::array({"v4.channel.k8s.io"})},
                                    {"payload", "GET / HTTP/1.0\r\n\r\n"}});
    if (contains(ws["echoed"].get<std::string>(), "200 OK")) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  CHECK_MESSAGE(contains(ws["echoed"].get<std::string>(), "hello-through-port-forward"), ws.dump());
}

TEST_CASE("streaming requests: checked before a URL is given; a URL serves once") {
  if (!runtimeToolsPresent()) return;
  RuntimeEnv env;
  const auto podConfig = env.podConfig("checks");
  const auto pod = env.runPod(podConfig);
  const auto ctr = env.runContainer(pod, RuntimeEnv::containerConfig("c", {"sleep", "1000"}), podConfig);

  v1::ExecRequest req;
  req.set_container_id(ctr);
  req.add_cmd("true");
  req.set_tty(true);
  req.set_stdout(true);
  req.set_stderr(true);
  auto s = tryExec(env, req);
  CHECK(s.error_code() == grpc::StatusCode::INVALID_ARGUMENT);
  CHECK(contains(s.error_message(), "tty and stderr cannot both be true"));
  req.set_tty(false);
  req.set_stdout(false);
  req.set_stderr(false);
  CHECK(tryExec(env, req).error_code() == grpc::StatusCode::INVALID_ARGUMENT);
  req.set_stdout(true);
  req.clear_cmd();
  CHECK(tryExec(env, req).error_code() == grpc::StatusCode::INVALID_ARGUMENT);
  req.add_cmd("true");
  req.set_container_id("no-such-container");
  CHECK(tryExec(env, req).error_code() == grpc::StatusCode::NOT_FOUND);

  const auto exited = env.runContainer(pod, RuntimeEnv::containerConfig("done", {"true"}), podConfig);
  env.waitExited(exited);
  req.set_container_id(exited);
  CHECK(tryExec(env, req).error_code() == grpc::StatusCode::FAILED_PRECONDITION);

  v1::PortForwardRequest pf;
  pf.set_pod_sandbox_id("no-such-pod");
  v1::PortForwardResponse pfResp;
  CHECK(env.rt().PortForward(deadlineContext().get(), pf, &pfResp).error_code() == grpc::StatusCode::NOT_FOUND);

  // The URL names the daemon's streaming server; it serves once.
  const std::string url = execUrl(env, ctr, {"echo", "once"}, false, false, true, false);
  CHECK(url.rfind("http://127.0.0.1:", 0) == 0);
  CHECK(contains(url, "/exec/"));
  const auto first = runClient("server-ws.js", {{"mode", "exec"}, {"url", url}, {"protocols", kV5}});
  CHECK(first["stdout"] == "once\n");
  const auto again = runClient("server-ws.js", {{"mode", "status"}, {"url", url}, {"protocols", kV5}});
  CHECK(again["httpStatus"] == 404);
  const auto unknown = runClient("server-ws.js", {{"mode", "status"},
                                                  {"url", url.substr(0, url.rfind('/') + 1) + "not-a-token"},
                                                  {"protocols", kV5}});
  CHECK(unknown["httpStatus"] == 404);
}

TEST_CASE("a client that disconnects mid-exec: the process is killed, the daemon keeps no fd") {
  if (!runtimeToolsPresent()) return;
  RuntimeEnv env;
  const auto podConfig = env.podConfig("disconnect");
  const auto pod = env.runPod(podConfig);
  const auto ctr = env.runContainer(pod, RuntimeEnv::containerConfig("c", {"sleep", "1000"}), podConfig);
  // Warm up once, so lazily opened daemon fds do not count.
  runClient("server-ws.js", {{"mode", "exec"},
                             {"url", execUrl(env, ctr, {"true"}, false, false, true, false)},
                             {"protocols", kV5}});
  const size_t before = openFds(env.daemon().pid());

  const auto done = runClient("server-ws.js", {{"mode", "disconnect"},
                                               {"url", execUrl(env, ctr, {"sh", "-c", "echo started; exec sleep 1234"},
                                                               false, true, true, true)},
                                               {"protocols", kV5}});
  CHECK(contains(done["stdout"].get<std::string>(), "started"));
  bool gone = false;
  for (int i = 0; i < 100 && !gone; ++i) {
    gone = !contains(env.execOut(ctr, {"ps"}), "sleep 1234");
    if (!gone) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  CHECK_MESSAGE(gone, "the exec'd sleep 1234 still runs after its client went away");
  size_t after = 0;
  for (int i = 0; i < 50; ++i) {
    after = openFds(env.daemon().pid());
    if (after <= before) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  CHECK(after <= before);
  // No exec directory is left either.
  CHECK(fs::is_empty(env.daemon().runrootDir() + "/containers/" + ctr + "/exec"));
}

}  // TEST_SUITE
