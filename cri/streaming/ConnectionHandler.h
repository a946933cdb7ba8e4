// One client connection from its first byte to its close: reads the HTTP
// head (bounded in size and time), routes it, takes the token's request
// from the cache, negotiates the upgrade and runs the session.
#pragma once

#include "cri/streaming/PeerSocket.h"
#include "cri/streaming/RequestCache.h"
#include "cri/streaming/StreamServer.h"

namespace crix::streaming {

struct ConnectionContext {
  const StreamServerOptions& options;
  StreamingBackend& backend;
  RequestCache& cache;
  int stopFd;
};

void serveConnection(const ConnectionContext& context, PeerSocket& peer);

}  // namespace crix::streaming
