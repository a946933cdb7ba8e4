// The Kubernetes stream subprotocol names kubelet negotiates, for both
// upgrades: over SPDY in X-Stream-Protocol-Version (negotiateStreamProtocol),
// over WebSocket in Sec-WebSocket-Protocol (acceptWebSocket). The client's
// order decides, so the lists are sets.
//   exec/attach over SPDY:      v4, v3, v2.channel.k8s.io, channel.k8s.io
//   port-forward over SPDY:     portforward.k8s.io
//   exec/attach over WebSocket: "" (none offered), channel.k8s.io,
//                               base64.channel.k8s.io, v4.channel.k8s.io,
//                               v4.base64.channel.k8s.io, v5.channel.k8s.io
//   port-forward over WebSocket: "", v4.channel.k8s.io, v4.base64.channel.k8s.io
// (kubelet pkg/kubelet/cri/streaming/{remotecommand,portforward}; v5 exists
// over WebSocket only.)
#pragma once

#include <span>
#include <string_view>

namespace crix::streaming {

inline constexpr std::string_view kChannelProtocolV1 = "channel.k8s.io";
inline constexpr std::string_view kBase64ChannelProtocolV1 = "base64.channel.k8s.io";
inline constexpr std::string_view kChannelProtocolV2 = "v2.channel.k8s.io";
inline constexpr std::string_view kChannelProtocolV3 = "v3.channel.k8s.io";
inline constexpr std::string_view kChannelProtocolV4 = "v4.channel.k8s.io";
inline constexpr std::string_view kBase64ChannelProtocolV4 = "v4.base64.channel.k8s.io";
inline constexpr std::string_view kChannelProtocolV5 = "v5.channel.k8s.io";
inline constexpr std::string_view kPortForwardProtocolV1 = "portforward.k8s.io";

std::span<const std::string_view> remoteCommandSpdyProtocols();
std::span<const std::string_view> portForwardSpdyProtocols();
std::span<const std::string_view> remoteCommandWebSocketProtocols();
std::span<const std::string_view> portForwardWebSocketProtocols();

}  // namespace crix::streaming
