#include "storage/registry/ManifestParser.h"

#include <algorithm>
#include <cctype>

#include "core/Error.h"
#include "storage/registry/JsonFields.h"
#include "storage/registry/MediaTypes.h"

namespace crix::registry {

using digest::Digest;

namespace jf = jsonfields;

namespace {

std::string normalizeContentType(std::string_view contentType) {
  contentType = contentType.substr(0, contentType.find(';'));
  while (!contentType.empty() && std::isspace(static_cast<unsigned char>(contentType.front()))) contentType.remove_prefix(1);
  while (!contentType.empty() && std::isspace(static_cast<unsigned char>(contentType.back()))) contentType.remove_suffix(1);
  std::string out(contentType);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::tolower(c); });
  return out;
}

Error schema1Refused() {
  return Error::failedPrecondition(
      "schema 1 manifests are not supported (deprecated Docker image format); "
      "push the image again with a current tool to get an OCI or Docker schema 2 manifest");
}

bool isKnownManifestType(std::string_view type) { return mediatype::isIndex(type) || mediatype::isImageManifest(type); }

Platform parsePlatform(const nlohmann::json& object, const std::string& what) {
  Platform p;
  p.architecture = jf::requiredString(object, "architecture", what);
  p.os = jf::requiredString(object, "os", what);
  p.variant = jf::optionalString(object, "variant", what);
  p.osVersion = jf::optionalString(object, "os.version", what);
  p.osFeatures = jf::optionalStringArray(object, "os.features", what);
  return p;
}

Descriptor parseDescriptor(const nlohmann::json& object, const std::string& what) {
  if (!object.is_object()) throw Error::invalidArgument(what + " must be a JSON object");
  std::string digestText = jf::requiredString(object, "digest", what);
  Digest digest = [&] {
    try {
      return Digest::parse(digestText);
    } catch (const Error& e) {
      throw Error::invalidArgument(what + ": " + e.what());
    }
  }();
  Descriptor d{.mediaType = jf::requiredString(object, "mediaType", what),
               .digest = std::move(digest),
               .size = jf::requiredSize(object, "size", what),
               .urls = jf::optionalStringArray(object, "urls", what),
               .annotations = jf::optionalStringMap(object, "annotations", what),
               .platform = std::nullopt};
  if (const auto* platform = jf::find(object, "platform")) {
    if (!platform->is_object()) throw Error::invalidArgument(what + ": field \"platform\" must be an object");
    d.platform = parsePlatform(*platform, what + " platform");
  }
  return d;
}

// Shared checks for both document kinds: schema version and the declared
// mediaType agreeing with what the registry said it sent.
nlohmann::json parseDocument(std::string_view body, std::string_view mediaType, const std::string& what) {
  nlohmann::json doc = jf::parseObject(body, kMaxManifestBytes, what);
  const auto* version = jf::find(doc, "schemaVersion");
  if (version && version->is_number_integer() && version->get<std::int64_t>() == 1) throw schema1Refused();
  if (!version || !version->is_number_integer() || version->get<std::int64_t>() != 2) {
    throw Error::invalidArgument(what + ": schemaVersion must be 2");
  }
  const std::string declared = jf::optionalString(doc, "mediaType", what);
  if (!declared.empty() && declared != mediaType) {
    throw Error::invalidArgument(what + " declares mediaType " + declared + " but was served as " +
                                 std::string(mediaType));
  }
  // Docker's formats require the field; OCI made it required in practice
  // after documents that parse as both index and manifest were found.
  if (declared.empty() && (mediaType == mediatype::kDockerManifest || mediaType == mediatype::kDockerManifestList)) {
    throw Error::invalidArgument(what + ": field \"mediaType\" is missing");
  }
  return doc;
}

ImageLayer toLayer(Descriptor descriptor, const std::string& what) {
  namespace mt = mediatype;
  const std::string type = descriptor.mediaType;
  ImageLayer layer{.descriptor = std::move(descriptor)};
  if (type == mt::kOciLayer || type == mt::kDockerLayer) {
    layer.compression = LayerCompression::None;
  } else if (type == mt::kOciLayerGzip || type == mt::kDockerLayerGzip) {
    layer.compression = LayerCompression::Gzip;
  } else if (type == mt::kOciLayerZstd) {
    layer.compression = LayerCompression::Zstd;
  } else if (type == mt::kOciNonDistributableLayer) {
    layer.nonDistributable = true;
  } else if (type == mt::kOciNonDistributableLayerGzip || type == mt::kDockerForeignLayerGzip) {
    layer.compression = LayerCompression::Gzip;
    layer.nonDistributable = true;
  } else if (type == mt::kOciNonDistributableLayerZstd) {
    layer.compression = LayerCompression::Zstd;
    layer.nonDistributable = true;
  } else if (type.ends_with("+encrypted")) {
    throw Error::unimplemented(what + ": encrypted layers (" + type + ") are not supported");
  } else {
    throw Error::failedPrecondition(what + ": media type \"" + type +
                                    "\" is not a container filesystem layer; this is not a runnable image");
  }
  return layer;
}

}  // namespace

std::string_view layerCompressionName(LayerCompression compression) {
  switch (compression) {
    case LayerCompression::None: return "none";
    case LayerCompression::Gzip: return "gzip";
    case LayerCompression::Zstd: return "zstd";
  }
  return "none";
}

std::string detectManifestMediaType(std::string_view contentType, std::string_view body) {
  const std::string type = normalizeContentType(contentType);
  if (mediatype::isSchema1(type)) throw schema1Refused();
  if (isKnownManifestType(type)) return type;
  // Some registries serve manifests as plain JSON; the document then decides.
  const bool generic = type.empty() || type == "application/json" || type == "text/plain" ||
                       type == "application/octet-stream" || type == "binary/octet-stream";
  if (!generic) throw Error::failedPrecondition("unsupported manifest media type \"" + type + "\"");
  const nlohmann::json doc = jf::parseObject(body, kMaxManifestBytes, "manifest");
  const auto* version = jf::find(doc, "schemaVersion");
  if (version && version->is_number_integer() && version->get<std::int64_t>() == 1) throw schema1Refused();
  const std::string declared = jf::optionalString(doc, "mediaType", "manifest");
  if (mediatype::isSchema1(declared)) throw schema1Refused();
  if (isKnownManifestType(declared)) return declared;
  if (!declared.empty()) throw Error::failedPrecondition("unsupported manifest media type \"" + declared + "\"");
  const bool hasManifests = doc.contains("manifests");
  const bool hasImageFields = doc.contains("config") || doc.contains("layers");
  if (hasManifests && !hasImageFields) return std::string(mediatype::kOciIndex);
  if (hasImageFields && !hasManifests) return std::string(mediatype::kOciManifest);
  throw Error::invalidArgument("cannot tell whether the manifest is an index or an image manifest");
}

ImageIndex parseImageIndex(std::string_view body, std::string_view mediaType) {
  if (!mediatype::isIndex(mediaType)) {
    throw Error::invalidArgument("media type " + std::string(mediaType) + " is not an image index");
  }
  const std::string what = "image index";
  const nlohmann::json doc = parseDocument(body, mediaType, what);
  if (doc.contains("config") || doc.contains("layers")) {
    throw Error::invalidArgument(what + " must not contain \"config\" or \"layers\"");
  }
  const auto* manifests = jf::find(doc, "manifests");
  if (!manifests || !manifests->is_array()) throw Error::invalidArgument(what + ": field \"manifests\" must be an array");
  ImageIndex index{.mediaType = std::string(mediaType), .manifests = {}, .annotations = jf::optionalStringMap(doc, "annotations", what)};
  index.manifests.reserve(manifests->size());
  for (std::size_t i = 0; i < manifests->size(); ++i) {
    index.manifests.push_back(parseDescriptor((*manifests)[i], what + " manifests[" + std::to_string(i) + "]"));
  }
  return index;
}

ImageManifest parseImageManifest(std::string_view body, std::string_view mediaType) {
  if (!mediatype::isImageManifest(mediaType)) {
    throw Error::invalidArgument("media type " + std::string(mediaType) + " is not an image manifest");
  }
  const std::string what = "image manifest";
  const nlohmann::json doc = parseDocument(body, mediaType, what);
  if (doc.contains("manifests")) throw Error::invalidArgument(what + " must not contain \"manifests\"");
  const auto* config = jf::find(doc, "config");
  if (!config) throw Error::invalidArgument(what + ": field \"config\" is missing");
  ImageManifest manifest{.mediaType = std::string(mediaType),
                         .config = parseDescriptor(*config, what + " config"),
                         .layers = {},
                         .annotations = jf::optionalStringMap(doc, "annotations", what)};
  if (!mediatype::isImageConfig(manifest.config.mediaType)) {
    throw Error::failedPrecondition("not a container image: config media type is \"" + manifest.config.mediaType +
                                    "\" (an artifact, not something that can run)");
  }
  const auto* layers = jf::find(doc, "layers");
  if (!layers || !layers->is_array()) throw Error::invalidArgument(what + ": field \"layers\" must be an array");
  manifest.layers.reserve(layers->size());
  for (std::size_t i = 0; i < layers->size(); ++i) {
    const std::string layerWhat = what + " layers[" + std::to_string(i) + "]";
    manifest.layers.push_back(toLayer(parseDescriptor((*layers)[i], layerWhat), layerWhat));
  }
  return manifest;
}

ParsedManifest parseManifest(std::string_view body, std::string_view mediaType) {
  if (mediatype::isIndex(mediaType)) return parseImageIndex(body, mediaType);
  if (mediatype::isImageManifest(mediaType)) return parseImageManifest(body, mediaType);
  if (mediatype::isSchema1(mediaType)) throw schema1Refused();
  throw Error::failedPrecondition("unsupported manifest media type \"" + std::string(mediaType) + "\"");
}

}  // namespace crix::registry
