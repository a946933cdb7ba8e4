#include "cri/streaming/http/StreamProtocols.h"

#include <array>

namespace crix::streaming {

namespace {

constexpr std::array<std::string_view, 4> kRemoteCommandSpdy = {
    kChannelProtocolV4, kChannelProtocolV3, kChannelProtocolV2, kChannelProtocolV1,
};
constexpr std::array<std::string_view, 1> kPortForwardSpdy = {kPortForwardProtocolV1};
constexpr std::array<std::string_view, 6> kRemoteCommandWebSocket = {
    "", kChannelProtocolV1, kBase64ChannelProtocolV1, kChannelProtocolV4, kBase64ChannelProtocolV4, kChannelProtocolV5,
};
constexpr std::array<std::string_view, 3> kPortForwardWebSocket = {"", kChannelProtocolV4, kBase64ChannelProtocolV4};

}  // namespace

std::span<const std::string_view> remoteCommandSpdyProtocols() { return kRemoteCommandSpdy; }
std::span<const std::string_view> portForwardSpdyProtocols() { return kPortForwardSpdy; }
std::span<const std::string_view> remoteCommandWebSocketProtocols() { return kRemoteCommandWebSocket; }
std::span<const std::string_view> portForwardWebSocketProtocols() { return kPortForwardWebSocket; }

}  // namespace crix::streaming
