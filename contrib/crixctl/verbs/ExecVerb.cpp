// `crixctl exec -s [--timeout N] ID CMD...`: runs a command in a container
// through ExecSync, copies its stdout and stderr through and exits with its
// exit code. Streaming exec (without -s) is not implemented yet.
#include <iostream>

#include "contrib/crixctl/IdResolver.h"
#include "contrib/crixctl/Verb.h"
#include "core/Error.h"

namespace crixctl {
namespace {

int runExec(VerbContext& ctx) {
  if (ctx.args().size() < 2) return ctx.showHelp();
  if (!ctx.options.flag("sync"))
    throw crix::Error::unimplemented(
        "streaming exec is not supported yet: use `exec -s` (--sync) to run the command and collect its output");
  if (ctx.options.flag("tty") || ctx.options.flag("interactive"))
    throw crix::Error::invalidArgument("--tty and --interactive need streaming exec, which is not supported yet");

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

}  // namespace

Verb makeExecVerb() {
  using Kind = OptionSpec::Kind;
  return Verb{
      .name = "exec",
      .usage = "Run a command in a running container",
      .argsUsage = "CONTAINER-ID COMMAND [ARG...]",
      .options =
          {
              {.name = "sync",
               .shortName = "s",
               .kind = Kind::Bool,
               .usage = "Run the command synchronously (the only mode crixctl supports yet)"},
              {.name = "timeout",
               .kind = Kind::Value,
               .usage = "Timeout in seconds",
               .defaultValue = "0",
               .quoteDefault = false},
              {.name = "tty", .shortName = "t", .kind = Kind::Bool, .usage = "Allocate a pseudo-TTY"},
              {.name = "interactive", .shortName = "i", .kind = Kind::Bool, .usage = "Keep STDIN open"},
          },
      .run = runExec,
  };
}

}  // namespace crixctl
