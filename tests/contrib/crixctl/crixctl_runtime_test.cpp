// crixctl's pod and container verbs end to end: the real daemon on real
// runc, driven only through the crixctl binary, with what it prints checked
// against crictl's output (scripts written for crictl parse it).
#include <doctest/doctest.h>
#include <google/protobuf/util/json_util.h>

#include <filesystem>
#include <nlohmann/json.hpp>
#include <regex>
#include <thread>

#include "tests/support/RuntimeEnv.h"
#include "tests/support/Subprocess.h"

using namespace crix::test;
namespace fs = std::filesystem;

namespace {

constexpr auto kCrixctlBound = std::chrono::seconds(90);
const std::regex kRfc3339(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d))");

// Runs crixctl against the env's daemon. The generous --timeout keeps a slow
// machine from turning sandbox setup into a deadline failure.
ProcessResult crixctl(RuntimeEnv& env, const std::vector<std::string>& args) {
  std::vector<std::string> argv = {CRIXCTL_BINARY, "--runtime-endpoint", env.daemon().endpoint(), "--timeout", "60s"};
  argv.insert(argv.end(), args.begin(), args.end());
  return runProcess(argv, kCrixctlBound);
}

// stdout of a crixctl call that must succeed.
std::string ok(RuntimeEnv& env, const std::vector<std::string>& args) {
  const auto r = crixctl(env, args);
  std::string cmd;
  for (const auto& a : args) cmd += a + " ";
  REQUIRE_MESSAGE(r.exitCode == 0, "crixctl " << cmd << "failed: " << r.err << r.out);
  return r.out;
}

// The one line a verb printed, without its newline.
std::string oneLine(const std::string& out) {
  REQUIRE_MESSAGE(std::count(out.begin(), out.end(), '\n') == 1, "expected one line, got: " << out);
  REQUIRE(out.back() == '\n');
  return out.substr(0, out.size() - 1);
}

// Config files as people write them for crictl: proto (snake_case) names.
std::string writeJson(const TempDir& dir, const std::string& name, const google::protobuf::Message& message,
                      bool protoNames = true) {
  google::protobuf::util::JsonPrintOptions options;
  options.preserve_proto_field_names = protoNames;
  std::string text;
  REQUIRE(google::protobuf::util::MessageToJsonString(message, &text, options).ok());
  return dir.write(name, text);
}

// A table line's cells: crictl pads columns with at least three spaces, and
// cells ("5 seconds ago", "POD ID") hold single ones.
std::vector<std::string> cells(const std::string& line) {
  std::vector<std::string> out;
  const std::regex gap(" {2,}");
  for (std::sregex_token_iterator it(line.begin(), line.end(), gap, -1), end; it != end; ++it) out.push_back(*it);
  return out;
}

std::string shortId(const std::string& id) { return id.substr(0, 13); }

}  // namespace

TEST_SUITE("crixctl-runtime") {

TEST_CASE("runp takes a YAML pod config; pods, inspectp, stopp and rmp print what crictl prints") {
  if (!runtimeToolsPresent()) return;
  RuntimeEnv env;
  const auto base = env.podConfig("yaml-pod");
  const std::string podYaml = env.dir().write("pod.yaml",
                                              "metadata:\n"
                                              "  name: yaml-pod\n"
                                              "  namespace: crix-test\n"
                                              "  uid: " + base.metadata().uid() + "\n"
                                              "log_directory: " + base.log_directory() + "\n"
                                              "labels:\n"
                                              "  app: demo\n"
                                              "linux:\n"
                                              "  cgroup_parent: " + base.linux().cgroup_parent() + "\n");

  const std::string id = oneLine(ok(env, {"runp", podYaml}));
  REQUIRE(id.size() > 13);
  CHECK(oneLine(ok(env, {"pods", "-q"})) == id);

  const auto table = lines(ok(env, {"pods"}));
  REQUIRE(table.size() == 2);
  CHECK(cells(table[0]) ==
        std::vector<std::string>{"POD ID", "CREATED", "STATE", "NAME", "NAMESPACE", "ATTEMPT", "RUNTIME"});
  const auto row = cells(table[1]);
  REQUIRE(row.size() == 7);
  CHECK(row[0] == shortId(id));
  CHECK(row[1].ends_with(" ago"));
  CHECK(row[2] == "Ready");
  CHECK(row[3] == "yaml-pod");
  CHECK(row[4] == "crix-test");
  CHECK(row[5] == "0");
  CHECK(row[6] == "(default)");
  // Column width: widest cell plus three, at least twenty.
  CHECK(table[0].rfind("CREATED") == std::max<std::size_t>(shortId(id).size() + 3, 20));

  const auto listed = nlohmann::json::parse(ok(env, {"pods", "--name", "^yaml", "--state", "ready", "-o", "json"}));
  REQUIRE(listed.at("items").size() == 1);
  CHECK(listed["items"][0].at("id") == id);
  CHECK(listed["items"][0].at("metadata").at("name") == "yaml-pod");
  CHECK(listed["items"][0].at("labels").at("app") == "demo");
  CHECK(oneLine(ok(env, {"pods", "--label", "app=demo", "-q"})) == id);
  CHECK(ok(env, {"pods", "--label", "app=other", "-q"}).empty());
  CHECK(ok(env, {"pods", "--namespace", "^elsewhere$", "-q"}).empty());
  CHECK(oneLine(ok(env, {"pods", "--id", id.substr(0, 6), "-q"})) == id);

  // A unique prefix is as good as the ID.
  const auto inspected = nlohmann::json::parse(ok(env, {"inspectp", id.substr(0, 8)}));
  CHECK(inspected.at("status").at("id") == id);
  CHECK(inspected["status"].at("state") == "SANDBOX_READY");
  CHECK(std::regex_match(inspected["status"].at("createdAt").get<std::string>(), kRfc3339));
  // Without IDs, the filter flags pick the pods.
  CHECK(nlohmann::json::parse(ok(env, {"inspectp", "--name", "^yaml-"})).at("status").at("id") == id);
  const std::string verbose = ok(env, {"pods", "-v"});
  CHECK(verbose.starts_with("ID: " + id + "\nName: yaml-pod\nUID: " + base.metadata().uid() +
                            "\nNamespace: crix-test\nStatus: Ready\nCreated: "));
  CHECK(verbose.ends_with("Runtime: (default)\n\n"));
  const std::string text = ok(env, {"inspectp", "-o", "table", id});
  CHECK(text.starts_with("ID: " + id + "\nName: yaml-pod\nUID: " + base.metadata().uid() +
                         "\nNamespace: crix-test\nAttempt: 0\nStatus: SANDBOX_READY\nCreated: "));
  CHECK(text.find("Labels:\n\tapp -> demo\n") != std::string::npos);

  const auto refused = crixctl(env, {"rmp", id});
  CHECK(refused.exitCode == 1);
  CHECK(refused.err.find("is running, please stop it first") != std::string::npos);

  // Like crictl, the ID is echoed as given.
  CHECK(ok(env, {"stopp", id.substr(0, 10)}) == "Stopped sandbox " + id.substr(0, 10) + "\n");
  CHECK(oneLine(ok(env, {"pods", "--state", "notready", "-q"})) == id);
  CHECK(ok(env, {"rmp", id}) == "Removed sandbox " + id + "\n");
  CHECK(ok(env, {"pods", "-q"}).empty());

  const auto gone = crixctl(env, {"inspectp", id});
  CHECK(gone.exitCode == 1);
  CHECK(gone.err.find("NotFound") != std::string::npos);
}

TEST_CASE("create, start, ps, inspect, exec, stop and rm work with truncated IDs") {
  if (!runtimeToolsPresent()) return;
  RuntimeEnv env;
  const auto podConfig = env.podConfig("app");
  const std::string podFile = writeJson(env.dir(), "pod.json", podConfig);
  auto config = RuntimeEnv::containerConfig("sleeper", {"sleep", "300"});
  (*config.mutable_labels())["tier"] = "backend";
  // lowerCamelCase names work as well as proto names.
  const std::string ctrFile = writeJson(env.dir(), "ctr.json", config, false);

  const std::string podId = oneLine(ok(env, {"runp", podFile}));
  const std::string id = oneLine(ok(env, {"create", podId.substr(0, 12), ctrFile, podFile}));
  CHECK(ok(env, {"ps", "-q"}).empty());  // running ones only
  CHECK(oneLine(ok(env, {"ps", "-a", "-q"})) == id);
  CHECK(oneLine(ok(env, {"ps", "--state", "created", "-q"})) == id);
  CHECK(oneLine(ok(env, {"ps", "-l", "-q"})) == id);
  const auto badState = crixctl(env, {"ps", "--state", "sleeping"});
  CHECK(badState.exitCode == 1);
  CHECK(badState.err.find("--state should be one of created, running, exited or unknown") != std::string::npos);

  CHECK(oneLine(ok(env, {"start", id.substr(0, 9)})) == id.substr(0, 9));

  const auto table = lines(ok(env, {"ps"}));
  REQUIRE(table.size() == 2);
  CHECK(cells(table[0]) == std::vector<std::string>{"CONTAINER", "IMAGE", "CREATED", "STATE", "NAME", "ATTEMPT",
                                                    "POD ID", "POD", "NAMESPACE"});
  const auto row = cells(table[1]);
  REQUIRE(row.size() == 9);
  CHECK(row[0] == shortId(id));
  CHECK(row[1] == kBusybox);
  CHECK(row[2].ends_with(" ago"));
  CHECK(row[3] == "Running");
  CHECK(row[4] == "sleeper");
  CHECK(row[5] == "0");
  CHECK(row[6] == shortId(podId));
  // Without the kubelet's labels crictl shows "unknown".
  CHECK(row[7] == "unknown");
  CHECK(row[8] == "unknown");

  const auto json = nlohmann::json::parse(ok(env, {"ps", "--name", "^sleep", "--label", "tier=backend", "-o", "json"}));
  REQUIRE(json.at("containers").size() == 1);
  CHECK(json["containers"][0].at("id") == id);
  CHECK(json["containers"][0].at("podSandboxId") == podId);
  CHECK(json["containers"][0].at("state") == "CONTAINER_RUNNING");
  CHECK(ok(env, {"ps", "--pod", podId, "--label", "tier=frontend", "-q"}).empty());
  CHECK(oneLine(ok(env, {"ps", "--pod", podId, "-q"})) == id);

  const auto status = nlohmann::json::parse(ok(env, {"inspect", id.substr(0, 7)}));
  CHECK(status.at("status").at("id") == id);
  CHECK(status["status"].at("state") == "CONTAINER_RUNNING");
  CHECK(std::regex_match(status["status"].at("startedAt").get<std::string>(), kRfc3339));
  CHECK(status["status"].at("startedAt") != "0001-01-01T00:00:00Z");
  CHECK(status["status"].at("finishedAt") == "0001-01-01T00:00:00Z");
  CHECK(status["status"].at("metadata").at("name") == "sleeper");
  const std::string logPath = status["status"].at("logPath");
  CHECK(nlohmann::json::parse(ok(env, {"inspect", "--name", "^sleep"})).at("status").at("id") == id);
  CHECK(ok(env, {"ps", "-o", "yaml"}).starts_with("containers:\n"));
  CHECK(ok(env, {"ps", "-v"}).starts_with("ID: " + id + "\nPodID: " + podId + "\nNamespace: unknown\nName: sleeper\n"
                                          "Attempt: 0\nState: Running\nImage: " + kBusybox + "\nCreated: "));
  CHECK(ok(env, {"inspect", "-o", "table", id}).starts_with("ID: " + id + "\nName: sleeper\nState: CONTAINER_RUNNING\n"));

  SUBCASE("exec -s passes output and the exit code through") {
    const auto r = crixctl(env, {"exec", "-s", id.substr(0, 8), "sh", "-c", "echo out; echo err >&2; exit 3"});
    CHECK(r.exitCode == 3);
    CHECK(r.out == "out\n");
    CHECK(r.err.starts_with("err\n"));
    CHECK(ok(env, {"exec", "-s", "--timeout", "20", id, "echo", "hi"}) == "hi\n");
    // Without -s: streaming, through the daemon's streaming server.
    const auto streaming = crixctl(env, {"exec", id.substr(0, 8), "sh", "-c", "echo out; echo err >&2; exit 3"});
    CHECK(streaming.exitCode == 3);
    CHECK(streaming.out == "out\n");
    CHECK(streaming.err.starts_with("err\n"));
  }

  CHECK(oneLine(ok(env, {"stop", "-t", "2", id.substr(0, 10)})) == id.substr(0, 10));
  CHECK(oneLine(ok(env, {"ps", "-a", "--state", "exited", "-q"})) == id);
  const auto exited = nlohmann::json::parse(ok(env, {"inspect", id}));
  CHECK(exited["status"].at("state") == "CONTAINER_EXITED");
  CHECK(exited["status"].at("finishedAt") != "0001-01-01T00:00:00Z");

  CHECK(oneLine(ok(env, {"rm", id.substr(0, 11)})) == id.substr(0, 11));
  CHECK(ok(env, {"ps", "-a", "-q"}).empty());
  // crictl deletes the log along with the container unless --keep-logs.
  CHECK_FALSE(fs::exists(logPath));
}

TEST_CASE("run starts a container; logs reads its file with --tail, --timestamps, --since and -f") {
  if (!runtimeToolsPresent()) return;
  RuntimeEnv env;
  const auto podConfig = env.podConfig("talker");
  const std::string podFile = writeJson(env.dir(), "pod.json", podConfig);
  const auto config =
      RuntimeEnv::containerConfig("talker", {"sh", "-c", "echo one; echo two >&2; echo three; sleep 2; echo four"});
  const std::string ctrFile = writeJson(env.dir(), "ctr.json", config);

  // The image is there already: --with-pull finds it and pulls nothing.
  const std::string id = oneLine(ok(env, {"run", "--with-pull", ctrFile, podFile}));

  // -f ends by itself once the container has exited, with everything read.
  const auto followed = crixctl(env, {"logs", "-f", id.substr(0, 8)});
  REQUIRE_MESSAGE(followed.exitCode == 0, followed.err);
  CHECK(followed.out == "one\nthree\nfour\n");
  CHECK(followed.err == "two\n");
  CHECK(env.containerStatus(id).state() == v1::CONTAINER_EXITED);

  CHECK(ok(env, {"logs", "--tail", "1", id}) == "four\n");
  const auto stamped = lines(ok(env, {"logs", "-t", id}));
  REQUIRE(stamped.size() == 3);
  const std::regex stampedLine(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d*[1-9])?Z one)");
  CHECK_MESSAGE(std::regex_match(stamped[0], stampedLine), stamped[0]);
  CHECK(ok(env, {"logs", "--since", "1h", id}) == "one\nthree\nfour\n");
  CHECK(ok(env, {"logs", "--since", "2099-01-01T00:00:00Z", id}).empty());
  const auto noPrevious = crixctl(env, {"logs", "-p", id});
  CHECK(noPrevious.exitCode == 1);
  CHECK(noPrevious.err.find("previous terminated container") != std::string::npos);

  // run made a pod of its own from the pod config.
  const auto pods = nlohmann::json::parse(ok(env, {"pods", "-o", "json"}));
  REQUIRE(pods.at("items").size() == 1);
  CHECK(pods["items"][0].at("metadata").at("name") == "talker");
}

TEST_CASE("logs -f follows the log across a rotation (renamed, reopened by the runtime)") {
  if (!runtimeToolsPresent()) return;
  RuntimeEnv env;
  const std::string podFile = writeJson(env.dir(), "pod.json", env.podConfig("rotating"));
  const std::string ctrFile = writeJson(
      env.dir(), "ctr.json",
      RuntimeEnv::containerConfig(
          "rotating", {"sh", "-c", "i=0; while [ $i -lt 30 ]; do echo line$i; i=$((i+1)); sleep 0.15; done"}));
  const std::string id = oneLine(ok(env, {"run", ctrFile, podFile}));
  const std::string logPath = env.containerStatus(id).log_path();

  ProcessResult followed;
  std::thread follower([&] { followed = crixctl(env, {"logs", "-f", id}); });
  struct Join {
    std::thread& t;
    ~Join() {
      if (t.joinable()) t.join();
    }
  } join{follower};

  // Rotate as the kubelet does, well after the follower opened the file and
  // well before the container is done writing.
  std::this_thread::sleep_for(std::chrono::seconds(2));
  fs::rename(logPath, logPath + ".20261127-000000");
  v1::ReopenContainerLogRequest reopen;
  reopen.set_container_id(id);
  v1::ReopenContainerLogResponse reopened;
  const auto status = env.rt().ReopenContainerLog(deadlineContext().get(), reopen, &reopened);
  CHECK_MESSAGE(status.ok(), status.error_message());
  follower.join();

  REQUIRE_MESSAGE(followed.exitCode == 0, followed.err);
  std::string expected;
  for (int i = 0; i < 30; ++i) expected += "line" + std::to_string(i) + "\n";
  CHECK(followed.out == expected);
  // The new file has only what came after the rotation.
  CHECK(ok(env, {"logs", id}).starts_with("line"));
  CHECK(ok(env, {"logs", id}).size() < expected.size());
}

TEST_CASE("rm and rmp refuse what runs unless -f; -a removes everything") {
  if (!runtimeToolsPresent()) return;
  RuntimeEnv env;
  const auto podConfig = env.podConfig("busy");
  const std::string podFile = writeJson(env.dir(), "pod.json", podConfig);
  const std::string ctrFile = writeJson(env.dir(), "ctr.json", RuntimeEnv::containerConfig("busy", {"sleep", "300"}));
  const std::string id = oneLine(ok(env, {"run", "--no-pull", ctrFile, podFile}));
  const std::string podId = oneLine(ok(env, {"pods", "-q"}));

  const auto refused = crixctl(env, {"rm", id});
  CHECK(refused.exitCode == 1);
  CHECK(refused.err.find("container \\\"" + id + "\\\" is running, please stop it first") != std::string::npos);
  // -f stops (printing the ID) and then removes (printing it again).
  CHECK(ok(env, {"rm", "-f", id}) == id + "\n" + id + "\n");

  const std::string second = oneLine(ok(env, {"create", podId, ctrFile, podFile}));
  CHECK(ok(env, {"rm", "-a"}) == second + "\n");
  const std::string podPrefix = podId.substr(0, 8);
  CHECK(ok(env, {"rmp", "-f", podPrefix}) == "Stopped sandbox " + podPrefix + "\nRemoved sandbox " + podPrefix + "\n");
  CHECK(ok(env, {"rmp", "-a"}).empty());
  CHECK(ok(env, {"pods", "-q"}).empty());

  const auto conflicting = crixctl(env, {"create", "--no-pull", "--with-pull", podId, ctrFile, podFile});
  CHECK(conflicting.exitCode == 1);
  CHECK(conflicting.err.find("conflict: no-pull and with-pull are both set") != std::string::npos);
  const auto missing = crixctl(env, {"runp", (env.dir() / "missing.yaml")});
  CHECK(missing.exitCode == 1);
  CHECK(missing.err.find("load podSandboxConfig: config at ") != std::string::npos);
}

TEST_CASE("update changes limits; stats and statsp report the container and the pod") {
  if (!runtimeToolsPresent()) return;
  RuntimeEnv env;
  const auto podConfig = env.podConfig("measured");
  const std::string podFile = writeJson(env.dir(), "pod.json", podConfig);
  const std::string ctrFile =
      writeJson(env.dir(), "ctr.json", RuntimeEnv::containerConfig("measured", {"sleep", "300"}));
  const std::string id = oneLine(ok(env, {"run", ctrFile, podFile}));
  const std::string podId = oneLine(ok(env, {"pods", "-q"}));

  CHECK(oneLine(ok(env, {"update", "--memory", "67108864", "--cpu-share", "512", id.substr(0, 8)})) == id.substr(0, 8));
  const auto status = nlohmann::json::parse(ok(env, {"inspect", id}));
  CHECK(status.at("status").at("resources").at("linux").at("memoryLimitInBytes") == "67108864");
  CHECK(status["status"]["resources"]["linux"].at("cpuShares") == "512");

  const auto stats = nlohmann::json::parse(ok(env, {"stats", "-o", "json", id.substr(0, 8)}));
  REQUIRE(stats.at("stats").size() == 1);
  CHECK(stats["stats"][0].at("attributes").at("id") == id);

  const auto table = lines(ok(env, {"stats", "--seconds", "1"}));
  REQUIRE(table.size() == 2);
  CHECK(cells(table[0]) == std::vector<std::string>{"CONTAINER", "NAME", "CPU %", "MEM", "DISK", "INODES"});
  const auto row = cells(table[1]);
  REQUIRE(row.size() == 6);
  CHECK(row[0] == shortId(id));
  CHECK(row[1] == "measured");
  CHECK(std::regex_match(row[2], std::regex(R"(\d+\.\d\d)")));

  const auto podStats = nlohmann::json::parse(ok(env, {"statsp", "-o", "json"}));
  REQUIRE(podStats.at("stats").size() == 1);
  CHECK(podStats["stats"][0].at("attributes").at("id") == podId);
}

}  // TEST_SUITE
