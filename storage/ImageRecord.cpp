#include "storage/ImageRecord.h"

#include <nlohmann/json.hpp>

namespace crix::storage {

nlohmann::json toJson(const ImageRecord& r) {
  return {{"id", r.id},
          {"repo_tags", r.repoTags},
          {"repo_digests", r.repoDigests},
          {"layers", r.layers},
          {"manifest_digest", r.manifestDigest},
          {"size", r.size},
          {"user", r.user},
          {"pinned", r.pinned},
          {"pulled_at", r.pulledAtNanos}};
}

ImageRecord imageRecordFromJson(const nlohmann::json& j) {
  ImageRecord r;
  r.id = j.at("id");
  r.repoTags = j.value("repo_tags", std::vector<std::string>{});
  r.repoDigests = j.value("repo_digests", std::vector<std::string>{});
  r.layers = j.value("layers", std::vector<std::string>{});
  r.manifestDigest = j.value("manifest_digest", "");
  r.size = j.value("size", uint64_t{0});
  r.user = j.value("user", "");
  r.pinned = j.value("pinned", false);
  r.pulledAtNanos = j.value("pulled_at", int64_t{0});
  return r;
}

}  // namespace crix::storage
