// The headers of the SYN_REPLY the server answers every client stream with.
// kubelet's spdystream replies with an empty block and client-go ignores
// it, but HTTP-minded SPDY clients (spdy-transport) reset a reply without
// :status, so crix sends the HTTP/1.1 200 pair, harmless to spdystream.
#pragma once

#include "cri/streaming/spdy/SpdyHeaderBlock.h"

namespace crix::streaming {

inline const spdy::HeaderBlock& spdyStreamReplyHeaders() {
  static const spdy::HeaderBlock headers{{":status", "200"}, {":version", "HTTP/1.1"}};
  return headers;
}

}  // namespace crix::streaming
