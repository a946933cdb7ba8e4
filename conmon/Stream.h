// The container's output streams, numbered as conmon numbers them in the
// first byte of every attach socket packet (1 would be stdin, never sent).
#pragma once

#include <cstdint>
#include <string_view>

namespace crix::conmon {

enum class Stream : uint8_t { Stdout = 2, Stderr = 3 };

inline std::string_view streamName(Stream s) { return s == Stream::Stdout ? "stdout" : "stderr"; }

// Where the bytes a container writes go. The bytes at data[-1] belong to the
// caller's buffer and may be overwritten: the attach socket puts its stream
// byte there to send header and data in one packet without copying.
class OutputSink {
 public:
  virtual void onOutput(Stream stream, char* data, size_t size) = 0;

 protected:
  ~OutputSink() = default;
};

}  // namespace crix::conmon
