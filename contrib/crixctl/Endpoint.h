// CRI endpoints as users write them, turned into gRPC channel targets.
//   unix:///run/crix/crix.sock  -> unix:///run/crix/crix.sock
//   /run/crix/crix.sock         -> unix:///run/crix/crix.sock (crictl's fallback, with its warning)
//   tcp://127.0.0.1:1234        -> 127.0.0.1:1234
#pragma once

#include <string>
#include <string_view>

namespace crixctl {

// Throws crix::Error (InvalidArgument) for a scheme CRI does not use.
std::string grpcTarget(std::string_view endpoint);

}  // namespace crixctl
