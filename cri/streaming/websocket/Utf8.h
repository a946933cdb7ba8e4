// UTF-8 validity (RFC 3629: no overlong forms, no surrogates, nothing past
// U+10FFFF), which RFC 6455 demands of text messages and close reasons.
#pragma once

#include <cstddef>
#include <string_view>

namespace crix::streaming {

bool isValidUtf8(std::string_view bytes);

// The longest prefix of `text` of at most `limit` bytes that ends on a
// character boundary, for reasons that must fit a close frame.
std::string_view utf8Prefix(std::string_view text, size_t limit);

}  // namespace crix::streaming
