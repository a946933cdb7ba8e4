#include "cri/ImageTransferServiceImpl.h"

#include <chrono>
#include <mutex>

#include "core/Error.h"
#include "cri/PullRequestFromCri.h"
#include "cri/ServiceBoundary.h"

namespace crix::cri {

namespace {
// Often enough for a live progress line, rarely enough not to flood the client.
constexpr auto kProgressInterval = std::chrono::milliseconds(200);
}  // namespace

grpc::Status ImageTransferServiceImpl::PullImage(grpc::ServerContext* context,
                                                 const runtime::v1::PullImageRequest* request,
                                                 grpc::ServerWriter<crix::v1::PullImageProgress>* writer) {
  return serve("ImageTransfer.PullImage", [&] {
    const auto slot = slowCalls_.enter("ImageTransfer.PullImage");
    const auto cfg = config_.snapshot();
    storage::PullRequest pull = pullRequestFromCri(*request);

    // Layers report from several threads; the stream takes one writer at a time.
    std::mutex writerMutex;
    auto lastSent = std::chrono::steady_clock::time_point{};
    pull.progress = [&](const storage::PullProgress& p) {
      std::lock_guard lock(writerMutex);
      const auto now = std::chrono::steady_clock::now();
      const bool done = p.layersDone == p.layersTotal;
      if (!done && now - lastSent < kProgressInterval) return;
      if (context->IsCancelled()) throw Error(StatusCode::Cancelled, "the client went away");
      lastSent = now;
      crix::v1::PullImageProgress report;
      report.set_layers_total(p.layersTotal);
      report.set_layers_done(p.layersDone);
      report.set_bytes_total(p.bytesTotal);
      report.set_bytes_done(p.bytesDone);
      writer->Write(report);
    };
    const auto image = storage_.pull(pull, *config_.registries(*cfg));

    crix::v1::PullImageProgress last;
    last.set_image_ref(image.id);
    std::lock_guard lock(writerMutex);
    writer->Write(last);
  });
}

grpc::Status ImageTransferServiceImpl::LoadImage(grpc::ServerContext*, const crix::v1::LoadImageRequest* request,
                                                 crix::v1::LoadImageResponse* response) {
  return serve("ImageTransfer.LoadImage", [&] {
    const auto slot = slowCalls_.enter("ImageTransfer.LoadImage");
    for (const auto& image : storage_.load(request->path(), request->name())) {
      auto* loaded = response->add_images();
      loaded->set_id(image.id);
      for (const auto& tag : image.repoTags) loaded->add_repo_tags(tag);
    }
  });
}

}  // namespace crix::cri
