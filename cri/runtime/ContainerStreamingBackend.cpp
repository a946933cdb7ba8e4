#include "cri/runtime/ContainerStreamingBackend.h"

#include <atomic>
#include <filesystem>
#include <functional>
#include <thread>

#include "core/AtomicFile.h"
#include "core/Directories.h"
#include "core/Error.h"
#include "core/Log.h"
#include "cri/runtime/AttachRelay.h"
#include "netns/PodPortDialer.h"
#include "oci/runtime/AttachSocket.h"
#include "oci/runtime/ControlFifo.h"
#include "oci/runtime/ExecSession.h"
#include "oci/runtime/ExecSync.h"
#include "oci/runtime/RuntimeHandlerInfo.h"

namespace crix::cri {

namespace {

constexpr auto kFirstSizeWait = std::chrono::milliseconds(250);

// Applies the client's terminal sizes until the stream ends.
class ResizeForwarder {
 public:
  ResizeForwarder(std::shared_ptr<streaming::ResizeQueue> queue,
                  std::function<void(streaming::TerminalSize)> apply)
      : queue_(std::move(queue)) {
    if (!queue_) return;
    thread_ = std::thread([this, apply = std::move(apply)] {
      while (!done_ && !queue_->closed()) {
        const auto size = queue_->next(std::chrono::milliseconds(200));
        if (!size || size->width == 0 || size->height == 0) continue;
        try {
          apply(*size);
        } catch (const std::exception& e) {
          log::warn("resize the terminal: ", e.what());
        }
      }
    });
  }
  ~ResizeForwarder() {
    done_ = true;
    if (thread_.joinable()) thread_.join();
  }

 private:
  std::shared_ptr<streaming::ResizeQueue> queue_;
  std::atomic<bool> done_{false};
  std::thread thread_;
};

RelayFds relayFds(const streaming::RemoteCommandIo& io) {
  return {io.stdinFd.get(), io.stdoutFd.get(), io.stderrFd.get(), io.clientGone.get()};
}

}  // namespace

streaming::RemoteCommandOutcome ContainerStreamingBackend::exec(const streaming::ExecRequest& request,
                                                                streaming::RemoteCommandIo io) {
  const auto record = containers_.status(request.containerId);
  if (record.state != ContainerState::Running)
    return {0, "container " + record.id + " is not running"};
  const auto cfg = config_.snapshot();
  const auto spec = nlohmann::json::parse(readWholeFile(state_.layout().bundleConfig(record.id)));

  oci::ExecSessionRequest start;
  start.runtime = oci::resolveRuntime(*cfg, record.runtimeHandler);
  start.containerId = record.id;
  start.process = oci::execProcessFromSpec(spec.at("process"), request.cmd, request.tty);
  // Clients send their terminal's size right after connecting. Waiting a
  // moment for it lets runc create the terminal at that size, so the
  // process never sees 0x0 (`stty size`, full-screen programs at start).
  if (request.tty && io.resizes) {
    if (const auto size = io.resizes->next(kFirstSizeWait); size && size->width && size->height)
      start.process["consoleSize"] = {{"height", size->height}, {"width", size->width}};
  }
  start.stdin = request.stdin;
  // A client that goes away takes its exec with it (kubelet's behaviour).
  start.killOnDetach = true;
  start.parentDir = state_.layout().execDir(record.id);
  makeDirectories(start.parentDir);

  std::unique_ptr<oci::ExecSession> session;
  try {
    session = std::make_unique<oci::ExecSession>(start);
  } catch (const Error& e) {
    // The process could not be started (no such executable...): the client
    // is told, as kubelet tells it, on the error stream.
    if (e.code() == StatusCode::Unknown) return {0, e.what()};
    throw;
  }
  const UniqueFd socket = oci::connectAttachSocket(session->attachPath());
  RelayEnd end;
  {
    ResizeForwarder resizes(io.resizes, [&](streaming::TerminalSize size) { session->resize(size.height, size.width); });
    end = relayAttachSocket(socket.get(), relayFds(io), /*halfCloseOnStdinEof=*/true);
  }
  if (end == RelayEnd::ClientGone) {
    session->kill();
    log::debug("exec in container ", record.id, ": the client went away; the process is killed");
  }
  const auto code = session->wait(std::chrono::seconds(10));
  if (!code) return {0, "the exec'd process in container " + record.id + " did not end"};
  return {*code, ""};
}

streaming::RemoteCommandOutcome ContainerStreamingBackend::attach(const streaming::AttachRequest& request,
                                                                  streaming::RemoteCommandIo io) {
  const auto record = containers_.status(request.containerId);
  if (record.state != ContainerState::Running)
    return {0, "container " + record.id + " is not running"};
  const UniqueFd socket = oci::connectAttachSocket(state_.layout().attachSocket(record.id));
  const std::string ctlFifo = state_.layout().ctlFifo(record.id);
  ResizeForwarder resizes(io.resizes, [&](streaming::TerminalSize size) {
    oci::resizeTerminal(ctlFifo, size.height, size.width);
  });
  const RelayEnd end = relayAttachSocket(socket.get(), relayFds(io), /*halfCloseOnStdinEof=*/request.stdin);
  log::debug("attach to container ", record.id, " ended: ",
             end == RelayEnd::ClientGone ? "the client went away" : "the container's output ended");
  return {};
}

UniqueFd ContainerStreamingBackend::dialPort(const std::string& podSandboxId, uint16_t port) {
  const auto pod = state_.pod(podSandboxId);
  if (!pod) throw Error::notFound("pod sandbox \"" + podSandboxId + "\" not found");
  // A host-network pod's ports are the node's ("" below).
  if (usesHostNetwork(pod->config)) return netns::dialPodPort("", port);
  if (pod->netnsPath.empty())
    throw Error::failedPrecondition("pod sandbox " + pod->id + " has no network namespace");
  return netns::dialPodPort(pod->netnsPath, port);
}

}  // namespace crix::cri
