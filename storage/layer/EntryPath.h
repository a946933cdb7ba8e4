// Turns a tar entry name into a clean path relative to the layer root.
//
// Names are read as relative to the layer root whatever they start with, the
// way Docker and containers/storage do (they Clean the name and Join it onto
// the target): "/etc/passwd", "./etc/passwd" and "etc//passwd" all mean
// "etc/passwd". Tar writers emit absolute names for images built from "/",
// so refusing them would break real images, and read relative to the root
// they cannot land anywhere else. ".." is resolved lexically, and a name
// that climbs above the root ("../x", "a/../../x", "/../x") is the attack: it
// is refused rather than clamped, since no honest layer contains one.
#pragma once

#include <string>
#include <string_view>

namespace crix::layer {

// Components joined by single slashes, no "." or ".." left; "" is the root.
// Throws InvalidArgument when the name escapes, is too long or contains a
// NUL, its message starting with `subject` (`layer entry "x"`).
std::string cleanEntryPath(std::string_view name, std::string_view subject);

// "a/b/c" -> {"a/b", "c"}; "c" -> {"", "c"}. The path must be clean, non-empty.
struct SplitPath {
  std::string parent;
  std::string base;
};
SplitPath splitEntryPath(const std::string& cleanPath);

// The text used in error messages: `layer entry "<name>"`.
std::string describeEntry(std::string_view entryName);

}  // namespace crix::layer
