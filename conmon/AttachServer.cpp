#include "conmon/AttachServer.h"

#include <fcntl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "conmon/Diag.h"
#include "conmon/Failure.h"
#include "conmon/Text.h"

namespace crix::conmon {
namespace {

// Big enough for what CRI-O's attach sends in one write.
constexpr size_t kInputPacketSize = 32 * 1024;
char inputBuffer[kInputPacketSize];

// How much output may wait in a client's socket before it counts as not
// reading. Kernel memory, used only while the client lags behind a burst.
constexpr int kClientBacklogBytes = 4 * 1024 * 1024;

void allowBacklog(int fd) {
  // SO_SNDBUFFORCE (root) is not capped by net.core.wmem_max.
  if (::setsockopt(fd, SOL_SOCKET, SO_SNDBUFFORCE, &kClientBacklogBytes, sizeof kClientBacklogBytes) != 0)
    ::setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &kClientBacklogBytes, sizeof kClientBacklogBytes);
}

}  // namespace

class AttachServer::Client final : public Watcher {
 public:
  Client(AttachServer& server, UniqueFd fd) : server_(server), fd_(std::move(fd)) {
    server_.loop_.add(fd_.get(), EPOLLIN, this);
  }
  ~Client() { drop(); }

  bool gone() const { return !fd_; }
  bool paused() const { return paused_; }

  void send(char* packet, size_t size) {
    if (!fd_) return;
    if (::send(fd_.get(), packet, size, MSG_DONTWAIT | MSG_NOSIGNAL) >= 0) return;
    if (errno == EAGAIN || errno == EWOULDBLOCK)
      diag::warn("attach client ", Decimal(fd_.get()), " is not reading its output; disconnecting it");
    drop();
  }

  // Stops reading until the container's stdin has taken what is pending.
  void pause() {
    if (!fd_ || paused_) return;
    server_.loop_.remove(fd_.get());
    paused_ = true;
  }
  void resume() {
    if (!fd_ || !paused_) return;
    paused_ = false;
    server_.loop_.add(fd_.get(), inputEnded_ ? 0u : static_cast<uint32_t>(EPOLLIN), this);
  }

  void drop() {
    if (!fd_) return;
    if (!paused_) server_.loop_.remove(fd_.get());
    fd_.reset();
  }

 private:
  void onReady(uint32_t events) override {
    if (!fd_ || paused_) return;
    if (!inputEnded_ && (events & EPOLLIN)) {
      const ssize_t n = ::recv(fd_.get(), inputBuffer, sizeof inputBuffer, MSG_DONTWAIT);
      if (n > 0) {
        server_.onClientInput(*this, inputBuffer, static_cast<size_t>(n));
        return;
      }
      if (n < 0 && (errno == EAGAIN || errno == EINTR)) return;
      endInput();
    }
    if (events & (EPOLLHUP | EPOLLERR)) {
      if (!inputEnded_) endInput();
      drop();
    }
  }

  void endInput() {
    inputEnded_ = true;
    // Still registered, without EPOLLIN: output keeps flowing to a client that
    // only half-closed, and a full close still shows up as EPOLLHUP.
    server_.loop_.modify(fd_.get(), 0, this);
    server_.onClientInputEnded();
  }

  AttachServer& server_;
  UniqueFd fd_;
  bool paused_ = false;
  bool inputEnded_ = false;
};

AttachServer::AttachServer(EventLoop& loop, std::string path) : loop_(loop), path_(std::move(path)) {
  const size_t slash = path_.rfind('/');
  const std::string dir = slash == std::string::npos ? "." : slash == 0 ? "/" : path_.substr(0, slash);
  const std::string name = slash == std::string::npos ? path_ : path_.substr(slash + 1);
  UniqueFd dirFd(::open(dir.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
  if (!dirFd) failErrno("open the attach socket's directory " + dir);

  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  const std::string shortPath = "/proc/self/fd/" + std::to_string(dirFd.get()) + "/" + name;
  if (shortPath.size() >= sizeof addr.sun_path) fail("attach socket name too long: " + name);
  std::memcpy(addr.sun_path, shortPath.c_str(), shortPath.size() + 1);

  listener_.reset(::socket(AF_UNIX, SOCK_SEQPACKET | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
  if (!listener_) failErrno("attach socket");
  if (::unlink(path_.c_str()) != 0 && errno != ENOENT) failErrno("remove the old attach socket " + path_);
  if (::bind(listener_.get(), reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0)
    failErrno("bind the attach socket " + path_);
  ::chmod(path_.c_str(), 0700);
  if (::listen(listener_.get(), 16) != 0) failErrno("listen on the attach socket " + path_);
  loop_.add(listener_.get(), EPOLLIN, this);
}

AttachServer::~AttachServer() {
  clients_.clear();
  loop_.remove(listener_.get());
  ::unlink(path_.c_str());
}

void AttachServer::connectStdin(ContainerStdin* input, bool stdinOnce) {
  stdin_ = input;
  stdinOnce_ = stdinOnce;
}

void AttachServer::onReady(uint32_t) {
  UniqueFd fd(::accept4(listener_.get(), nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC));
  if (!fd) {
    if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR && errno != ECONNABORTED)
      diag::warn("accepting an attach client: ", diag::errnoText(errno));
    return;
  }
  allowBacklog(fd.get());
  diag::debug("attach client ", Decimal(fd.get()), " connected");
  clients_.push_back(std::make_unique<Client>(*this, std::move(fd)));
  if (!everConnected_) {
    everConnected_ = true;
    for (std::string& packet : earlyPackets_) clients_.back()->send(packet.data(), packet.size());
    earlyPackets_ = {};
    earlyBytes_ = 0;
  }
  // A client arriving while stdin is backed up waits like the others.
  if (stdin_ && stdin_->busy()) clients_.back()->pause();
}

void AttachServer::broadcast(Stream stream, char* data, size_t size) {
  data[-1] = static_cast<char>(stream);
  if (!everConnected_) keepEarly(data - 1, size + 1);
  for (auto& client : clients_) client->send(data - 1, size + 1);
}

void AttachServer::keepEarly(const char* packet, size_t size) {
  if (earlyBytes_ + size > earlyLimit_) {
    if (earlyLimit_ > 0 && !earlyOverflowed_)
      diag::warn("more than ", Decimal(static_cast<long long>(earlyLimit_)),
                 " bytes of output before the first attach client; dropping the rest until one connects");
    earlyOverflowed_ = true;
    return;
  }
  earlyPackets_.emplace_back(packet, size);
  earlyBytes_ += size;
}

void AttachServer::onClientInput(Client& client, const char* data, size_t size) {
  if (!stdin_ || !stdin_->open()) return;
  stdin_->write(data, size);
  if (stdin_->busy()) client.pause();
}

void AttachServer::onClientInputEnded() {
  if (stdinOnce_ && stdin_ && stdin_->open()) {
    diag::info("attach client detached; closing the container's stdin (stdin-once)");
    stdin_->closeWhenWritten();
  }
}

void AttachServer::onStdinDrained() {
  for (auto& client : clients_)
    if (client->paused()) client->resume();
}

void AttachServer::sweep() {
  std::erase_if(clients_, [](const std::unique_ptr<Client>& c) { return c->gone(); });
}

}  // namespace crix::conmon
