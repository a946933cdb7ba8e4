// The parts of crixctl's exec, attach and port-forward that need no
// runtime and no server: their flags, port specs, stream URLs, the error
// channel's Status as an exit code, the resize message, and which local
// descriptors take part.
#include <doctest/doctest.h>
#include <fcntl.h>
#include <pty.h>
#include <unistd.h>

#include <string>
#include <vector>

#include "contrib/crixctl/DetachKeys.h"
#include "contrib/crixctl/Help.h"
#include "contrib/crixctl/Options.h"
#include "contrib/crixctl/PortSpec.h"
#include "contrib/crixctl/RemoteCommandCli.h"
#include "contrib/crixctl/RemoteCommandStatus.h"
#include "contrib/crixctl/StreamUrl.h"
#include "contrib/crixctl/VerbTable.h"
#include "core/Error.h"
#include "core/UniqueFd.h"
#include "tests/support/ErrorOf.h"

using namespace crixctl;
using crix::StatusCode;
using crix::test::codeOf;

namespace {

ParsedOptions parseVerb(const std::string& name, std::vector<std::string> argv) {
  const Verb* verb = findVerb(name);
  REQUIRE(verb != nullptr);
  return parseOptions(verb->options, argv);
}

}  // namespace

TEST_SUITE("crixctl-streaming-parts") {

TEST_CASE("exec takes -it bundled, and the command's own flags stay the command's") {
  const auto options = parseVerb("exec", {"-it", "abc", "sh", "-c", "ls -l"});
  CHECK(options.flag("interactive"));
  CHECK(options.flag("tty"));
  CHECK_FALSE(options.flag("sync"));
  CHECK(options.args() == std::vector<std::string>{"abc", "sh", "-c", "ls -l"});
  CHECK(options.value("transport") == "websocket");

  const auto sync = parseVerb("exec", {"-s", "--timeout", "3", "abc", "true"});
  CHECK(sync.flag("sync"));
  CHECK(sync.integer("timeout") == 3);
}

TEST_CASE("attach takes -i (--stdin) and -t as crictl does") {
  const auto options = parseVerb("attach", {"-ti", "abc"});
  CHECK(options.flag("stdin"));
  CHECK(options.flag("tty"));
  CHECK(options.args() == std::vector<std::string>{"abc"});
  CHECK(parseVerb("attach", {"--stdin", "abc"}).flag("stdin"));
}

TEST_CASE("port-forward takes a pod and port specs; --transport websocket only") {
  const auto options = parseVerb("port-forward", {"pod", "8080:80", ":443"});
  CHECK(options.args() == std::vector<std::string>{"pod", "8080:80", ":443"});
  CHECK_NOTHROW(checkTransport(options));
  CHECK(codeOf([] { checkTransport(parseVerb("port-forward", {"-r", "spdy", "pod", "80"})); }) ==
        StatusCode::Unimplemented);
  CHECK(codeOf([] { checkTransport(parseVerb("port-forward", {"--transport=quic", "pod", "80"})); }) ==
        StatusCode::InvalidArgument);
}

TEST_CASE("help lists attach and port-forward and exec's streaming flags") {
  const std::string help = appHelp();
  CHECK(help.find("attach") != std::string::npos);
  CHECK(help.find("port-forward") != std::string::npos);
  const std::string exec = verbHelp(*findVerb("exec"));
  CHECK(exec.find("--interactive, -i") != std::string::npos);
  CHECK(exec.find("--tty, -t") != std::string::npos);
  CHECK(exec.find("--transport value, -r value") != std::string::npos);
  CHECK(exec.find("only mode") == std::string::npos);  // -s is no longer the only mode
}

TEST_CASE("port specs: LOCAL:REMOTE, :REMOTE, REMOTE") {
  CHECK(parsePortSpec("8080:80").local == 8080);
  CHECK(parsePortSpec("8080:80").remote == 80);
  CHECK(parsePortSpec(":80").local == 0);
  CHECK(parsePortSpec(":80").remote == 80);
  CHECK(parsePortSpec("0:80").local == 0);
  CHECK(parsePortSpec("80").local == 80);
  CHECK(parsePortSpec("80").remote == 80);
  CHECK(parsePortSpec("65535:1").local == 65535);
  for (const char* bad : {"", ":", "80:", "0", "x", "8080:http", "65536", "1:2:3", "-1", " 80", "80 ", "1:0"}) {
    CAPTURE(bad);
    CHECK(codeOf([&] { parsePortSpec(bad); }) == StatusCode::InvalidArgument);
  }
}

TEST_CASE("stream URLs: absolute, host-less as crictl fills them, IPv6, and refused forms") {
  const StreamUrl url = parseStreamUrl("http://127.0.0.1:34567/exec/AbCd?x=1");
  CHECK(url.host == "127.0.0.1");
  CHECK(url.port == 34567);
  CHECK(url.target == "/exec/AbCd?x=1");
  CHECK(url.hostHeader() == "127.0.0.1:34567");

  const StreamUrl bare = parseStreamUrl("/attach/tok");
  CHECK(bare.host == "127.0.0.1");
  CHECK(bare.port == 10250);
  CHECK(bare.target == "/attach/tok");

  const StreamUrl v6 = parseStreamUrl("http://[::1]:8080/portforward/t");
  CHECK(v6.host == "::1");
  CHECK(v6.hostHeader() == "[::1]:8080");
  CHECK(parseStreamUrl("http://node").port == 80);
  CHECK(parseStreamUrl("http://node").target == "/");
  CHECK(parseStreamUrl("http://node:1?a=b").target == "/?a=b");

  CHECK_FALSE(url.tls);
  const StreamUrl secure = parseStreamUrl("https://127.0.0.1:1/exec/x");
  CHECK(secure.tls);
  CHECK(secure.port == 1);
  CHECK(parseStreamUrl("https://node/x").port == 443);
  for (const char* bad : {"", "exec/x", "ftp://h/x", "http://h:0/x", "http://h:99999/x", "http://h:x/x",
                          "http://h/a b", "http://h/a\r\nX: y", "http://[::1/x"}) {
    CAPTURE(bad);
    CHECK(codeOf([&] { parseStreamUrl(bad); }) == StatusCode::InvalidArgument);
  }
}

TEST_CASE("exec and attach take crictl's TLS flags; cert and key come together") {
  const auto options = parseVerb("exec", {"--tls-ca", "ca.crt", "--tls-cert", "c.crt", "--tls-key", "c.key",
                                          "--tls-server-name", "node1", "abc", "ls"});
  const StreamTlsConfig config = tlsConfigFrom(options);
  CHECK(config.caFile == "ca.crt");
  CHECK(config.certFile == "c.crt");
  CHECK(config.keyFile == "c.key");
  CHECK(config.serverName == "node1");
  CHECK(tlsConfigFrom(parseVerb("attach", {"abc"})).caFile.empty());
  CHECK(codeOf([] { tlsConfigFrom(parseVerb("attach", {"--tls-cert", "c.crt", "abc"})); }) ==
        StatusCode::InvalidArgument);
}

TEST_CASE("the port goes into the stream URL's query") {
  CHECK(addQueryParameter("/portforward/t", "port=80") == "/portforward/t?port=80");
  CHECK(addQueryParameter("/portforward/t?a=1", "port=80") == "/portforward/t?a=1&port=80");
  CHECK(addQueryParameter("/portforward/t?", "port=80") == "/portforward/t?port=80");
}

TEST_CASE("the error channel's Status decides the exit code") {
  CHECK(outcomeOfStatus("").exitCode == 0);
  CHECK(outcomeOfStatus(R"({"metadata":{},"status":"Success"})").exitCode == 0);
  CHECK(outcomeOfStatus(R"({"metadata":{},"status":"Success"})").failure.empty());

  const auto nonZero = outcomeOfStatus(
      R"({"metadata":{},"status":"Failure","message":"command terminated with non-zero exit code: exit status 42",)"
      R"("reason":"NonZeroExitCode","details":{"causes":[{"reason":"ExitCode","message":"42"}]}})");
  CHECK(nonZero.exitCode == 42);
  CHECK(nonZero.failure.empty());

  // The ExitCode cause is found among others.
  CHECK(outcomeOfStatus(R"({"status":"Failure","reason":"NonZeroExitCode","details":{"causes":[)"
                        R"({"reason":"Other","message":"x"},{"reason":"ExitCode","message":"2"}]}})")
            .exitCode == 2);

  const auto failure = outcomeOfStatus(R"({"status":"Failure","message":"container not found","reason":"NotFound"})");
  CHECK(failure.exitCode == 1);
  CHECK(failure.failure == "container not found");

  const auto badCode = outcomeOfStatus(
      R"({"status":"Failure","reason":"NonZeroExitCode","details":{"causes":[{"reason":"ExitCode","message":"x1"}]}})");
  CHECK(badCode.exitCode == 1);
  CHECK(badCode.failure.find("invalid exit code value \"x1\"") != std::string::npos);

  // NonZeroExitCode without a cause: the message is all there is.
  CHECK(outcomeOfStatus(R"({"status":"Failure","reason":"NonZeroExitCode","message":"m"})").failure == "m");
  CHECK(outcomeOfStatus("not json").failure.find("error stream protocol error") != std::string::npos);
  CHECK(outcomeOfStatus("[1,2]").exitCode == 1);
  CHECK_FALSE(outcomeOfStatus(R"({"status":"Failure"})").failure.empty());
}

TEST_CASE("the resize message is kubelet's TerminalSize JSON") {
  CHECK(terminalSizeMessage(80, 24) == R"({"Width":80,"Height":24})");
  CHECK(terminalSizeMessage(65535, 1) == R"({"Width":65535,"Height":1})");
}

TEST_CASE("-i streams stdin; raw mode and sizes only with -t -i on a terminal") {
  int pipeFds[2];
  REQUIRE(::pipe(pipeFds) == 0);
  crix::UniqueFd readEnd(pipeFds[0]), writeEnd(pipeFds[1]);
  const auto piped = localStreams(true, true, readEnd.get(), 1, 2);
  CHECK(piped.stdinFd == readEnd.get());
  CHECK(piped.terminalFd == -1);  // `exec -it` from a script: a tty remotely, no raw mode here

  const auto noStdin = localStreams(false, false, readEnd.get(), 1, 2);
  CHECK(noStdin.stdinFd == -1);
  CHECK(noStdin.terminalFd == -1);

  int master = -1, slave = -1;
  REQUIRE(::openpty(&master, &slave, nullptr, nullptr, nullptr) == 0);
  crix::UniqueFd masterFd(master), slaveFd(slave);
  CHECK(localStreams(true, true, slave, 1, 2).terminalFd == slave);
  CHECK(localStreams(true, false, slave, 1, 2).terminalFd == -1);
  CHECK(localStreams(false, true, slave, 1, 2).terminalFd == -1);
}

TEST_CASE("Ctrl-P Ctrl-Q detaches; a lone Ctrl-P goes through, also across reads") {
  DetachKeys keys;
  auto r = keys.feed("ls\n");
  CHECK(r.forward == "ls\n");
  CHECK_FALSE(r.detached);
  r = keys.feed("a\x10");
  CHECK(r.forward == "a");  // held: it may start the sequence
  r = keys.feed("b");
  CHECK(r.forward == "\x10" "b");
  r = keys.feed("\x10\x10\x11tail");
  CHECK(r.forward == "\x10");
  CHECK(r.detached);
  DetachKeys split;
  CHECK(split.feed("x\x10").forward == "x");
  r = split.feed("\x11");
  CHECK(r.detached);
  CHECK(r.forward.empty());
}

TEST_CASE("a failed Status is an Unknown error in context; exit codes pass through") {
  CHECK(exitCodeOf({0, {}}, "ctx") == 0);
  CHECK(exitCodeOf({7, {}}, "ctx") == 7);
  const crix::Error e = crix::test::errorOf([] { exitCodeOf({1, "boom"}, "execing command in container abc"); });
  CHECK(e.code() == StatusCode::Unknown);
  CHECK(std::string(e.what()) == "execing command in container abc: boom");
}

}  // TEST_SUITE
