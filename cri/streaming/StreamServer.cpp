#include "cri/streaming/StreamServer.h"

#include <arpa/inet.h>
#include <netdb.h>
#include <poll.h>
#include <sys/socket.h>

#include <cerrno>
#include <cstring>

#include "core/Error.h"
#include "core/Log.h"
#include "cri/streaming/ConnectionHandler.h"
#include "cri/streaming/PeerSocket.h"
#include "cri/streaming/http/HttpResponse.h"

namespace crix::streaming {

struct StreamServer::Connection {
  std::thread thread;
  std::atomic<bool> finished{false};
};

namespace {

struct BoundListener {
  UniqueFd fd;
  uint16_t port = 0;
  bool ipv6 = false;
};

BoundListener bindListener(const std::string& address, uint16_t port) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
  addrinfo* found = nullptr;
  const std::string service = std::to_string(port);
  const int rc = ::getaddrinfo(address.empty() ? nullptr : address.c_str(), service.c_str(), &hints, &found);
  if (rc != 0)
    throw Error::invalidArgument("streaming: cannot resolve stream address \"" + address + "\": " + gai_strerror(rc));
  std::unique_ptr<addrinfo, decltype(&::freeaddrinfo)> guard(found, ::freeaddrinfo);
  int lastErrno = 0;
  std::string what;
  for (addrinfo* ai = found; ai; ai = ai->ai_next) {
    UniqueFd fd(::socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC, ai->ai_protocol));
    if (!fd) {
      lastErrno = errno;
      what = "socket";
      continue;
    }
    const int one = 1;
    ::setsockopt(fd.get(), SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (::bind(fd.get(), ai->ai_addr, ai->ai_addrlen) != 0) {
      lastErrno = errno;
      what = "bind";
      continue;
    }
    if (::listen(fd.get(), 128) != 0) {
      lastErrno = errno;
      what = "listen";
      continue;
    }
    sockaddr_storage bound{};
    socklen_t length = sizeof bound;
    if (::getsockname(fd.get(), reinterpret_cast<sockaddr*>(&bound), &length) != 0)
      throw Error::fromErrno("streaming: getsockname", errno);
    BoundListener listener;
    listener.ipv6 = bound.ss_family == AF_INET6;
    listener.port = ntohs(listener.ipv6 ? reinterpret_cast<sockaddr_in6*>(&bound)->sin6_port
                                        : reinterpret_cast<sockaddr_in*>(&bound)->sin_port);
    setNonBlocking(fd.get());
    listener.fd = std::move(fd);
    return listener;
  }
  throw Error(StatusCode::Unavailable, "streaming: cannot listen on " + address + ":" + service + ": " + what + ": " +
                                           std::strerror(lastErrno));
}

}  // namespace

StreamServer::StreamServer(StreamServerOptions options, StreamingBackend& backend)
    : options_(std::move(options)),
      backend_(backend),
      cache_(RequestCacheOptions{options_.requestTtl, options_.maxRequestsInFlight}) {}

StreamServer::~StreamServer() { stop(); }

void StreamServer::start() {
  if (started_) throw Error::failedPrecondition("streaming: the server was already started");
  if (!options_.tlsCertFile.empty() || !options_.tlsKeyFile.empty())
    tls_ = TlsContext::fromFiles(options_.tlsCertFile, options_.tlsKeyFile);
  BoundListener listener = bindListener(options_.address, options_.port);
  listener_ = std::move(listener.fd);
  boundPort_ = listener.port;
  const bool literalV6 = options_.address.find(':') != std::string::npos;
  urlHost_ = literalV6 ? "[" + options_.address + "]" : options_.address;
  stopEvent_ = makeEventFd();
  started_ = true;
  acceptThread_ = std::thread([this] { acceptLoop(); });
  log::info("streaming: serving on ", baseUrl());
}

void StreamServer::stop() {
  if (!started_ || stopped_) return;
  stopped_ = true;
  signalEventFd(stopEvent_.get());
  if (acceptThread_.joinable()) acceptThread_.join();
  reapFinished(/*all=*/true);
  listener_.reset();
}

std::string StreamServer::baseUrl() const {
  return std::string(tls_ ? "https://" : "http://") + urlHost_ + ":" + std::to_string(boundPort_);
}

std::string StreamServer::execUrl(ExecRequest request) {
  return baseUrl() + "/exec/" + cache_.insert(std::move(request));
}
std::string StreamServer::attachUrl(AttachRequest request) {
  return baseUrl() + "/attach/" + cache_.insert(std::move(request));
}
std::string StreamServer::portForwardUrl(PortForwardRequest request) {
  return baseUrl() + "/portforward/" + cache_.insert(std::move(request));
}

size_t StreamServer::activeConnections() const {
  std::lock_guard lock(mutex_);
  size_t active = 0;
  for (const auto& c : connections_)
    if (!c->finished) ++active;
  return active;
}

void StreamServer::reapFinished(bool all) {
  std::list<std::unique_ptr<Connection>> done;
  {
    std::lock_guard lock(mutex_);
    for (auto it = connections_.begin(); it != connections_.end();) {
      if (all || (*it)->finished) {
        done.push_back(std::move(*it));
        it = connections_.erase(it);
      } else {
        ++it;
      }
    }
  }
  for (auto& c : done)
    if (c->thread.joinable()) c->thread.join();
}

void StreamServer::refuseBusy(UniqueFd socket) {
  // Best effort from the accept thread: the response fits the socket buffer.
  const std::string response = errorResponse(503, "too many streaming connections").serialize();
  [[maybe_unused]] const ssize_t n = ::send(socket.get(), response.data(), response.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
}

void StreamServer::acceptLoop() {
  const ConnectionContext context{options_, backend_, cache_, stopEvent_.get()};
  while (true) {
    pollfd fds[2] = {{listener_.get(), POLLIN, 0}, {stopEvent_.get(), POLLIN, 0}};
    if (::poll(fds, 2, 1000) < 0 && errno != EINTR) {
      log::error("streaming: poll on the listener failed: ", std::strerror(errno));
      return;
    }
    if (fds[1].revents) return;
    reapFinished(/*all=*/false);
    if (!(fds[0].revents & POLLIN)) continue;
    UniqueFd socket(::accept4(listener_.get(), nullptr, nullptr, SOCK_CLOEXEC));
    if (!socket) {
      if (errno != EAGAIN && errno != EINTR && errno != ECONNABORTED)
        log::warn("streaming: accept failed: ", std::strerror(errno));
      // EMFILE and the like: do not spin on a listener that stays readable.
      if (errno == EMFILE || errno == ENFILE || errno == ENOBUFS || errno == ENOMEM)
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
      continue;
    }
    if (activeConnections() >= options_.maxConnections) {
      refuseBusy(std::move(socket));
      continue;
    }
    auto connection = std::make_unique<Connection>();
    Connection* raw = connection.get();
    {
      std::lock_guard lock(mutex_);
      connections_.push_back(std::move(connection));
    }
    try {
      raw->thread = std::thread([context, raw, tls = tls_, fd = socket.release()]() mutable {
        try {
          PeerSocket peer{UniqueFd(fd), tls ? tls->get() : nullptr};
          serveConnection(context, peer);
        } catch (const std::exception& e) {
          log::warn("streaming: connection failed: ", e.what());
        }
        raw->finished = true;
      });
    } catch (const std::system_error& e) {
      log::error("streaming: cannot start a connection thread: ", e.what());
      raw->finished = true;
    }
  }
}

}  // namespace crix::streaming
