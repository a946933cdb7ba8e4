// Content descriptors and platforms as they appear in OCI indexes/manifests
// and their Docker equivalents.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "storage/digest/Digest.h"

namespace crix::registry {

struct Platform {
  std::string os = {};
  std::string architecture = {};
  std::string variant = {};
  std::string osVersion = {};
  std::vector<std::string> osFeatures = {};

  // "linux/arm64/v8", or "linux/amd64" without a variant.
  std::string str() const {
    std::string out = os + "/" + architecture;
    if (!variant.empty()) out += "/" + variant;
    return out;
  }
};

struct Descriptor {
  std::string mediaType;
  digest::Digest digest;
  std::int64_t size = 0;
  // Alternative download locations (foreign / non-distributable layers).
  std::vector<std::string> urls = {};
  std::map<std::string, std::string> annotations = {};
  std::optional<Platform> platform = std::nullopt;
};

}  // namespace crix::registry
