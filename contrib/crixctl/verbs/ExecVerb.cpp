// `crixctl exec [-i] [-t] ID CMD...`: runs a command in a container through
// the CRI Exec call and streams it over WebSocket (stdin with -i, a tty with
// -t; stdout always, stderr unless -t), exiting with the command's exit
// code. `exec -s [--timeout N] ID CMD...` runs it through ExecSync instead
// and copies its collected stdout and stderr.
#include <iostream>

#include "contrib/crixctl/IdResolver.h"
#include "contrib/crixctl/RemoteCommandCli.h"
#include "contrib/crixctl/StreamUrl.h"
#include "contrib/crixctl/Verb.h"
#include "core/Error.h"

namespace crixctl {
namespace {

int runExecSync(VerbContext& ctx) {
  if (ctx.options.flag("tty") || ctx.options.flag("interactive"))
    throw crix::Error::invalidArgument("--tty and --interactive need a streaming exec: leave out --sync");
  const std::int64_t timeout = ctx.options.integer("timeout");
  runtime::v1::ExecSyncRequest request;
  for (std::size_t i = 1; i < ctx.args().size(); ++i) request.add_cmd(ctx.args()[i]);
  request.set_timeout(timeout);
  // The kubelet's bound: none for an unbounded command, else the command's
  // own timeout plus the connection timeout, so the runtime gets to report it.
  const auto limit = timeout > 0 ? ctx.client.settings().timeout + std::chrono::seconds(timeout)
                                 : std::chrono::nanoseconds(0);
  runtime::v1::ExecSyncResponse response;
  try {
    request.set_container_id(resolveContainerId(ctx.client, ctx.args()[0]));
    response = ctx.client.call(ctx.client.runtime(), &CriClient::RuntimeStub::ExecSync, request, limit);
  } catch (const crix::Error& e) {
    throw wrapError("execing command in container synchronously", e);
  }
  std::cout << response.stdout() << std::flush;
  std::cerr << response.stderr() << std::flush;
  // The command's own exit code, so that scripts can branch on it; its
  // stderr above is all that is printed there.
  return response.exit_code();
}

int runExecStream(VerbContext& ctx) {
  const bool tty = ctx.options.flag("tty");
  const bool interactive = ctx.options.flag("interactive");
  checkTransport(ctx.options);
  const StreamTlsConfig tls = tlsConfigFrom(ctx.options);
  // crictl refuses this too: a tty without input cannot be driven.
  if (tty && !interactive) throw crix::Error::invalidArgument("tty=true must be specified with interactive=true");

  runtime::v1::ExecRequest request;
  for (std::size_t i = 1; i < ctx.args().size(); ++i) request.add_cmd(ctx.args()[i]);
  request.set_tty(tty);
  request.set_stdin(interactive);
  request.set_stdout(true);
  request.set_stderr(!tty);  // a tty merges stderr into stdout
  std::string id;
  runtime::v1::ExecResponse response;
  try {
    id = resolveContainerId(ctx.client, ctx.args()[0]);
    request.set_container_id(id);
    response = ctx.client.call(ctx.client.runtime(), &CriClient::RuntimeStub::Exec, request);
  } catch (const crix::Error& e) {
    throw wrapError("execing command in container " + ctx.args()[0], e);
  }
  const std::string context = "execing command in container " + id;
  const RemoteCommandOutcome outcome = withContext(context, [&] {
    clilog::debug("Exec URL: ", response.url());
    return runRemoteCommand(parseStreamUrl(response.url()), localStreams(interactive, tty),
                            streamConnectTimeout(ctx.settings), tls);
  });
  return exitCodeOf(outcome, context);
}

int runExec(VerbContext& ctx) {
  if (ctx.args().size() < 2) return ctx.showHelp();
  return ctx.options.flag("sync") ? runExecSync(ctx) : runExecStream(ctx);
}

}  // namespace

Verb makeExecVerb() {
  using Kind = OptionSpec::Kind;
  return Verb{
      .name = "exec",
      .usage = "Run a command in a running container",
      .argsUsage = "CONTAINER-ID COMMAND [ARG...]",
      .options = optionsOf({
          {
              {.name = "sync", .shortName = "s", .kind = Kind::Bool, .usage = "Run the command synchronously"},
              {.name = "timeout",
               .kind = Kind::Value,
               .usage = "Timeout in seconds",
               .defaultValue = "0",
               .quoteDefault = false},
              {.name = "tty", .shortName = "t", .kind = Kind::Bool, .usage = "Allocate a pseudo-TTY"},
              {.name = "interactive", .shortName = "i", .kind = Kind::Bool, .usage = "Keep STDIN open"},
              transportOption(),
          },
          tlsOptions(),
      }),
      .run = runExec,
  };
}

}  // namespace crixctl
