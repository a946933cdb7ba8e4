// The OCI image configuration (also Docker's "container image v1" JSON): what
// the runtime spec builder needs to start a container from an image.
#pragma once

#include <cstddef>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "storage/digest/Digest.h"

namespace crix::registry {

inline constexpr std::size_t kMaxImageConfigBytes = 4 * 1024 * 1024;

struct ImageHistoryEntry {
  std::string created;
  std::string createdBy;
  std::string author;
  std::string comment;
  bool emptyLayer = false;
};

// The "config" object: defaults for containers run from the image.
struct ImageRuntimeConfig {
  std::string user;
  std::vector<std::string> env;  // "KEY=value"
  std::vector<std::string> entrypoint;
  std::vector<std::string> cmd;
  std::string workingDir;
  std::map<std::string, std::string> labels;
  std::string stopSignal;
  std::vector<std::string> exposedPorts;  // "80/tcp"
  std::vector<std::string> volumes;       // "/data"
};

struct ImageConfig {
  std::string architecture;
  std::string os;
  std::string variant;
  std::string osVersion;
  std::string created;
  std::string author;
  ImageRuntimeConfig config;
  // Digests of the uncompressed layers, base first.
  std::vector<digest::Digest> diffIds;
  std::vector<ImageHistoryEntry> history;
};

// Throws InvalidArgument for malformed or oversized documents.
ImageConfig parseImageConfig(std::string_view json);

}  // namespace crix::registry
