#include "cri/runtime/StreamRequests.h"

#include "core/Error.h"

namespace crix::cri {

namespace {

void checkStreams(bool tty, bool in, bool out, bool err) {
  // A terminal has one output: stderr cannot be told apart from stdout.
  if (tty && err) throw Error::invalidArgument("tty and stderr cannot both be true");
  if (!in && !out && !err) throw Error::invalidArgument("one of stdin, stdout, or stderr must be set");
}

ContainerRecord runningContainer(const std::string& id, ContainerLifecycle& containers) {
  auto record = containers.status(id);
  if (record.state != ContainerState::Running)
    throw Error::failedPrecondition("container " + record.id + " is not running (" +
                                    std::string(containerStateName(record.state)) + ")");
  return record;
}

}  // namespace

streaming::ExecRequest checkedExec(const runtime::v1::ExecRequest& request, ContainerLifecycle& containers) {
  if (request.container_id().empty()) throw Error::invalidArgument("missing required container_id");
  if (request.cmd().empty()) throw Error::invalidArgument("cmd is empty: there is nothing to execute");
  checkStreams(request.tty(), request.stdin(), request.stdout(), request.stderr());
  const auto record = runningContainer(request.container_id(), containers);
  streaming::ExecRequest out;
  out.containerId = record.id;
  out.cmd.assign(request.cmd().begin(), request.cmd().end());
  out.tty = request.tty();
  out.stdin = request.stdin();
  out.stdout = request.stdout();
  out.stderr = request.stderr();
  return out;
}

streaming::AttachRequest checkedAttach(const runtime::v1::AttachRequest& request, ContainerLifecycle& containers) {
  if (request.container_id().empty()) throw Error::invalidArgument("missing required container_id");
  checkStreams(request.tty(), request.stdin(), request.stdout(), request.stderr());
  const auto record = runningContainer(request.container_id(), containers);
  if (request.stdin() && !record.config.stdin())
    throw Error::failedPrecondition("container " + record.id +
                                    " was created without stdin; attach without stdin, or create it with stdin");
  if (request.tty() && !record.config.tty())
    throw Error::failedPrecondition("container " + record.id + " was created without a terminal (tty)");
  streaming::AttachRequest out;
  out.containerId = record.id;
  out.tty = request.tty();
  out.stdin = request.stdin();
  out.stdout = request.stdout();
  out.stderr = request.stderr();
  return out;
}

streaming::PortForwardRequest checkedPortForward(const runtime::v1::PortForwardRequest& request,
                                                 RuntimeState& state) {
  if (request.pod_sandbox_id().empty()) throw Error::invalidArgument("missing required pod_sandbox_id");
  for (const auto port : request.port())
    if (port < 1 || port > 65535)
      throw Error::invalidArgument("port " + std::to_string(port) + " is outside 1..65535");
  const auto pod = state.pod(request.pod_sandbox_id());
  if (!pod) throw Error::notFound("pod sandbox \"" + request.pod_sandbox_id() + "\" not found");
  if (pod->state != PodState::Ready) throw Error::failedPrecondition("pod sandbox " + pod->id + " is not ready");
  streaming::PortForwardRequest out;
  out.podSandboxId = pod->id;
  out.ports.assign(request.port().begin(), request.port().end());
  return out;
}

}  // namespace crix::cri
