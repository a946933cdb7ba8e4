// The real crix daemon on a temporary socket: lifecycle, signals, and the
// foundation RPCs over gRPC.
#include <doctest/doctest.h>
#include <grpcpp/grpcpp.h>
#include <nlohmann/json.hpp>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstring>
#include <filesystem>
#include <fstream>

#include "tests/support/DaemonProcess.h"
#include "tests/support/Subprocess.h"

using namespace crix::test;
namespace v1 = runtime::v1;

TEST_SUITE("daemon") {

TEST_CASE("Version names crix and the v1 API") {
  DaemonProcess daemon;
  daemon.start();
  v1::VersionRequest req;
  req.set_version("0.1.0");
  v1::VersionResponse resp;
  const auto status = daemon.runtimeClient()->Version(deadlineContext().get(), req, &resp);
  REQUIRE_MESSAGE(status.ok(), status.error_message());
  CHECK(resp.runtime_name() == "crix");
  CHECK(resp.runtime_api_version() == "v1");
  CHECK(resp.runtime_version() == CRIX_VERSION);
  CHECK(resp.version() == "0.1.0");
}

TEST_CASE("Status reports RuntimeReady, NetworkReady false with a reason, and verbose config") {
  DaemonProcess daemon;
  // No CNI configuration at all.
  std::filesystem::remove(daemon.networkDir() + "/99-crix-test-loopback.conflist");
  daemon.start();
  v1::StatusRequest req;
  req.set_verbose(true);
  v1::StatusResponse resp;
  const auto status = daemon.runtimeClient()->Status(deadlineContext().get(), req, &resp);
  REQUIRE_MESSAGE(status.ok(), status.error_message());

  bool runtimeReady = false, sawNetwork = false;
  for (const auto& c : resp.status().conditions()) {
    if (c.type() == "RuntimeReady") runtimeReady = c.status();
    if (c.type() == "NetworkReady") {
      sawNetwork = true;
      CHECK_FALSE(c.status());
      CHECK(c.reason() == "NetworkPluginNotReady");
      CHECK(c.message() == "Network plugin returns error: no valid CNI network configuration in " + daemon.networkDir());
    }
  }
  CHECK(runtimeReady);
  CHECK(sawNetwork);

  REQUIRE(resp.info().count("config") == 1);
  const auto cfg = nlohmann::json::parse(resp.info().at("config"));
  CHECK(cfg.dump().find(daemon.socketPath()) != std::string::npos);

  bool defaultHandler = false, runcHandler = false;
  for (const auto& h : resp.runtime_handlers()) {
    defaultHandler |= h.name().empty();
    runcHandler |= h.name() == "runc";
  }
  CHECK(defaultHandler);
  CHECK(runcHandler);
}

TEST_CASE("Status says RuntimeReady false, with the reason, while the runtime binary is missing") {
  DaemonProcess daemon;
  // The daemon refuses to start without its runtime (as CRI-O does); a
  // runtime that goes away later is what Status must report.
  const std::string runtime = daemon.dir() / "runc-link";
  std::filesystem::create_symlink("/usr/sbin/runc", runtime);
  const std::string dropIn = daemon.configDir() + "/50-linked-runc.conf";
  {
    std::ofstream out(dropIn);
    out << "[crio.runtime.runtimes.runc]\nruntime_path = \"" << runtime << "\"\n";
  }
  daemon.start();
  const auto runtimeReady = [&] {
    v1::StatusResponse resp;
    const auto status = daemon.runtimeClient()->Status(deadlineContext().get(), v1::StatusRequest(), &resp);
    REQUIRE_MESSAGE(status.ok(), status.error_message());
    for (const auto& c : resp.status().conditions())
      if (c.type() == "RuntimeReady") return c;
    FAIL("no RuntimeReady condition");
    return v1::RuntimeCondition();
  };
  CHECK(runtimeReady().status());

  std::filesystem::remove(runtime);
  const auto down = runtimeReady();
  CHECK_FALSE(down.status());
  CHECK(down.reason() == "RuntimeNotReady");
  CHECK_MESSAGE(down.message().find(runtime) != std::string::npos, down.message());

  // Installing the runtime again is seen without a restart.
  std::filesystem::create_symlink("/usr/sbin/runc", runtime);
  CHECK(runtimeReady().status());
}

TEST_CASE("RuntimeConfig reports the cgroup driver from the config") {
  DaemonProcess daemon("[crio.runtime]\ncgroup_manager = \"cgroupfs\"\n");
  daemon.start();
  v1::RuntimeConfigResponse resp;
  const auto status = daemon.runtimeClient()->RuntimeConfig(deadlineContext().get(), {}, &resp);
  REQUIRE_MESSAGE(status.ok(), status.error_message());
  CHECK(resp.linux().cgroup_driver() == v1::CGROUPFS);
}

TEST_CASE("an RPC crix lacks answers UNIMPLEMENTED naming it") {
  DaemonProcess daemon;
  daemon.start();
  v1::CheckpointContainerResponse resp;
  const auto status = daemon.runtimeClient()->CheckpointContainer(deadlineContext().get(), {}, &resp);
  CHECK(status.error_code() == grpc::StatusCode::UNIMPLEMENTED);
  CHECK(status.error_message().find("CheckpointContainer") != std::string::npos);

  v1::ListMetricDescriptorsResponse metrics;
  const auto s2 = daemon.runtimeClient()->ListMetricDescriptors(deadlineContext().get(), {}, &metrics);
  CHECK(s2.error_code() == grpc::StatusCode::UNIMPLEMENTED);
  CHECK(s2.error_message().find("ListMetricDescriptors") != std::string::npos);
  CHECK(daemon.running());
}

TEST_CASE("the socket is created with mode 0660") {
  DaemonProcess daemon;
  daemon.start();
  struct stat st {};
  REQUIRE(::stat(daemon.socketPath().c_str(), &st) == 0);
  CHECK(S_ISSOCK(st.st_mode));
  CHECK((st.st_mode & 07777) == 0660);
}

TEST_CASE("a second daemon on the same socket is refused and the first keeps serving") {
  DaemonProcess first;
  first.start();

  // Same socket, different state dirs: only the socket is contested.
  DaemonProcess second;
  const int code = second.runToExit({"--listen", first.socketPath()});
  CHECK(code != 0);
  CHECK(second.log().find("already serving " + first.socketPath()) != std::string::npos);

  v1::VersionResponse resp;
  CHECK(first.runtimeClient()->Version(deadlineContext().get(), {}, &resp).ok());
  CHECK(std::filesystem::exists(first.socketPath()));
}

TEST_CASE("a stale socket file left by a crash is replaced") {
  DaemonProcess daemon;
  // A socket bound and abandoned, as a kill -9'd daemon leaves it.
  {
    const int fd = ::socket(AF_UNIX, SOCK_STREAM, 0);
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    std::strncpy(addr.sun_path, daemon.socketPath().c_str(), sizeof addr.sun_path - 1);
    REQUIRE(::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
    ::close(fd);
  }
  REQUIRE(std::filesystem::exists(daemon.socketPath()));
  daemon.start();
  CHECK(daemon.log().find("removed stale socket") != std::string::npos);
  v1::VersionResponse resp;
  CHECK(daemon.runtimeClient()->Version(deadlineContext().get(), {}, &resp).ok());
}

TEST_CASE("a regular file at the socket path is not deleted") {
  DaemonProcess daemon;
  writeFile(daemon.socketPath(), "precious");
  CHECK(daemon.runToExit() != 0);
  CHECK(readFile(daemon.socketPath()) == "precious");
  CHECK(daemon.log().find("not a socket") != std::string::npos);
}

TEST_CASE("SIGTERM and SIGINT stop the daemon with exit 0 and remove the socket") {
  for (const int sig : {SIGTERM, SIGINT}) {
    CAPTURE(sig);
    DaemonProcess daemon;
    daemon.start();
    daemon.signal(sig);
    const auto code = daemon.waitExit();
    REQUIRE(code.has_value());
    CHECK(*code == 0);
    CHECK_FALSE(std::filesystem::exists(daemon.socketPath()));
  }
}

TEST_CASE("SIGHUP reloads the log level and logs the change") {
  DaemonProcess daemon("[crio.runtime]\nlog_level = \"info\"\n");
  daemon.start();
  writeFile(daemon.configDir() + "/50-debug.conf", "[crio.runtime]\nlog_level = \"debug\"\n");
  daemon.signal(SIGHUP);
  REQUIRE_MESSAGE(daemon.waitForLog("log_level: info -> debug"), daemon.log());

  // At debug level every RPC is logged with its duration and result.
  v1::VersionResponse resp;
  REQUIRE(daemon.runtimeClient()->Version(deadlineContext().get(), {}, &resp).ok());
  CHECK_MESSAGE(daemon.waitForLog("rpc RuntimeService/Version code=OK duration="), daemon.log());
}

TEST_CASE("a broken config on SIGHUP keeps the daemon serving") {
  DaemonProcess daemon;
  daemon.start();
  writeFile(daemon.configDir() + "/50-bad.conf", "[crio.runtime]\nlog_level = 7\n");
  daemon.signal(SIGHUP);
  REQUIRE_MESSAGE(daemon.waitForLog("reload failed"), daemon.log());
  v1::VersionResponse resp;
  CHECK(daemon.runtimeClient()->Version(deadlineContext().get(), {}, &resp).ok());
}

TEST_CASE("a bad config value stops start-up with file, line and key") {
  DaemonProcess daemon("[crio.api]\nlisten = \"/tmp/x.sock\"\nstream_port = 5\n");
  CHECK(daemon.runToExit() != 0);
  const std::string log = daemon.log();
  CHECK_MESSAGE(log.find(daemon.configPath() + ":3") != std::string::npos, log);
  CHECK_MESSAGE(log.find("crio.api.stream_port") != std::string::npos, log);
}

TEST_CASE("crix config prints the effective configuration, flags applied") {
  DaemonProcess daemon("[crio.runtime]\nlog_level = \"warn\"\n");
  const auto result = runProcess({CRIX_BINARY, "--config", daemon.configPath(), "--config-dir",
                                  daemon.configDir(), "--listen", "/tmp/elsewhere.sock", "config"});
  CHECK(result.exitCode == 0);
  CHECK(result.out.find("[crio.api]") != std::string::npos);
  CHECK(result.out.find("\"/tmp/elsewhere.sock\"") != std::string::npos);
  CHECK(result.out.find("\"warn\"") != std::string::npos);
}

TEST_CASE("unknown flags and commands are refused clearly") {
  auto r = runProcess({CRIX_BINARY, "--no-such-flag"});
  CHECK(r.exitCode != 0);
  CHECK(r.err.find("--no-such-flag") != std::string::npos);
  r = runProcess({CRIX_BINARY, "frobnicate"});
  CHECK(r.exitCode != 0);
  CHECK(r.err.find("frobnicate") != std::string::npos);
  r = runProcess({CRIX_BINARY, "--help"});
  CHECK(r.exitCode == 0);
  CHECK(r.out.find("--config-dir") != std::string::npos);
}

}  // TEST_SUITE
