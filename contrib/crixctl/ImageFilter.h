// `images --filter`: crictl's client-side filters over a sorted image list.
//   dangling=true|false      untagged images, or tagged ones
//   reference=REGEX          repository (from the first digest) matches
//   since=REF                the images listed ahead of REF
//   before=REF               the images listed after REF
// where REF is NAME:TAG, an ID prefix or NAME@DIGEST. Filters apply one
// after another. since/before keep crictl's semantics: they cut the list,
// sorted by name, at the image REF names, whatever the images' ages.
#pragma once

#include <string>
#include <vector>

#include "cri/api/Cri.h"

namespace crixctl {

// Throws crix::Error (InvalidArgument) for an unknown filter or a bad regex.
std::vector<runtime::v1::Image> filterImages(std::vector<runtime::v1::Image> images,
                                             const std::vector<std::string>& filters);

}  // namespace crixctl
