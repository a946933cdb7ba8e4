#include "cri/streaming/SpdyRemoteCommandChannels.h"

#include "core/Log.h"
#include "cri/streaming/SpdyStreamReply.h"
#include "cri/streaming/http/StreamProtocols.h"
#include "cri/streaming/spdy/KubeletStreamHeaders.h"

namespace crix::streaming {

namespace {

spdy::SessionOptions sessionOptions() {
  spdy::SessionOptions options;
  options.flowControl = spdy::FlowControl::Auto;
  // The loop stops reading the socket while stdin is not drained, which is
  // the bound on what the client can make us hold.
  options.autoConsume = true;
  return options;
}

}  // namespace

SpdyRemoteCommandChannels::SpdyRemoteCommandChannels(std::string protocol, RemoteCommandKind kind,
                                                     RemoteCommandStreams streams)
    : protocol_(std::move(protocol)), kind_(kind), streams_(streams), session_(sessionOptions()) {
  const bool resizing = protocol_ == kChannelProtocolV3 || protocol_ == kChannelProtocolV4;
  expected_ = 1 + streams_.stdin + streams_.stdout + streams_.stderr + (streams_.tty && resizing);
}

void SpdyRemoteCommandChannels::onOpened(const spdy::StreamOpened& opened) {
  // spdystream replies to every stream kubelet's handler accepts, known
  // roles or not.
  session_.reply(opened.streamId, spdyStreamReplyHeaders());
  const auto role = spdy::remoteCommandStream(opened.headers);
  if (!role) {
    log::debug("streaming: ignoring a SPDY stream of unexpected type ",
               std::string(opened.headers.first(spdy::kStreamTypeHeader).value_or("")));
    return;
  }
  const bool resizing = protocol_ == kChannelProtocolV3 || protocol_ == kChannelProtocolV4;
  switch (*role) {
    case spdy::RemoteCommandStream::Error: error_ = opened.streamId; break;
    case spdy::RemoteCommandStream::Stdin: stdin_ = opened.streamId; break;
    case spdy::RemoteCommandStream::Stdout: stdout_ = opened.streamId; break;
    case spdy::RemoteCommandStream::Stderr: stderr_ = opened.streamId; break;
    case spdy::RemoteCommandStream::Resize:
      // v1/v2 handlers do not know the resize stream.
      if (!resizing) return;
      resize_ = opened.streamId;
      break;
  }
  if (++received_ == expected_ && protocol_ == kChannelProtocolV1 && error_) {
    session_.reset(*error_);
    error_.reset();
  }
}

void SpdyRemoteCommandChannels::receive(std::string_view bytes, ClientInput& input) {
  const auto events = session_.feed(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size());
  for (const auto& event : events) {
    if (const auto* opened = std::get_if<spdy::StreamOpened>(&event)) {
      if (!finished_) onOpened(*opened);
      else session_.reset(opened->streamId, spdy::RstStatus::RefusedStream);
    } else if (const auto* data = std::get_if<spdy::StreamData>(&event)) {
      if (finished_) continue;
      if (stdin_ && data->streamId == *stdin_) {
        input.stdinBytes.append(reinterpret_cast<const char*>(data->bytes.data()), data->bytes.size());
        if (data->fin) input.stdinClosed = true;
      } else if (resize_ && data->streamId == *resize_) {
        const std::string_view chunk(reinterpret_cast<const char*>(data->bytes.data()), data->bytes.size());
        for (const auto& size : resizeDecoder_.feed(chunk)) input.resizes.push_back(size);
        if (resizeDecoder_.failed()) {
          log::warn("streaming: ", resizeDecoder_.error(), "; ignoring further resizes");
          resize_.reset();
        }
      }
    } else if (const auto* reset = std::get_if<spdy::StreamReset>(&event)) {
      if (stdin_ && reset->streamId == *stdin_) {
        input.stdinClosed = true;
        stdin_.reset();
      }
      if (error_ && reset->streamId == *error_) error_.reset();
      if (stdout_ && reset->streamId == *stdout_) stdout_.reset();
      if (stderr_ && reset->streamId == *stderr_) stderr_.reset();
      if (resize_ && reset->streamId == *resize_) resize_.reset();
    } else if (std::holds_alternative<spdy::GoAwayReceived>(event)) {
      input.gone = true;
      input.goneReason = "the client sent GOAWAY";
    } else if (const auto* error = std::get_if<spdy::SessionError>(&event)) {
      input.gone = true;
      input.goneReason = "SPDY session error: " + error->message;
    }
  }
}

void SpdyRemoteCommandChannels::send(std::optional<uint32_t> stream, std::string_view bytes) {
  if (!stream || finished_ || bytes.empty()) return;
  session_.sendData(*stream, {reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size()});
}

void SpdyRemoteCommandChannels::sendStdout(std::string_view bytes) { send(stdout_, bytes); }
void SpdyRemoteCommandChannels::sendStderr(std::string_view bytes) { send(stderr_, bytes); }

void SpdyRemoteCommandChannels::finish(const RemoteCommandOutcome& outcome) {
  if (finished_) return;
  finished_ = true;
  for (auto* input : {&stdin_, &resize_})
    if (*input) session_.reset(**input);
  if (error_) {
    const auto payload = errorStreamPayload(kind_, outcome, protocol_ == kChannelProtocolV4);
    if (payload) session_.sendData(*error_, {reinterpret_cast<const uint8_t*>(payload->data()), payload->size()});
  }
  for (auto stream : {stdout_, stderr_, error_})
    if (stream) session_.sendData(*stream, {}, /*fin=*/true);
}

std::string SpdyRemoteCommandChannels::takeOutput() {
  const auto bytes = session_.takeOutput();
  return std::string(bytes.begin(), bytes.end());
}

}  // namespace crix::streaming
