#include "cri/streaming/websocket/WebSocketFrame.h"

namespace crix::streaming {

bool isControlOpcode(uint8_t opcode) { return (opcode & 0x8) != 0; }

bool isSendableCloseCode(uint16_t code) {
  if (code >= 1000 && code <= 1003) return true;
  if (code >= 1007 && code <= 1014) return true;
  return code >= 3000 && code <= 4999;
}

std::string encodeWebSocketFrame(WebSocketOpcode opcode, std::string_view payload, bool fin,
                                 std::optional<WebSocketMask> mask) {
  std::string frame;
  frame.reserve(payload.size() + 14);
  frame += static_cast<char>((fin ? 0x80 : 0x00) | static_cast<uint8_t>(opcode));
  const uint8_t maskBit = mask ? 0x80 : 0x00;
  const uint64_t length = payload.size();
  if (length <= 125) {
    frame += static_cast<char>(maskBit | length);
  } else if (length <= 0xffff) {
    frame += static_cast<char>(maskBit | 126);
    frame += static_cast<char>(length >> 8);
    frame += static_cast<char>(length & 0xff);
  } else {
    frame += static_cast<char>(maskBit | 127);
    for (int shift = 56; shift >= 0; shift -= 8) frame += static_cast<char>((length >> shift) & 0xff);
  }
  if (!mask) {
    frame.append(payload);
    return frame;
  }
  for (uint8_t b : *mask) frame += static_cast<char>(b);
  const size_t start = frame.size();
  frame.append(payload);
  for (size_t i = 0; i < payload.size(); ++i) frame[start + i] = static_cast<char>(frame[start + i] ^ (*mask)[i % 4]);
  return frame;
}

std::string encodeClosePayload(uint16_t code, std::string_view reason) {
  std::string payload;
  payload += static_cast<char>(code >> 8);
  payload += static_cast<char>(code & 0xff);
  payload.append(reason);
  return payload;
}

}  // namespace crix::streaming
