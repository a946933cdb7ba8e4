// crixctl against the real daemon: the crictl-shaped output of its verbs.
#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include "tests/support/DaemonProcess.h"
#include "tests/support/Subprocess.h"

using namespace crix::test;

TEST_SUITE("crixctl") {

TEST_CASE("crixctl version prints crictl's fields") {
  DaemonProcess daemon;
  daemon.start();
  const auto r = runProcess({CRIXCTL_BINARY, "--runtime-endpoint", daemon.endpoint(), "version"});
  REQUIRE_MESSAGE(r.exitCode == 0, r.err);
  CHECK(r.out.find("RuntimeName:  crix") != std::string::npos);
  CHECK(r.out.find("RuntimeApiVersion:  v1") != std::string::npos);
  CHECK(r.out.find(std::string("RuntimeVersion:  ") + CRIX_VERSION) != std::string::npos);
}

TEST_CASE("crixctl takes the endpoint from CONTAINER_RUNTIME_ENDPOINT") {
  DaemonProcess daemon;
  daemon.start();
  const auto r = runProcess({CRIXCTL_BINARY, "version"}, std::chrono::seconds(30),
                            {"CONTAINER_RUNTIME_ENDPOINT=" + daemon.endpoint()});
  REQUIRE_MESSAGE(r.exitCode == 0, r.err);
  CHECK(r.out.find("RuntimeName:  crix") != std::string::npos);
}

TEST_CASE("crixctl info shows the conditions as JSON") {
  DaemonProcess daemon;
  daemon.start();
  const auto r = runProcess({CRIXCTL_BINARY, "-r", daemon.endpoint(), "info"});
  REQUIRE_MESSAGE(r.exitCode == 0, r.err);
  const auto doc = nlohmann::json::parse(r.out);
  const auto& conditions = doc.at("status").at("conditions");
  REQUIRE(conditions.size() == 2);
  CHECK(conditions[0].at("type") == "RuntimeReady");
  CHECK(conditions[0].at("status") == true);
  CHECK(conditions[1].at("type") == "NetworkReady");
  // The test daemon's loopback-only CNI network (DaemonProcess).
  CHECK(conditions[1].at("status") == true);
}

TEST_CASE("crixctl against a daemon that is not there fails clearly and in time") {
  TempDir dir;
  const auto start = std::chrono::steady_clock::now();
  const auto r = runProcess({CRIXCTL_BINARY, "-r", "unix://" + dir / "none.sock", "--timeout", "1s", "version"});
  CHECK(r.exitCode != 0);
  CHECK(r.err.find(dir / "none.sock") != std::string::npos);
  CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(10));
}

}  // TEST_SUITE
