// Reads the resize stream the way kubelet does (a JSON decoder over the
// stream's bytes): a sequence of {"Width":W,"Height":H} objects, several in
// one chunk or one split over chunks, whitespace between them. Like
// kubelet, the first value that does not decode ends the stream: later
// bytes are ignored. Bounded: an object may not exceed kMaxObjectBytes.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "cri/streaming/StreamingBackend.h"

namespace crix::streaming {

class TerminalSizeDecoder {
 public:
  static constexpr size_t kMaxObjectBytes = 4096;

  // The sizes the bytes completed.
  std::vector<TerminalSize> feed(std::string_view bytes);
  // Set once a value failed to decode; says why.
  bool failed() const { return !error_.empty(); }
  const std::string& error() const { return error_; }

 private:
  // Length of the complete JSON object at the start of buffer_, 0 if not complete yet.
  size_t completeObjectLength();

  std::string buffer_;
  std::string error_;
};

}  // namespace crix::streaming
