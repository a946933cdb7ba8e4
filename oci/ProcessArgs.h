// The container's argv from the CRI request and the image, by Kubernetes'
// rules for command and args.
#pragma once

#include <string>
#include <vector>

#include "cri/api/Cri.h"
#include "storage/registry/ImageConfig.h"

namespace crix::oci {

// command replaces the image's ENTRYPOINT and args replace its CMD; a
// command given without args drops CMD too (CMD only makes sense as
// arguments to the ENTRYPOINT it was written for):
//   command  args   argv
//   -        -      ENTRYPOINT + CMD
//   -        yes    ENTRYPOINT + args
//   yes      -      command
//   yes      yes    command + args
// Throws InvalidArgument when that leaves nothing to run.
std::vector<std::string> processArgs(const runtime::v1::ContainerConfig& config,
                                     const registry::ImageRuntimeConfig& image);

}  // namespace crix::oci
