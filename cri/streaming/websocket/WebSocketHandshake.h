// The server's half of the WebSocket opening handshake (RFC 6455 4.2):
// checks the client's upgrade request, computes Sec-WebSocket-Accept and
// picks the subprotocol the way kubelet does (see http/UpgradeNegotiation.h).
#pragma once

#include <span>
#include <string>
#include <string_view>

#include "cri/streaming/http/HttpRequest.h"
#include "cri/streaming/http/HttpResponse.h"

namespace crix::streaming {

inline constexpr std::string_view kWebSocketGuid = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

// base64(SHA-1(clientKey + GUID)).
std::string webSocketAcceptKey(std::string_view clientKey);

struct WebSocketHandshake {
  bool accepted = false;
  std::string protocol;   // the chosen subprotocol; "" when the client offered none
  HttpResponse response;  // the 101 to send when accepted, else the refusal
};

// `supportedProtocols` in any order (the client's order decides); put ""
// among them to accept a client that offers no subprotocol, as kubelet does.
// Refusals: 405 (not GET, with Allow: GET), 400 (not HTTP/1.1, not a
// WebSocket upgrade, Sec-WebSocket-Key missing/repeated/not 16 bytes of
// base64, Sec-WebSocket-Version missing), 426 (a version other than 13;
// both carry Sec-WebSocket-Version: 13), 403 (subprotocols offered but none
// supported, or none offered and "" not supported). Extensions such as
// permessage-deflate are never accepted.
WebSocketHandshake acceptWebSocket(const HttpRequest& request, std::span<const std::string_view> supportedProtocols);

}  // namespace crix::streaming
