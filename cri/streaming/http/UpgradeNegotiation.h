// The HTTP side of switching a connection to another protocol, shared by
// the WebSocket and SPDY/3.1 upgrades: which protocol the client asks for,
// and the kubelet-style choice of a stream subprotocol.
//
// How kubelet does it (apimachinery httpstream.Handshake, wsstream.Conn):
//  - SPDY: the client sends one X-Stream-Protocol-Version header per offered
//    protocol (values may also be comma lists), most preferred first. The
//    server picks the first client-offered protocol it supports and answers
//    it in one X-Stream-Protocol-Version header of the 101. No header at all
//    is refused with 400 ("unable to upgrade: X-Stream-Protocol-Version is
//    required"); no common protocol with 403 Forbidden, one
//    X-Accepted-Stream-Protocol-Versions header per server protocol, and a
//    text body naming both lists.
//  - WebSocket: Sec-WebSocket-Protocol is a comma list; again the first
//    client-offered protocol the server supports wins and is echoed in the
//    101. A request offering none gets the "" protocol (kubelet serves it as
//    binary channel.k8s.io) and no Sec-WebSocket-Protocol in the 101; one
//    offering only unsupported protocols is refused with 403 Forbidden
//    (golang.org/x/net/websocket answers a failed Handshake hook so). That
//    part lives in websocket/WebSocketHandshake.h.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "cri/streaming/http/HttpRequest.h"
#include "cri/streaming/http/HttpResponse.h"

namespace crix::streaming {

inline constexpr std::string_view kStreamProtocolVersionHeader = "X-Stream-Protocol-Version";
inline constexpr std::string_view kAcceptedStreamProtocolVersionsHeader = "X-Accepted-Stream-Protocol-Versions";
inline constexpr std::string_view kUpgradeWebSocket = "websocket";
inline constexpr std::string_view kUpgradeSpdy31 = "SPDY/3.1";

enum class UpgradeKind {
  None,       // no "upgrade" token in Connection: a plain request
  WebSocket,  // Upgrade: websocket
  Spdy31,     // Upgrade: SPDY/3.1
  Other,      // an upgrade to something else (answer 400)
};

// Connection carries the "upgrade" token (any case, in any of its fields).
bool isUpgradeRequest(const HttpRequest& request);
UpgradeKind requestedUpgrade(const HttpRequest& request);

// The first of `offered` (client order) that is in `supported`.
std::optional<std::string> chooseProtocol(const std::vector<std::string>& offered,
                                          std::span<const std::string_view> supported);

struct ProtocolChoice {
  bool accepted = false;
  std::string protocol;         // the chosen subprotocol, when accepted
  HttpHeaders responseHeaders;  // for the 101, when accepted
  HttpResponse refusal;         // to send instead, when not accepted
};

// kubelet's httpstream.Handshake over X-Stream-Protocol-Version, for SPDY.
// `serverProtocols` must not be empty (InvalidArgument crix::Error).
ProtocolChoice negotiateStreamProtocol(const HttpRequest& request, std::span<const std::string_view> serverProtocols);

// "101 Switching Protocols" with Connection: Upgrade and Upgrade: `protocol`
// ("websocket", "SPDY/3.1"); callers add their negotiation headers.
HttpResponse switchingProtocolsResponse(std::string_view protocol);

}  // namespace crix::streaming
