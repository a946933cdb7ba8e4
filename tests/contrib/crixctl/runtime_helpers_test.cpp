// The pieces of crixctl's pod and container verbs that need no runtime:
// ID prefixes, list filters, Go-style times, status JSON, config files and
// error aggregation.
#include <doctest/doctest.h>

#include <cstdlib>
#include <ctime>

#include "contrib/crixctl/ContainerConfigFile.h"
#include "contrib/crixctl/EachId.h"
#include "contrib/crixctl/GoTime.h"
#include "contrib/crixctl/IdResolver.h"
#include "contrib/crixctl/ListFilters.h"
#include "contrib/crixctl/StatusJson.h"
#include "core/Error.h"
#include "tests/support/TempDir.h"

using namespace crixctl;
using crix::test::TempDir;

namespace {

// Runs a test in UTC and puts the zone back after it.
struct UtcZone {
  std::string saved;
  bool had = false;
  UtcZone() {
    if (const char* tz = std::getenv("TZ")) {
      saved = tz;
      had = true;
    }
    ::setenv("TZ", "UTC", 1);
    ::tzset();
  }
  ~UtcZone() {
    had ? ::setenv("TZ", saved.c_str(), 1) : ::unsetenv("TZ");
    ::tzset();
  }
};

}  // namespace

TEST_SUITE("crixctl-runtime-helpers") {

TEST_CASE("ID prefixes resolve to the one ID they start") {
  const std::vector<std::string> ids = {"abc123", "abd456", "ab"};
  CHECK(pickIdByPrefix(ids, "abc", "container") == "abc123");
  CHECK(pickIdByPrefix(ids, "ab", "container") == "ab");  // exact beats prefix
  CHECK(pickIdByPrefix(ids, "zzz", "container") == "zzz");  // the runtime reports it
  CHECK_THROWS_WITH_AS(pickIdByPrefix({"abc1", "abc2"}, "abc", "pod"),
                       doctest::Contains("pod ID prefix \"abc\" is ambiguous"), crix::Error);
}

TEST_CASE("labels, names and states as crictl takes them") {
  CHECK(parseLabels({"a=b", "c="}) == std::map<std::string, std::string>{{"a", "b"}, {"c", ""}});
  CHECK_THROWS_WITH(parseLabels({"a=b=c"}), "incorrectly specified label: a=b=c");
  CHECK_THROWS_WITH(parseLabels({"nolabel"}), "incorrectly specified label: nolabel");
  CHECK(NameMatcher("").matches("anything"));
  CHECK(NameMatcher("^we").matches("web"));
  CHECK_FALSE(NameMatcher("^eb").matches("web"));
  CHECK(NameMatcher("eb").matches("web"));  // unanchored like Go's MatchString
  CHECK_THROWS_AS(NameMatcher("("), crix::Error);
  CHECK(containerStateFromFlag("Running") == runtime::v1::CONTAINER_RUNNING);
  CHECK_FALSE(containerStateFromFlag("").has_value());
  CHECK_THROWS_AS(containerStateFromFlag("sleeping"), crix::Error);
  CHECK(podStateFromFlag("NotReady") == runtime::v1::SANDBOX_NOTREADY);
  CHECK(containerStateTitle(runtime::v1::CONTAINER_EXITED) == "Exited");
  CHECK(podStateTitle(runtime::v1::SANDBOX_READY) == "Ready");
  CHECK(truncateCount(5, false, 0) == 5);
  CHECK(truncateCount(5, true, 0) == 1);
  CHECK(truncateCount(5, false, 3) == 3);
  CHECK(truncateCount(2, false, 3) == 2);
}

TEST_CASE("go-units HumanDuration") {
  const std::int64_t s = 1'000'000'000;
  CHECK(humanDuration(s / 2) == "Less than a second");
  CHECK(humanDuration(s) == "1 second");
  CHECK(humanDuration(59 * s) == "59 seconds");
  CHECK(humanDuration(60 * s) == "About a minute");
  CHECK(humanDuration(5 * 60 * s) == "5 minutes");
  CHECK(humanDuration(3600 * s) == "About an hour");
  CHECK(humanDuration(5 * 3600 * s) == "5 hours");
  CHECK(humanDuration(3 * 24 * 3600 * s) == "3 days");
  CHECK(humanDuration(21 * 24 * 3600 * s) == "3 weeks");
}

TEST_CASE("Go's time formats") {
  UtcZone utc;
  CHECK(rfc3339Nano(1'500'000'000LL) == "1970-01-01T00:00:01.5Z");
  CHECK(rfc3339Nano(0) == "1970-01-01T00:00:00Z");
  CHECK(goTimeString(1'000'000'001LL) == "1970-01-01 00:00:01.000000001 +0000 UTC");
}

TEST_CASE("inspect's status JSON: times as text, zero time for what has not happened") {
  UtcZone utc;
  runtime::v1::ContainerStatus status;
  status.set_id("c1");
  status.set_state(runtime::v1::CONTAINER_CREATED);
  status.set_created_at(2'000'000'000LL);
  auto json = containerStatusJson(status);
  CHECK(json["createdAt"] == "1970-01-01T00:00:02Z");
  CHECK(json["startedAt"] == kGoZeroTime);
  CHECK(json["finishedAt"] == kGoZeroTime);
  CHECK(json["id"] == "c1");
  CHECK(json["state"] == "CONTAINER_CREATED");

  status.set_state(runtime::v1::CONTAINER_EXITED);
  status.set_started_at(3'000'000'000LL);
  status.set_finished_at(4'000'000'000LL);
  json = containerStatusJson(status);
  CHECK(json["startedAt"] == "1970-01-01T00:00:03Z");
  CHECK(json["finishedAt"] == "1970-01-01T00:00:04Z");

  runtime::v1::PodSandboxStatus pod;
  pod.set_created_at(1'000'000'000LL);
  CHECK(podStatusJson(pod)["createdAt"] == "1970-01-01T00:00:01Z");
}

TEST_CASE("container config files in YAML with proto names, checked like crictl") {
  TempDir dir("crixctl-config");
  const auto good = dir.write("ctr.yaml",
                              "metadata:\n  name: web\nimage:\n  image: busybox\ncommand: [sleep, '60']\n"
                              "log_path: web.log\nunknown_field: 1\n");
  const auto config = loadContainerConfig(good);
  CHECK(config.metadata().name() == "web");
  CHECK(config.image().image() == "busybox");
  CHECK(config.command_size() == 2);
  CHECK(config.log_path() == "web.log");

  CHECK_THROWS_WITH(loadContainerConfig(dir.write("nometa.json", "{\"image\": {\"image\": \"x\"}}")),
                    "metadata is not set");
  CHECK_THROWS_WITH(loadContainerConfig(dir.write("noname.yaml", "metadata:\n  attempt: 1\n")),
                    doctest::Contains("name is not in metadata"));
  CHECK_THROWS_WITH(loadContainerConfig(dir / "missing.yaml"), doctest::Contains("not found"));
}

TEST_CASE("failures of several steps are reported together, after all ran") {
  int ran = 0;
  CHECK_NOTHROW(runAll({[&] { ++ran; }}));
  CHECK_THROWS_WITH(runAll({[&] { ++ran; throw crix::Error::notFound("a"); }, [&] { ++ran; }}), "a");
  CHECK_THROWS_WITH(runAll({[] { throw crix::Error::notFound("a"); }, [] { throw crix::Error::notFound("b"); },
                            [] { throw crix::Error::notFound("a"); }}),
                    "[a, b]");
  CHECK_THROWS_WITH(runAll({[] { throw crix::Error::notFound("a"); }, [] { throw crix::Error::notFound("a"); }}),
                    "a");
  CHECK(ran == 3);
}

}  // TEST_SUITE
