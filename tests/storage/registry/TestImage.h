// Builds a small multi-platform OCI image layout on disk (one shared layer,
// linux/amd64 and linux/arm64/v8 configs) for pushing to a test registry.
#pragma once

#include <filesystem>
#include <string>

namespace crix::registry::test {

struct TestImage {
  std::filesystem::path layout;
  std::string layerDigest;  // "sha256:…" of the compressed layer
  std::string layerBytes;   // the compressed layer itself
  std::string diffId;       // "sha256:…" of the uncompressed tar
  std::string amd64ConfigDigest;
  std::string amd64ManifestDigest;
  std::string arm64ManifestDigest;
  std::string indexDigest;
};

// Tags in the layout: "single" (the amd64 manifest) and "multi" (the index).
TestImage buildTestImage(const std::filesystem::path& workDirectory);

// skopeo copy of both tags to <hostPort>/test/app:v1 and <hostPort>/test/multi:v1.
void pushTestImage(const TestImage& image, const std::string& hostPort, const std::string& credentials = "",
                   const std::string& certDirectory = "");

}  // namespace crix::registry::test
