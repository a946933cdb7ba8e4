#include "cri/streaming/spdy/SpdyProtocol.h"

namespace crix::spdy {

std::string_view frameTypeName(uint16_t type) {
  switch (static_cast<FrameType>(type)) {
    case FrameType::SynStream: return "SYN_STREAM";
    case FrameType::SynReply: return "SYN_REPLY";
    case FrameType::RstStream: return "RST_STREAM";
    case FrameType::Settings: return "SETTINGS";
    case FrameType::Ping: return "PING";
    case FrameType::GoAway: return "GOAWAY";
    case FrameType::Headers: return "HEADERS";
    case FrameType::WindowUpdate: return "WINDOW_UPDATE";
  }
  return "UNKNOWN";
}

std::string_view rstStatusName(RstStatus status) {
  switch (status) {
    case RstStatus::ProtocolError: return "PROTOCOL_ERROR";
    case RstStatus::InvalidStream: return "INVALID_STREAM";
    case RstStatus::RefusedStream: return "REFUSED_STREAM";
    case RstStatus::UnsupportedVersion: return "UNSUPPORTED_VERSION";
    case RstStatus::Cancel: return "CANCEL";
    case RstStatus::InternalError: return "INTERNAL_ERROR";
    case RstStatus::FlowControlError: return "FLOW_CONTROL_ERROR";
    case RstStatus::StreamInUse: return "STREAM_IN_USE";
    case RstStatus::StreamAlreadyClosed: return "STREAM_ALREADY_CLOSED";
    case RstStatus::InvalidCredentials: return "INVALID_CREDENTIALS";
    case RstStatus::FrameTooLarge: return "FRAME_TOO_LARGE";
  }
  return "UNKNOWN";
}

std::string_view goAwayStatusName(GoAwayStatus status) {
  switch (status) {
    case GoAwayStatus::Ok: return "OK";
    case GoAwayStatus::ProtocolError: return "PROTOCOL_ERROR";
    case GoAwayStatus::InternalError: return "INTERNAL_ERROR";
  }
  return "UNKNOWN";
}

}  // namespace crix::spdy
