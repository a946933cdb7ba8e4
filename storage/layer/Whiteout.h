// OCI whiteouts, and how they become overlayfs's own form. In the tar a
// deletion is an empty file ".wh.NAME" next to the deleted NAME, and
// ".wh..wh..opq" in a directory hides everything the lower layers had in
// it. overlayfs instead wants a 0/0 character device at NAME and the xattr
// trusted.overlay.opaque="y" on the directory.
#pragma once

#include <string>
#include <string_view>

namespace crix::layer {

inline constexpr std::string_view kWhiteoutPrefix = ".wh.";
inline constexpr std::string_view kOpaqueWhiteout = ".wh..wh..opq";
// ".wh..wh.*" names other than the opaque marker are aufs bookkeeping
// (".wh..wh.plnk", ".wh..wh.aufs") that images built on aufs carry; they
// describe nothing to unpack.
inline constexpr std::string_view kWhiteoutMetaPrefix = ".wh..wh.";
inline constexpr const char* kOverlayOpaqueXattr = "trusted.overlay.opaque";

struct Whiteout {
  enum class Kind { None, Hide, Opaque, AufsMetadata };
  Kind kind = Kind::None;
  std::string hidden;  // Hide: the name being deleted
};

// Classifies the last component of an entry's path.
inline Whiteout classifyWhiteout(std::string_view base) {
  if (base.substr(0, kWhiteoutPrefix.size()) != kWhiteoutPrefix) return {};
  if (base == kOpaqueWhiteout) return {Whiteout::Kind::Opaque, {}};
  if (base.substr(0, kWhiteoutMetaPrefix.size()) == kWhiteoutMetaPrefix)
    return {Whiteout::Kind::AufsMetadata, {}};
  return {Whiteout::Kind::Hide, std::string(base.substr(kWhiteoutPrefix.size()))};
}

// True for paths below an aufs metadata directory such as ".wh..wh.plnk/":
// their contents are aufs's hardlink bookkeeping, not image files.
inline bool isInsideAufsMetadata(std::string_view cleanPath) {
  const auto slash = cleanPath.find('/');
  if (slash == std::string_view::npos) return false;
  return classifyWhiteout(cleanPath.substr(0, slash)).kind == Whiteout::Kind::AufsMetadata;
}

}  // namespace crix::layer
