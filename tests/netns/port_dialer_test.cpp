// Connections into a pod's network namespace for port forwarding.
#include <doctest/doctest.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sched.h>
#include <sys/socket.h>
#include <unistd.h>

#include <thread>

#include "core/Error.h"
#include "netns/PodPortDialer.h"
#include "tests/netns/PinnerSandbox.h"
#include "tests/support/ErrorOf.h"

using namespace crix;
using namespace crix::netns;
using namespace crix::netns::testing;

namespace {

// A listener on 127.0.0.1:port inside the namespace (made by a thread that
// joined it, as the dialer does).
UniqueFd listenIn(const std::string& netnsPath, uint16_t port) {
  UniqueFd listener;
  std::thread([&] {
    UniqueFd ns(::open(netnsPath.c_str(), O_RDONLY | O_CLOEXEC));
    REQUIRE(::setns(ns.get(), CLONE_NEWNET) == 0);
    listener.reset(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    REQUIRE(::bind(listener.get(), reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
    REQUIRE(::listen(listener.get(), 4) == 0);
  }).join();
  return listener;
}

}  // namespace

TEST_CASE("port dialer: reaches localhost inside the pod, not the node's") {
  PinnerSandbox box;
  const auto pinned = box.pin(request("dialpod", "web"));
  const uint16_t port = 47311;
  const UniqueFd listener = listenIn(pinned.network, port);

  UniqueFd conn = dialPodPort(pinned.network, port);
  UniqueFd accepted(::accept4(listener.get(), nullptr, nullptr, SOCK_CLOEXEC));
  REQUIRE(accepted);
  REQUIRE(::write(conn.get(), "ping", 4) == 4);
  char buf[8] = {};
  REQUIRE(::read(accepted.get(), buf, sizeof buf) == 4);
  CHECK(std::string(buf, 4) == "ping");

  // The node has no listener on that port: the node's namespace refuses.
  const auto e = test::errorOf([&] { dialPodPort("", port); });
  CHECK(e.code() == StatusCode::Unavailable);
  CHECK(std::string(e.what()).find("localhost:47311") != std::string::npos);
  // Nor does the pod on another port.
  CHECK(test::codeOf([&] { dialPodPort(pinned.network, port + 1); }) == StatusCode::Unavailable);
  CHECK(test::codeOf([&] { dialPodPort("/nonexistent/netns", port); }) == StatusCode::Internal);
}
