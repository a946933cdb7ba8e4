// What crix knows of one stored image. The ID is the digest of the image's
// config, as in Docker, containerd and CRI-O.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

namespace crix::storage {

struct ImageRecord {
  std::string id;                        // "sha256:<config digest hex>"
  std::vector<std::string> repoTags;     // "docker.io/library/busybox:1.36"
  std::vector<std::string> repoDigests;  // "docker.io/library/busybox@sha256:<manifest>"
  std::vector<std::string> layers;       // chain IDs, base first
  std::string manifestDigest;
  uint64_t size = 0;                     // bytes of the unpacked layers
  std::string user;                      // the config's User, as written
  bool pinned = false;
  int64_t pulledAtNanos = 0;
};

nlohmann::json toJson(const ImageRecord& record);
ImageRecord imageRecordFromJson(const nlohmann::json& json);

}  // namespace crix::storage
