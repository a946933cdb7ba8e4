// The signal that stops a container, for the daemon's StopContainer. It is
// not part of config.json: runc kill takes it at stop time.
#pragma once

#include <string_view>

#include "storage/registry/ImageConfig.h"

namespace runtime::v1 {
class ContainerConfig;
}

namespace crix::oci {

// A signal as images and users write it: "SIGTERM", "TERM", "sigterm", "15",
// "SIGRTMIN+3", "RTMAX-2", and the CRI enum's spellings ("SIGRTMINPLUS3",
// "SIGRTMAXMINUS2"). Throws InvalidArgument for anything else.
int parseSignal(std::string_view text);

// The request's stop_signal unless it is RUNTIME_DEFAULT, else the image's
// StopSignal, else SIGTERM.
int stopSignal(const runtime::v1::ContainerConfig& config,
               const registry::ImageRuntimeConfig& image);

}  // namespace crix::oci
