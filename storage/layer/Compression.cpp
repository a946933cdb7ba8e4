#include "storage/layer/Compression.h"

#include <algorithm>

#include "core/Error.h"

namespace crix::layer {

namespace {

bool startsWith(std::span<const std::byte> head, std::initializer_list<unsigned char> magic) {
  if (head.size() < magic.size()) return false;
  return std::equal(magic.begin(), magic.end(), head.begin(),
                    [](unsigned char m, std::byte b) { return std::byte{m} == b; });
}

bool endsWith(std::string_view text, std::string_view suffix) {
  return text.size() >= suffix.size() && text.substr(text.size() - suffix.size()) == suffix;
}

}  // namespace

std::string_view compressionName(Compression compression) {
  switch (compression) {
    case Compression::Auto: return "auto";
    case Compression::None: return "none";
    case Compression::Gzip: return "gzip";
    case Compression::Zstd: return "zstd";
  }
  return "unknown";
}

Compression compressionFromMediaType(std::string_view mediaType) {
  // OCI: application/vnd.oci.image.layer[.nondistributable].v1.tar[+gzip|+zstd]
  // Docker: application/vnd.docker.image.rootfs[.foreign].diff.tar.gzip
  if (endsWith(mediaType, "+gzip") || endsWith(mediaType, ".tar.gzip")) return Compression::Gzip;
  if (endsWith(mediaType, "+zstd")) return Compression::Zstd;
  if (endsWith(mediaType, ".tar")) return Compression::None;
  return Compression::Auto;
}

Compression detectCompression(std::span<const std::byte> head) {
  if (startsWith(head, {0x1f, 0x8b})) return Compression::Gzip;
  if (startsWith(head, {0x28, 0xb5, 0x2f, 0xfd})) return Compression::Zstd;
  if (startsWith(head, {0xfd, '7', 'z', 'X', 'Z', 0x00}))
    throw Error::unimplemented(
        "layer is xz-compressed; only gzip, zstd and uncompressed layers are supported");
  // "BZh", a block-size digit, then the first block's magic: strict enough
  // that a plain tar whose first name starts with "BZh" is not mistaken.
  if (startsWith(head, {'B', 'Z', 'h'}) && head.size() >= 6 && head[3] >= std::byte{'1'} &&
      head[3] <= std::byte{'9'} && head[4] == std::byte{0x31} && head[5] == std::byte{0x41})
    throw Error::unimplemented(
        "layer is bzip2-compressed; only gzip, zstd and uncompressed layers are supported");
  return Compression::None;
}

}  // namespace crix::layer
