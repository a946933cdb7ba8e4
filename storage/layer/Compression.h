// Which compression a layer blob uses. The blob's own first bytes decide, as
// Docker and containers/image do: registries and old manifests mislabel media
// types often enough that trusting the label would break real pulls, and the
// digest check protects integrity either way.
#pragma once

#include <cstddef>
#include <span>
#include <string_view>

namespace crix::layer {

enum class Compression { Auto, None, Gzip, Zstd };

std::string_view compressionName(Compression compression);

// What an OCI or Docker layer media type declares; Auto when it names no
// compression we recognise.
Compression compressionFromMediaType(std::string_view mediaType);

// What the magic bytes at the start of a blob say: Gzip, Zstd, or None for
// anything else (a plain tar starts with an entry name). Throws Unimplemented
// for compressions we recognise but do not unpack (xz, bzip2) so that the
// error names the cause rather than a tar parse failure.
Compression detectCompression(std::span<const std::byte> head);

// How many leading bytes detectCompression wants to see.
inline constexpr size_t kCompressionMagicBytes = 6;

}  // namespace crix::layer
