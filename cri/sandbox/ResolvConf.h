// The pod's /etc/resolv.conf, as CRI-O writes it.
#pragma once

#include <string>

#include "cri/api/Cri.h"

namespace crix::sandbox {

// From the kubelet's DNSConfig: "search" (all domains on one line),
// "nameserver" (one line each), "options" (one line), in that order. When
// DNSConfig has no servers, searches or options, a copy of `hostResolvConf`
// (the node's file, symlinks followed) instead. CRI-O writes the file only
// when the PodSandboxConfig has a dns_config at all (has_dns_config());
// without one the container keeps the image's /etc/resolv.conf.
// The kubelet already limits the search list (32 domains, 2048 characters),
// and current CRI-O adds no limit of its own, so neither does this.
// InvalidArgument for an entry that is empty or contains whitespace (it would
// write extra lines or words into the file); Internal when writing fails.
void writeResolvConf(const std::string& path, const runtime::v1::DNSConfig& dns,
                     const std::string& hostResolvConf = "/etc/resolv.conf");

// The text writeResolvConf writes for a non-empty DNSConfig.
std::string resolvConfText(const runtime::v1::DNSConfig& dns);

}  // namespace crix::sandbox
