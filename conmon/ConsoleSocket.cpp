#include "conmon/ConsoleSocket.h"

#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include <termios.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "conmon/Diag.h"
#include "conmon/Failure.h"

namespace crix::conmon {

ConsoleSocket::ConsoleSocket(std::string path) : path_(std::move(path)) {
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  if (path_.size() >= sizeof addr.sun_path) fail("console socket path too long: " + path_);
  std::memcpy(addr.sun_path, path_.c_str(), path_.size() + 1);

  listener_.reset(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0));
  if (!listener_) failErrno("console socket");
  if (::bind(listener_.get(), reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0)
    failErrno("bind console socket " + path_);
  if (::listen(listener_.get(), 1) != 0) failErrno("listen on console socket " + path_);
}

ConsoleSocket::~ConsoleSocket() { ::unlink(path_.c_str()); }

UniqueFd ConsoleSocket::receiveTerminal() {
  UniqueFd conn(::accept4(listener_.get(), nullptr, nullptr, SOCK_CLOEXEC));
  if (!conn) {
    if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) return {};
    failErrno("accept on console socket");
  }
  // The runtime sends right after connecting; a bound keeps a wedged runtime
  // from wedging crix-conmon too.
  timeval timeout{10, 0};
  ::setsockopt(conn.get(), SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);

  char name[512];  // the runtime sends the pty's name as data
  iovec iov{name, sizeof name};
  alignas(cmsghdr) char control[CMSG_SPACE(sizeof(int) * 4)];
  msghdr msg{};
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  msg.msg_control = control;
  msg.msg_controllen = sizeof control;
  ssize_t n;
  do {
    n = ::recvmsg(conn.get(), &msg, MSG_CMSG_CLOEXEC);
  } while (n < 0 && errno == EINTR);
  if (n < 0) failErrno("receive the terminal from the runtime");

  UniqueFd master;
  for (cmsghdr* c = CMSG_FIRSTHDR(&msg); c; c = CMSG_NXTHDR(&msg, c)) {
    if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS) continue;
    const size_t count = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
    for (size_t i = 0; i < count; ++i) {
      int fd;
      std::memcpy(&fd, CMSG_DATA(c) + i * sizeof(int), sizeof fd);
      if (!master) master.reset(fd);
      else ::close(fd);  // only the first one is the terminal
    }
  }
  if (!master) fail("the runtime connected to the console socket but sent no terminal");

  // Kubernetes shows container terminals with \r\n line ends, as conmon and
  // docker produce them.
  termios tio;
  if (::tcgetattr(master.get(), &tio) == 0) {
    tio.c_oflag |= ONLCR;
    if (::tcsetattr(master.get(), TCSANOW, &tio) != 0)
      diag::warn("cannot set ONLCR on the terminal: ", diag::errnoText(errno));
  }
  return master;
}

void setTerminalSize(int master, unsigned rows, unsigned columns) {
  winsize size{};
  size.ws_row = static_cast<unsigned short>(rows);
  size.ws_col = static_cast<unsigned short>(columns);
  if (::ioctl(master, TIOCSWINSZ, &size) != 0) diag::warn("cannot resize the terminal: ", diag::errnoText(errno));
}

}  // namespace crix::conmon
