#include <doctest/doctest.h>

#include "oci/Environment.h"
#include "tests/oci/OciTestSupport.h"

using namespace crix;
using namespace crix::oci;
using V = std::vector<std::string>;

namespace {

runtime::v1::ContainerConfig withEnvs(
    std::initializer_list<std::pair<std::string, std::string>> envs) {
  runtime::v1::ContainerConfig config;
  for (const auto& [k, v] : envs) {
    auto* kv = config.add_envs();
    kv->set_key(k);
    kv->set_value(v);
  }
  return config;
}

}  // namespace

TEST_SUITE_BEGIN("oci");

TEST_CASE("oci env: request overrides image overrides default_env, in place") {
  registry::ImageRuntimeConfig image;
  image.env = {"PATH=/image/bin", "LANG=C", "MODE=image"};
  const auto env = containerEnvironment({"MODE=default", "DEFAULT_ONLY=1"}, image,
                                        withEnvs({{"MODE", "request"}, {"EXTRA", "x"}}), "web-0");
  CHECK(env == V{"HOSTNAME=web-0", "MODE=request", "DEFAULT_ONLY=1", "PATH=/image/bin", "LANG=C",
                 "EXTRA=x"});
}

TEST_CASE("oci env: PATH defaults when nobody sets it") {
  const auto env = containerEnvironment({}, {}, withEnvs({{"A", "1"}}), "");
  CHECK(env == V{"PATH=" + std::string(kDefaultPath), "A=1"});
}

TEST_CASE("oci env: a request may override PATH and HOSTNAME") {
  const auto env =
      containerEnvironment({}, {}, withEnvs({{"PATH", "/only"}, {"HOSTNAME", "me"}}), "web-0");
  CHECK(env == V{"HOSTNAME=me", "PATH=/only"});
}

TEST_CASE("oci env: TERM=xterm for a tty") {
  auto config = withEnvs({});
  config.set_tty(true);
  const auto env = containerEnvironment({}, {}, config, "h");
  CHECK(testing::contains(env, "TERM=xterm"));
  CHECK_FALSE(testing::contains(containerEnvironment({}, {}, withEnvs({}), "h"), "TERM=xterm"));
}

TEST_CASE("oci env: junk image entries are skipped, bad request keys refused") {
  registry::ImageRuntimeConfig image;
  image.env = {"NOEQUALS", "=novalue", "EMPTY=", "OK=1"};
  const auto env = containerEnvironment({}, image, withEnvs({}), "");
  CHECK(env == V{"PATH=" + std::string(kDefaultPath), "EMPTY=", "OK=1"});
  testing::requireError(
      [] {
        containerEnvironment({}, {}, withEnvs({{"A=B", "1"}}), "");
      },
      StatusCode::InvalidArgument, "invalid environment variable name \"A=B\"");
  testing::requireError(
      [] {
        containerEnvironment({}, {}, withEnvs({{"", "1"}}), "");
      },
      StatusCode::InvalidArgument, "invalid environment variable name");
}

TEST_SUITE_END();
