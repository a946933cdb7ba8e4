#include <doctest/doctest.h>

#include <cerrno>

#include "core/Error.h"

TEST_CASE("Error carries its status code and message") {
  const auto e = crix::Error::notFound("pod abc not found");
  CHECK(e.code() == crix::StatusCode::NotFound);
  CHECK(std::string(e.what()) == "pod abc not found");
  CHECK(crix::statusCodeName(e.code()) == "NotFound");
}

TEST_CASE("fromErrno names the call and the system error") {
  const auto e = crix::Error::fromErrno("open /nonexistent", ENOENT);
  CHECK(e.code() == crix::StatusCode::Internal);
  CHECK(std::string(e.what()) == "open /nonexistent: No such file or directory");
}
