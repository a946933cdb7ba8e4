#include "cri/streaming/spdy/SpdySession.h"

#include <algorithm>

#include "core/Error.h"
#include "core/Log.h"

namespace crix::spdy {

namespace {

constexpr size_t kRememberedResets = 256;

std::string streamName(uint32_t id) { return "spdy: stream " + std::to_string(id); }

// Constructing the variant in place also keeps GCC 12 from a false
// -Wmaybe-uninitialized on moving a temporary variant into the vector.
template <class Event>
void emit(std::vector<SessionEvent>& events, Event&& event) {
  events.emplace_back(std::in_place_type<std::decay_t<Event>>, std::forward<Event>(event));
}

}  // namespace

SpdySession::SpdySession(const SessionOptions& options)
    : options_(options), reader_(options.limits), sessionReceiveWindow_(options.sessionReceiveWindow) {
  if (options.initialReceiveWindow < 1)
    throw Error::invalidArgument("spdy: initial receive window must be positive");
  if (options.sessionReceiveWindow < kDefaultWindowSize)
    throw Error::invalidArgument("spdy: session receive window cannot be under 64 KiB, the SPDY/3.1 default");
  if (options.maxDataFrameSize < 1 || options.maxDataFrameSize > kMaxFrameLength)
    throw Error::invalidArgument("spdy: DATA frame size must be in 1..2^24-1");
  if (options.initialReceiveWindow != kDefaultWindowSize) {
    SettingsFrame settings;
    settings.entries.push_back(Setting{0, static_cast<uint32_t>(SettingId::InitialWindowSize),
                                       static_cast<uint32_t>(options.initialReceiveWindow)});
    writeSettings(output_, settings);
  }
  if (options.sessionReceiveWindow > kDefaultWindowSize)
    writeWindowUpdate(output_, {0, static_cast<uint32_t>(options.sessionReceiveWindow - kDefaultWindowSize)});
}

bool SpdySession::sendWindowsEnforced() const {
  switch (options_.flowControl) {
    case FlowControl::Strict: return true;
    case FlowControl::Off: return false;
    case FlowControl::Auto: return peerDoesFlowControl_;
  }
  return true;
}

std::vector<SessionEvent> SpdySession::feed(std::span<const uint8_t> bytes) {
  std::vector<SessionEvent> events;
  if (dead_) return events;
  reader_.append(bytes);
  while (!dead_) {
    std::optional<Frame> frame;
    try {
      frame = reader_.next();
    } catch (const Error& e) {
      fail(GoAwayStatus::ProtocolError, e.what(), events);
      break;
    }
    if (!frame) break;
    handle(*frame, events);
  }
  return events;
}

void SpdySession::handle(Frame& frame, std::vector<SessionEvent>& events) {
  std::visit(
      [&](auto& f) {
        using F = std::decay_t<decltype(f)>;
        if constexpr (std::is_same_v<F, SynStreamFrame>) onSynStream(f, events);
        else if constexpr (std::is_same_v<F, SynReplyFrame>) onSynReply(f, events);
        else if constexpr (std::is_same_v<F, HeadersFrame>) onHeaders(f, events);
        else if constexpr (std::is_same_v<F, DataFrame>) onData(f, events);
        else if constexpr (std::is_same_v<F, RstStreamFrame>) onRstStream(f, events);
        else if constexpr (std::is_same_v<F, SettingsFrame>) onSettings(f, events);
        else if constexpr (std::is_same_v<F, PingFrame>) onPing(f, events);
        else if constexpr (std::is_same_v<F, WindowUpdateFrame>) onWindowUpdate(f, events);
        else if constexpr (std::is_same_v<F, GoAwayFrame>) emit(events, GoAwayReceived{f.lastGoodStreamId, f.status});
        else log::debug("spdy: ignoring control frame type ", f.type);
      },
      frame);
}

void SpdySession::onSynStream(const SynStreamFrame& f, std::vector<SessionEvent>& events) {
  // After our GOAWAY the peer's new streams are ignored, as promised.
  if (goAwaySent_) return;
  if (f.streamId == 0) return fail(GoAwayStatus::ProtocolError, "spdy: SYN_STREAM with stream id 0", events);
  if (f.streamId % 2 == 0) {
    // Even ids are the server's to open.
    writeRstStream(output_, {f.streamId, RstStatus::ProtocolError});
    return;
  }
  if (f.streamId <= lastPeerStreamId_) {
    // Reused or out-of-order id: if it names an open stream, that stream is
    // in error too.
    if (streams_.contains(f.streamId)) return resetByUs(f.streamId, RstStatus::ProtocolError, &events);
    writeRstStream(output_, {f.streamId, RstStatus::ProtocolError});
    return;
  }
  lastPeerStreamId_ = f.streamId;
  if (streams_.size() >= options_.maxConcurrentStreams) {
    writeRstStream(output_, {f.streamId, RstStatus::RefusedStream});
    rememberReset(f.streamId);
    return;
  }
  Stream& s = streams_[f.streamId];
  s.sendWindow = peerInitialWindow_;
  s.receiveWindow = options_.initialReceiveWindow;
  s.remoteClosed = f.fin;
  if (f.unidirectional) {
    s.replied = true;
    s.finQueued = true;
    s.localClosed = true;
  }
  emit(events, StreamOpened{f.streamId, f.associatedTo, f.priority, f.fin, f.unidirectional, f.headers});
  closeIfDone(f.streamId);
}

void SpdySession::onSynReply(const SynReplyFrame& f, std::vector<SessionEvent>& events) {
  // We open no streams, so there is nothing a client could reply to.
  if (streams_.contains(f.streamId)) return resetByUs(f.streamId, RstStatus::ProtocolError, &events);
  onUnknownStream(f.streamId);
}

void SpdySession::onHeaders(const HeadersFrame& f, std::vector<SessionEvent>& events) {
  auto it = streams_.find(f.streamId);
  if (it == streams_.end()) return onUnknownStream(f.streamId);
  if (it->second.remoteClosed) return resetByUs(f.streamId, RstStatus::StreamAlreadyClosed, &events);
  it->second.remoteClosed = f.fin;
  emit(events, StreamHeaders{f.streamId, f.fin, f.headers});
  closeIfDone(f.streamId);
}

void SpdySession::onData(DataFrame& f, std::vector<SessionEvent>& events) {
  if (f.streamId == 0) return fail(GoAwayStatus::ProtocolError, "spdy: DATA on stream 0", events);
  const size_t n = f.bytes.size();
  sessionReceiveWindow_ -= static_cast<int64_t>(n);
  if (options_.flowControl == FlowControl::Strict && sessionReceiveWindow_ < 0)
    return fail(GoAwayStatus::ProtocolError, "spdy: peer overran the session receive window", events);

  auto it = streams_.find(f.streamId);
  if (it == streams_.end()) {
    // Nobody will consume these bytes: give the session window back now.
    sessionUnconsumed_ += n;
    releaseSession(n);
    if (f.endOfFrame) onUnknownStream(f.streamId);
    return;
  }
  Stream& s = it->second;
  if (s.remoteClosed) {
    sessionUnconsumed_ += n;
    releaseSession(n);
    return resetByUs(f.streamId, RstStatus::StreamAlreadyClosed, &events);
  }
  s.receiveWindow -= static_cast<int64_t>(n);
  if (options_.flowControl == FlowControl::Strict && s.receiveWindow < 0) {
    sessionUnconsumed_ += n;
    releaseSession(n);
    return resetByUs(f.streamId, RstStatus::FlowControlError, &events);
  }
  s.unconsumed += n;
  sessionUnconsumed_ += n;
  s.remoteClosed = f.fin;
  // Pieces of one frame with nothing in them say nothing.
  if (n > 0 || f.fin) emit(events, StreamData{f.streamId, f.fin, std::move(f.bytes)});
  if (options_.autoConsume && n > 0) consume(f.streamId, n);
  closeIfDone(f.streamId);
}

void SpdySession::onRstStream(const RstStreamFrame& f, std::vector<SessionEvent>& events) {
  if (!streams_.contains(f.streamId)) return;  // already gone: nothing to do
  forget(f.streamId);
  emit(events, StreamReset{f.streamId, f.status, true});
}

void SpdySession::onSettings(const SettingsFrame& f, std::vector<SessionEvent>& events) {
  for (const Setting& setting : f.entries) {
    if (setting.id != static_cast<uint32_t>(SettingId::InitialWindowSize)) continue;
    if (setting.value > static_cast<uint32_t>(kMaxWindowSize))
      return fail(GoAwayStatus::ProtocolError,
                  "spdy: SETTINGS initial window " + std::to_string(setting.value) + " is over 2^31-1", events);
    const int64_t delta = static_cast<int64_t>(setting.value) - peerInitialWindow_;
    peerInitialWindow_ = setting.value;
    peerDoesFlowControl_ = true;
    // The change applies to the windows of open streams too.
    for (auto& [id, s] : streams_) s.sendWindow += delta;
  }
  flush(&events);
}

void SpdySession::onPing(const PingFrame& f, std::vector<SessionEvent>& events) {
  if (f.id % 2 == 1) {
    writePing(output_, f);  // the client's: echo it
    return;
  }
  if (pingsInFlight_.erase(f.id)) emit(events, PingAnswered{f.id});
}

void SpdySession::onWindowUpdate(const WindowUpdateFrame& f, std::vector<SessionEvent>& events) {
  peerDoesFlowControl_ = true;
  if (f.streamId == 0) {
    if (f.delta == 0) return fail(GoAwayStatus::ProtocolError, "spdy: session WINDOW_UPDATE of 0", events);
    sessionSendWindow_ += f.delta;
    if (sessionSendWindow_ > kMaxWindowSize)
      return fail(GoAwayStatus::ProtocolError, "spdy: session send window over 2^31-1", events);
    return flush(&events);
  }
  auto it = streams_.find(f.streamId);
  if (it == streams_.end()) return;  // updates may cross a stream's end
  if (f.delta == 0) return resetByUs(f.streamId, RstStatus::FlowControlError, &events);
  it->second.sendWindow += f.delta;
  if (it->second.sendWindow > kMaxWindowSize) return resetByUs(f.streamId, RstStatus::FlowControlError, &events);
  flush(&events);
}

void SpdySession::resetByUs(uint32_t streamId, RstStatus status, std::vector<SessionEvent>* events) {
  writeRstStream(output_, {streamId, status});
  const bool known = streams_.contains(streamId);
  forget(streamId);
  rememberReset(streamId);
  if (known && events) emit(*events, StreamReset{streamId, status, false});
}

void SpdySession::onUnknownStream(uint32_t streamId) {
  if (recentlyReset_.contains(streamId)) return;
  // Streams opened after our GOAWAY were ignored, and so are their frames.
  if (goAwaySent_ && streamId > lastPeerStreamId_) return;
  writeRstStream(output_, {streamId, RstStatus::InvalidStream});
}

void SpdySession::fail(GoAwayStatus status, const std::string& message, std::vector<SessionEvent>& events) {
  if (dead_) return;
  log::debug("spdy: session error: ", message);
  writeGoAway(output_, {lastPeerStreamId_, status});
  goAwaySent_ = true;
  dead_ = true;
  emit(events, SessionError{status, message});
}

void SpdySession::forget(uint32_t streamId) {
  auto it = streams_.find(streamId);
  if (it == streams_.end()) return;
  totalQueued_ -= it->second.queued;
  // What the application will now never consume goes back to the session.
  releaseSession(it->second.unconsumed);
  streams_.erase(it);
}

void SpdySession::rememberReset(uint32_t streamId) {
  if (!recentlyReset_.insert(streamId).second) return;
  recentlyResetOrder_.push_back(streamId);
  if (recentlyResetOrder_.size() > kRememberedResets) {
    recentlyReset_.erase(recentlyResetOrder_.front());
    recentlyResetOrder_.pop_front();
  }
}

void SpdySession::releaseSession(size_t n) {
  if (n == 0 || dead_) return;
  sessionUnconsumed_ -= n;
  sessionUnacked_ += n;
  if (sessionUnacked_ >= static_cast<size_t>(options_.sessionReceiveWindow / 2)) {
    writeWindowUpdate(output_, {0, static_cast<uint32_t>(sessionUnacked_)});
    sessionReceiveWindow_ += static_cast<int64_t>(sessionUnacked_);
    sessionUnacked_ = 0;
  }
}

void SpdySession::acknowledge(uint32_t streamId, Stream* stream, size_t n) {
  if (stream) {
    stream->unconsumed -= n;
    // A stream the peer finished needs no more window.
    if (!stream->remoteClosed) {
      stream->unacked += n;
      if (stream->unacked >= static_cast<size_t>(options_.initialReceiveWindow / 2)) {
        writeWindowUpdate(output_, {streamId, static_cast<uint32_t>(stream->unacked)});
        stream->receiveWindow += static_cast<int64_t>(stream->unacked);
        stream->unacked = 0;
      }
    }
  }
  releaseSession(n);
}

void SpdySession::consume(uint32_t streamId, size_t n) {
  if (n == 0 || dead_) return;
  auto it = streams_.find(streamId);
  if (it == streams_.end()) return;
  if (n > it->second.unconsumed)
    throw Error::invalidArgument(streamName(streamId) + ": consumed " + std::to_string(n) + " bytes, only " +
                                 std::to_string(it->second.unconsumed) + " were delivered");
  acknowledge(streamId, &it->second, n);
}

SpdySession::Stream* SpdySession::liveStream(uint32_t streamId, const char* what) {
  if (streamId == 0 || streamId % 2 == 0 || streamId > lastPeerStreamId_)
    throw Error::notFound(streamName(streamId) + " was never opened by the peer (" + what + ")");
  if (dead_) return nullptr;
  auto it = streams_.find(streamId);
  return it == streams_.end() ? nullptr : &it->second;
}

bool SpdySession::reply(uint32_t streamId, const HeaderBlock& headers, bool fin) {
  Stream* s = liveStream(streamId, "reply");
  if (!s) return false;
  if (s->replied) throw Error::failedPrecondition(streamName(streamId) + " was already replied to");
  writer_.synReply(output_, {streamId, fin, headers});
  s->replied = true;
  if (fin) {
    s->finQueued = true;
    s->localClosed = true;
    closeIfDone(streamId);
  }
  return true;
}

bool SpdySession::sendHeaders(uint32_t streamId, const HeaderBlock& headers, bool fin) {
  Stream* s = liveStream(streamId, "headers");
  if (!s) return false;
  if (!s->replied) throw Error::failedPrecondition(streamName(streamId) + ": HEADERS before the reply");
  if (s->finQueued) throw Error::failedPrecondition(streamName(streamId) + ": HEADERS after our FIN");
  if (fin && !s->queue.empty())
    throw Error::failedPrecondition(streamName(streamId) + ": HEADERS with FIN while data is queued");
  writer_.headers(output_, {streamId, fin, headers});
  if (fin) {
    s->finQueued = true;
    s->localClosed = true;
    closeIfDone(streamId);
  }
  return true;
}

bool SpdySession::sendData(uint32_t streamId, std::span<const uint8_t> bytes, bool fin) {
  Stream* s = liveStream(streamId, "data");
  if (!s) return false;
  if (!s->replied) throw Error::failedPrecondition(streamName(streamId) + ": data before the reply");
  if (s->finQueued) throw Error::failedPrecondition(streamName(streamId) + ": data after our FIN");
  if (!bytes.empty()) {
    s->queue.push_back(Chunk{std::vector<uint8_t>(bytes.begin(), bytes.end()), 0});
    s->queued += bytes.size();
    totalQueued_ += bytes.size();
  }
  s->finQueued = fin;
  flush(nullptr);
  return true;
}

bool SpdySession::reset(uint32_t streamId, RstStatus status) {
  if (!liveStream(streamId, "reset")) return false;
  writeRstStream(output_, {streamId, status});
  forget(streamId);
  rememberReset(streamId);
  return true;
}

void SpdySession::goAway(GoAwayStatus status) {
  if (goAwaySent_) return;
  writeGoAway(output_, {lastPeerStreamId_, status});
  goAwaySent_ = true;
}

std::optional<uint32_t> SpdySession::ping() {
  if (dead_) return std::nullopt;
  const uint32_t id = nextPingId_;
  // Ids stay even and within 31 bits, wrapping around.
  nextPingId_ = nextPingId_ >= 0x7ffffffe ? 2 : nextPingId_ + 2;
  pingsInFlight_.insert(id);
  writePing(output_, {id});
  return id;
}

void SpdySession::flush(std::vector<SessionEvent>* events) {
  const bool enforce = sendWindowsEnforced();
  // Round-robin, one frame per stream per pass, so one busy stream cannot
  // take the whole session window from the others.
  bool progress = true;
  while (progress) {
    progress = false;
    for (auto it = streams_.begin(); it != streams_.end();) {
      const uint32_t id = it->first;
      Stream& s = it->second;
      ++it;  // closeIfDone() below may erase s
      if (s.localClosed) continue;
      if (s.queue.empty()) {
        if (s.finQueued) {
          writeData(output_, id, {}, true);
          s.localClosed = true;
          closeIfDone(id);
        }
        continue;
      }
      Chunk& chunk = s.queue.front();
      size_t n = std::min(chunk.bytes.size() - chunk.offset, options_.maxDataFrameSize);
      if (enforce) {
        const int64_t window = std::min(s.sendWindow, sessionSendWindow_);
        n = window <= 0 ? 0 : std::min<size_t>(n, static_cast<size_t>(window));
      }
      if (n == 0) {
        s.waited = true;
        continue;
      }
      const bool last = n == s.queued;
      writeData(output_, id, std::span(chunk.bytes).subspan(chunk.offset, n), last && s.finQueued);
      // Windows are counted even when not enforced, so that enforcing them
      // later starts from the truth.
      s.sendWindow -= static_cast<int64_t>(n);
      sessionSendWindow_ -= static_cast<int64_t>(n);
      s.queued -= n;
      totalQueued_ -= n;
      chunk.offset += n;
      if (chunk.offset == chunk.bytes.size()) s.queue.pop_front();
      progress = true;
      if (last) {
        if (s.waited && events) emit(*events, StreamDrained{id});
        s.waited = false;
        if (s.finQueued) {
          s.localClosed = true;
          closeIfDone(id);
        }
      }
    }
  }
}

void SpdySession::closeIfDone(uint32_t streamId) {
  auto it = streams_.find(streamId);
  if (it == streams_.end()) return;
  if (it->second.remoteClosed && it->second.localClosed) forget(streamId);
}

size_t SpdySession::queuedBytes(uint32_t streamId) const {
  auto it = streams_.find(streamId);
  return it == streams_.end() ? 0 : it->second.queued;
}

std::optional<int64_t> SpdySession::streamSendWindow(uint32_t streamId) const {
  auto it = streams_.find(streamId);
  if (it == streams_.end()) return std::nullopt;
  return it->second.sendWindow;
}

void SpdySession::consumeOutput(size_t n) {
  if (n > output_.size() - outputPos_) throw Error::invalidArgument("spdy: consumed more output than pending");
  outputPos_ += n;
  if (outputPos_ == output_.size()) {
    output_.clear();
    outputPos_ = 0;
  }
}

std::vector<uint8_t> SpdySession::takeOutput() {
  std::vector<uint8_t> out(output_.begin() + static_cast<std::ptrdiff_t>(outputPos_), output_.end());
  output_.clear();
  outputPos_ = 0;
  return out;
}

}  // namespace crix::spdy
