#include "cri/streaming/websocket/ChannelProtocol.h"

#include "core/Base64.h"

namespace crix::streaming {

std::optional<ChannelProtocol> channelProtocolFor(std::string_view negotiated) {
  if (negotiated.empty()) return ChannelProtocol{"", false, false, false};
  if (negotiated == kChannelProtocolV1) return ChannelProtocol{kChannelProtocolV1, false, false, false};
  if (negotiated == kBase64ChannelProtocolV1) return ChannelProtocol{kBase64ChannelProtocolV1, true, false, false};
  if (negotiated == kChannelProtocolV4) return ChannelProtocol{kChannelProtocolV4, false, false, true};
  if (negotiated == kBase64ChannelProtocolV4) return ChannelProtocol{kBase64ChannelProtocolV4, true, false, true};
  if (negotiated == kChannelProtocolV5) return ChannelProtocol{kChannelProtocolV5, false, true, true};
  return std::nullopt;
}

ChannelMessage ChannelCodec::decode(std::string_view message) const {
  ChannelMessage decoded;
  if (message.empty()) return decoded;
  const uint8_t first = static_cast<uint8_t>(message[0]);
  if (protocol_.closeSignal && first == channel::kCloseSignal) {
    if (message.size() != 2) {
      decoded.kind = ChannelMessage::Kind::Violation;
      decoded.error = "close signal must be followed by exactly one channel byte, got " +
                      std::to_string(message.size() - 1);
      return decoded;
    }
    decoded.kind = ChannelMessage::Kind::CloseChannel;
    decoded.channel = static_cast<uint8_t>(message[1]);
    return decoded;
  }
  message.remove_prefix(1);
  if (!protocol_.base64) {
    decoded.kind = ChannelMessage::Kind::Data;
    decoded.channel = first;
    decoded.data.assign(message);
    return decoded;
  }
  // The digit wraps as a byte, as kubelet's `channel - '0'` does.
  decoded.channel = static_cast<uint8_t>(first - '0');
  auto data = base64Decode(message, Base64Padding::Required);
  if (!data) {
    decoded.error = "channel " + std::to_string(decoded.channel) + " data is not valid base64";
    return decoded;
  }
  decoded.kind = ChannelMessage::Kind::Data;
  decoded.data = std::move(*data);
  return decoded;
}

std::string ChannelCodec::encode(uint8_t channel, std::string_view data) const {
  if (protocol_.base64) return static_cast<char>('0' + channel) + base64Encode(data);
  std::string message;
  message.reserve(data.size() + 1);
  message += static_cast<char>(channel);
  message.append(data);
  return message;
}

void ChannelCodec::send(WebSocketConnection& connection, uint8_t channel, std::string_view data) const {
  if (protocol_.base64)
    connection.sendText(encode(channel, data));
  else
    connection.sendBinary(encode(channel, data));
}

}  // namespace crix::streaming
