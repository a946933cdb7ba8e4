#include "contrib/crixctl/RawTerminal.h"

#include <sys/ioctl.h>
#include <unistd.h>

#include <cerrno>

#include "core/Error.h"

namespace crixctl {

std::optional<TerminalSize> terminalSize(int fd) {
  struct winsize size = {};
  if (::ioctl(fd, TIOCGWINSZ, &size) != 0 || size.ws_col == 0 || size.ws_row == 0) return std::nullopt;
  return TerminalSize{size.ws_col, size.ws_row};
}

RawTerminal::RawTerminal(int fd) : fd_(fd) {
  if (::tcgetattr(fd, &saved_) != 0) throw crix::Error::fromErrno("reading the terminal settings", errno);
  struct termios raw = saved_;
  ::cfmakeraw(&raw);
  if (::tcsetattr(fd, TCSANOW, &raw) != 0) throw crix::Error::fromErrno("setting the terminal to raw mode", errno);
}

RawTerminal::~RawTerminal() {
  // TCSAFLUSH would drop what the user typed ahead; TCSADRAIN lets our last
  // output reach the screen in the old mode's order.
  while (::tcsetattr(fd_, TCSADRAIN, &saved_) != 0 && errno == EINTR) {
  }
}

}  // namespace crixctl
