// Port-forward over WebSocket as kubelet serves it (cri/streaming/portforward
// websocket.go): the ports come in the query (?port=80&port=8080, a value
// may also be a comma list); each port i gets a pair of channels, data 2i
// (read-write) and error 2i+1 (server to client). Right after the upgrade
// the server writes the port as 2 bytes little-endian on both channels of
// each pair, so the first message of every channel starts with it; later
// messages carry only data. An error is written as text on the error
// channel. The subprotocols are "", v4.channel.k8s.io and
// v4.base64.channel.k8s.io (ChannelProtocol.h; no close signal).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "cri/streaming/http/HttpRequest.h"

namespace crix::streaming {

// One byte names a channel, so at most 127 ports (channels 0..253); the
// base64 protocols write the channel as '0' + n in a text frame, which stays
// ASCII up to channel 79, so at most 40 ports there.
inline constexpr size_t kMaxPortForwardPorts = 127;
inline constexpr size_t kMaxPortForwardPortsBase64 = 40;

// The ports of a port-forward request, in order. Throws an InvalidArgument
// crix::Error (answer 400) as kubelet refuses: no "port" parameter, an empty
// one, a value that is not a number in 1..65535, or more than `maxPorts`.
std::vector<uint16_t> portForwardPorts(const HttpRequest& request, size_t maxPorts = kMaxPortForwardPorts);

inline uint8_t portForwardDataChannel(size_t portIndex) { return static_cast<uint8_t>(2 * portIndex); }
inline uint8_t portForwardErrorChannel(size_t portIndex) { return static_cast<uint8_t>(2 * portIndex + 1); }

// The 2-byte little-endian port that opens each channel of a pair.
std::string portForwardPortPrefix(uint16_t port);

}  // namespace crix::streaming
