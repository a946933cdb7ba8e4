#include "cri/PullRequestFromCri.h"

#include "core/Error.h"

namespace crix::cri {

storage::PullRequest pullRequestFromCri(const runtime::v1::PullImageRequest& request) {
  storage::PullRequest pull;
  pull.image = request.image().image();
  if (pull.image.empty()) throw Error::invalidArgument("PullImage: image name is empty");
  const auto& auth = request.auth();
  pull.auth = {auth.username(), auth.password(), auth.auth(), auth.identity_token(), auth.registry_token()};
  return pull;
}

}  // namespace crix::cri
