// Parses image indexes (OCI index, Docker manifest list) and image manifests
// (OCI manifest, Docker schema 2). Everything here is untrusted registry
// input: sizes are capped, digests validated strictly (they become file
// names), and documents that could be read as two kinds are rejected.
#pragma once

#include <cstddef>
#include <map>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "storage/registry/Descriptor.h"

namespace crix::registry {

// Manifests larger than this are refused (containers/image uses the same).
inline constexpr std::size_t kMaxManifestBytes = 4 * 1024 * 1024;

enum class LayerCompression { None, Gzip, Zstd };

std::string_view layerCompressionName(LayerCompression compression);

struct ImageLayer {
  Descriptor descriptor;
  // Declared by the media type; layer unpacking should still sniff the bytes.
  LayerCompression compression = LayerCompression::None;
  // Docker "foreign" / OCI "non-distributable" layers: descriptor.urls may
  // name other download locations.
  bool nonDistributable = false;
};

struct ImageIndex {
  std::string mediaType;
  std::vector<Descriptor> manifests;
  std::map<std::string, std::string> annotations;
};

struct ImageManifest {
  std::string mediaType;
  Descriptor config;
  std::vector<ImageLayer> layers;  // base layer first
  std::map<std::string, std::string> annotations;
};

using ParsedManifest = std::variant<ImageIndex, ImageManifest>;

// Decides the media type of a fetched manifest from the Content-Type header
// and the document itself. Schema 1 is refused with FailedPrecondition;
// unknown kinds (artifacts) too.
std::string detectManifestMediaType(std::string_view contentType, std::string_view body);

ImageIndex parseImageIndex(std::string_view body, std::string_view mediaType);
ImageManifest parseImageManifest(std::string_view body, std::string_view mediaType);
ParsedManifest parseManifest(std::string_view body, std::string_view mediaType);

}  // namespace crix::registry
