// The --console-socket the runtime sends the container's pty master over
// (SCM_RIGHTS), when the container has a terminal.
#pragma once

#include <string>

#include "core/UniqueFd.h"

namespace crix::conmon {

// TIOCSWINSZ on a pty master received here; a failure is a warning (the
// process keeps its old size).
void setTerminalSize(int master, unsigned rows, unsigned columns);

class ConsoleSocket {
 public:
  // Listens on `path` (which must fit in sun_path).
  explicit ConsoleSocket(std::string path);
  ~ConsoleSocket();
  ConsoleSocket(const ConsoleSocket&) = delete;
  ConsoleSocket& operator=(const ConsoleSocket&) = delete;

  const std::string& path() const { return path_; }
  int fd() const { return listener_.get(); }

  // Accepts the runtime's connection and returns the pty master it sent, set
  // up the way kubelet expects a container terminal (ONLCR); an empty fd when
  // no connection is waiting. Throws when the runtime sent no fd.
  UniqueFd receiveTerminal();

 private:
  std::string path_;
  UniqueFd listener_;
};

}  // namespace crix::conmon
