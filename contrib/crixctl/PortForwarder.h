// `crixctl port-forward`'s engine: listens on 127.0.0.1 for each
// [LOCAL:]REMOTE mapping and relays every accepted connection over its own
// WebSocket port-forward stream (kubelet's v4.channel.k8s.io form):
//   - each connection asks for a fresh stream URL (the CRI PortForward
//     call: kubelet-style tokens are good for one connection) and connects
//     to it with ?port=REMOTE;
//   - channel 0 is the data, channel 1 the errors; both start with the port
//     as 2 bytes, which are skipped;
//   - text on channel 1 is printed to `err` and ends that connection;
//   - the local side's EOF closes the stream (v4 has no half-close: a local
//     client that half-closes and waits for an answer loses it), the
//     stream's end closes the local connection once its data is written;
//     a stream we closed gets 5 s to answer with its close.
// One poll loop serves all listeners and connections.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <ostream>
#include <vector>

#include "contrib/crixctl/PortSpec.h"
#include "contrib/crixctl/StreamUrl.h"
#include "core/UniqueFd.h"

namespace crixctl {

class PortForwarder {
 public:
  // The stream URL for one new connection to the pod's `remotePort`.
  using UrlForPort = std::function<StreamUrl(uint16_t remotePort)>;

  PortForwarder(std::vector<PortMapping> mappings, UrlForPort urlFor, std::chrono::milliseconds connectTimeout);
  ~PortForwarder();

  // Binds 127.0.0.1:LOCAL for every mapping (a free port for LOCAL 0) and
  // returns the mappings with the local ports actually bound. Throws
  // crix::Error (AlreadyExists when a port is taken).
  std::vector<PortMapping> listen();

  // Serves until `stopFd` becomes readable (a SignalPipe, a test's pipe).
  // "Handling connection for N" goes to `out` per connection, failures
  // of single connections to `err`; neither stops the loop.
  void run(int stopFd, std::ostream& out, std::ostream& err);

 private:
  struct Connection;
  struct Listener {
    crix::UniqueFd fd;
    PortMapping mapping;
  };

  void accept(const Listener& listener, std::ostream& out, std::ostream& err);

  std::vector<PortMapping> mappings_;
  UrlForPort urlFor_;
  std::chrono::milliseconds connectTimeout_;
  std::vector<Listener> listeners_;
  std::vector<std::unique_ptr<Connection>> connections_;
};

}  // namespace crixctl
