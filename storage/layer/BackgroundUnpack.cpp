#include "storage/layer/BackgroundUnpack.h"

namespace crix::layer {

BackgroundUnpack::BackgroundUnpack(const std::string& layersDir, UnpackOptions options, size_t bufferBytes)
    : pipe_(bufferBytes), thread_([this, layersDir, options] {
        try {
          result_.emplace(LayerUnpacker(options).unpack(pipe_, layersDir));
        } catch (...) {
          failure_ = std::current_exception();
        }
      }) {}

BackgroundUnpack::~BackgroundUnpack() {
  if (thread_.joinable()) abort(Error(StatusCode::Cancelled, "layer unpack abandoned"));
}

void BackgroundUnpack::join() {
  if (thread_.joinable()) thread_.join();
}

UnpackedLayer BackgroundUnpack::finish() {
  pipe_.finish();
  join();
  if (failure_) std::rethrow_exception(failure_);
  if (!result_) throw Error::failedPrecondition("layer unpack already finished");
  UnpackedLayer layer = std::move(*result_);
  result_.reset();
  return layer;
}

void BackgroundUnpack::abort(const Error& error) {
  pipe_.fail(error);
  join();
  result_.reset();  // removes the staging directory if the unpack had completed
}

}  // namespace crix::layer
