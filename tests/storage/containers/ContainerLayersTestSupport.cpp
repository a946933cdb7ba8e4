#include "ContainerLayersTestSupport.h"

#include <sys/mount.h>
#include <sys/stat.h>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <sstream>

#include "storage/layer/ByteSource.h"
#include "storage/layer/LayerUnpacker.h"

namespace crix::storage::test {

bool isMountedAt(const std::string& path) {
  const auto mounts = mountsBelow(path);
  return std::find(mounts.begin(), mounts.end(), path) != mounts.end();
}

MountSweeper::~MountSweeper() {
  auto mounts = mountsBelow(prefix_);
  std::reverse(mounts.begin(), mounts.end());
  for (const auto& path : mounts) {
    std::fprintf(stderr, "test cleanup: detaching leftover mount %s\n", path.c_str());
    ::umount2(path.c_str(), MNT_DETACH);
  }
}

std::string fakeChainId(int n) {
  char hex[17];
  std::snprintf(hex, sizeof hex, "%016x", n);
  return "sha256:" + std::string(48, 'c') + hex;
}

void addLayer(LayerStore& store, const std::string& chainId, const crix::layer::test::TarBuilder& layer) {
  const std::string blob = layer.build();
  crix::layer::MemoryByteSource source(crix::layer::test::bytes(blob));
  auto unpacked = crix::layer::LayerUnpacker().unpack(source, store.dir());
  store.commit(std::move(unpacked.staged), {chainId, chainId, "", chainId, unpacked.stats.uncompressedSize});
}

std::string readText(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

bool exists(const std::string& path) {
  struct stat st {};
  return ::lstat(path.c_str(), &st) == 0;
}

}  // namespace crix::storage::test
