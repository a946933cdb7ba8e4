// Standard base64 (RFC 4648 alphabet, '=' padding): HTTP Basic credentials
// and auth files (padding optional, as Docker writes them), WebSocket keys
// and kubelet's base64.channel.k8s.io (padding required, as Go's
// StdEncoding decodes).
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace crix {

std::string base64Encode(std::string_view bytes);

enum class Base64Padding {
  Optional,  // "YQ", "YQ=" and "YQ==" all decode
  Required,  // whole quads only, canonical: unused bits of the last quad zero
};

// nullopt for malformed input. CR and LF are skipped anywhere, as Go skips
// them.
std::optional<std::string> base64Decode(std::string_view text, Base64Padding padding = Base64Padding::Optional);

}  // namespace crix
