// The one place where crix errors become gRPC statuses. Every RPC handler runs
// its body through serve(): a crix::Error keeps its code and message, anything
// else becomes Internal. Errors are logged here, once, with the RPC's name.
#pragma once

#include <grpcpp/support/status.h>

#include <exception>
#include <string_view>

#include "core/Error.h"
#include "core/Log.h"

namespace crix::cri {

inline grpc::Status toGrpcStatus(const Error& e) {
  return {static_cast<grpc::StatusCode>(e.code()), e.what()};
}

template <class Body>
grpc::Status serve(std::string_view rpc, Body&& body) {
  try {
    body();
    return grpc::Status::OK;
  } catch (const Error& e) {
    // Client mistakes are the caller's business; only our own failures are
    // worth an error line.
    const bool ours = e.code() == StatusCode::Internal || e.code() == StatusCode::Unknown ||
                      e.code() == StatusCode::DataLoss;
    log::write(ours ? log::Level::Error : log::Level::Debug, rpc, ": ", e.what());
    return toGrpcStatus(e);
  } catch (const std::exception& e) {
    log::error(rpc, ": unexpected failure: ", e.what());
    return {grpc::StatusCode::INTERNAL, std::string(rpc) + ": " + e.what()};
  }
}

}  // namespace crix::cri
