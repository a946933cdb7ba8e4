// gRPC failures as crix::Error, worded like grpc-go's status errors so the
// message reads exactly as crictl's would:
//   rpc error: code = Unavailable desc = <server or transport message>
#pragma once

#include <grpcpp/support/status.h>

#include <string_view>

#include "core/Error.h"

namespace crixctl {

crix::Error rpcError(const grpc::Status& status);

// Prefixes the message ("getting the runtime version: ...") and keeps the
// code, the way Go's fmt.Errorf("...: %w", err) wraps.
crix::Error wrapError(std::string_view context, const crix::Error& cause);

// What `step` returns; its failure thrown again wrapped in `context`.
template <class Step>
decltype(auto) withContext(std::string_view context, Step&& step) {
  try {
    return step();
  } catch (const crix::Error& e) {
    throw wrapError(context, e);
  }
}

}  // namespace crixctl
