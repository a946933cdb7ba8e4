// The image the pull benchmark pulls: ~276 MB uncompressed in 5 gzip layers
// of mixed files (this host's /usr/bin binaries and shared libraries,
// generated text that compresses like sources and configuration, and
// incompressible random data). Built once with
// contrib/test-images/build-image.py into a cache directory; later runs reuse
// it.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace crix::bench {

struct BenchLayer {
  std::string digest;       // sha256:... of the gzip blob
  uint64_t compressed = 0;  // blob size
  std::string what;         // what the layer holds, for the report
};

struct BenchImage {
  std::string layout;  // OCI image layout directory
  std::string tag;
  std::vector<BenchLayer> layers;
  uint64_t compressed = 0;
  uint64_t files = 0;    // regular files over all layers
  bool built = false;    // built by this run rather than found in the cache
  double buildSeconds = 0;
};

// Returns the cached image under `cacheDir`, building it first when it is
// missing or `rebuild` is set. Throws when the build fails.
BenchImage ensureBenchImage(const std::string& cacheDir, bool rebuild);

// The path of a blob of the layout.
std::string blobPath(const BenchImage& image, const std::string& digest);

}  // namespace crix::bench
