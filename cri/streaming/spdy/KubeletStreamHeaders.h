// What kubelet's SPDY protocols put in the headers of the streams a client
// opens: the stream's role in exec/attach ("streamtype"), and for
// port-forward the pair of streams per connection ("streamtype" data or
// error, "port", "requestid"). Header names are matched without case, as
// Go's http.Header does.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "cri/streaming/spdy/SpdyHeaderBlock.h"

namespace crix::spdy {

inline constexpr std::string_view kStreamTypeHeader = "streamtype";
inline constexpr std::string_view kPortHeader = "port";
inline constexpr std::string_view kRequestIdHeader = "requestid";

enum class RemoteCommandStream { Error, Stdin, Stdout, Stderr, Resize };

// The role named by the streamtype header; nullopt when it is missing or
// names no remote-command stream.
std::optional<RemoteCommandStream> remoteCommandStream(const HeaderBlock& headers);
std::string_view remoteCommandStreamName(RemoteCommandStream type);

enum class PortForwardStreamType { Data, Error };

struct PortForwardStream {
  PortForwardStreamType type = PortForwardStreamType::Data;
  uint16_t port = 0;
  // Pairs the data and error streams of one forwarded connection. Clients
  // older than the requestID header get kubelet's fallback: the error
  // stream's id, which is the data stream's id minus 2.
  std::string requestId;
};

// Reads a port-forward stream's headers. Throws crix::Error
// (InvalidArgument) naming the header when streamtype is not data/error or
// port is not a number in 1..65535.
PortForwardStream portForwardStream(uint32_t streamId, const HeaderBlock& headers);

}  // namespace crix::spdy
