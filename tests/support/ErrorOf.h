// What a call throws, for checks on the code and message of a crix::Error.
#pragma once

#include "core/Error.h"

namespace crix::test {

// Runs `fn` and returns the crix::Error it throws (Ok when none).
crix::Error errorOf(auto&& fn) {
  try {
    fn();
  } catch (const crix::Error& e) {
    return e;
  }
  return crix::Error(StatusCode::Ok, "no error");
}

StatusCode codeOf(auto&& fn) { return errorOf(fn).code(); }

}  // namespace crix::test
