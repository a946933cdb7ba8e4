// crixctl's exec/attach relay (runRemoteCommand) and port-forward engine
// (PortForwarder) against npm's `ws` playing kubelet's streaming server:
// local files, pipes and a pty on one side, the WebSocket on the other.
#include <doctest/doctest.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <pty.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <termios.h>
#include <unistd.h>

#include <chrono>
#include <sstream>
#include <string>
#include <thread>

#include "contrib/crixctl/PortForwarder.h"
#include "contrib/crixctl/RemoteCommandSession.h"
#include "core/Error.h"
#include "core/UniqueFd.h"
#include "tests/cri/streaming/client/NodeWsServer.h"
#include "tests/support/ErrorOf.h"
#include "tests/support/LoopbackSocket.h"
#include "tests/support/Subprocess.h"
#include "tests/support/TempDir.h"

using namespace crix::streaming::test;
using crixctl::RemoteCommandOutcome;
using crixctl::RemoteCommandStreams;
using crixctl::StreamUrl;
using Clock = std::chrono::steady_clock;

namespace {

constexpr auto kConnectTimeout = std::chrono::milliseconds(5000);

std::string pattern(size_t size) {
  std::string s(size, '\0');
  for (size_t i = 0; i < size; ++i) s[i] = static_cast<char>('a' + (i * 7) % 26);
  return s;
}

crix::UniqueFd openFile(const std::string& path, int flags) {
  crix::UniqueFd fd(::open(path.c_str(), flags | O_CLOEXEC, 0600));
  REQUIRE(fd);
  return fd;
}

// A local side made of files: stdin from `input`, stdout and stderr to files.
struct FileStreams {
  crix::test::TempDir dir{"crix-relay-test"};
  crix::UniqueFd in, out, err;

  explicit FileStreams(const std::string& input) {
    in = openFile(dir.write("stdin", input), O_RDONLY);
    out = openFile(dir / "stdout", O_WRONLY | O_CREAT | O_TRUNC);
    err = openFile(dir / "stderr", O_WRONLY | O_CREAT | O_TRUNC);
  }
  RemoteCommandStreams streams(bool withStdin = true) const {
    return {withStdin ? in.get() : -1, out.get(), err.get(), -1};
  }
  std::string stdout() const { return crix::test::readFile(dir / "stdout"); }
  std::string stderr() const { return crix::test::readFile(dir / "stderr"); }
};

StreamUrl urlOf(const NodeWsServer& server, std::string target = "/exec/TOKEN") {
  return {"127.0.0.1", static_cast<uint16_t>(server.port()), false, std::move(target)};
}

// Waits until the server has printed `event` (its log is read afresh).
bool serverPrinted(const NodeWsServer& server, const std::string& needle, int times = 1) {
  const auto deadline = Clock::now() + std::chrono::seconds(10);
  while (Clock::now() < deadline) {
    const std::string out = server.output();
    int seen = 0;
    for (size_t at = out.find(needle); at != std::string::npos; at = out.find(needle, at + 1)) ++seen;
    if (seen >= times) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return false;
}

crix::UniqueFd connectLoopback(uint16_t port) {
  crix::UniqueFd fd(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(port);
  REQUIRE(::connect(fd.get(), reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
  return fd;
}

// Reads until `want` bytes or EOF or 10 s; returns what came.
std::string readSome(int fd, size_t want, bool* eof = nullptr) {
  std::string got;
  const auto deadline = Clock::now() + std::chrono::seconds(10);
  while (got.size() < want && Clock::now() < deadline) {
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, 100) <= 0) continue;
    char buffer[4096];
    const ssize_t n = ::read(fd, buffer, sizeof buffer);
    if (n <= 0) {
      if (eof) *eof = true;
      break;
    }
    got.append(buffer, static_cast<size_t>(n));
  }
  return got;
}

}  // namespace

TEST_CASE("crixctl relay: v5 exec copies stdin through, sends the close signal at EOF, exits 0") {
  NodeWsServer server("exec-v5");
  const std::string input = "hello\n" + pattern(300 * 1024);
  FileStreams files(input);
  const RemoteCommandOutcome outcome = crixctl::runRemoteCommand(urlOf(server), files.streams(), kConnectTimeout);
  CHECK(outcome.exitCode == 0);
  CHECK(outcome.failure.empty());
  CHECK(files.stdout() == input);
  CHECK(files.stderr() == "bye\n");
  const auto lines = server.finish();
  CHECK(eventOf(lines, "open")["protocol"] == "v5.channel.k8s.io");
  CHECK(eventOf(lines, "open")["offered"] == "v5.channel.k8s.io, v4.channel.k8s.io");
  CHECK(hasEvent(lines, "stdin-closed"));
  CHECK(eventOf(lines, "stdin")["bytes"] == input.size());
  CHECK_FALSE(hasEvent(lines, "resize"));  // no terminal, no size
  CHECK(eventOf(lines, "close")["code"] == 1000);
}

TEST_CASE("crixctl relay: a NonZeroExitCode Status becomes the exit code (v4, no close signal)") {
  NodeWsServer server("exec-v4");
  FileStreams files("abc\nexit 3\n");
  const RemoteCommandOutcome outcome = crixctl::runRemoteCommand(urlOf(server), files.streams(), kConnectTimeout);
  CHECK(outcome.exitCode == 3);
  CHECK(outcome.failure.empty());
  CHECK(files.stdout() == "abc\nexit 3\n");
  const auto lines = server.finish();
  CHECK(eventOf(lines, "open")["protocol"] == "v4.channel.k8s.io");
  CHECK_FALSE(hasEvent(lines, "stdin-closed"));
  CHECK_FALSE(hasEvent(lines, "other-channel"));  // nothing on 255 for v4
}

TEST_CASE("crixctl relay: a Failure Status is the failure to print") {
  NodeWsServer server("failure");
  FileStreams files("");
  const RemoteCommandOutcome outcome = crixctl::runRemoteCommand(urlOf(server), files.streams(), kConnectTimeout);
  CHECK(outcome.exitCode == 1);
  CHECK(outcome.failure == "container not running (test)");
  server.finish();
}

TEST_CASE("crixctl relay: without -i nothing is read; SIGINT ends the stream with 1001 and exit 130") {
  NodeWsServer server("exec-v5");
  FileStreams files("never read\n");
  RemoteCommandOutcome outcome;
  std::thread relay([&] { outcome = crixctl::runRemoteCommand(urlOf(server), files.streams(false), kConnectTimeout); });
  const bool opened = serverPrinted(server, "\"event\":\"open\"");
  // The handler is in place before the connection exists: the signal ends
  // the stream instead of the test binary.
  ::kill(::getpid(), SIGINT);
  relay.join();
  CHECK(opened);
  CHECK(outcome.exitCode == 128 + SIGINT);
  const auto lines = server.finish();
  CHECK_FALSE(hasEvent(lines, "stdin"));
  CHECK_FALSE(hasEvent(lines, "stdin-closed"));
  CHECK(eventOf(lines, "close")["code"] == 1001);
  CHECK(eventOf(lines, "close")["reason"] == "interrupted");
}

TEST_CASE("crixctl relay: a refused upgrade and an absent server are errors, not outcomes") {
  NodeWsServer server("refuse");
  FileStreams files("");
  const crix::Error refused =
      crix::test::errorOf([&] { crixctl::runRemoteCommand(urlOf(server), files.streams(), kConnectTimeout); });
  CHECK(refused.code() == crix::StatusCode::PermissionDenied);
  CHECK(std::string(refused.what()).find("403 Forbidden: streaming refused by the test server") != std::string::npos);
  server.finish();

  const crix::Error absent = crix::test::errorOf([&] {
    crixctl::runRemoteCommand({"127.0.0.1", static_cast<uint16_t>(crix::test::freeLoopbackPort()), false, "/exec/x"},
                              files.streams(), kConnectTimeout);
  });
  CHECK(absent.code() == crix::StatusCode::Unavailable);
}

TEST_CASE("crixctl relay: a terminal is put in raw mode, sized at start and on SIGWINCH, and restored") {
  NodeWsServer server("exec-v5");
  int master = -1, slave = -1;
  struct winsize size = {};
  size.ws_col = 100;
  size.ws_row = 40;
  REQUIRE(::openpty(&master, &slave, nullptr, nullptr, &size) == 0);
  crix::UniqueFd masterFd(master), slaveFd(slave);
  struct termios before = {};
  REQUIRE(::tcgetattr(slave, &before) == 0);

  int pipeFds[2];
  REQUIRE(::pipe2(pipeFds, O_CLOEXEC) == 0);
  crix::UniqueFd stdinRead(pipeFds[0]), stdinWrite(pipeFds[1]);
  crix::test::TempDir dir("crix-relay-tty");
  crix::UniqueFd out = openFile(dir / "stdout", O_WRONLY | O_CREAT | O_TRUNC);

  RemoteCommandOutcome outcome;
  bool wasRaw = false;
  std::thread relay([&] {
    outcome = crixctl::runRemoteCommand(urlOf(server), {stdinRead.get(), out.get(), out.get(), slave}, kConnectTimeout);
  });
  const bool sized = serverPrinted(server, R"({"Width":100,"Height":40})");
  struct termios during = {};
  ::tcgetattr(slave, &during);
  wasRaw = (during.c_lflag & (ICANON | ECHO)) == 0;
  size.ws_col = 132;
  size.ws_row = 50;
  ::ioctl(master, TIOCSWINSZ, &size);
  ::kill(::getpid(), SIGWINCH);
  const bool resized = serverPrinted(server, R"({"Width":132,"Height":50})");
  REQUIRE(::write(stdinWrite.get(), "typed\n", 6) == 6);
  stdinWrite.reset();  // EOF: the v5 close signal ends the session
  relay.join();

  CHECK(sized);
  CHECK(wasRaw);
  CHECK(resized);
  CHECK(outcome.exitCode == 0);
  CHECK(crix::test::readFile(dir / "stdout") == "typed\nbye\n");
  struct termios after = {};
  REQUIRE(::tcgetattr(slave, &after) == 0);
  CHECK(after.c_lflag == before.c_lflag);
  CHECK(after.c_iflag == before.c_iflag);
  CHECK(after.c_oflag == before.c_oflag);
  const auto lines = server.finish();
  CHECK(hasEvent(lines, "stdin-closed"));
}

TEST_CASE("crixctl relay: Ctrl-P Ctrl-Q typed on the terminal detaches with exit 0") {
  NodeWsServer server("exec-v5");
  int master = -1, slave = -1;
  REQUIRE(::openpty(&master, &slave, nullptr, nullptr, nullptr) == 0);
  crix::UniqueFd masterFd(master), slaveFd(slave);
  int pipeFds[2];
  REQUIRE(::pipe2(pipeFds, O_CLOEXEC) == 0);
  crix::UniqueFd stdinRead(pipeFds[0]), stdinWrite(pipeFds[1]);
  crix::test::TempDir dir("crix-relay-detach");
  crix::UniqueFd out = openFile(dir / "stdout", O_WRONLY | O_CREAT | O_TRUNC);
  REQUIRE(::write(stdinWrite.get(), "ab\x10x\x10\x11", 6) == 6);  // stdin stays open
  const RemoteCommandOutcome outcome =
      crixctl::runRemoteCommand(urlOf(server), {stdinRead.get(), out.get(), out.get(), slave}, kConnectTimeout);
  CHECK(outcome.exitCode == 0);
  CHECK(outcome.failure.empty());
  const auto lines = server.finish();
  CHECK_FALSE(hasEvent(lines, "stdin-closed"));
  CHECK(eventOf(lines, "close")["code"] == 1001);
  CHECK(eventOf(lines, "close")["reason"] == "detached");
}

TEST_CASE("crixctl port-forward: each connection gets its own stream, the port prefix is skipped, errors end it") {
  NodeWsServer server("portforward", 2);
  int urlCalls = 0;
  crixctl::PortForwarder forwarder(
      {{0, 8080}},
      [&](uint16_t remote) {
        ++urlCalls;
        CHECK(remote == 8080);
        return StreamUrl{"127.0.0.1", static_cast<uint16_t>(server.port()), false, "/portforward/TOKEN"};
      },
      kConnectTimeout);
  const auto bound = forwarder.listen();
  REQUIRE(bound.size() == 1);
  CHECK(bound[0].local != 0);
  CHECK(bound[0].remote == 8080);

  int stopFds[2];
  REQUIRE(::pipe2(stopFds, O_CLOEXEC) == 0);
  crix::UniqueFd stopRead(stopFds[0]), stopWrite(stopFds[1]);
  std::ostringstream out, err;
  std::thread loop([&] { forwarder.run(stopRead.get(), out, err); });

  std::string echoed;
  bool closedAfterError = false;
  {
    crix::UniqueFd first = connectLoopback(bound[0].local);
    REQUIRE(::write(first.get(), "hello", 5) == 5);
    echoed = readSome(first.get(), 5);
  }
  {
    crix::UniqueFd second = connectLoopback(bound[0].local);
    REQUIRE(::write(second.get(), "error please", 12) == 12);
    readSome(second.get(), 1000, &closedAfterError);
  }
  const bool serverSawBoth = serverPrinted(server, "\"event\":\"close\"", 2);
  REQUIRE(::write(stopWrite.get(), "x", 1) == 1);
  loop.join();

  CHECK(echoed == "HELLO");
  CHECK(closedAfterError);
  CHECK(serverSawBoth);
  CHECK(urlCalls == 2);
  CHECK(out.str() == "Handling connection for " + std::to_string(bound[0].local) + "\n" +
                         "Handling connection for " + std::to_string(bound[0].local) + "\n");
  CHECK(err.str() == "error forwarding port 8080: boom: error please\n");
  const auto lines = server.finish();
  CHECK(eventOf(lines, "open")["url"] == "/portforward/TOKEN?port=8080");
  CHECK(eventOf(lines, "open")["protocol"] == "v4.channel.k8s.io");
  CHECK(eventOf(lines, "data")["payload"] == "hello");
  CHECK(eventOf(lines, "data")["channel"] == 0);
  for (const auto& line : lines)
    if (line.value("event", "") == "close") CHECK(line["code"] == 1000);  // both closes went through cleanly
}

TEST_CASE("crixctl port-forward: a refused stream ends that connection with a message, not the forwarder") {
  NodeWsServer server("refuse");
  crixctl::PortForwarder forwarder(
      {{0, 22}},
      [&](uint16_t) { return StreamUrl{"127.0.0.1", static_cast<uint16_t>(server.port()), false, "/portforward/T"}; },
      kConnectTimeout);
  const auto bound = forwarder.listen();
  int stopFds[2];
  REQUIRE(::pipe2(stopFds, O_CLOEXEC) == 0);
  crix::UniqueFd stopRead(stopFds[0]), stopWrite(stopFds[1]);
  std::ostringstream out, err;
  std::thread loop([&] { forwarder.run(stopRead.get(), out, err); });
  bool closed = false;
  {
    crix::UniqueFd local = connectLoopback(bound[0].local);
    readSome(local.get(), 1, &closed);
  }
  REQUIRE(::write(stopWrite.get(), "x", 1) == 1);
  loop.join();
  CHECK(closed);
  CHECK(err.str().starts_with("error forwarding port 22: upgrading 127.0.0.1:"));
  CHECK(err.str().find("403 Forbidden") != std::string::npos);
  server.finish();
}

TEST_CASE("crixctl port-forward: a taken local port is AlreadyExists") {
  crixctl::PortForwarder first({{0, 80}}, [](uint16_t) { return StreamUrl{}; }, kConnectTimeout);
  const auto bound = first.listen();
  crixctl::PortForwarder second({{bound[0].local, 80}}, [](uint16_t) { return StreamUrl{}; }, kConnectTimeout);
  CHECK(crix::test::codeOf([&] { second.listen(); }) == crix::StatusCode::AlreadyExists);
}
