#include "storage/layer/ArchiveReadHandle.h"

#include <archive.h>

#include "core/Error.h"
#include "core/Log.h"

namespace crix::layer {

ArchiveReadHandle::ArchiveReadHandle() : archive_(archive_read_new()) {
  if (!archive_) throw Error::internal("libarchive: cannot allocate a read handle");
}

ArchiveReadHandle::~ArchiveReadHandle() { archive_read_free(archive_); }

ssize_t ArchiveReadHandle::readCallback(archive* a, void* self, const void** buffer) {
  auto* handle = static_cast<ArchiveReadHandle*>(self);
  try {
    const auto chunk = handle->input_->next();
    *buffer = chunk.data();
    return static_cast<ssize_t>(chunk.size());
  } catch (...) {
    handle->inputFailure_ = std::current_exception();
    archive_set_error(a, EIO, "layer input failed");
    return ARCHIVE_FATAL;
  }
}

void ArchiveReadHandle::open(ChunkStream& input, const std::string& what) {
  input_ = &input;
  check(archive_read_open(archive_, this, nullptr, &ArchiveReadHandle::readCallback, nullptr), what);
}

void ArchiveReadHandle::check(int status, const std::string& what) {
  if (status >= ARCHIVE_OK) return;
  if (inputFailure_) std::rethrow_exception(inputFailure_);
  const char* message = archive_error_string(archive_);
  const std::string text = what + ": " + (message ? message : "unknown libarchive error");
  if (status == ARCHIVE_WARN) {
    log::warn(text);
    return;
  }
  throw Error::dataLoss(text);
}

}  // namespace crix::layer
