// AttachSocket against a stand-in for crix-conmon's side: a SOCK_SEQPACKET
// listener bound the way crix-conmon binds it (no runc needed).
#include <doctest/doctest.h>
#include <fcntl.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstring>
#include <filesystem>

#include "core/Error.h"
#include "core/UniqueFd.h"
#include "oci/runtime/AttachSocket.h"
#include "tests/support/TempDir.h"

using namespace crix;
using namespace crix::oci;
using namespace std::chrono_literals;

namespace {

// Listens at `path` (any length) like crix-conmon's AttachServer.
UniqueFd listenAt(const std::string& path) {
  const auto slash = path.rfind('/');
  UniqueFd dir(::open(path.substr(0, slash).c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
  REQUIRE(dir);
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  const std::string shortPath = "/proc/self/fd/" + std::to_string(dir.get()) + path.substr(slash);
  std::strncpy(addr.sun_path, shortPath.c_str(), sizeof addr.sun_path - 1);
  UniqueFd fd(::socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0));
  REQUIRE(::bind(fd.get(), reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
  REQUIRE(::listen(fd.get(), 4) == 0);
  return fd;
}

UniqueFd acceptWithin(int listener, int timeoutMs = 5000) {
  pollfd p{listener, POLLIN, 0};
  REQUIRE(::poll(&p, 1, timeoutMs) == 1);
  UniqueFd fd(::accept4(listener, nullptr, nullptr, SOCK_CLOEXEC));
  REQUIRE(fd);
  return fd;
}

void sendPacket(int fd, const std::string& packet) {
  REQUIRE(::send(fd, packet.data(), packet.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(packet.size()));
}

// One packet as crix-conmon's side receives it; "" at end of input.
std::string receiveRaw(int fd) {
  pollfd p{fd, POLLIN, 0};
  REQUIRE(::poll(&p, 1, 5000) == 1);
  std::string buf(128 * 1024, '\0');
  const ssize_t n = ::recv(fd, buf.data(), buf.size(), 0);
  REQUIRE(n >= 0);
  buf.resize(static_cast<size_t>(n));
  return buf;
}

}  // namespace

TEST_SUITE_BEGIN("oci-runtime");

TEST_CASE("attach socket: packets of both streams, input in packets, half-close and end of file") {
  // Deep enough that the socket's path cannot fit in sun_path.
  test::TempDir dir("crix-attach-" + std::string(100, 'x'));
  const std::string path = dir / "attach";
  REQUIRE(path.size() > sizeof(sockaddr_un::sun_path));
  UniqueFd listener = listenAt(path);

  UniqueFd client = connectAttachSocket(path);
  UniqueFd server = acceptWithin(listener.get());

  sendPacket(server.get(), std::string("\x02") + "to stdout");
  sendPacket(server.get(), std::string("\x03") + "to stderr");
  auto first = receiveAttachPacket(client.get(), 5s);
  REQUIRE(first);
  CHECK(first->stream == AttachStream::Stdout);
  CHECK(first->data == "to stdout");
  auto second = receiveAttachPacket(client.get(), 5s);
  REQUIRE(second);
  CHECK(second->stream == AttachStream::Stderr);
  CHECK(second->data == "to stderr");

  // Input longer than crix-conmon's packet size arrives split, whole and in order.
  const std::string input = std::string(kMaxAttachInputPacket, 'a') + "tail";
  sendAttachInput(client.get(), input);
  CHECK(receiveRaw(server.get()) == std::string(kMaxAttachInputPacket, 'a'));
  CHECK(receiveRaw(server.get()) == "tail");
  closeAttachInput(client.get());
  CHECK(receiveRaw(server.get()).empty());

  // Output still flows after the half-close; then the end.
  sendPacket(server.get(), std::string("\x02") + "after");
  auto third = receiveAttachPacket(client.get(), 5s);
  REQUIRE(third);
  CHECK(third->data == "after");
  server.reset();
  CHECK_FALSE(receiveAttachPacket(client.get(), 5s).has_value());
}

TEST_CASE("attach socket: what is not crix-conmon's protocol is an error, never a crash") {
  test::TempDir dir("crix-attach");
  UniqueFd listener = listenAt(dir / "attach");
  UniqueFd client = connectAttachSocket(dir / "attach");
  UniqueFd server = acceptWithin(listener.get());

  SUBCASE("nothing within the timeout") {
    try {
      receiveAttachPacket(client.get(), 100ms);
      FAIL("no timeout");
    } catch (const Error& e) {
      CHECK(e.code() == StatusCode::DeadlineExceeded);
    }
  }
  SUBCASE("an unknown stream byte") {
    sendPacket(server.get(), std::string("\x01") + "stdin?");
    CHECK_THROWS_AS(receiveAttachPacket(client.get(), 5s), Error);
  }
  SUBCASE("a packet with only the stream byte") {
    sendPacket(server.get(), std::string("\x02"));
    CHECK_THROWS_AS(receiveAttachPacket(client.get(), 5s), Error);
  }
  SUBCASE("a packet longer than crix-conmon ever sends") {
    int size = 1 << 20;
    ::setsockopt(server.get(), SOL_SOCKET, SO_SNDBUF, &size, sizeof size);
    sendPacket(server.get(), std::string("\x02") + std::string(100 * 1024, 'x'));
    try {
      receiveAttachPacket(client.get(), 5s);
      FAIL("accepted");
    } catch (const Error& e) {
      CHECK(e.code() == StatusCode::DataLoss);
    }
  }
  SUBCASE("input to a closed connection") {
    server.reset();
    try {
      sendAttachInput(client.get(), "late");
      FAIL("sent");
    } catch (const Error& e) {
      CHECK(e.code() == StatusCode::FailedPrecondition);
    }
  }
}

TEST_CASE("attach socket: a missing socket is NotFound, one nobody listens on is Unavailable") {
  test::TempDir dir("crix-attach");
  try {
    connectAttachSocket(dir / "attach");
    FAIL("connected");
  } catch (const Error& e) {
    CHECK(e.code() == StatusCode::NotFound);
  }
  {
    UniqueFd listener = listenAt(dir / "attach");
  }  // closed: the socket file stays, nobody listens
  try {
    connectAttachSocket(dir / "attach");
    FAIL("connected");
  } catch (const Error& e) {
    CHECK(e.code() == StatusCode::Unavailable);
  }
}

TEST_SUITE_END();
