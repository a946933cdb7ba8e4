// Claims the daemon's unix socket path before gRPC binds it.
//
// Two daemons on one socket would steal each other's clients, so the claim is
// a flock on "<socket>.lock" held for the daemon's life; a live socket that some
// other process answers on is refused too. A socket file nobody answers on is
// what a crashed daemon leaves behind: it is removed.
#pragma once

#include <string>

#include "core/UniqueFd.h"

namespace crix::cri {

class ListenSocketClaim {
 public:
  // Throws crix::Error (FailedPrecondition) when another process holds the
  // socket, naming the path.
  explicit ListenSocketClaim(std::string socketPath);
  ~ListenSocketClaim();
  ListenSocketClaim(const ListenSocketClaim&) = delete;
  ListenSocketClaim& operator=(const ListenSocketClaim&) = delete;

  const std::string& path() const { return path_; }
  // "unix:/run/crix/crix.sock", the form gRPC binds.
  std::string grpcAddress() const { return "unix:" + path_; }

  // After gRPC has bound the socket: restrict it to root and the socket's group.
  void restrictMode() const;

 private:
  std::string path_;
  UniqueFd lock_;
};

}  // namespace crix::cri
