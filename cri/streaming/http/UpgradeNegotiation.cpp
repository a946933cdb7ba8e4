#include "cri/streaming/http/UpgradeNegotiation.h"

#include "core/Error.h"

namespace crix::streaming {

namespace {

std::string bracketList(const std::vector<std::string>& items) {
  std::string out = "[";
  for (size_t i = 0; i < items.size(); ++i) out += (i ? " " : "") + items[i];
  return out + "]";
}

}  // namespace

bool isUpgradeRequest(const HttpRequest& request) { return request.headers.hasToken("Connection", "upgrade"); }

UpgradeKind requestedUpgrade(const HttpRequest& request) {
  if (!isUpgradeRequest(request)) return UpgradeKind::None;
  if (request.headers.hasToken("Upgrade", kUpgradeWebSocket)) return UpgradeKind::WebSocket;
  if (request.headers.hasToken("Upgrade", kUpgradeSpdy31)) return UpgradeKind::Spdy31;
  return UpgradeKind::Other;
}

std::optional<std::string> chooseProtocol(const std::vector<std::string>& offered,
                                          std::span<const std::string_view> supported) {
  for (const auto& candidate : offered)
    for (std::string_view known : supported)
      if (candidate == known) return candidate;
  return std::nullopt;
}

ProtocolChoice negotiateStreamProtocol(const HttpRequest& request, std::span<const std::string_view> serverProtocols) {
  if (serverProtocols.empty()) throw Error::invalidArgument("no server stream protocols to negotiate");
  ProtocolChoice choice;
  const std::vector<std::string> offered = request.headers.listValues(kStreamProtocolVersionHeader);
  if (offered.empty()) {
    choice.refusal = errorResponse(
        400, "unable to upgrade: " + std::string(kStreamProtocolVersionHeader) + " is required");
    return choice;
  }
  if (auto chosen = chooseProtocol(offered, serverProtocols)) {
    choice.accepted = true;
    choice.protocol = *chosen;
    choice.responseHeaders.add(std::string(kStreamProtocolVersionHeader), *chosen);
    return choice;
  }
  std::vector<std::string> accepted(serverProtocols.begin(), serverProtocols.end());
  choice.refusal = errorResponse(403, "unable to upgrade: unable to negotiate protocol: client supports " +
                                          bracketList(offered) + ", server accepts " + bracketList(accepted));
  for (const auto& protocol : accepted)
    choice.refusal.headers.add(std::string(kAcceptedStreamProtocolVersionsHeader), protocol);
  return choice;
}

HttpResponse switchingProtocolsResponse(std::string_view protocol) {
  HttpResponse response;
  response.status = 101;
  response.headers.add("Connection", "Upgrade");
  response.headers.add("Upgrade", std::string(protocol));
  return response;
}

}  // namespace crix::streaming
