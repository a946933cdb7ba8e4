#include "core/Error.h"

#include <cstring>

namespace crix {

std::string_view statusCodeName(StatusCode code) {
  switch (code) {
    case StatusCode::Ok: return "OK";
    case StatusCode::Cancelled: return "Cancelled";
    case StatusCode::Unknown: return "Unknown";
    case StatusCode::InvalidArgument: return "InvalidArgument";
    case StatusCode::DeadlineExceeded: return "DeadlineExceeded";
    case StatusCode::NotFound: return "NotFound";
    case StatusCode::AlreadyExists: return "AlreadyExists";
    case StatusCode::PermissionDenied: return "PermissionDenied";
    case StatusCode::ResourceExhausted: return "ResourceExhausted";
    case StatusCode::FailedPrecondition: return "FailedPrecondition";
    case StatusCode::Aborted: return "Aborted";
    case StatusCode::OutOfRange: return "OutOfRange";
    case StatusCode::Unimplemented: return "Unimplemented";
    case StatusCode::Internal: return "Internal";
    case StatusCode::Unavailable: return "Unavailable";
    case StatusCode::DataLoss: return "DataLoss";
    case StatusCode::Unauthenticated: return "Unauthenticated";
  }
  return "Unknown";
}

Error Error::fromErrno(const std::string& what, int err) {
  return {StatusCode::Internal, what + ": " + std::strerror(err)};
}

}  // namespace crix
