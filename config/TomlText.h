// Spelling values and keys as TOML text, shared by the writer (which must
// produce a file the loader reads back) and by messages that name keys.
// Internal to the config library.
#pragma once

#include <string>
#include <string_view>

#include "config/Config.h"

namespace crix::config::toml_text {

// A TOML basic string, quotes included.
std::string quote(std::string_view s);
// The key bare when TOML allows it, else quoted.
std::string key(std::string_view k);
// "crio.runtime" + "runtimes" -> "crio.runtime.runtimes"; quotes as key() does.
std::string join(std::string_view path, std::string_view k);

// One-line TOML spellings, used for output and for "old -> new" lines.
std::string inlineValue(const std::string& v);
std::string inlineValue(bool v);
std::string inlineValue(std::int64_t v);
std::string inlineValue(const StringList& v);
std::string inlineValue(const StringMap& v);
std::string inlineValue(Duration v);
std::string inlineValue(ByteSize v);

}  // namespace crix::config::toml_text
