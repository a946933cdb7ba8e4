// `crixctl attach [-i] [-t] ID`: joins a running container's own stdio
// through the CRI Attach call and a WebSocket stream, like `exec` (stdout
// always, stderr unless -t, stdin with -i).
#include "contrib/crixctl/IdResolver.h"
#include "contrib/crixctl/RemoteCommandCli.h"
#include "contrib/crixctl/StreamUrl.h"
#include "contrib/crixctl/Verb.h"
#include "core/Error.h"

namespace crixctl {
namespace {

int runAttach(VerbContext& ctx) {
  if (ctx.args().size() != 1 || ctx.args().front().empty()) return ctx.showHelp();
  checkTransport(ctx.options);
  const StreamTlsConfig tls = tlsConfigFrom(ctx.options);
  const bool tty = ctx.options.flag("tty");
  const bool interactive = ctx.options.flag("stdin");

  runtime::v1::AttachRequest request;
  request.set_tty(tty);
  request.set_stdin(interactive);
  request.set_stdout(true);
  request.set_stderr(!tty);
  runtime::v1::AttachResponse response;
  const RemoteCommandOutcome outcome = withContext("attaching running container failed", [&] {
    request.set_container_id(resolveContainerId(ctx.client, ctx.args().front()));
    response = ctx.client.call(ctx.client.runtime(), &CriClient::RuntimeStub::Attach, request);
    clilog::debug("Attach URL: ", response.url());
    return runRemoteCommand(parseStreamUrl(response.url()), localStreams(interactive, tty),
                            streamConnectTimeout(ctx.settings), tls);
  });
  return exitCodeOf(outcome, "attaching running container failed");
}

}  // namespace

Verb makeAttachVerb() {
  using Kind = OptionSpec::Kind;
  return Verb{
      .name = "attach",
      .usage = "Attach to a running container",
      .argsUsage = "CONTAINER-ID",
      .options = optionsOf({
          {
              {.name = "tty", .shortName = "t", .kind = Kind::Bool, .usage = "Allocate a pseudo-TTY"},
              {.name = "stdin", .shortName = "i", .kind = Kind::Bool, .usage = "Keep STDIN open"},
              transportOption(),
          },
          tlsOptions(),
      }),
      .run = runAttach,
  };
}

}  // namespace crixctl
