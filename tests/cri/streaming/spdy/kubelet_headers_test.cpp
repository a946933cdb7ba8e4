// The stream headers of kubelet's remote-command and port-forward protocols.
#include <doctest/doctest.h>

#include "core/Error.h"
#include "cri/streaming/spdy/KubeletStreamHeaders.h"
#include "tests/support/ErrorOf.h"

using namespace crix::spdy;

TEST_CASE("remote command stream types") {
  CHECK(remoteCommandStream({{"streamType", "stdin"}}) == RemoteCommandStream::Stdin);
  CHECK(remoteCommandStream({{"streamtype", "stdout"}}) == RemoteCommandStream::Stdout);
  CHECK(remoteCommandStream({{"streamtype", "stderr"}}) == RemoteCommandStream::Stderr);
  CHECK(remoteCommandStream({{"streamtype", "error"}}) == RemoteCommandStream::Error);
  CHECK(remoteCommandStream({{"streamtype", "resize"}}) == RemoteCommandStream::Resize);
  CHECK_FALSE(remoteCommandStream({{"streamtype", "video"}}));
  CHECK_FALSE(remoteCommandStream({}));
  CHECK(remoteCommandStreamName(RemoteCommandStream::Resize) == "resize");
}

TEST_CASE("port-forward stream headers") {
  const auto data = portForwardStream(3, {{"streamType", "data"}, {"port", "8080"}, {"requestID", "7"}});
  CHECK(data.type == PortForwardStreamType::Data);
  CHECK(data.port == 8080);
  CHECK(data.requestId == "7");

  SUBCASE("clients without requestID pair streams by the error stream's id") {
    CHECK(portForwardStream(5, {{"streamtype", "error"}, {"port", "80"}}).requestId == "5");
    CHECK(portForwardStream(7, {{"streamtype", "data"}, {"port", "80"}}).requestId == "5");
  }
  SUBCASE("bad headers are named") {
    auto message = [](const HeaderBlock& h) {
      return std::string(crix::test::errorOf([&] { portForwardStream(1, h); }).what());
    };
    CHECK(message({{"streamtype", "stdin"}, {"port", "80"}}) == "port-forward stream 1: invalid stream type \"stdin\"");
    CHECK(message({{"streamtype", "data"}}) == "port-forward stream 1: invalid port \"\"");
    CHECK(message({{"streamtype", "data"}, {"port", "65536"}}) == "port-forward stream 1: invalid port \"65536\"");
    CHECK(message({{"streamtype", "data"}, {"port", "80x"}}) == "port-forward stream 1: invalid port \"80x\"");
    CHECK(message({{"streamtype", "data"}, {"port", "0"}}) == "port-forward stream 1: invalid port \"0\"");
    CHECK(crix::test::codeOf([] { portForwardStream(1, {}); }) == crix::StatusCode::InvalidArgument);
  }
}
