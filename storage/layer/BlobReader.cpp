#include "storage/layer/BlobReader.h"

#include <algorithm>
#include <cstring>

namespace crix::layer {

BlobReader::BlobReader(ByteSource& source, UnpackTimings& timings, bool hashing, size_t bufferSize)
    : source_(source), timings_(timings), hashing_(hashing), buffer_(std::max<size_t>(bufferSize, 64)) {}

bool BlobReader::fill() {
  if (ended_) return false;
  if (end_ == buffer_.size()) {
    // Only peek() can get here with unconsumed bytes; slide them to the front.
    std::memmove(buffer_.data(), buffer_.data() + begin_, end_ - begin_);
    end_ -= begin_;
    begin_ = 0;
  }
  size_t n;
  {
    ScopedTimer timer(timings_.reading);
    n = source_.read(buffer_.data() + end_, buffer_.size() - end_);
  }
  if (n == 0) {
    ended_ = true;
    return false;
  }
  if (hashing_) {
    ScopedTimer timer(timings_.digesting);
    sha_.update({buffer_.data() + end_, n});
  }
  end_ += n;
  size_ += n;
  return true;
}

std::span<const std::byte> BlobReader::peek(size_t n) {
  n = std::min(n, buffer_.size());
  while (end_ - begin_ < n && fill()) {}
  return {buffer_.data() + begin_, std::min(n, end_ - begin_)};
}

std::span<const std::byte> BlobReader::next() {
  if (begin_ == end_) {
    begin_ = end_ = 0;
    if (!fill()) return {};
  }
  std::span<const std::byte> chunk{buffer_.data() + begin_, end_ - begin_};
  begin_ = end_;
  return chunk;
}

void BlobReader::drain() {
  while (!next().empty()) {}
}

std::string BlobReader::digest() { return sha_.finish().str(); }

}  // namespace crix::layer
