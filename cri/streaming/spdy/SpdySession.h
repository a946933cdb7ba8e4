// The server side of one SPDY/3.1 connection, sans-IO: the caller feeds the
// bytes it read from the socket and gets events back; everything the session
// has to send (replies, data, WINDOW_UPDATE, PING echoes, RST_STREAM, GOAWAY)
// collects in an output buffer the caller writes to the socket. No threads,
// no sockets, no clocks; not thread-safe (one owner, or one lock around it).
//
// Streams are opened by the client (odd ids), as kubelet's protocols do.
//
// Flow control. SPDY/3.1 has 64 KiB windows per stream and per session, but
// kubelet's own peers (moby/spdystream, under kubectl and the API server)
// ignore WINDOW_UPDATE and SETTINGS and never send them: a server that waits
// for window updates from them stalls after 64 KiB. FlowControl::Auto (the
// default) therefore holds outgoing data to the peer's windows only once the
// peer has shown it does flow control (sent a WINDOW_UPDATE, or SETTINGS with
// INITIAL_WINDOW_SIZE); spdy-transport and other SPDY/3.1 clients do so
// before their first stream. Auto does not reset streams that overrun our
// receive windows either (spdystream never looks at them, and spdy-transport
// can overshoot the session window by a chunk when streams race); the bound
// on received data is TCP back-pressure: stop feeding when the consumer lags.
// FlowControl::Strict applies SPDY/3.1 to the letter both ways from the first
// byte; Off never holds data back nor checks windows.
//
// Receive windows are reopened (WINDOW_UPDATE sent) when the application
// says it consumed data: consume(streamId, n), or at once on delivery with
// SessionOptions::autoConsume. An update goes out once half a window has
// been consumed.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <set>
#include <span>
#include <string>
#include <variant>
#include <vector>

#include "cri/streaming/spdy/SpdyFrameReader.h"
#include "cri/streaming/spdy/SpdyFrameWriter.h"

namespace crix::spdy {

enum class FlowControl { Auto, Strict, Off };

struct SessionOptions {
  FlowControl flowControl = FlowControl::Auto;
  // Our receive window for each new stream; anything but 64 KiB is announced
  // with SETTINGS when the session starts.
  int32_t initialReceiveWindow = kDefaultWindowSize;
  // Our session-level receive window (at least 64 KiB, the SPDY/3.1
  // default); more is announced with a stream-0 WINDOW_UPDATE at start.
  int32_t sessionReceiveWindow = kDefaultWindowSize;
  bool autoConsume = false;
  // Largest DATA payload the session writes.
  size_t maxDataFrameSize = 16 * 1024;
  // Streams open at once; more are refused (RST_STREAM REFUSED_STREAM).
  size_t maxConcurrentStreams = 1000;
  FrameLimits limits;
};

// ---- events returned by feed()

// The peer opened a stream (SYN_STREAM). `fin`: the peer will send nothing
// more on it. The application answers with reply() (or reset()).
struct StreamOpened {
  uint32_t streamId = 0;
  uint32_t associatedTo = 0;
  uint8_t priority = 0;
  bool fin = false;
  bool unidirectional = false;  // we may not send on it
  HeaderBlock headers;
};

// A HEADERS frame on an open stream.
struct StreamHeaders {
  uint32_t streamId = 0;
  bool fin = false;
  HeaderBlock headers;
};

// Data from the peer; `fin` (possibly with no bytes) half-closes its side.
// Pass bytes.size() to consume() once they are dealt with.
struct StreamData {
  uint32_t streamId = 0;
  bool fin = false;
  std::vector<uint8_t> bytes;
};

// The stream is gone: reset by the peer (byPeer), or by the session because
// the peer broke the protocol on it (then an RST_STREAM was sent). Data
// still queued for it was dropped.
struct StreamReset {
  uint32_t streamId = 0;
  RstStatus status = RstStatus::Cancel;
  bool byPeer = true;
};

// Everything queued by sendData() on the stream has gone out (the peer's
// window opened). Only reported for streams that had to wait.
struct StreamDrained {
  uint32_t streamId = 0;
};

// The peer answered a ping() of ours.
struct PingAnswered {
  uint32_t id = 0;
};

struct GoAwayReceived {
  uint32_t lastGoodStreamId = 0;
  GoAwayStatus status = GoAwayStatus::Ok;
};

// The peer broke the session (bad framing, bad header compression, ...): a
// GOAWAY is in the output, and the session takes no more input. Write out
// the output, then close the connection.
struct SessionError {
  GoAwayStatus status = GoAwayStatus::ProtocolError;
  std::string message;
};

using SessionEvent = std::variant<StreamOpened, StreamHeaders, StreamData, StreamReset, StreamDrained, PingAnswered,
                                  GoAwayReceived, SessionError>;

class SpdySession {
 public:
  // Throws crix::Error (InvalidArgument) for options out of range.
  explicit SpdySession(const SessionOptions& options = {});

  // Parses `bytes` and acts on them; returns what happened, in order.
  // Never throws for anything the peer sends; after a SessionError (or
  // once closed()) input is ignored.
  std::vector<SessionEvent> feed(std::span<const uint8_t> bytes);
  std::vector<SessionEvent> feed(const uint8_t* data, size_t size) { return feed({data, size}); }

  // ---- sending. Calls on a stream the peer never opened, or in the wrong
  // order (data before reply, anything after our FIN), are caller bugs and
  // throw crix::Error (NotFound / FailedPrecondition). Calls on a stream that
  // is gone (reset, or closed both ways) or after the session ended return
  // false and send nothing, since the caller may learn of that only later.

  // SYN_REPLY, once per stream, before any data.
  bool reply(uint32_t streamId, const HeaderBlock& headers, bool fin = false);
  // A HEADERS frame on a replied stream.
  bool sendHeaders(uint32_t streamId, const HeaderBlock& headers, bool fin = false);
  // Queues `bytes` (and FIN, which may come with no bytes) and writes what
  // the windows allow; the rest goes out as WINDOW_UPDATEs arrive.
  bool sendData(uint32_t streamId, std::span<const uint8_t> bytes, bool fin = false);
  // RST_STREAM; the stream is forgotten, its queued data dropped.
  bool reset(uint32_t streamId, RstStatus status = RstStatus::Cancel);
  // GOAWAY naming the last stream we accepted; streams the peer opens later
  // are ignored. Open streams go on. Only the first call sends.
  void goAway(GoAwayStatus status = GoAwayStatus::Ok);
  // Sends a PING with a fresh (even) id and returns it; PingAnswered follows
  // when the peer echoes it. Returns nullopt once the session ended.
  std::optional<uint32_t> ping();

  // The application dealt with `n` received bytes of the stream: reopens
  // the receive windows. Ignored for a stream that is gone (its bytes were
  // released when it went). Throws InvalidArgument for more than delivered.
  void consume(uint32_t streamId, size_t n);

  // ---- output
  std::span<const uint8_t> pendingOutput() const { return {output_.data() + outputPos_, output_.size() - outputPos_}; }
  // The caller wrote the first `n` bytes of pendingOutput().
  void consumeOutput(size_t n);
  // All pending output, taken out of the session.
  std::vector<uint8_t> takeOutput();

  // ---- state
  // Bytes sendData() queued that the windows did not let out yet; for
  // back-pressure (stop reading the source while this is high).
  size_t queuedBytes(uint32_t streamId) const;
  size_t queuedBytes() const { return totalQueued_; }
  bool isOpen(uint32_t streamId) const { return streams_.contains(streamId); }
  size_t openStreams() const { return streams_.size(); }
  // A session error happened (see SessionError).
  bool closed() const { return dead_; }
  bool goAwaySent() const { return goAwaySent_; }
  // Whether outgoing data waits for the peer's windows (see FlowControl).
  bool sendWindowsEnforced() const;
  int64_t sessionSendWindow() const { return sessionSendWindow_; }
  std::optional<int64_t> streamSendWindow(uint32_t streamId) const;

 private:
  struct Chunk {
    std::vector<uint8_t> bytes;
    size_t offset = 0;
  };
  struct Stream {
    bool replied = false;
    bool remoteClosed = false;  // the peer sent FIN
    bool finQueued = false;     // sendData(fin) was called
    bool localClosed = false;   // our FIN is in the output
    int64_t sendWindow = 0;
    int64_t receiveWindow = 0;
    size_t unconsumed = 0;  // delivered, not yet consume()d
    size_t unacked = 0;     // consumed, not yet announced by WINDOW_UPDATE
    std::deque<Chunk> queue;
    size_t queued = 0;
    bool waited = false;  // data had to wait for a window since the last drain
  };

  void handle(Frame& frame, std::vector<SessionEvent>& events);
  void onSynStream(const SynStreamFrame& f, std::vector<SessionEvent>& events);
  void onSynReply(const SynReplyFrame& f, std::vector<SessionEvent>& events);
  void onHeaders(const HeadersFrame& f, std::vector<SessionEvent>& events);
  void onData(DataFrame& f, std::vector<SessionEvent>& events);
  void onRstStream(const RstStreamFrame& f, std::vector<SessionEvent>& events);
  void onSettings(const SettingsFrame& f, std::vector<SessionEvent>& events);
  void onPing(const PingFrame& f, std::vector<SessionEvent>& events);
  void onWindowUpdate(const WindowUpdateFrame& f, std::vector<SessionEvent>& events);

  // A stream the peer misused: RST_STREAM, forget it, tell the application.
  void resetByUs(uint32_t streamId, RstStatus status, std::vector<SessionEvent>* events);
  // A frame on a stream that is not open: quiet for streams we reset
  // (frames in flight), INVALID_STREAM otherwise.
  void onUnknownStream(uint32_t streamId);
  void fail(GoAwayStatus status, const std::string& message, std::vector<SessionEvent>& events);
  void forget(uint32_t streamId);
  void rememberReset(uint32_t streamId);
  void releaseSession(size_t n);
  void acknowledge(uint32_t streamId, Stream* stream, size_t n);
  // Writes queued data the windows allow; reports drained streams when
  // `events` is given.
  void flush(std::vector<SessionEvent>* events);
  Stream& usableStream(uint32_t streamId, const char* what);
  Stream* liveStream(uint32_t streamId, const char* what);
  void closeIfDone(uint32_t streamId);

  SessionOptions options_;
  FrameReader reader_;
  FrameWriter writer_;
  std::vector<uint8_t> output_;
  size_t outputPos_ = 0;

  std::map<uint32_t, Stream> streams_;
  uint32_t lastPeerStreamId_ = 0;
  // Streams we reset lately, whose frames still in flight are dropped
  // quietly. Bounded: the oldest are forgotten first.
  std::set<uint32_t> recentlyReset_;
  std::deque<uint32_t> recentlyResetOrder_;

  int64_t peerInitialWindow_ = kDefaultWindowSize;
  int64_t sessionSendWindow_ = kDefaultWindowSize;
  int64_t sessionReceiveWindow_;
  size_t sessionUnconsumed_ = 0;
  size_t sessionUnacked_ = 0;
  bool peerDoesFlowControl_ = false;
  size_t totalQueued_ = 0;

  uint32_t nextPingId_ = 2;
  std::set<uint32_t> pingsInFlight_;
  bool goAwaySent_ = false;
  bool dead_ = false;
};

}  // namespace crix::spdy
