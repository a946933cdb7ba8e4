// The attach socket: a SOCK_SEQPACKET unix socket through which any number of
// clients (the daemon's attach streams) see the container's output and feed
// its stdin.
//   to a client:   one packet per chunk of output: 1 byte stream (2 stdout,
//                  3 stderr), then the bytes
//   from a client: every packet's bytes go to the container's stdin; the
//                  client shutting down its writing side (or closing) ends
//                  its input, which closes the container's stdin with
//                  --stdin-once
// A client that falls more than a few MiB behind (its socket buffer is full)
// is disconnected rather than stalling the container; the log still has
// everything.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "conmon/ContainerStdin.h"
#include "conmon/EventLoop.h"
#include "conmon/Stream.h"
#include "core/UniqueFd.h"

namespace crix::conmon {

class AttachServer final : public Watcher, public StdinListener {
 public:
  // Listens at `path`, which may be longer than sun_path allows: the socket is
  // bound through /proc/self/fd/<its directory>/<name>.
  AttachServer(EventLoop& loop, std::string path);
  ~AttachServer();
  AttachServer(const AttachServer&) = delete;
  AttachServer& operator=(const AttachServer&) = delete;

  // Where client input goes, once the container has a stdin; without one,
  // input is read and dropped.
  void connectStdin(ContainerStdin* input, bool stdinOnce);
  void broadcast(Stream stream, char* data, size_t size);
  // Output broadcast before any client has connected is kept, up to `limit`
  // bytes, and sent to the first client (an exec's output must not be lost
  // between its start and the daemon's connect). Beyond the limit it is
  // dropped with a warning.
  void keepEarlyOutput(size_t limit) { earlyLimit_ = limit; }
  bool everConnected() const { return everConnected_; }
  // Clients still connected (after sweep()).
  size_t clientCount() const { return clients_.size(); }
  // Frees the clients that went away while the last batch of events was
  // dispatched (they could not be freed under the dispatcher's feet).
  void sweep();

 private:
  class Client;
  void onReady(uint32_t events) override;
  void onStdinDrained() override;
  void onClientInput(Client& client, const char* data, size_t size);
  void onClientInputEnded();
  void keepEarly(const char* packet, size_t size);

  EventLoop& loop_;
  std::string path_;
  UniqueFd listener_;
  std::vector<std::unique_ptr<Client>> clients_;
  ContainerStdin* stdin_ = nullptr;
  bool stdinOnce_ = false;
  bool everConnected_ = false;
  size_t earlyLimit_ = 0;
  size_t earlyBytes_ = 0;
  bool earlyOverflowed_ = false;
  std::vector<std::string> earlyPackets_;
};

}  // namespace crix::conmon
