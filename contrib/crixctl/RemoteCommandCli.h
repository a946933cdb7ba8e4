// What exec and attach share between the CRI call and the stream: which
// local descriptors take part, how long connecting may take, and how the
// stream's outcome becomes crixctl's exit.
#pragma once

#include <chrono>
#include <string_view>
#include <vector>

#include "contrib/crixctl/Options.h"
#include "contrib/crixctl/RemoteCommandSession.h"
#include "contrib/crixctl/RemoteCommandStatus.h"
#include "contrib/crixctl/Settings.h"
#include "contrib/crixctl/TlsClient.h"

namespace crixctl {

// crictl's --transport/-r flag. crixctl speaks WebSocket only (kubelet's
// v5/v4.channel.k8s.io), so that is the default and "spdy" is refused.
OptionSpec transportOption();
// Throws Unimplemented for "spdy", InvalidArgument for anything unknown.
void checkTransport(const ParsedOptions& options);

// crictl's --tls-ca, --tls-cert, --tls-key and --tls-sni (alias
// --tls-server-name) for https stream URLs, and the config they make.
std::vector<OptionSpec> tlsOptions();
StreamTlsConfig tlsConfigFrom(const ParsedOptions& options);

// -i streams `stdinFd`; -t with -i and `stdinFd` a terminal also makes it
// the raw-mode terminal whose size is sent. Without a terminal -t still asks
// the runtime for a tty, just without raw mode (scripts, tests).
RemoteCommandStreams localStreams(bool interactive, bool tty, int stdinFd = 0, int stdoutFd = 1, int stderrFd = 2);

// The bound on connecting and the upgrade: --timeout, but not below 5 s.
std::chrono::milliseconds streamConnectTimeout(const Settings& settings);

// The exit code for `outcome`; a failure message is thrown as crix::Error
// ("<context>: <message>", printed FATA, exit 1).
int exitCodeOf(const RemoteCommandOutcome& outcome, std::string_view context);

}  // namespace crixctl
