// A layer directory under construction, created beside its final place as
// "<parent>/.tmp-XXXXXX" so that the final rename stays on one filesystem.
// Nothing is visible under the final name until commit(); a StagedLayer
// destroyed without commit removes its whole tree, so a failed or abandoned
// unpack leaves nothing behind.
#pragma once

#include <string>

#include "core/UniqueFd.h"

namespace crix::layer {

class StagedLayer {
 public:
  // Creates the staging directory inside `parentDir` (which must exist). Its
  // mode is 0755: an overlay layer's root becomes the container's "/", and a
  // layer without a "./" entry must not leave it 0700.
  static StagedLayer create(const std::string& parentDir);

  StagedLayer(StagedLayer&& other) noexcept;
  StagedLayer& operator=(StagedLayer&& other) noexcept;
  StagedLayer(const StagedLayer&) = delete;
  StagedLayer& operator=(const StagedLayer&) = delete;
  ~StagedLayer();

  const std::string& path() const { return path_; }
  // A fresh O_DIRECTORY fd of the staging directory.
  UniqueFd openDir() const;

  // Flushes the layer's filesystem (syncfs) and renames the directory to
  // `finalPath`, which must be in the same parent directory's filesystem and
  // must not exist (AlreadyExists otherwise). Afterwards this object no
  // longer owns anything.
  void commit(const std::string& finalPath);

  // Removes the tree now rather than at destruction; errors are thrown here.
  void discard();

 private:
  explicit StagedLayer(std::string path) : path_(std::move(path)) {}

  std::string path_;  // empty once committed or discarded
};

}  // namespace crix::layer
