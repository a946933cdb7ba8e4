#include "contrib/crixctl/ImagePull.h"

#include <algorithm>
#include <optional>

#include "core/Error.h"

namespace crixctl {
namespace {

using Clock = std::chrono::steady_clock;

// What is left of the pull's time; zero stays "no bound", and a bound that
// has run out stays a (tiny) bound rather than turning into none.
std::chrono::nanoseconds remaining(std::optional<Clock::time_point> deadline) {
  if (!deadline) return std::chrono::nanoseconds(0);
  return std::max(std::chrono::nanoseconds(1), std::chrono::nanoseconds(*deadline - Clock::now()));
}

struct StreamOutcome {
  grpc::Status status;
  bool answered = false;  // at least one report arrived
  std::string imageRef;
};

StreamOutcome pullWithProgress(CriClient& client, const runtime::v1::PullImageRequest& request,
                               std::optional<Clock::time_point> deadline, const PullProgressSink& onProgress) {
  auto& transfer = client.transfer();
  const auto ctx = client.context(remaining(deadline));
  auto reader = transfer.PullImage(ctx.get(), request);
  StreamOutcome outcome;
  crix::v1::PullImageProgress report;
  while (reader->Read(&report)) {
    outcome.answered = true;
    if (!report.image_ref().empty()) {
      outcome.imageRef = report.image_ref();
    } else if (onProgress) {
      onProgress(report);
    }
  }
  outcome.status = reader->Finish();
  return outcome;
}

}  // namespace

std::string pullImage(CriClient& client, const runtime::v1::PullImageRequest& request,
                      std::chrono::nanoseconds timeout, const PullProgressSink& onProgress) {
  std::optional<Clock::time_point> deadline;
  if (timeout.count() > 0) deadline = Clock::now() + timeout;

  if (clilog::debugEnabled()) clilog::debug("PullImageRequest: ", debugText(request));
  const StreamOutcome streamed = pullWithProgress(client, request, deadline, onProgress);
  if (streamed.status.error_code() == grpc::StatusCode::UNIMPLEMENTED && !streamed.answered) {
    // Not crix, or a crix from before ImageTransfer: the CRI call does the
    // same pull, only silently.
    clilog::debug("The runtime has no crix.v1.ImageTransfer; pulling without progress");
    auto& images = client.images();
    return client.call(images, &CriClient::ImageStub::PullImage, request, remaining(deadline)).image_ref();
  }
  if (!streamed.status.ok()) {
    clilog::debug("PullImageResponse: nil");
    throw rpcError(streamed.status);
  }
  if (streamed.imageRef.empty()) throw crix::Error::internal("the runtime finished the pull without naming the image");
  if (clilog::debugEnabled()) {
    runtime::v1::PullImageResponse response;
    response.set_image_ref(streamed.imageRef);
    clilog::debug("PullImageResponse: ", debugText(response));
  }
  return streamed.imageRef;
}

}  // namespace crixctl
