#include "contrib/crixctl/DetachKeys.h"

namespace crixctl {
namespace {

constexpr char kSequence[] = {0x10, 0x11};  // Ctrl-P, Ctrl-Q
constexpr size_t kLength = sizeof kSequence;

}  // namespace

DetachKeys::Result DetachKeys::feed(std::string_view input) {
  Result result;
  for (char c : input) {
    if (c == kSequence[matched_]) {
      if (++matched_ == kLength) {
        result.detached = true;
        matched_ = 0;
        return result;
      }
      continue;
    }
    // Not the sequence after all: the held bytes go through, then this one
    // (which may itself start the sequence again).
    result.forward.append(kSequence, matched_);
    matched_ = 0;
    if (c == kSequence[0])
      matched_ = 1;
    else
      result.forward += c;
  }
  return result;
}

}  // namespace crixctl
