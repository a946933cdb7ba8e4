// Image metadata on disk, one directory per image ID:
//   <dir>/<id hex>/image.json      the ImageRecord (names, layers, size…)
//   <dir>/<id hex>/config.json     the image config, byte for byte
//   <dir>/<id hex>/manifest.json   the manifest it was pulled with
// An image directory is built under a temporary name and renamed into place
// whole, so after a crash an image is either complete or absent. Records are
// kept in memory too; every change is written through atomically.
#pragma once

#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "storage/ImageRecord.h"

namespace crix::storage {

class ImageStore {
 public:
  explicit ImageStore(std::string dir);

  std::vector<ImageRecord> list() const;
  std::optional<ImageRecord> byId(const std::string& id) const;
  // By "sha256:<hex>" or "<hex>" ID, an unambiguous ID prefix (at least 3
  // hex digits), a repo tag or a repo digest, all as stored (normalized).
  std::optional<ImageRecord> find(const std::string& key) const;
  std::string configJson(const std::string& id) const;

  // Stores a pulled image, or adds the names to the image already stored
  // under that ID. Each tag in `record.repoTags` moves to this image: an image
  // that held it before keeps its other names, or stays untagged.
  ImageRecord add(const ImageRecord& record, const std::string& configJson, const std::string& manifestJson);
  // Removes the record and returns it; nothing when absent.
  std::optional<ImageRecord> remove(const std::string& id);
  void setPinned(const std::string& id, bool pinned);
  void untag(const std::string& id, const std::string& tag);

 private:
  std::string imageDir(const std::string& id) const;
  void writeRecord(const ImageRecord& record) const;
  void load();

  std::string dir_;
  mutable std::mutex mutex_;
  std::map<std::string, ImageRecord> images_;  // by ID
};

}  // namespace crix::storage
