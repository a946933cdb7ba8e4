#include "cri/streaming/websocket/WebSocketHandshake.h"

#include <openssl/evp.h>

#include <algorithm>

#include "core/Error.h"
#include "cri/streaming/http/UpgradeNegotiation.h"
#include "core/Base64.h"

namespace crix::streaming {

namespace {

WebSocketHandshake refuse(int status, std::string_view message) {
  WebSocketHandshake handshake;
  handshake.response = errorResponse(status, message);
  return handshake;
}

WebSocketHandshake refuseVersion(int status, std::string_view message) {
  WebSocketHandshake handshake = refuse(status, message);
  handshake.response.headers.add("Sec-WebSocket-Version", "13");
  return handshake;
}

std::string bracketList(const auto& items) {
  std::string out = "[";
  bool first = true;
  for (const auto& item : items) {
    out += (first ? "" : " ") + std::string(item);
    first = false;
  }
  return out + "]";
}

}  // namespace

std::string webSocketAcceptKey(std::string_view clientKey) {
  const std::string input = std::string(clientKey) + std::string(kWebSocketGuid);
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  if (EVP_Digest(input.data(), input.size(), digest, &length, EVP_sha1(), nullptr) != 1)
    throw Error::internal("SHA-1 digest for Sec-WebSocket-Accept failed");
  return base64Encode(std::string_view(reinterpret_cast<const char*>(digest), length));
}

WebSocketHandshake acceptWebSocket(const HttpRequest& request, std::span<const std::string_view> supportedProtocols) {
  if (request.method != "GET") {
    WebSocketHandshake handshake = refuse(405, "a WebSocket upgrade must be a GET request");
    handshake.response.headers.add("Allow", "GET");
    return handshake;
  }
  if (request.versionMinor != 1) return refuse(400, "a WebSocket upgrade needs HTTP/1.1");
  if (requestedUpgrade(request) != UpgradeKind::WebSocket)
    return refuse(400, "not a WebSocket upgrade request (Connection: Upgrade and Upgrade: websocket are required)");

  const auto versions = request.headers.getAll("Sec-WebSocket-Version");
  if (versions.empty()) return refuseVersion(400, "missing Sec-WebSocket-Version");
  if (versions.size() != 1 || versions.front() != "13")
    return refuseVersion(426, "unsupported WebSocket version; only 13 is supported");

  const auto keys = request.headers.getAll("Sec-WebSocket-Key");
  if (keys.size() != 1) return refuse(400, "exactly one Sec-WebSocket-Key is required");
  const auto nonce = base64Decode(keys.front(), Base64Padding::Required);
  if (!nonce || nonce->size() != 16) return refuse(400, "Sec-WebSocket-Key is not 16 bytes in base64");

  const std::vector<std::string> offered = request.headers.listValues("Sec-WebSocket-Protocol");
  std::string chosen;
  if (offered.empty()) {
    if (std::find(supportedProtocols.begin(), supportedProtocols.end(), "") == supportedProtocols.end())
      return refuse(403, "a WebSocket subprotocol is required; supports " + bracketList(supportedProtocols));
  } else {
    std::vector<std::string_view> named;
    for (std::string_view p : supportedProtocols)
      if (!p.empty()) named.push_back(p);
    auto match = chooseProtocol(offered, named);
    if (!match)
      return refuse(403, "requested protocol(s) are not supported: " + bracketList(offered) + "; supports " +
                             bracketList(named));
    chosen = std::move(*match);
  }

  WebSocketHandshake handshake;
  handshake.accepted = true;
  handshake.protocol = chosen;
  handshake.response = switchingProtocolsResponse(kUpgradeWebSocket);
  handshake.response.headers.add("Sec-WebSocket-Accept", webSocketAcceptKey(keys.front()));
  if (!chosen.empty()) handshake.response.headers.add("Sec-WebSocket-Protocol", chosen);
  return handshake;
}

}  // namespace crix::streaming
