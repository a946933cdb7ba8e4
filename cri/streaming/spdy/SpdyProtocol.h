// SPDY/3.1 wire constants (draft-mbelshe-httpbis-spdy-00 plus the 3.1
// session-level flow control), as kubelet's streaming protocols use them.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace crix::spdy {

// Both SPDY/3 and SPDY/3.1 put 3 in the version field; 3.1 only adds
// WINDOW_UPDATE on stream 0, so the difference shows in behaviour, not bytes.
inline constexpr uint16_t kVersion = 3;

inline constexpr size_t kFrameHeaderSize = 8;
// The length field has 24 bits.
inline constexpr uint32_t kMaxFrameLength = (1u << 24) - 1;
inline constexpr uint32_t kMaxStreamId = 0x7fffffff;
inline constexpr int32_t kMaxWindowSize = 0x7fffffff;
inline constexpr int32_t kDefaultWindowSize = 64 * 1024;

enum class FrameType : uint16_t {
  SynStream = 1,
  SynReply = 2,
  RstStream = 3,
  Settings = 4,
  Ping = 6,
  GoAway = 7,
  Headers = 8,
  WindowUpdate = 9,
};

inline constexpr uint8_t kFlagFin = 0x01;
inline constexpr uint8_t kFlagUnidirectional = 0x02;  // SYN_STREAM only
inline constexpr uint8_t kFlagClearSettings = 0x01;   // SETTINGS only

// RST_STREAM status codes.
enum class RstStatus : uint32_t {
  ProtocolError = 1,
  InvalidStream = 2,
  RefusedStream = 3,
  UnsupportedVersion = 4,
  Cancel = 5,
  InternalError = 6,
  FlowControlError = 7,
  StreamInUse = 8,
  StreamAlreadyClosed = 9,
  InvalidCredentials = 10,
  FrameTooLarge = 11,
};

// GOAWAY status codes.
enum class GoAwayStatus : uint32_t {
  Ok = 0,
  ProtocolError = 1,
  InternalError = 2,
};

enum class SettingId : uint32_t {
  UploadBandwidth = 1,
  DownloadBandwidth = 2,
  RoundTripTime = 3,
  MaxConcurrentStreams = 4,
  CurrentCwnd = 5,
  DownloadRetransRate = 6,
  InitialWindowSize = 7,
  ClientCertificateVectorSize = 8,
};

inline constexpr uint8_t kSettingFlagPersistValue = 0x01;
inline constexpr uint8_t kSettingFlagPersisted = 0x02;

std::string_view frameTypeName(uint16_t type);
std::string_view rstStatusName(RstStatus status);
std::string_view goAwayStatusName(GoAwayStatus status);

}  // namespace crix::spdy
