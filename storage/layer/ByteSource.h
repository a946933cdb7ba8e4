// The unpacker's only view of a layer blob: a blocking pull stream, so the
// same code serves a file on disk, a buffer, or a download still in flight.
#pragma once

#include <cstddef>
#include <span>

#include "core/UniqueFd.h"

namespace crix::layer {

class ByteSource {
 public:
  virtual ~ByteSource() = default;

  // Copies up to `max` bytes into `buffer`, blocking until at least one byte
  // is available. Returns 0 only at the end of the stream; throws crix::Error
  // when the stream breaks.
  virtual size_t read(void* buffer, size_t max) = 0;

  // The consumer will read no more (it failed or finished early). Lets a
  // producer blocked on a full buffer give up instead of waiting forever.
  virtual void cancel() noexcept {}
};

class MemoryByteSource final : public ByteSource {
 public:
  explicit MemoryByteSource(std::span<const std::byte> data) : data_(data) {}
  size_t read(void* buffer, size_t max) override;

 private:
  std::span<const std::byte> data_;
};

// Reads a file (or pipe) descriptor it owns.
class FdByteSource final : public ByteSource {
 public:
  explicit FdByteSource(UniqueFd fd) : fd_(std::move(fd)) {}
  size_t read(void* buffer, size_t max) override;

 private:
  UniqueFd fd_;
};

}  // namespace crix::layer
