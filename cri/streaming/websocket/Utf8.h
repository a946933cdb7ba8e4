// UTF-8 validity (RFC 3629: no overlong forms, no surrogates, nothing past
// U+10FFFF), which RFC 6455 demands of text messages and close reasons.
#pragma once

#include <string_view>

namespace crix::streaming {

bool isValidUtf8(std::string_view bytes);

}  // namespace crix::streaming
