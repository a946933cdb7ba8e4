#include <doctest/doctest.h>

#include <string>

#include "core/Error.h"
#include "storage/registry/ImageConfig.h"

using crix::StatusCode;
using crix::registry::parseImageConfig;

namespace {

const std::string kDiff1 = "sha256:" + std::string(64, '1');
const std::string kDiff2 = "sha256:" + std::string(64, '2');

}  // namespace

TEST_SUITE("registry/ImageConfig") {

TEST_CASE("an OCI image config parses into what the runtime needs") {
  const std::string json = R"({
    "created": "2024-01-02T03:04:05Z",
    "author": "someone",
    "architecture": "arm64",
    "variant": "v8",
    "os": "linux",
    "config": {
      "User": "1000:1000",
      "Env": ["PATH=/usr/bin:/bin", "LANG=C.UTF-8"],
      "Entrypoint": ["/entry.sh"],
      "Cmd": ["serve", "--port=80"],
      "WorkingDir": "/app",
      "Labels": {"org.opencontainers.image.title": "demo"},
      "StopSignal": "SIGQUIT",
      "ExposedPorts": {"80/tcp": {}, "53/udp": {}},
      "Volumes": {"/data": {}},
      "ArgsEscaped": true
    },
    "rootfs": {"type": "layers", "diff_ids": [")" + kDiff1 + R"(", ")" + kDiff2 + R"("]},
    "history": [
      {"created": "2024-01-01T00:00:00Z", "created_by": "ADD rootfs.tar /"},
      {"created_by": "ENV LANG=C.UTF-8", "empty_layer": true},
      {"created_by": "COPY app /app", "comment": "buildkit"}
    ]
  })";
  const auto config = parseImageConfig(json);
  CHECK(config.architecture == "arm64");
  CHECK(config.variant == "v8");
  CHECK(config.os == "linux");
  CHECK(config.created == "2024-01-02T03:04:05Z");
  CHECK(config.config.user == "1000:1000");
  CHECK(config.config.env.size() == 2);
  CHECK(config.config.entrypoint == std::vector<std::string>{"/entry.sh"});
  CHECK(config.config.cmd == std::vector<std::string>{"serve", "--port=80"});
  CHECK(config.config.workingDir == "/app");
  CHECK(config.config.labels.at("org.opencontainers.image.title") == "demo");
  CHECK(config.config.stopSignal == "SIGQUIT");
  CHECK(config.config.exposedPorts == std::vector<std::string>{"53/udp", "80/tcp"});
  CHECK(config.config.volumes == std::vector<std::string>{"/data"});
  REQUIRE(config.diffIds.size() == 2);
  CHECK(config.diffIds[1].str() == kDiff2);
  REQUIRE(config.history.size() == 3);
  CHECK(config.history[1].emptyLayer);
  CHECK(config.history[2].comment == "buildkit");
}

TEST_CASE("null fields and a missing config object are fine") {
  const auto config = parseImageConfig(
      R"({"architecture":"amd64","os":"linux","config":{"Entrypoint":null,"Cmd":null,"Env":null},)"
      R"("rootfs":{"type":"layers","diff_ids":[]}})");
  CHECK(config.config.entrypoint.empty());
  CHECK(config.config.cmd.empty());
  CHECK(parseImageConfig(R"({"architecture":"amd64","os":"linux","rootfs":{"type":"layers"}})").diffIds.empty());
}

TEST_CASE("malformed configs are refused") {
  const std::string bad[] = {
      "not json",
      "[]",
      R"({"os":"linux","rootfs":{"type":"layers","diff_ids":[]}})",
      R"({"architecture":"amd64","os":"linux"})",
      R"({"architecture":"amd64","os":"linux","rootfs":{"type":"tarballs","diff_ids":[]}})",
      R"({"architecture":"amd64","os":"linux","rootfs":{"type":"layers","diff_ids":["sha256:../x"]}})",
      R"({"architecture":"amd64","os":"linux","config":{"Env":"PATH=/bin"},"rootfs":{"type":"layers"}})",
      R"({"architecture":"amd64","os":"linux","config":{"Cmd":[1]},"rootfs":{"type":"layers"}})",
      R"({"architecture":"amd64","os":"linux","rootfs":{"type":"layers"},"history":[{"empty_layer":"yes"}]})",
  };
  for (const auto& json : bad) {
    CAPTURE(json);
    try {
      parseImageConfig(json);
      FAIL("accepted");
    } catch (const crix::Error& e) {
      CHECK(e.code() == StatusCode::InvalidArgument);
    }
  }
  CHECK_THROWS_AS(parseImageConfig(std::string(5 * 1024 * 1024, ' ')), crix::Error);
}

}  // TEST_SUITE
