#include <doctest/doctest.h>

#include "core/Error.h"
#include "oci/ProcessArgs.h"
#include "tests/oci/OciTestSupport.h"

using namespace crix;
using namespace crix::oci;

namespace {

std::vector<std::string> argv(std::vector<std::string> command, std::vector<std::string> args,
                              std::vector<std::string> entrypoint, std::vector<std::string> cmd) {
  runtime::v1::ContainerConfig config;
  for (const auto& c : command) config.add_command(c);
  for (const auto& a : args) config.add_args(a);
  registry::ImageRuntimeConfig image;
  image.entrypoint = std::move(entrypoint);
  image.cmd = std::move(cmd);
  return processArgs(config, image);
}

using V = std::vector<std::string>;

}  // namespace

TEST_SUITE_BEGIN("oci");

TEST_CASE("oci process args: Kubernetes' command/args table") {
  const V ep = {"/entry", "-x"};
  const V cmd = {"serve", "--port=80"};
  SUBCASE("neither: ENTRYPOINT + CMD") {
    CHECK(argv({}, {}, ep, cmd) == V{"/entry", "-x", "serve", "--port=80"});
  }
  SUBCASE("args only: ENTRYPOINT + args, CMD replaced") {
    CHECK(argv({}, {"debug"}, ep, cmd) == V{"/entry", "-x", "debug"});
  }
  SUBCASE("command only: command, ENTRYPOINT and CMD both dropped") {
    CHECK(argv({"/bin/sh", "-c", "true"}, {}, ep, cmd) == V{"/bin/sh", "-c", "true"});
  }
  SUBCASE("command and args: command + args") {
    CHECK(argv({"/bin/echo"}, {"a", "b"}, ep, cmd) == V{"/bin/echo", "a", "b"});
  }
  SUBCASE("image with CMD only") { CHECK(argv({}, {}, {}, cmd) == cmd); }
  SUBCASE("args only and no ENTRYPOINT: args are the argv") {
    CHECK(argv({}, {"/bin/true"}, {}, cmd) == V{"/bin/true"});
  }
}

TEST_CASE("oci process args: nothing to run is InvalidArgument") {
  testing::requireError([] { argv({}, {}, {}, {}); }, StatusCode::InvalidArgument,
                        "no command specified");
  testing::requireError([] { argv({""}, {}, {}, {}); }, StatusCode::InvalidArgument,
                        "empty string");
}

TEST_CASE("oci process args: reach the spec") {
  testing::SpecFixture f;
  f.ctr.image.config.entrypoint = {"/docker-entrypoint.sh"};
  f.ctr.image.config.cmd = {"nginx"};
  f.ctr.config.add_args("nginx-debug");
  CHECK(testing::strings(f.build()["process"]["args"]) ==
        V{"/docker-entrypoint.sh", "nginx-debug"});
}

TEST_SUITE_END();
