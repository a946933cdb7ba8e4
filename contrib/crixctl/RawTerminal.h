// The local terminal for `exec -t`/`attach -t`: raw mode while the remote
// side owns the tty (keys go through untouched, Ctrl-C included), put back
// when this object goes away; and the window size for the resize channel.
#pragma once

#include <termios.h>

#include <optional>

namespace crixctl {

struct TerminalSize {
  unsigned width = 0;
  unsigned height = 0;
};

// Nothing when `fd` is not a terminal or has no size yet (0x0).
std::optional<TerminalSize> terminalSize(int fd);

class RawTerminal {
 public:
  // Throws crix::Error when `fd` is a terminal that refuses the change.
  explicit RawTerminal(int fd);
  ~RawTerminal();
  RawTerminal(const RawTerminal&) = delete;
  RawTerminal& operator=(const RawTerminal&) = delete;

 private:
  int fd_;
  struct termios saved_;
};

}  // namespace crixctl
