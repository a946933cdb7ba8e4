// Unpacks a layer on its own thread while the caller pushes the blob in as it
// downloads, typically from a curl write callback:
//
//   BackgroundUnpack unpack(layersDir, {.declared = compressionFromMediaType(mt)});
//   ...in the write callback: return unpack.write(data, n) ? n : 0;
//   UnpackedLayer layer = unpack.finish();   // throws the unpack's error
//   check layer.stats.blobDigest / diffId, then layer.staged.commit(finalDir)
#pragma once

#include <exception>
#include <optional>
#include <string>
#include <thread>

#include "core/Error.h"
#include "storage/layer/LayerUnpacker.h"
#include "storage/layer/PipeByteSource.h"

namespace crix::layer {

class BackgroundUnpack {
 public:
  BackgroundUnpack(const std::string& layersDir, UnpackOptions options = {}, size_t bufferBytes = 4 << 20);
  // Without finish() or abort(), the unpack is cancelled and its staging
  // directory removed.
  ~BackgroundUnpack();
  BackgroundUnpack(const BackgroundUnpack&) = delete;
  BackgroundUnpack& operator=(const BackgroundUnpack&) = delete;

  // Blocks while the buffer is full. False once the unpack has failed: stop
  // the download; finish() then throws the reason.
  bool write(const void* data, size_t size) { return pipe_.write(data, size); }

  // Every byte was delivered: waits for the unpack and returns the staged
  // layer, or throws what made it fail.
  UnpackedLayer finish();

  // The download failed: stops the unpack with `error`, waits, cleans up.
  void abort(const Error& error);

 private:
  void join();

  PipeByteSource pipe_;
  std::optional<UnpackedLayer> result_;
  std::exception_ptr failure_;
  std::thread thread_;  // last: starts once everything it uses exists
};

}  // namespace crix::layer
