// A world for ContainerLayers tests: a temp dir with a layer store filled
// from in-memory tars, and a guard that takes every mount below the temp dir
// down again even when a test fails, before the temp dir is deleted.
#pragma once

#include <string>
#include <vector>

#include "storage/LayerStore.h"
#include "tests/support/MountTable.h"
#include "tests/support/TempDir.h"
#include "tests/storage/layer/LayerTestSupport.h"

namespace crix::storage::test {

using crix::test::mountsBelow;
bool isMountedAt(const std::string& path);

// Detaches every mount below its prefix when destroyed, newest first.
class MountSweeper {
 public:
  explicit MountSweeper(std::string prefix) : prefix_(std::move(prefix)) {}
  ~MountSweeper();
  MountSweeper(const MountSweeper&) = delete;
  MountSweeper& operator=(const MountSweeper&) = delete;

 private:
  std::string prefix_;
};

// "sha256:" + 64 hex digits derived from n, a valid chain ID.
std::string fakeChainId(int n);

// Unpacks `layer` and commits it to `store` as chain ID `chainId`.
void addLayer(LayerStore& store, const std::string& chainId, const crix::layer::test::TarBuilder& layer);

std::string readText(const std::string& path);  // "" when absent
bool exists(const std::string& path);

}  // namespace crix::storage::test
