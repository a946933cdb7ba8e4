// A bounded byte queue between a producer thread (the registry client's curl
// write callback) and the unpacker thread that pulls from it. The bound keeps
// memory flat when the disk is slower than the network: the producer blocks,
// which in turn makes curl stop reading the socket.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <mutex>
#include <optional>
#include <vector>

#include "core/Error.h"
#include "storage/layer/ByteSource.h"

namespace crix::layer {

class PipeByteSource final : public ByteSource {
 public:
  explicit PipeByteSource(size_t capacityBytes = 4 << 20);

  // Producer side. write() blocks while the queue is full and returns false
  // once the consumer has cancelled, telling the download to abort.
  bool write(const void* data, size_t size);
  // No more bytes will come; the consumer sees the end of the stream once the
  // queue has drained.
  void finish();
  // The download failed: the consumer's read() throws `error` after the
  // queued bytes, so a half blob is never mistaken for a whole one.
  void fail(const Error& error);

  // Consumer side.
  size_t read(void* buffer, size_t max) override;
  void cancel() noexcept override;

 private:
  std::mutex mutex_;
  std::condition_variable readable_;
  std::condition_variable writable_;
  std::vector<std::byte> ring_;
  size_t head_ = 0;  // next byte to read
  size_t used_ = 0;
  bool finished_ = false;
  bool cancelled_ = false;
  std::optional<Error> failure_;
};

}  // namespace crix::layer
