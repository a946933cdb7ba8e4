// `crixctl port-forward POD [LOCAL:]REMOTE...`: listens on 127.0.0.1 and
// forwards each connection into the pod over a WebSocket port-forward
// stream (a CRI PortForward call per connection), until SIGINT or SIGTERM.
#include <csignal>
#include <iostream>

#include "contrib/crixctl/IdResolver.h"
#include "contrib/crixctl/PortForwarder.h"
#include "contrib/crixctl/PortSpec.h"
#include "contrib/crixctl/RemoteCommandCli.h"
#include "contrib/crixctl/SignalPipe.h"
#include "contrib/crixctl/StreamUrl.h"
#include "contrib/crixctl/Verb.h"
#include "core/Error.h"

namespace crixctl {
namespace {

int runPortForward(VerbContext& ctx) {
  if (ctx.args().size() < 2) return ctx.showHelp();
  checkTransport(ctx.options);
  std::vector<PortMapping> mappings;
  for (std::size_t i = 1; i < ctx.args().size(); ++i) mappings.push_back(parsePortSpec(ctx.args()[i]));

  const std::string podId =
      withContext("port forward", [&] { return resolvePodId(ctx.client, ctx.args().front()); });
  auto urlFor = [&ctx, podId](uint16_t remote) {
    runtime::v1::PortForwardRequest request;
    request.set_pod_sandbox_id(podId);
    request.add_port(remote);
    const auto response = ctx.client.call(ctx.client.runtime(), &CriClient::RuntimeStub::PortForward, request);
    clilog::debug("PortForward URL: ", response.url());
    return parseStreamUrl(response.url());
  };
  // One call up front, as crictl makes it: a wrong pod fails here, not at
  // the first connection.
  withContext("port forward", [&] { return urlFor(mappings.front().remote); });

  SignalPipe signals({SIGINT, SIGTERM, SIGHUP});
  PortForwarder forwarder(mappings, urlFor, streamConnectTimeout(ctx.settings));
  for (const auto& bound : withContext("port forward", [&] { return forwarder.listen(); }))
    std::cout << "Forwarding from 127.0.0.1:" << bound.local << " -> " << bound.remote << "\n";
  std::cout << std::flush;
  forwarder.run(signals.fd(), std::cout, std::cerr);
  return 0;
}

}  // namespace

Verb makePortForwardVerb() {
  return Verb{
      .name = "port-forward",
      .usage = "Forward local port to a pod",
      .argsUsage = "POD-ID [LOCAL_PORT:]REMOTE_PORT [[LOCAL_PORT:]REMOTE_PORT...]",
      .options = {transportOption()},
      .run = runPortForward,
  };
}

}  // namespace crixctl
