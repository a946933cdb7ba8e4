// Decompression bombs: a small blob that inflates past UnpackOptions'
// per-layer limits must be refused while it streams, with ResourceExhausted
// naming the layer and the limit, and leave no staging directory behind.
#include <doctest/doctest.h>

#include <algorithm>
#include <string>

#include "LayerTestSupport.h"
#include "core/Error.h"
#include "storage/layer/ByteSource.h"
#include "storage/layer/LayerUnpacker.h"

using namespace crix::layer;
using namespace crix::layer::test;

namespace {

// Hands out the blob in small reads and counts them, so a test can tell that
// the unpack stopped early instead of after inflating everything.
class TricklingSource final : public ByteSource {
 public:
  explicit TricklingSource(const std::string& blob) : inner_(bytes(blob)) {}
  size_t read(void* buffer, size_t max) override {
    const size_t n = inner_.read(buffer, std::min<size_t>(max, 512));
    consumed += n;
    return n;
  }
  size_t consumed = 0;

 private:
  MemoryByteSource inner_;
};

crix::Error unpackExpectingFailure(Sandbox& sandbox, ByteSource& source, const UnpackOptions& options) {
  try {
    auto layer = LayerUnpacker(options).unpack(source, sandbox.layers);
  } catch (const crix::Error& e) {
    return e;
  }
  FAIL("the bomb was accepted");
  return crix::Error::internal("unreachable");
}

}  // namespace

TEST_SUITE("storage/layer bomb") {
  TEST_CASE("the defaults are far above any real layer") {
    const UnpackOptions defaults;
    CHECK(defaults.maxUncompressedBytes >= (uint64_t{64} << 30));
    CHECK(defaults.maxEntries >= 10'000'000);
  }

  TEST_CASE("a gzip blob inflating past the byte limit is refused early and leaves nothing") {
    // 32 MiB of zeros gzip to ~32 KiB: a bomb at scale 1:1000.
    const std::string blob = TarBuilder().file("zeros", std::string(32 << 20, '\0')).build(Compression::Gzip);
    REQUIRE(blob.size() < (256 << 10));
    for (const auto decoder : {GzipDecoder::Isal, GzipDecoder::Libarchive}) {
      CAPTURE(static_cast<int>(decoder));
      Sandbox sandbox;
      TricklingSource source(blob);
      UnpackOptions options{.gzipDecoder = decoder};
      options.maxUncompressedBytes = 1 << 20;
      options.layerName = "sha256:b0b0";
      const crix::Error error = unpackExpectingFailure(sandbox, source, options);
      const std::string message = error.what();
      CAPTURE(message);
      CHECK(error.code() == crix::StatusCode::ResourceExhausted);
      CHECK(message.find("layer sha256:b0b0") != std::string::npos);
      CHECK(message.find("1048576 bytes") != std::string::npos);
      CHECK(message.find("maxUncompressedBytes") != std::string::npos);
      // Stopped near the limit, not at the end of the blob.
      CHECK(source.consumed < blob.size() / 4);
      CHECK(listDir(sandbox.layers).empty());
    }
  }

  TEST_CASE("the same blob under the limit unpacks") {
    const std::string blob = TarBuilder().file("zeros", std::string(2 << 20, '\0')).build(Compression::Gzip);
    Sandbox sandbox;
    MemoryByteSource source(bytes(blob));
    UnpackOptions options;
    options.maxUncompressedBytes = 4 << 20;
    auto layer = LayerUnpacker(options).unpack(source, sandbox.layers);
    CHECK(layer.stats.uncompressedSize <= options.maxUncompressedBytes);
    CHECK(layer.stats.entries == 1);
  }

  TEST_CASE("a tar with too many entries is refused and leaves nothing") {
    TarBuilder many;
    for (int i = 0; i < 50; ++i) many.file("f" + std::to_string(i), "");
    const std::string blob = many.build(Compression::Zstd);
    Sandbox sandbox;
    MemoryByteSource source(bytes(blob));
    UnpackOptions options;
    options.maxEntries = 20;
    const crix::Error error = unpackExpectingFailure(sandbox, source, options);
    const std::string message = error.what();
    CAPTURE(message);
    CHECK(error.code() == crix::StatusCode::ResourceExhausted);
    CHECK(message.find("more than 20 entries") != std::string::npos);
    CHECK(message.find("maxEntries") != std::string::npos);
    CHECK(listDir(sandbox.layers).empty());

    // Exactly at the limit is fine.
    MemoryByteSource again(bytes(blob));
    options.maxEntries = 50;
    auto layer = LayerUnpacker(options).unpack(again, sandbox.layers);
    CHECK(layer.stats.entries == 50);
  }
}
