// The parts several crixctl verbs share, without a runtime: flag blocks and
// the queries they make, flags read from the environment, Go's map text,
// label pairs and stopping at the first failing ID.
#include <doctest/doctest.h>

#include <cstdlib>
#include <string>
#include <vector>

#include "contrib/crixctl/EachId.h"
#include "contrib/crixctl/ListFilters.h"
#include "contrib/crixctl/ListFlags.h"
#include "contrib/crixctl/MapLines.h"
#include "contrib/crixctl/Options.h"
#include "contrib/crixctl/RegistryAuth.h"
#include "core/Error.h"

using namespace crixctl;

namespace {

ParsedOptions parse(const std::vector<OptionSpec>& specs, std::vector<std::string> argv) {
  return parseOptions(specs, argv);
}

// Sets an environment variable for one test and removes it after.
struct ScopedEnv {
  std::string name;
  ScopedEnv(std::string n, const char* value) : name(std::move(n)) { ::setenv(name.c_str(), value, 1); }
  ~ScopedEnv() { ::unsetenv(name.c_str()); }
};

}  // namespace

TEST_SUITE("crixctl-verb-parts") {

TEST_CASE("ps and inspect read the same container filter flags") {
  const auto query =
      containerQuery(parse(containerFilterOptions(), {"--name", "web", "-a", "-n", "2", "--label", "a=b", "-p", "abc"}));
  CHECK(query.id.empty());
  CHECK(query.podId == "abc");
  CHECK(query.all);
  CHECK(query.namePattern == "web");
  CHECK(query.labels == std::vector<std::string>{"a=b"});
  CHECK(query.last == 2);
  CHECK_FALSE(query.latest);
  CHECK_THROWS_AS(containerQuery(parse(containerFilterOptions(), {"--last", "x"})), crix::Error);
}

TEST_CASE("pods and inspectp read the same pod filter flags") {
  const auto query = podQuery(parse(podFilterOptions(), {"--namespace", "kube-.*", "-s", "ready", "-l"}));
  CHECK(query.namespacePattern == "kube-.*");
  CHECK(query.state == "ready");
  CHECK(query.latest);
  CHECK(query.last == 0);
}

TEST_CASE("optionsOf joins the blocks in order") {
  const auto joined = optionsOf({podFilterOptions(), {{.name = "id"}}});
  REQUIRE(joined.size() == podFilterOptions().size() + 1);
  CHECK(joined.back().name == "id");
}

TEST_CASE("a flag falls back to its environment variable, then its default") {
  const std::vector<OptionSpec> specs{{.name = "pull-timeout", .defaultValue = "0s", .envVar = "CRIXCTL_TEST_PT"},
                                      {.name = "plain", .defaultValue = "d"}};
  CHECK(parse(specs, {}).valueOrEnv("pull-timeout") == "0s");
  const ScopedEnv env("CRIXCTL_TEST_PT", "5s");
  CHECK(parse(specs, {}).valueOrEnv("pull-timeout") == "5s");
  CHECK(parse(specs, {"--pull-timeout", "1s"}).valueOrEnv("pull-timeout") == "1s");
  CHECK(parse(specs, {}).valueOrEnv("plain") == "d");
}

TEST_CASE("registry credentials come from the flags or CRICTL_CREDS") {
  const auto specs = registryAuthOptions("Use `USERNAME`");
  CHECK_FALSE(registryAuth(parse(specs, {})).has_value());
  const ScopedEnv env("CRICTL_CREDS", "env-user:env-pass");
  const auto fromEnv = registryAuth(parse(specs, {}));
  REQUIRE(fromEnv.has_value());
  CHECK(fromEnv->username() == "env-user");
  const auto fromFlag = registryAuth(parse(specs, {"--creds", "flag-user:p"}));
  REQUIRE(fromFlag.has_value());
  CHECK(fromFlag->username() == "flag-user");
}

TEST_CASE("Go's %v of a string map is sorted by key") {
  google::protobuf::Map<std::string, std::string> map;
  CHECK(goMapText(map) == "map[]");
  map["b"] = "2";
  map["a"] = "{\"x\":1}";
  CHECK(goMapText(map) == "map[a:{\"x\":1} b:2]");
}

TEST_CASE("label pairs go into a protobuf map, bad ones refused") {
  google::protobuf::Map<std::string, std::string> selector;
  setParsedLabels(selector, {"app=web", "tier=db"});
  CHECK(selector.size() == 2);
  CHECK(selector.at("tier") == "db");
  CHECK_THROWS_WITH(setParsedLabels(selector, {"novalue"}), "incorrectly specified label: novalue");
}

TEST_CASE("IDs one by one stop at the first failure, which names the ID") {
  std::vector<std::string> done;
  const auto step = [&](const std::string& id) {
    if (id == "b") throw crix::Error::notFound("no such thing");
    done.push_back(id);
  };
  CHECK_THROWS_WITH(forEachIdUntilFailure({"a", "b", "c"}, "starting the container", step),
                    "starting the container \"b\": no such thing");
  CHECK(done == std::vector<std::string>{"a"});
  try {
    forEachIdUntilFailure({"b"}, "x", step);
  } catch (const crix::Error& e) {
    CHECK(e.code() == crix::StatusCode::NotFound);
  }
}

}  // TEST_SUITE
