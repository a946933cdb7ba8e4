// Rules too small for a file of their own: rlimits, stop signals,
// annotations.
#include <signal.h>

#include <doctest/doctest.h>

#include <limits>

#include "oci/Rlimits.h"
#include "oci/StopSignal.h"
#include "tests/oci/OciTestSupport.h"

using namespace crix;
using namespace crix::oci;

TEST_SUITE_BEGIN("oci");

TEST_CASE("oci rlimits: from default_ulimits") {
  testing::SpecFixture f;
  CHECK_FALSE(f.build()["process"].contains("rlimits"));
  f.cfg.runtime.default_ulimits = {"nofile=1024:2048", "nproc=-1", "core=0", "nofile=4096"};
  CHECK(f.build()["process"]["rlimits"] ==
        nlohmann::json::array({{{"type", "RLIMIT_NPROC"},
                                {"hard", std::numeric_limits<std::uint64_t>::max()},
                                {"soft", std::numeric_limits<std::uint64_t>::max()}},
                               {{"type", "RLIMIT_CORE"}, {"hard", 0}, {"soft", 0}},
                               {{"type", "RLIMIT_NOFILE"}, {"hard", 4096}, {"soft", 4096}}}));
  f.cfg.runtime.default_ulimits = {"nofile=2048:1024"};
  testing::requireError([&] { f.build(); }, StatusCode::FailedPrecondition,
                        "soft limit exceeds the hard limit");
  f.cfg.runtime.default_ulimits = {"files=1"};
  testing::requireError([&] { f.build(); }, StatusCode::FailedPrecondition,
                        "unknown ulimit \"files\"");
}

TEST_CASE("oci stop signal: names and numbers") {
  CHECK(parseSignal("SIGTERM") == SIGTERM);
  CHECK(parseSignal("term") == SIGTERM);
  CHECK(parseSignal("SIGQUIT") == SIGQUIT);
  CHECK(parseSignal("9") == SIGKILL);
  CHECK(parseSignal("SIGRTMIN+3") == SIGRTMIN + 3);
  CHECK(parseSignal("RTMAX-2") == SIGRTMAX - 2);
  CHECK(parseSignal("SIGRTMINPLUS1") == SIGRTMIN + 1);
  CHECK(parseSignal("SIGRTMAXMINUS1") == SIGRTMAX - 1);
  testing::requireError([] { parseSignal("SIGNOPE"); }, StatusCode::InvalidArgument,
                        "unknown signal \"SIGNOPE\"");
  testing::requireError([] { parseSignal("0"); }, StatusCode::InvalidArgument, "out of range");
}

TEST_CASE("oci stop signal: request, else image, else SIGTERM") {
  runtime::v1::ContainerConfig config;
  registry::ImageRuntimeConfig image;
  CHECK(stopSignal(config, image) == SIGTERM);
  image.stopSignal = "SIGQUIT";
  CHECK(stopSignal(config, image) == SIGQUIT);
  runtime::v1::Signal usr1{};
  REQUIRE(runtime::v1::Signal_Parse("SIGUSR1", &usr1));  // the enumerator's name is a macro here
  config.set_stop_signal(usr1);
  CHECK(stopSignal(config, image) == SIGUSR1);
}

TEST_CASE("oci annotations: the request's, then identity and CRI-O's keys") {
  testing::SpecFixture f;
  (*f.ctr.config.mutable_annotations())["io.kubernetes.container.hash"] = "abcd";
  (*f.ctr.config.mutable_annotations())["io.kubernetes.cri-o.SandboxID"] = "spoofed";
  f.ctr.logPath = "/var/log/pods/x/app/0.log";
  f.ctr.config.set_tty(true);
  const auto a = f.build()["annotations"];
  CHECK(a["io.kubernetes.container.hash"] == "abcd");
  CHECK(a["io.kubernetes.container.name"] == "app");
  CHECK(a["io.kubernetes.pod.name"] == "web-0");
  CHECK(a["io.kubernetes.pod.namespace"] == "default");
  CHECK(a["io.kubernetes.pod.uid"] == "uid-1");
  CHECK(a["io.kubernetes.cri-o.ContainerType"] == "container");
  CHECK(a["io.kubernetes.cri-o.SandboxID"] == "pod0123");
  CHECK(a["io.kubernetes.cri-o.ContainerID"] == "ctr4567");
  CHECK(a["io.kubernetes.cri-o.LogPath"] == "/var/log/pods/x/app/0.log");
  CHECK(a["io.kubernetes.cri-o.TTY"] == "true");
  CHECK(a["io.kubernetes.cri-o.Stdin"] == "false");
}

TEST_SUITE_END();
