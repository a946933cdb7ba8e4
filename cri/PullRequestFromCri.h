// A CRI PullImageRequest as the storage layer takes it; shared by the CRI
// ImageService and crix's ImageTransfer so both pull alike.
#pragma once

#include "cri/api/Cri.h"
#include "storage/ImagePuller.h"

namespace crix::cri {

// Throws InvalidArgument for an empty image name.
storage::PullRequest pullRequestFromCri(const runtime::v1::PullImageRequest& request);

}  // namespace crix::cri
