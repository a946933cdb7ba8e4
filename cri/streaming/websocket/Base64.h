// Standard base64 (RFC 4648 alphabet, '=' padding), as Go's
// base64.StdEncoding that kubelet's base64.channel.k8s.io uses.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace crix::streaming {

std::string base64Encode(std::string_view bytes);
// Nothing for malformed input. Padding is required (Go's StdEncoding is
// strict about it); CR and LF are skipped, as Go skips them.
std::optional<std::string> base64Decode(std::string_view text);

}  // namespace crix::streaming
