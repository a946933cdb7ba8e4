// Owns a libarchive read handle fed from a ChunkStream. libarchive is C: an
// exception must not unwind through it, so the read callback parks any
// exception here and rethrow() brings it back once libarchive has returned.
#pragma once

#include <sys/types.h>

#include <exception>
#include <string>

#include "storage/layer/ChunkStream.h"

struct archive;

namespace crix::layer {

class ArchiveReadHandle {
 public:
  ArchiveReadHandle();
  ~ArchiveReadHandle();
  ArchiveReadHandle(const ArchiveReadHandle&) = delete;
  ArchiveReadHandle& operator=(const ArchiveReadHandle&) = delete;

  archive* get() const { return archive_; }

  // Opens the handle on `input`, after the caller enabled formats/filters.
  void open(ChunkStream& input, const std::string& what);

  // Throws for a libarchive status below ARCHIVE_WARN: the parked exception
  // when the input failed, else DataLoss with libarchive's message. Warnings
  // are logged and otherwise ignored.
  void check(int status, const std::string& what);

 private:
  static ssize_t readCallback(archive* a, void* self, const void** buffer);

  archive* archive_;
  ChunkStream* input_ = nullptr;
  std::exception_ptr inputFailure_;
};

}  // namespace crix::layer
