// The pod's hostname: its validation and its /etc/hostname.
#pragma once

#include <string>

namespace crix::sandbox {

// An RFC 1123 host name the kernel accepts: 1 to 64 bytes (HOST_NAME_MAX),
// dot-separated labels of 1 to 63 letters, digits and '-', not starting or
// ending with '-'. (Kubernetes sends a DNS-1123 label, or the pod's FQDN
// with setHostnameAsFQDN, which it also caps at 64.) Throws InvalidArgument
// saying what is wrong.
void validatePodHostname(const std::string& hostname);

// `hostname` and a newline, atomically, mode 0644 (what CRI-O bind-mounts
// over the container's /etc/hostname).
void writeHostnameFile(const std::string& path, const std::string& hostname);

}  // namespace crix::sandbox
