#include "TestImage.h"

#include <cstdint>
#include <fstream>
#include <nlohmann/json.hpp>

#include "storage/digest/DigestHasher.h"
#include "tests/support/Subprocess.h"

namespace crix::registry::test {

namespace fs = std::filesystem;
using digest::Digest;
using digest::DigestAlgorithm;
using digest::DigestHasher;
using crix::test::readFile;
using crix::test::runChecked;
using crix::test::writeFile;
using nlohmann::json;

namespace {

std::string addBlob(const fs::path& layout, const std::string& content) {
  const Digest digest = DigestHasher::digestOf(DigestAlgorithm::Sha256, content);
  fs::create_directories(layout / "blobs/sha256");
  writeFile(layout / "blobs/sha256" / digest.hex(), content);
  return digest.str();
}

json descriptor(const std::string& mediaType, const std::string& digest, std::size_t size) {
  return json{{"mediaType", mediaType}, {"digest", digest}, {"size", size}};
}

std::string configFor(const std::string& arch, const std::string& variant, const std::string& diffId) {
  json config = {{"architecture", arch},
                 {"os", "linux"},
                 {"config", {{"Env", {"PATH=/bin"}}, {"Cmd", {"/hello"}}, {"WorkingDir", "/"}}},
                 {"rootfs", {{"type", "layers"}, {"diff_ids", {diffId}}}},
                 {"history", {{{"created_by", "crix test"}}}}};
  if (!variant.empty()) config["variant"] = variant;
  return config.dump();
}

}  // namespace

TestImage buildTestImage(const fs::path& work) {
  TestImage image;
  image.layout = work / "layout";
  const fs::path rootfs = work / "rootfs";
  fs::create_directories(rootfs / "etc");
  writeFile(rootfs / "hello.txt", "hello from crix\n");
  {
    // Incompressible bytes so the layer is big enough to arrive in many chunks.
    std::ofstream noise(rootfs / "etc/noise.bin", std::ios::binary);
    std::uint64_t x = 0x9e3779b97f4a7c15ULL;
    for (int i = 0; i < 3 * 1024 * 1024 / 8; ++i) {
      x ^= x << 13;
      x ^= x >> 7;
      x ^= x << 17;
      noise.write(reinterpret_cast<const char*>(&x), sizeof x);
    }
  }
  const fs::path tar = work / "layer.tar";
  runChecked({"/bin/tar", "-C", rootfs.string(), "--sort=name", "--owner=0", "--group=0", "--numeric-owner",
              "--mtime=@0", "-cf", tar.string(), "."});
  runChecked({"/bin/gzip", "-n", "-k", "-1", tar.string()});
  image.diffId = DigestHasher::digestOf(DigestAlgorithm::Sha256, readFile(tar)).str();
  image.layerBytes = readFile(work / "layer.tar.gz");
  image.layerDigest = addBlob(image.layout, image.layerBytes);

  auto manifestFor = [&](const std::string& configText) {
    const std::string configDigest = addBlob(image.layout, configText);
    json manifest = {{"schemaVersion", 2},
                     {"mediaType", "application/vnd.oci.image.manifest.v1+json"},
                     {"config", descriptor("application/vnd.oci.image.config.v1+json", configDigest, configText.size())},
                     {"layers", {descriptor("application/vnd.oci.image.layer.v1.tar+gzip", image.layerDigest,
                                            image.layerBytes.size())}}};
    const std::string text = manifest.dump();
    return std::pair{configDigest, std::pair{addBlob(image.layout, text), text.size()}};
  };
  const auto [amd64Config, amd64] = manifestFor(configFor("amd64", "", image.diffId));
  const auto [arm64Config, arm64] = manifestFor(configFor("arm64", "v8", image.diffId));
  (void)arm64Config;
  image.amd64ConfigDigest = amd64Config;
  image.amd64ManifestDigest = amd64.first;
  image.arm64ManifestDigest = arm64.first;

  json amd64Entry = descriptor("application/vnd.oci.image.manifest.v1+json", amd64.first, amd64.second);
  amd64Entry["platform"] = {{"architecture", "amd64"}, {"os", "linux"}};
  json arm64Entry = descriptor("application/vnd.oci.image.manifest.v1+json", arm64.first, arm64.second);
  arm64Entry["platform"] = {{"architecture", "arm64"}, {"os", "linux"}, {"variant", "v8"}};
  const std::string indexText = json{{"schemaVersion", 2},
                                     {"mediaType", "application/vnd.oci.image.index.v1+json"},
                                     {"manifests", {amd64Entry, arm64Entry}}}
                                    .dump();
  image.indexDigest = addBlob(image.layout, indexText);

  json single = descriptor("application/vnd.oci.image.manifest.v1+json", amd64.first, amd64.second);
  single["annotations"] = {{"org.opencontainers.image.ref.name", "single"}};
  json multi = descriptor("application/vnd.oci.image.index.v1+json", image.indexDigest, indexText.size());
  multi["annotations"] = {{"org.opencontainers.image.ref.name", "multi"}};
  writeFile(image.layout / "index.json", json{{"schemaVersion", 2}, {"manifests", {single, multi}}}.dump());
  writeFile(image.layout / "oci-layout", R"({"imageLayoutVersion":"1.0.0"})");
  return image;
}

void pushTestImage(const TestImage& image, const std::string& hostPort, const std::string& credentials,
                   const std::string& certDirectory) {
  for (const auto& [tag, repository] : {std::pair{"single", "test/app"}, std::pair{"multi", "test/multi"}}) {
    std::vector<std::string> argv{"/usr/bin/skopeo", "--insecure-policy", "copy", "--all", "--dest-tls-verify=false"};
    if (!credentials.empty()) argv.push_back("--dest-creds=" + credentials);
    if (!certDirectory.empty()) argv.push_back("--dest-cert-dir=" + certDirectory);
    argv.push_back("oci:" + image.layout.string() + ":" + tag);
    argv.push_back("docker://" + hostPort + "/" + repository + ":v1");
    runChecked(argv, std::chrono::seconds(120));
  }
}

}  // namespace crix::registry::test
