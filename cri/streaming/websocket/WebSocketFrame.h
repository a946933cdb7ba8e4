// RFC 6455 section 5 frame vocabulary: opcodes, close status codes, and the
// encoder for one frame. The server sends unmasked frames; the optional mask
// is there for tests that play the client.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace crix::streaming {

enum class WebSocketOpcode : uint8_t {
  Continuation = 0x0,
  Text = 0x1,
  Binary = 0x2,
  Close = 0x8,
  Ping = 0x9,
  Pong = 0xA,
};

// Close status codes (RFC 6455 7.4.1) crix sends or reports.
namespace wsclose {
inline constexpr uint16_t kNormal = 1000;
inline constexpr uint16_t kGoingAway = 1001;
inline constexpr uint16_t kProtocolError = 1002;
inline constexpr uint16_t kUnsupportedData = 1003;
inline constexpr uint16_t kNoStatus = 1005;  // reported only: the close frame had no code
inline constexpr uint16_t kInvalidPayload = 1007;
inline constexpr uint16_t kPolicyViolation = 1008;
inline constexpr uint16_t kMessageTooBig = 1009;
inline constexpr uint16_t kInternalError = 1011;
}  // namespace wsclose

// Control frames carry at most this many payload bytes (RFC 6455 5.5).
inline constexpr size_t kMaxControlPayload = 125;

bool isControlOpcode(uint8_t opcode);
// Codes an endpoint may put in a close frame: 1000-1003, 1007-1014 and the
// registered/private ranges 3000-4999 (1004-1006 and 1015 are reserved).
bool isSendableCloseCode(uint16_t code);

using WebSocketMask = std::array<uint8_t, 4>;

// One frame with the shortest length encoding; masked when `mask` is given.
std::string encodeWebSocketFrame(WebSocketOpcode opcode, std::string_view payload, bool fin = true,
                                 std::optional<WebSocketMask> mask = std::nullopt);

// A close frame's payload: the code in network order, then the reason.
std::string encodeClosePayload(uint16_t code, std::string_view reason);

}  // namespace crix::streaming
