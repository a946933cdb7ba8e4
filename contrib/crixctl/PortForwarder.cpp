#include "contrib/crixctl/PortForwarder.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <optional>
#include <string>

#include "contrib/crixctl/CliLog.h"
#include "contrib/crixctl/WebSocketStream.h"
#include "core/Error.h"
#include "cri/streaming/http/StreamProtocols.h"
#include "cri/streaming/websocket/WebSocketFrame.h"

namespace crixctl {

namespace ws = crix::streaming;

namespace {

// Stop reading one side while this much waits to be written to the other.
constexpr size_t kMaxBuffered = 1024 * 1024;
constexpr size_t kMaxErrorText = 4 * 1024;
constexpr uint8_t kDataChannel = 0;
constexpr uint8_t kErrorChannel = 1;
// How long a stream we closed may take to answer with its own close.
constexpr auto kCloseWait = std::chrono::seconds(5);

using Clock = std::chrono::steady_clock;

crix::UniqueFd listenOn(uint16_t port) {
  crix::UniqueFd fd(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
  if (!fd) throw crix::Error::fromErrno("creating a listening socket", errno);
  const int one = 1;
  ::setsockopt(fd.get(), SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  struct sockaddr_in address = {};
  address.sin_family = AF_INET;
  address.sin_port = htons(port);
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::bind(fd.get(), reinterpret_cast<const sockaddr*>(&address), sizeof address) != 0) {
    const int error = errno;
    const std::string what = "unable to listen on 127.0.0.1:" + std::to_string(port) + ": " + std::strerror(error);
    if (error == EADDRINUSE) throw crix::Error::alreadyExists(what);
    throw crix::Error::fromErrno("listening on 127.0.0.1:" + std::to_string(port), error);
  }
  if (::listen(fd.get(), 128) != 0) throw crix::Error::fromErrno("listening", errno);
  return fd;
}

uint16_t boundPort(int fd) {
  struct sockaddr_in address = {};
  socklen_t length = sizeof address;
  if (::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) != 0)
    throw crix::Error::fromErrno("reading the listening port", errno);
  return ntohs(address.sin_port);
}

}  // namespace

struct PortForwarder::Connection {
  Connection(crix::UniqueFd tcpFd, WebSocketStream webSocket, uint16_t remotePort)
      : tcp(std::move(tcpFd)), stream(std::move(webSocket)), remote(remotePort) {}

  crix::UniqueFd tcp;
  WebSocketStream stream;
  uint16_t remote = 0;
  size_t prefixLeft[2] = {2, 2};  // port bytes still to skip on data and error channels
  std::string toTcp;
  bool tcpReadable = true;  // the local side has not said EOF
  std::string errorText;
  std::optional<Clock::time_point> closeDeadline;  // set when we start the close

  // Done when the stream ended and its data reached the local side (or the
  // local side is gone), when the stream broke, or when our close went
  // unanswered too long.
  bool finished() const {
    return (stream.closed() && (toTcp.empty() || !tcp)) || stream.broken() ||
           (closeDeadline && Clock::now() >= *closeDeadline);
  }

  // The local connection ends now; the stream is closed and lingers until
  // the server answers, so that our close is not lost to a reset.
  void dropLocal() {
    tcp.reset();
    tcpReadable = false;
    toTcp.clear();
    closeStream();
  }

  void closeStream() {
    stream.connection().close(ws::wsclose::kNormal);
    if (!closeDeadline) closeDeadline = Clock::now() + kCloseWait;
  }

  // The bytes of `data` past the channel's 2-byte port prefix.
  std::string_view skipPrefix(uint8_t channel, std::string_view data) {
    const size_t skip = std::min(prefixLeft[channel], data.size());
    prefixLeft[channel] -= skip;
    return data.substr(skip);
  }

  void onEvents(std::vector<ws::WebSocketEvent> events, std::ostream& err) {
    for (auto& event : events) {
      if (event.kind == ws::WebSocketEvent::Kind::Failed) {
        // Once we closed, a server that hangs up without its close frame
        // has still ended the stream as asked.
        if (closeDeadline)
          clilog::debug("port-forward: stream for port ", remote, " ended: ", event.payload);
        else
          err << "error forwarding port " << remote << ": " << event.payload << "\n" << std::flush;
        continue;
      }
      if (event.kind != ws::WebSocketEvent::Kind::Message || event.payload.empty()) continue;
      const uint8_t channel = static_cast<uint8_t>(event.payload.front());
      const std::string_view data = std::string_view(event.payload).substr(1);
      if (channel == kDataChannel) {
        toTcp.append(skipPrefix(channel, data));
      } else if (channel == kErrorChannel) {
        const std::string_view text = skipPrefix(channel, data);
        errorText.append(text.substr(0, kMaxErrorText - std::min(kMaxErrorText, errorText.size())));
        if (!errorText.empty()) {
          err << "error forwarding port " << remote << ": " << errorText << "\n" << std::flush;
          errorText.clear();
          dropLocal();  // as kubectl ends the local connection on an error
        }
      }
    }
  }

  void readTcp() {
    char buffer[32 * 1024];
    buffer[0] = static_cast<char>(kDataChannel);
    const ssize_t n = ::read(tcp.get(), buffer + 1, sizeof buffer - 1);
    if (n < 0 && (errno == EINTR || errno == EAGAIN || errno == EWOULDBLOCK)) return;
    if (n > 0) {
      stream.connection().sendBinary(std::string_view(buffer, static_cast<size_t>(n) + 1));
      return;
    }
    if (n < 0) {
      dropLocal();
      return;
    }
    tcpReadable = false;
    closeStream();
  }

  void writeTcp() {
    while (!toTcp.empty()) {
      const ssize_t n = ::send(tcp.get(), toTcp.data(), toTcp.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
      if (n > 0) {
        toTcp.erase(0, static_cast<size_t>(n));
        continue;
      }
      if (n < 0 && errno == EINTR) continue;
      if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return;
      dropLocal();
      return;
    }
  }
};

PortForwarder::PortForwarder(std::vector<PortMapping> mappings, UrlForPort urlFor,
                             std::chrono::milliseconds connectTimeout)
    : mappings_(std::move(mappings)), urlFor_(std::move(urlFor)), connectTimeout_(connectTimeout) {}

PortForwarder::~PortForwarder() = default;

std::vector<PortMapping> PortForwarder::listen() {
  std::vector<PortMapping> bound;
  for (const auto& mapping : mappings_) {
    Listener listener{listenOn(mapping.local), mapping};
    listener.mapping.local = boundPort(listener.fd.get());
    bound.push_back(listener.mapping);
    listeners_.push_back(std::move(listener));
  }
  return bound;
}

void PortForwarder::accept(const Listener& listener, std::ostream& out, std::ostream& err) {
  crix::UniqueFd tcp(::accept4(listener.fd.get(), nullptr, nullptr, SOCK_CLOEXEC | SOCK_NONBLOCK));
  if (!tcp) return;  // the peer gave up already, or EMFILE: the next poll round tries again
  out << "Handling connection for " << listener.mapping.local << "\n" << std::flush;
  const uint16_t remote = listener.mapping.remote;
  try {
    StreamUrl url = urlFor_(remote);
    url.target = addQueryParameter(url.target, "port=" + std::to_string(remote));
    WebSocketStream stream =
        WebSocketStream::connect(url, {std::string(ws::kChannelProtocolV4)}, connectTimeout_);
    auto connection = std::make_unique<Connection>(std::move(tcp), std::move(stream), remote);
    connection->onEvents(connection->stream.takePending(), err);
    connections_.push_back(std::move(connection));
  } catch (const crix::Error& e) {
    err << "error forwarding port " << remote << ": " << e.what() << "\n" << std::flush;
  }
}

void PortForwarder::run(int stopFd, std::ostream& out, std::ostream& err) {
  for (;;) {
    std::vector<struct pollfd> fds = {{stopFd, POLLIN, 0}};
    for (const auto& listener : listeners_) fds.push_back({listener.fd.get(), POLLIN, 0});
    for (auto& c : connections_) {
      c->stream.flush();
      short tcpEvents = 0;
      if (c->tcp && c->tcpReadable && c->stream.connection().canSend() && c->stream.unsent() < kMaxBuffered)
        tcpEvents |= POLLIN;
      if (c->tcp && !c->toTcp.empty()) tcpEvents |= POLLOUT;
      short wsEvents = c->toTcp.size() < kMaxBuffered ? POLLIN : 0;
      if (c->stream.unsent() > 0) wsEvents |= POLLOUT;
      // A negative fd is skipped: a hung-up socket we do not want to hear
      // from would otherwise wake poll with POLLHUP again and again.
      fds.push_back({tcpEvents ? c->tcp.get() : -1, tcpEvents, 0});
      fds.push_back({wsEvents ? c->stream.fd() : -1, wsEvents, 0});
    }
    const bool closing =
        std::any_of(connections_.begin(), connections_.end(), [](const auto& c) { return c->closeDeadline.has_value(); });
    if (::poll(fds.data(), fds.size(), closing ? 250 : -1) < 0) {
      if (errno == EINTR) continue;
      throw crix::Error::fromErrno("waiting on forwarded connections", errno);
    }
    if (fds[0].revents) return;

    size_t at = 1 + listeners_.size();
    for (auto& c : connections_) {
      const short tcpReady = fds[at++].revents;
      const short wsReady = fds[at++].revents;
      if (wsReady & (POLLIN | POLLHUP | POLLERR)) c->onEvents(c->stream.readAvailable(), err);
      if (tcpReady & (POLLIN | POLLHUP | POLLERR) && c->tcp && c->tcpReadable && c->stream.connection().canSend())
        c->readTcp();
      if (c->tcp && (tcpReady & POLLOUT || (!c->toTcp.empty() && c->stream.closed()))) c->writeTcp();
      c->stream.flush();
    }
    std::erase_if(connections_, [](const auto& c) { return c->finished(); });
    for (size_t i = 0; i < listeners_.size(); ++i)
      if (fds[1 + i].revents & POLLIN) accept(listeners_[i], out, err);
  }
}

}  // namespace crixctl
