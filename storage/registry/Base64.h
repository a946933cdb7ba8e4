// Standard base64 (RFC 4648 alphabet, '=' padding) for HTTP Basic
// credentials and auth files.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace crix::registry {

std::string base64Encode(std::string_view bytes);
// Nothing for malformed input; padding may be omitted.
std::optional<std::string> base64Decode(std::string_view text);

}  // namespace crix::registry
