// Pulling an image through the runtime: with crix, over crix.v1.ImageTransfer
// so that progress can be shown; with any other runtime (or a crix too old to
// have it), over the CRI's plain PullImage, which reports nothing until done.
#pragma once

#include <chrono>
#include <functional>
#include <string>

#include "contrib/crixctl/CriClient.h"

namespace crixctl {

using PullProgressSink = std::function<void(const crix::v1::PullImageProgress&)>;

// Returns the image reference the runtime answers (its image ID). `timeout`
// bounds the whole pull; zero means no bound. Throws crix::Error
// ("rpc error: ...") when the pull fails.
std::string pullImage(CriClient& client, const runtime::v1::PullImageRequest& request,
                      std::chrono::nanoseconds timeout, const PullProgressSink& onProgress);

}  // namespace crixctl
