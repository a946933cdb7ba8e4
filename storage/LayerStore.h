// Unpacked layers, one directory per chain ID, shared by every image that
// has the layer. A layer exists once its record file exists: the directory is
// renamed into place first, the record written last, so a crash in between
// leaves an orphan directory that open() removes, never a record without its
// tree.
//
//   <dir>/<chain-id hex>/        the layer's tree (an overlay lower dir)
//   <dir>/<chain-id hex>.json    its record
//   <dir>/.tmp-*                 unpacks in progress (removed at open)
//   <dir>/.removing-*            trees of removed layers being deleted (ditto)
#pragma once

#include <cstdint>
#include <filesystem>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "storage/layer/StagedLayer.h"

namespace crix::storage {

struct LayerRecord {
  std::string chainId;        // "sha256:…"
  std::string diffId;         // digest of the uncompressed tar
  std::string parentChainId;  // empty for a base layer
  std::string blobDigest;     // the compressed blob it came from
  uint64_t size = 0;          // uncompressed bytes
};

class LayerStore {
 public:
  // Creates `dir` if needed and clears what a crash left half done.
  explicit LayerStore(std::string dir);

  const std::string& dir() const { return dir_; }
  bool has(const std::string& chainId) const;
  std::optional<LayerRecord> get(const std::string& chainId) const;
  // The layer's tree, for overlay's lowerdir.
  std::string treePath(const std::string& chainId) const;
  std::vector<LayerRecord> list() const;

  // Moves a finished unpack into the store. A layer that appeared meanwhile
  // (another pull won the race) is kept and `staged` discarded.
  void commit(layer::StagedLayer staged, const LayerRecord& record);
  // Takes the layer out of the store in two quick steps (record removed,
  // tree renamed aside) and returns the renamed tree, for the caller to
  // delete once it holds no lock: deleting a big tree takes seconds. Nothing
  // when the layer is absent.
  std::optional<std::string> detach(const std::string& chainId);
  // detach() and the deletion; a missing layer is not an error.
  void remove(const std::string& chainId);

 private:
  std::string recordPath(const std::string& chainId) const;
  void recover();
  void moveAsideIfUnreadable(const std::filesystem::path& record);

  std::string dir_;
  mutable std::mutex mutex_;
};

// chainID(L0) = diffID(L0); chainID(Ln) = sha256(chainID(Ln-1) + " " + diffID(Ln))
std::vector<std::string> chainIds(const std::vector<std::string>& diffIds);

}  // namespace crix::storage
