#include "conmon/Failure.h"

#include <string>

#include "conmon/Diag.h"

namespace crix::conmon {

void fail(std::string_view message) { throw Error(StatusCode::Internal, std::string(message)); }

void failErrno(std::string_view what, int err) {
  std::string message(what);
  message += ": ";
  message += diag::errnoText(err);
  throw Error(StatusCode::Internal, message);
}

}  // namespace crix::conmon
