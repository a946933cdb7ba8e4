#include "contrib/crixctl/RemoteCommandSession.h"

#include <poll.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <optional>
#include <string>
#include <vector>

#include "contrib/crixctl/CliLog.h"
#include "contrib/crixctl/DetachKeys.h"
#include "contrib/crixctl/FdIo.h"
#include "contrib/crixctl/RawTerminal.h"
#include "contrib/crixctl/SignalPipe.h"
#include "contrib/crixctl/WebSocketStream.h"
#include "core/Error.h"
#include "cri/streaming/http/StreamProtocols.h"
#include "cri/streaming/websocket/ChannelProtocol.h"

namespace crixctl {
namespace {

namespace ws = crix::streaming;
namespace channel = crix::streaming::channel;

// Stop reading stdin while this much is waiting for the socket.
constexpr size_t kMaxUnsent = 1024 * 1024;
// A Status is small; more than this on the error channel is not one.
constexpr size_t kMaxErrorChannelBytes = 64 * 1024;

class Relay {
 public:
  Relay(WebSocketStream& stream, const RemoteCommandStreams& streams)
      : stream_(stream), streams_(streams), stdinOpen_(streams.stdinFd >= 0),
        closeSignal_(stream.protocol() == ws::kChannelProtocolV5) {}

  RemoteCommandOutcome run(SignalPipe& signals) {
    sendTerminalSize();
    handle(stream_.takePending());
    while (!stream_.closed() && !interrupted_ && !detached_) {
      stream_.flush();
      if (stream_.broken()) {
        lost_ = "writing to the streaming connection failed";
        break;
      }
      std::vector<struct pollfd> fds = {{stream_.fd(), POLLIN, 0}, {signals.fd(), POLLIN, 0}};
      if (stream_.unsent() > 0) fds[0].events |= POLLOUT;
      const bool readStdin = stdinOpen_ && stream_.connection().canSend() && stream_.unsent() < kMaxUnsent;
      if (readStdin) fds.push_back({streams_.stdinFd, POLLIN, 0});
      if (::poll(fds.data(), fds.size(), -1) < 0) {
        if (errno == EINTR) continue;
        throw crix::Error::fromErrno("waiting on the streams", errno);
      }
      if (fds[1].revents) onSignals(signals.take());
      if (readStdin && fds[2].revents) forwardStdin();
      if (fds[0].revents & (POLLIN | POLLHUP | POLLERR)) handle(stream_.readAvailable());
    }
    if (interrupted_ || detached_) {
      stream_.connection().close(ws::wsclose::kGoingAway, detached_ ? "detached" : "interrupted");
      stream_.drain(std::chrono::milliseconds(500));
      return {detached_ ? 0 : 128 + interrupted_, {}};
    }
    stream_.drain(std::chrono::milliseconds(500));
    if (!errorChannel_.empty()) return outcomeOfStatus(errorChannel_);
    if (!lost_.empty()) throw crix::Error::unavailable("streaming connection lost: " + lost_);
    return {};
  }

 private:
  void sendTerminalSize() {
    if (streams_.terminalFd < 0 || !stream_.connection().canSend()) return;
    const auto size = terminalSize(streams_.terminalFd);
    if (!size) return;
    const std::string message = terminalSizeMessage(size->width, size->height);
    clilog::debug("streaming: terminal size ", message);
    stream_.connection().sendBinary(std::string(1, static_cast<char>(channel::kResize)) + message);
  }

  void onSignals(const std::vector<int>& caught) {
    for (int signo : caught) {
      if (signo == SIGWINCH)
        sendTerminalSize();
      else
        interrupted_ = signo;
    }
  }

  void forwardStdin() {
    char buffer[32 * 1024];
    buffer[0] = static_cast<char>(channel::kStdin);
    ssize_t n;
    do {
      n = ::read(streams_.stdinFd, buffer + 1, sizeof buffer - 1);
    } while (n < 0 && errno == EINTR);
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return;
    if (n > 0 && streams_.terminalFd >= 0) {
      const DetachKeys::Result keys = detachKeys_.feed(std::string_view(buffer + 1, static_cast<size_t>(n)));
      if (!keys.forward.empty())
        stream_.connection().sendBinary(std::string(1, static_cast<char>(channel::kStdin)) + keys.forward);
      detached_ = keys.detached;
      return;
    }
    if (n > 0) {
      stream_.connection().sendBinary(std::string_view(buffer, static_cast<size_t>(n) + 1));
      return;
    }
    // EOF, or a read error such as EIO from a hung-up terminal: no more input.
    stdinOpen_ = false;
    if (closeSignal_) {
      const char closeStdin[] = {static_cast<char>(channel::kCloseSignal), static_cast<char>(channel::kStdin)};
      stream_.connection().sendBinary(std::string_view(closeStdin, 2));
    }
  }

  void handle(std::vector<ws::WebSocketEvent> events) {
    for (auto& event : events) {
      switch (event.kind) {
        case ws::WebSocketEvent::Kind::Message:
          onMessage(event.payload);
          break;
        case ws::WebSocketEvent::Kind::Closed:
          clilog::debug("streaming: server closed with ", event.closeCode, " ", event.payload);
          break;
        case ws::WebSocketEvent::Kind::Failed:
          lost_ = event.payload;
          break;
        case ws::WebSocketEvent::Kind::Ping:
        case ws::WebSocketEvent::Kind::Pong:
          break;
      }
    }
  }

  void onMessage(std::string_view message) {
    if (message.empty()) return;  // kubelet's "streams ready" is an empty stdout message
    const uint8_t number = static_cast<uint8_t>(message.front());
    const std::string_view data = message.substr(1);
    switch (number) {
      case channel::kStdout:
        writeAll(streams_.stdoutFd, data);
        break;
      case channel::kStderr:
        writeAll(streams_.stderrFd, data);
        break;
      case channel::kError:
        if (errorChannel_.size() + data.size() > kMaxErrorChannelBytes)
          throw crix::Error::dataLoss("the error channel carried more than a Status");
        errorChannel_.append(data);
        break;
      default:
        clilog::debug("streaming: dropped ", data.size(), " bytes on channel ", int(number));
        break;
    }
  }

  WebSocketStream& stream_;
  const RemoteCommandStreams& streams_;
  bool stdinOpen_;
  bool closeSignal_;
  int interrupted_ = 0;
  DetachKeys detachKeys_;
  bool detached_ = false;
  std::string errorChannel_;
  std::string lost_;
};

}  // namespace

RemoteCommandOutcome runRemoteCommand(const StreamUrl& url, const RemoteCommandStreams& streams,
                                      std::chrono::milliseconds connectTimeout, const StreamTlsConfig& tls) {
  SignalPipe signals({SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGWINCH});
  WebSocketStream stream = WebSocketStream::connect(
      url, {std::string(ws::kChannelProtocolV5), std::string(ws::kChannelProtocolV4)}, connectTimeout, tls);
  std::optional<RawTerminal> raw;
  if (streams.terminalFd >= 0) raw.emplace(streams.terminalFd);
  return Relay(stream, streams).run(signals);
}

}  // namespace crixctl
