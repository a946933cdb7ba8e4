// The one error type of crix. It carries a status code with gRPC's numbering so
// that every layer can say *what kind* of failure happened, while only the CRI
// service boundary knows about grpc::Status.
#pragma once

#include <stdexcept>
#include <string>
#include <string_view>

namespace crix {

// Values equal grpc::StatusCode; core stays free of gRPC headers so that
// crix-conmon and the storage/config libraries do not link gRPC.
enum class StatusCode : int {
  Ok = 0,
  Cancelled = 1,
  Unknown = 2,
  InvalidArgument = 3,
  DeadlineExceeded = 4,
  NotFound = 5,
  AlreadyExists = 6,
  PermissionDenied = 7,
  ResourceExhausted = 8,
  FailedPrecondition = 9,
  Aborted = 10,
  OutOfRange = 11,
  Unimplemented = 12,
  Internal = 13,
  Unavailable = 14,
  DataLoss = 15,
  Unauthenticated = 16,
};

std::string_view statusCodeName(StatusCode code);

class Error : public std::runtime_error {
 public:
  Error(StatusCode code, const std::string& message) : std::runtime_error(message), code_(code) {}

  StatusCode code() const noexcept { return code_; }

  static Error invalidArgument(const std::string& m) { return {StatusCode::InvalidArgument, m}; }
  static Error notFound(const std::string& m) { return {StatusCode::NotFound, m}; }
  static Error alreadyExists(const std::string& m) { return {StatusCode::AlreadyExists, m}; }
  static Error failedPrecondition(const std::string& m) { return {StatusCode::FailedPrecondition, m}; }
  static Error permissionDenied(const std::string& m) { return {StatusCode::PermissionDenied, m}; }
  static Error unauthenticated(const std::string& m) { return {StatusCode::Unauthenticated, m}; }
  static Error unimplemented(const std::string& m) { return {StatusCode::Unimplemented, m}; }
  static Error unavailable(const std::string& m) { return {StatusCode::Unavailable, m}; }
  static Error internal(const std::string& m) { return {StatusCode::Internal, m}; }
  static Error dataLoss(const std::string& m) { return {StatusCode::DataLoss, m}; }

  // An Internal error for a failed system call: "<what>: <strerror(err)>".
  static Error fromErrno(const std::string& what, int err);

 private:
  StatusCode code_;
};

}  // namespace crix
