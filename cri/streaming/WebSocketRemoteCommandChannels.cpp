#include "cri/streaming/WebSocketRemoteCommandChannels.h"

#include "core/Log.h"

namespace crix::streaming {

WebSocketRemoteCommandChannels::WebSocketRemoteCommandChannels(ChannelProtocol protocol, RemoteCommandKind kind,
                                                               RemoteCommandStreams streams)
    : codec_(protocol), kind_(kind), streams_(streams), stdinOpen_(streams.stdin) {
  const uint8_t first = streams_.stdout ? channel::kStdout : streams_.stderr ? channel::kStderr : channel::kError;
  codec_.send(connection_, first, {});
}

void WebSocketRemoteCommandChannels::onMessage(std::string_view message, ClientInput& input) {
  const ChannelMessage decoded = codec_.decode(message);
  switch (decoded.kind) {
    case ChannelMessage::Kind::Data:
      if (decoded.channel == channel::kStdin) {
        if (stdinOpen_ && !finished_) input.stdinBytes += decoded.data;
      } else if (decoded.channel == channel::kResize) {
        if (!streams_.tty || resizeDecoder_.failed() || finished_) break;
        for (const auto& size : resizeDecoder_.feed(decoded.data)) input.resizes.push_back(size);
        if (resizeDecoder_.failed()) log::warn("streaming: ", resizeDecoder_.error(), "; ignoring further resizes");
      }
      break;
    case ChannelMessage::Kind::CloseChannel:
      if (decoded.channel == channel::kStdin && stdinOpen_) {
        stdinOpen_ = false;
        input.stdinClosed = true;
      }
      break;
    case ChannelMessage::Kind::Ignored:
      if (!decoded.error.empty()) log::debug("streaming: dropped a WebSocket message: ", decoded.error);
      break;
    case ChannelMessage::Kind::Violation:
      connection_.close(wsclose::kProtocolError, decoded.error);
      input.gone = true;
      input.goneReason = decoded.error;
      break;
  }
}

void WebSocketRemoteCommandChannels::receive(std::string_view bytes, ClientInput& input) {
  for (const auto& event : connection_.feed(bytes)) {
    switch (event.kind) {
      case WebSocketEvent::Kind::Message: onMessage(event.payload, input); break;
      case WebSocketEvent::Kind::Closed:
        input.gone = true;
        input.goneReason = "the client closed the WebSocket (" + std::to_string(event.closeCode) + ")";
        break;
      case WebSocketEvent::Kind::Failed:
        input.gone = true;
        input.goneReason = "WebSocket protocol error: " + event.payload;
        break;
      case WebSocketEvent::Kind::Ping:
      case WebSocketEvent::Kind::Pong: break;
    }
  }
}

void WebSocketRemoteCommandChannels::send(uint8_t channel, std::string_view bytes) {
  if (bytes.empty() || finished_ || !connection_.canSend()) return;
  codec_.send(connection_, channel, bytes);
}

void WebSocketRemoteCommandChannels::sendStdout(std::string_view bytes) { send(channel::kStdout, bytes); }
void WebSocketRemoteCommandChannels::sendStderr(std::string_view bytes) { send(channel::kStderr, bytes); }

void WebSocketRemoteCommandChannels::finish(const RemoteCommandOutcome& outcome) {
  if (finished_) return;
  finished_ = true;
  if (!connection_.canSend()) return;
  const auto payload = errorStreamPayload(kind_, outcome, codec_.protocol().statusJson);
  if (payload) codec_.send(connection_, channel::kError, *payload);
  connection_.close(wsclose::kNormal);
}

}  // namespace crix::streaming
