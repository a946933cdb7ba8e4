#include "storage/LayerStore.h"

#include <nlohmann/json.hpp>

#include <filesystem>

#include "core/AtomicFile.h"
#include "core/Directories.h"
#include "core/Error.h"
#include "core/Log.h"
#include "storage/digest/DigestHasher.h"
#include "storage/layer/TreeRemover.h"

namespace crix::storage {
namespace fs = std::filesystem;

namespace {

// "sha256:<hex>" -> "<hex>"; chain IDs are ours (computed from verified
// digests), but the check keeps a bad one from ever naming a path.
std::string hexOf(const std::string& digest) {
  constexpr std::string_view prefix = "sha256:";
  if (digest.size() != prefix.size() + 64 || digest.compare(0, prefix.size(), prefix) != 0 ||
      digest.find_first_not_of("0123456789abcdef", prefix.size()) != std::string::npos)
    throw Error::invalidArgument("not a sha256 digest: \"" + digest + "\"");
  return digest.substr(prefix.size());
}

nlohmann::json toJson(const LayerRecord& r) {
  return {{"chain_id", r.chainId}, {"diff_id", r.diffId}, {"parent", r.parentChainId},
          {"blob_digest", r.blobDigest}, {"size", r.size}};
}

LayerRecord fromJson(const nlohmann::json& j) {
  return {j.at("chain_id"), j.at("diff_id"), j.value("parent", ""), j.value("blob_digest", ""),
          j.value("size", uint64_t{0})};
}

}  // namespace

std::vector<std::string> chainIds(const std::vector<std::string>& diffIds) {
  std::vector<std::string> out;
  for (const auto& diffId : diffIds) {
    if (out.empty()) out.push_back(diffId);
    else out.push_back(digest::DigestHasher::digestOf(digest::DigestAlgorithm::Sha256, out.back() + " " + diffId).str());
  }
  return out;
}

LayerStore::LayerStore(std::string dir) : dir_(std::move(dir)) {
  makeDirectories(dir_);
  recover();
}

void LayerStore::recover() {
  const std::vector<fs::directory_entry> entries{fs::directory_iterator(dir_), fs::directory_iterator()};
  for (const auto& entry : entries) {
    const std::string name = entry.path().filename();
    const bool staging = name.rfind(".tmp-", 0) == 0;
    const bool orphanTree = entry.is_directory() && !staging && !fs::exists(entry.path().string() + ".json");
    if (staging || orphanTree) {
      log::info("layer store: removing leftover ", entry.path().string());
      layer::removeTree(entry.path());
    } else if (name.ends_with(".json") && !fs::exists(dir_ + "/" + name.substr(0, name.size() - 5))) {
      log::warn("layer store: record without a tree, removing ", entry.path().string());
      fs::remove(entry.path());
    } else if (name.ends_with(".json")) {
      moveAsideIfUnreadable(entry.path());
    }
  }
}

// A record that cannot be read would fail every image that uses the layer,
// and every listing of the store. It is kept (renamed out of the store's
// sight, for a person to look at) and its tree is removed: the layer is pulled
// again when an image needs it.
void LayerStore::moveAsideIfUnreadable(const fs::path& record) {
  try {
    (void)fromJson(nlohmann::json::parse(readWholeFile(record)));
    return;
  } catch (const std::exception& e) {
    const std::string aside = record.string() + ".damaged";
    std::error_code ec;
    fs::rename(record, aside, ec);
    if (ec) {
      log::error("layer store: cannot move aside the unreadable record ", record.string(), ": ", ec.message());
      return;
    }
    log::error("layer store: moved aside the unreadable record ", record.string(), " to ", aside, " (", e.what(),
               "); the layer is pulled again when needed");
  }
  std::string tree = record.string();
  tree.resize(tree.size() - 5);
  layer::removeTree(tree);
}

std::string LayerStore::recordPath(const std::string& chainId) const {
  return dir_ + "/" + hexOf(chainId) + ".json";
}

std::string LayerStore::treePath(const std::string& chainId) const { return dir_ + "/" + hexOf(chainId); }

bool LayerStore::has(const std::string& chainId) const { return fs::exists(recordPath(chainId)); }

std::optional<LayerRecord> LayerStore::get(const std::string& chainId) const {
  try {
    return fromJson(nlohmann::json::parse(readWholeFile(recordPath(chainId))));
  } catch (const Error& e) {
    if (e.code() == StatusCode::NotFound) return std::nullopt;
    throw;
  }
}

std::vector<LayerRecord> LayerStore::list() const {
  std::vector<LayerRecord> out;
  for (const auto& entry : fs::directory_iterator(dir_)) {
    const std::string name = entry.path().filename();
    if (name.ends_with(".json") && name.rfind(".tmp-", 0) != 0 && name.find(".tmp-") == std::string::npos)
      out.push_back(fromJson(nlohmann::json::parse(readWholeFile(entry.path()))));
  }
  return out;
}

void LayerStore::commit(layer::StagedLayer staged, const LayerRecord& record) {
  std::lock_guard lock(mutex_);
  if (has(record.chainId)) {
    staged.discard();
    return;
  }
  const std::string tree = treePath(record.chainId);
  if (fs::exists(tree)) layer::removeTree(tree);  // an orphan from a crash
  staged.commit(tree);
  writeFileAtomically(recordPath(record.chainId), toJson(record).dump());
}

std::optional<std::string> LayerStore::detach(const std::string& chainId) {
  std::lock_guard lock(mutex_);
  // Record first: a crash halfway leaves an orphan tree, which recover() removes.
  std::error_code ec;
  fs::remove(recordPath(chainId), ec);
  if (ec) throw Error::internal("removing layer record " + recordPath(chainId) + ": " + ec.message());
  const std::string tree = treePath(chainId);
  if (!fs::exists(fs::symlink_status(tree))) return std::nullopt;
  // A name recover() treats as an orphan tree (no record beside it), so a
  // crash during the deletion is finished at the next start.
  return layer::moveAside(tree, dir_ + "/.removing-" + hexOf(chainId) + "-");
}

void LayerStore::remove(const std::string& chainId) {
  if (auto tree = detach(chainId)) layer::removeTree(*tree);
}

}  // namespace crix::storage
