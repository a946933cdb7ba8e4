#include "storage/ImageStore.h"

#include <stdlib.h>

#include <algorithm>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "core/AtomicFile.h"
#include "core/Directories.h"
#include "core/Error.h"
#include "core/Log.h"
#include "storage/layer/TreeRemover.h"

namespace crix::storage {
namespace fs = std::filesystem;

namespace {

constexpr std::string_view kSha256 = "sha256:";

bool isHex(std::string_view s) { return !s.empty() && s.find_first_not_of("0123456789abcdef") == std::string_view::npos; }

std::string hexOfId(const std::string& id) {
  if (id.size() != kSha256.size() + 64 || id.compare(0, kSha256.size(), kSha256) != 0 ||
      !isHex(std::string_view(id).substr(kSha256.size())))
    throw Error::invalidArgument("not an image ID: \"" + id + "\"");
  return id.substr(kSha256.size());
}

void appendUnique(std::vector<std::string>& to, const std::vector<std::string>& from) {
  for (const auto& s : from)
    if (std::find(to.begin(), to.end(), s) == to.end()) to.push_back(s);
}

}  // namespace

ImageStore::ImageStore(std::string dir) : dir_(std::move(dir)) {
  makeDirectories(dir_);
  load();
}

void ImageStore::load() {
  for (const auto& entry : fs::directory_iterator(dir_)) {
    const std::string name = entry.path().filename();
    if (name.rfind(".tmp-", 0) == 0) {
      log::info("image store: removing unfinished image ", entry.path().string());
      layer::removeTree(entry.path());
      continue;
    }
    if (!entry.is_directory()) continue;
    try {
      auto record = imageRecordFromJson(nlohmann::json::parse(readWholeFile(entry.path() / "image.json")));
      images_.emplace(record.id, std::move(record));
    } catch (const std::exception& e) {
      log::error("image store: skipping unreadable image ", entry.path().string(), ": ", e.what());
    }
  }
}

std::string ImageStore::imageDir(const std::string& id) const { return dir_ + "/" + hexOfId(id); }

void ImageStore::writeRecord(const ImageRecord& record) const {
  writeFileAtomically(imageDir(record.id) + "/image.json", toJson(record).dump());
}

std::vector<ImageRecord> ImageStore::list() const {
  std::lock_guard lock(mutex_);
  std::vector<ImageRecord> out;
  for (const auto& [id, r] : images_) out.push_back(r);
  return out;
}

std::optional<ImageRecord> ImageStore::byId(const std::string& id) const {
  std::lock_guard lock(mutex_);
  if (auto it = images_.find(id); it != images_.end()) return it->second;
  return std::nullopt;
}

std::optional<ImageRecord> ImageStore::find(const std::string& key) const {
  std::lock_guard lock(mutex_);
  if (key.empty()) return std::nullopt;
  const std::string_view bare = key.starts_with(kSha256) ? std::string_view(key).substr(kSha256.size()) : key;
  if (isHex(bare) && bare.size() >= 3) {
    const ImageRecord* match = nullptr;
    for (const auto& [id, r] : images_) {
      if (std::string_view(id).substr(kSha256.size()).starts_with(bare)) {
        if (match) throw Error::invalidArgument("image ID prefix \"" + key + "\" is ambiguous");
        match = &r;
      }
    }
    if (match) return *match;
  }
  for (const auto& [id, r] : images_) {
    if (std::find(r.repoTags.begin(), r.repoTags.end(), key) != r.repoTags.end() ||
        std::find(r.repoDigests.begin(), r.repoDigests.end(), key) != r.repoDigests.end())
      return r;
  }
  return std::nullopt;
}

std::string ImageStore::configJson(const std::string& id) const { return readWholeFile(imageDir(id) + "/config.json"); }

ImageRecord ImageStore::add(const ImageRecord& record, const std::string& configJson, const std::string& manifestJson) {
  std::lock_guard lock(mutex_);

  // Tags move: take them away from whichever image holds them now.
  for (auto& [id, other] : images_) {
    if (id == record.id) continue;
    const auto before = other.repoTags.size();
    std::erase_if(other.repoTags, [&](const std::string& t) {
      return std::find(record.repoTags.begin(), record.repoTags.end(), t) != record.repoTags.end();
    });
    if (other.repoTags.size() != before) writeRecord(other);
  }

  if (auto it = images_.find(record.id); it != images_.end()) {
    ImageRecord& existing = it->second;
    appendUnique(existing.repoTags, record.repoTags);
    appendUnique(existing.repoDigests, record.repoDigests);
    existing.pinned = existing.pinned || record.pinned;
    writeRecord(existing);
    return existing;
  }

  const std::string finalDir = imageDir(record.id);
  std::string tmp = dir_ + "/.tmp-XXXXXX";
  if (!::mkdtemp(tmp.data())) throw Error::fromErrno("creating a directory in " + dir_, errno);
  try {
    writeFileAtomically(tmp + "/config.json", configJson);
    writeFileAtomically(tmp + "/manifest.json", manifestJson);
    writeFileAtomically(tmp + "/image.json", toJson(record).dump());
    fs::rename(tmp, finalDir);
    syncDirectory(dir_);
  } catch (...) {
    std::error_code ec;
    fs::remove_all(tmp, ec);
    throw;
  }
  images_.emplace(record.id, record);
  return record;
}

std::optional<ImageRecord> ImageStore::remove(const std::string& id) {
  std::lock_guard lock(mutex_);
  auto it = images_.find(id);
  if (it == images_.end()) return std::nullopt;
  ImageRecord removed = std::move(it->second);
  images_.erase(it);
  // Rename away first so a crash never leaves a half-deleted image visible.
  const std::string dir = imageDir(id);
  std::string doomed = dir_ + "/.tmp-rm-" + hexOfId(id);
  fs::rename(dir, doomed);
  syncDirectory(dir_);
  layer::removeTree(doomed);
  return removed;
}

void ImageStore::setPinned(const std::string& id, bool pinned) {
  std::lock_guard lock(mutex_);
  auto it = images_.find(id);
  if (it == images_.end()) throw Error::notFound("image " + id + " not found");
  if (it->second.pinned == pinned) return;
  it->second.pinned = pinned;
  writeRecord(it->second);
}

void ImageStore::untag(const std::string& id, const std::string& tag) {
  std::lock_guard lock(mutex_);
  auto it = images_.find(id);
  if (it == images_.end()) throw Error::notFound("image " + id + " not found");
  std::erase(it->second.repoTags, tag);
  writeRecord(it->second);
}

}  // namespace crix::storage
