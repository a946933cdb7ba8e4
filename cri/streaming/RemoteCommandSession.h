// Runs one exec or attach once the client's streams are there: starts the
// backend on a thread of its own with socketpairs for stdin/stdout/stderr,
// pumps bytes both ways with back-pressure (the backend's output is read
// only while the client takes it; the client's socket only while the
// backend drains stdin), then sends the status and waits, bounded, for the
// client to close. A client that goes away, the idle timeout or the
// server's stop make clientGone readable and close the server's ends; the
// backend is waited for in every case, so no thread outlives run().
#pragma once

#include <chrono>
#include <functional>

#include "cri/streaming/PeerSocket.h"
#include "cri/streaming/RemoteCommandChannels.h"

namespace crix::streaming {

struct SessionTimeouts {
  std::chrono::milliseconds idle = std::chrono::hours(4);  // 0: none
  // How long, after the status, the client may take to read it and close.
  std::chrono::milliseconds finish = std::chrono::minutes(1);
};

// The backend call, given the backend's ends.
using RemoteCommandRunner = std::function<RemoteCommandOutcome(RemoteCommandIo)>;

class RemoteCommandSession {
 public:
  RemoteCommandSession(PeerSocket& peer, RemoteCommandChannels& channels, RemoteCommandStreams streams, int stopFd,
                       SessionTimeouts timeouts);

  // `early`: what the client sent before the session started (SPDY data
  // that came with the stream setup). Returns once the connection is done.
  void run(const RemoteCommandRunner& runner, ClientInput early = {});

 private:
  struct Impl;
  PeerSocket& peer_;
  RemoteCommandChannels& channels_;
  RemoteCommandStreams streams_;
  int stopFd_;
  SessionTimeouts timeouts_;
};

}  // namespace crix::streaming
