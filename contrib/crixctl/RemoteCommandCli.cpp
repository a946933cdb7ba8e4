#include "contrib/crixctl/RemoteCommandCli.h"

#include <unistd.h>

#include <algorithm>
#include <string>

#include "core/Error.h"

namespace crixctl {

OptionSpec transportOption() {
  return {.name = "transport",
          .shortName = "r",
          .kind = OptionSpec::Kind::Value,
          .usage = "Transport protocol to use, one of: websocket (crixctl does not speak spdy)",
          .defaultValue = "websocket"};
}

void checkTransport(const ParsedOptions& options) {
  const std::string transport = options.value("transport");
  if (transport == "websocket") return;
  if (transport == "spdy")
    throw crix::Error::unimplemented("crixctl streams over websocket only; use --transport=websocket");
  throw crix::Error::invalidArgument("unknown transport: " + transport);
}

std::vector<OptionSpec> tlsOptions() {
  using Kind = OptionSpec::Kind;
  return {
      {.name = "tls-ca", .kind = Kind::Value, .usage = "Path to the streaming TLS CA certificate"},
      {.name = "tls-cert", .kind = Kind::Value, .usage = "Path to the streaming TLS certificate"},
      {.name = "tls-key", .kind = Kind::Value, .usage = "Path to the streaming TLS key"},
      {.name = "tls-sni",
       .kind = Kind::Value,
       .usage = "Server name used in the TLS client to check server certificates against (default: the URL's host)",
       .longAliases = {"tls-server-name"}},
  };
}

StreamTlsConfig tlsConfigFrom(const ParsedOptions& options) {
  StreamTlsConfig config{options.value("tls-ca"), options.value("tls-cert"), options.value("tls-key"),
                         options.value("tls-sni")};
  if (config.certFile.empty() != config.keyFile.empty())
    throw crix::Error::invalidArgument("both flags --tls-cert and --tls-key are required for a TLS client certificate");
  return config;
}

RemoteCommandStreams localStreams(bool interactive, bool tty, int stdinFd, int stdoutFd, int stderrFd) {
  RemoteCommandStreams streams;
  streams.stdinFd = interactive ? stdinFd : -1;
  streams.stdoutFd = stdoutFd;
  streams.stderrFd = stderrFd;
  streams.terminalFd = interactive && tty && ::isatty(stdinFd) ? stdinFd : -1;
  return streams;
}

std::chrono::milliseconds streamConnectTimeout(const Settings& settings) {
  return std::max(std::chrono::duration_cast<std::chrono::milliseconds>(settings.timeout),
                  std::chrono::milliseconds(5000));
}

int exitCodeOf(const RemoteCommandOutcome& outcome, std::string_view context) {
  if (!outcome.failure.empty()) throw crix::Error(crix::StatusCode::Unknown, std::string(context) + ": " + outcome.failure);
  return outcome.exitCode;
}

}  // namespace crixctl
