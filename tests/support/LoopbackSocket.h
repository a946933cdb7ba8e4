// TCP sockets on 127.0.0.1 for test servers, at ports the kernel picks so
// tests never collide on a fixed one.
#pragma once

#include "core/UniqueFd.h"

namespace crix::test {

struct LoopbackListener {
  UniqueFd fd;
  int port = 0;
};

// A socket listening on 127.0.0.1; throws when it cannot be had.
LoopbackListener listenOnLoopback(int backlog = 16);

// A loopback port nothing listens on right now.
int freeLoopbackPort();

// True when something accepts connections on 127.0.0.1:`port`.
bool isListeningOnLoopback(int port);

}  // namespace crix::test
