#include "contrib/crixctl/RpcError.h"

#include <string>

namespace crixctl {
namespace {

// grpc-go's codes.Code.String(); note "Canceled" with one l.
std::string_view goCodeName(grpc::StatusCode code) {
  switch (code) {
    case grpc::StatusCode::OK: return "OK";
    case grpc::StatusCode::CANCELLED: return "Canceled";
    case grpc::StatusCode::UNKNOWN: return "Unknown";
    case grpc::StatusCode::INVALID_ARGUMENT: return "InvalidArgument";
    case grpc::StatusCode::DEADLINE_EXCEEDED: return "DeadlineExceeded";
    case grpc::StatusCode::NOT_FOUND: return "NotFound";
    case grpc::StatusCode::ALREADY_EXISTS: return "AlreadyExists";
    case grpc::StatusCode::PERMISSION_DENIED: return "PermissionDenied";
    case grpc::StatusCode::RESOURCE_EXHAUSTED: return "ResourceExhausted";
    case grpc::StatusCode::FAILED_PRECONDITION: return "FailedPrecondition";
    case grpc::StatusCode::ABORTED: return "Aborted";
    case grpc::StatusCode::OUT_OF_RANGE: return "OutOfRange";
    case grpc::StatusCode::UNIMPLEMENTED: return "Unimplemented";
    case grpc::StatusCode::INTERNAL: return "Internal";
    case grpc::StatusCode::UNAVAILABLE: return "Unavailable";
    case grpc::StatusCode::DATA_LOSS: return "DataLoss";
    case grpc::StatusCode::UNAUTHENTICATED: return "Unauthenticated";
    default: break;
  }
  return "Unknown";
}

}  // namespace

crix::Error rpcError(const grpc::Status& status) {
  const auto code = static_cast<crix::StatusCode>(static_cast<int>(status.error_code()));
  return {code, "rpc error: code = " + std::string(goCodeName(status.error_code())) +
                    " desc = " + status.error_message()};
}

crix::Error wrapError(std::string_view context, const crix::Error& cause) {
  return {cause.code(), std::string(context) + ": " + cause.what()};
}

}  // namespace crixctl
