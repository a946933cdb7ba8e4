// Every layer is hostile. Each case builds an attacking tar, checks that the
// unpack is refused with InvalidArgument naming the guilty entry, that the
// staging directory is gone, and that nothing outside it changed.
#include <doctest/doctest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <string>

#include "LayerTestSupport.h"
#include "core/Error.h"
#include "storage/layer/ByteSource.h"
#include "storage/layer/LayerUnpacker.h"
#include "tests/support/Subprocess.h"

using namespace crix::layer;
using namespace crix::layer::test;
using namespace crix::test;

namespace {

// Unpacks `blob` into a staging dir of `sandbox` and returns the error.
crix::Error unpackExpectingFailure(Sandbox& sandbox, const std::string& blob, UnpackOptions options = {}) {
  MemoryByteSource source(bytes(blob));
  try {
    auto layer = LayerUnpacker(options).unpack(source, sandbox.layers);
  } catch (const crix::Error& e) {
    return e;
  }
  FAIL("the hostile layer was accepted");
  return crix::Error::internal("unreachable");
}

// Runs a hostile layer and checks the three promises.
void checkRefused(Sandbox& sandbox, const TarBuilder& layer, const std::string& guiltyEntry,
                  const std::string& why = "") {
  const std::string before = describeTree(sandbox.outside);
  const crix::Error error = unpackExpectingFailure(sandbox, layer.build());
  const std::string message = error.what();
  CAPTURE(message);
  CHECK(error.code() == crix::StatusCode::InvalidArgument);
  CHECK(message.find("layer entry \"" + guiltyEntry + "\"") != std::string::npos);
  if (!why.empty()) CHECK(message.find(why) != std::string::npos);
  CHECK(describeTree(sandbox.outside) == before);
  CHECK(listDir(sandbox.layers).empty());
  CHECK(listDir(sandbox.root.path()) == std::vector<std::string>{"layers", "outside"});
}

}  // namespace

TEST_SUITE("storage/layer hostile") {
  TEST_CASE("names climbing above the root are refused") {
    Sandbox sandbox;
    checkRefused(sandbox, TarBuilder().file("../escape", "x"), "../escape", "path escapes the layer");
    checkRefused(sandbox, TarBuilder().file("a/../../escape", "x"), "a/../../escape",
                 "path escapes the layer");
    checkRefused(sandbox, TarBuilder().file("/../outside/sentinel", "x"), "/../outside/sentinel",
                 "path escapes the layer");
    checkRefused(sandbox, TarBuilder().dir("../../").file("ok", "x"), "../../", "path escapes the layer");
  }

  TEST_CASE("an absolute name lands inside the layer, never at the host path") {
    Sandbox sandbox;
    const std::string hostPath = sandbox.outside + "/planted";
    const std::string blob = TarBuilder().file(hostPath, "inside").build();
    MemoryByteSource source(bytes(blob));
    auto layer = LayerUnpacker().unpack(source, sandbox.layers);
    CHECK(::access(hostPath.c_str(), F_OK) != 0);
    CHECK(readFile(layer.staged.path() + hostPath) == "inside");
  }

  TEST_CASE("nothing is written through a symlink made earlier in the layer") {
    Sandbox sandbox;
    const std::string outside = sandbox.outside;
    SUBCASE("absolute symlink to a host directory") {
      checkRefused(sandbox, TarBuilder().symlink("link", outside).file("link/x", "pwned"), "link/x",
                   "crosses a symlink");
    }
    SUBCASE("relative symlink climbing out of the layer") {
      // From <layers>/.tmp-XXXX, "../.." is the sandbox root.
      checkRefused(sandbox, TarBuilder().symlink("link", "../..").file("link/outside/x", "pwned"),
                   "link/outside/x");
    }
    SUBCASE("symlink to /etc, then a file under it") {
      checkRefused(sandbox, TarBuilder().symlink("etc", "/etc").file("etc/passwd", "root::0:0::/:/bin/sh\n"),
                   "etc/passwd");
    }
    SUBCASE("symlink within the layer is refused as a parent too") {
      checkRefused(sandbox, TarBuilder().dir("real/").symlink("alias", "real").file("alias/f", "x"),
                   "alias/f", "crosses a symlink");
    }
    SUBCASE("directory entry through a symlink") {
      checkRefused(sandbox, TarBuilder().symlink("link", outside).dir("link/newdir/"), "link/newdir/");
    }
    SUBCASE("symlink nested below a real directory") {
      checkRefused(sandbox, TarBuilder().dir("a/").symlink("a/b", outside).file("a/b/c/d", "x"), "a/b/c/d");
    }
  }

  TEST_CASE("hardlinks may only point at regular files of this layer") {
    Sandbox sandbox;
    const std::string outside = sandbox.outside;
    SUBCASE("to a host file by absolute name: read inside the layer, where it does not exist") {
      checkRefused(sandbox, TarBuilder().hardlink("passwd", "/etc/passwd"), "passwd",
                   "does not exist in this layer");
    }
    SUBCASE("climbing out") {
      checkRefused(sandbox, TarBuilder().hardlink("h", "../outside/sentinel"), "h", "escapes the layer");
      checkRefused(sandbox, TarBuilder().hardlink("h", "a/../../../outside/sentinel"), "h",
                   "escapes the layer");
    }
    SUBCASE("to a symlink that points outside") {
      checkRefused(sandbox, TarBuilder().symlink("s", outside + "/sentinel").hardlink("h", "s"), "h",
                   "is a symlink");
    }
    SUBCASE("through a symlinked directory") {
      checkRefused(sandbox, TarBuilder().symlink("d", outside).hardlink("h", "d/sentinel"), "h");
    }
    SUBCASE("with its own name through a symlink") {
      checkRefused(sandbox, TarBuilder().symlink("link", outside).file("f", "x").hardlink("link/h", "f"),
                   "link/h", "crosses a symlink");
    }
    SUBCASE("to a directory") {
      checkRefused(sandbox, TarBuilder().dir("d/").hardlink("h", "d"), "h", "not a regular file");
    }
  }

  TEST_CASE("whiteouts go through the same checks") {
    Sandbox sandbox;
    const std::string outside = sandbox.outside;
    SUBCASE("through a symlinked parent") {
      checkRefused(sandbox, TarBuilder().symlink("link", outside).file("link/.wh.sentinel", ""),
                   "link/.wh.sentinel");
    }
    SUBCASE("opaque marker through a symlinked parent") {
      checkRefused(sandbox, TarBuilder().symlink("link", outside).file("link/.wh..wh..opq", ""),
                   "link/.wh..wh..opq");
    }
    SUBCASE("climbing") {
      checkRefused(sandbox, TarBuilder().file("../.wh.outside", ""), "../.wh.outside",
                   "path escapes the layer");
    }
    SUBCASE("naming the parent") {
      checkRefused(sandbox, TarBuilder().file("a/.wh...", ""), "a/.wh...", "invalid whiteout name");
    }
  }

  TEST_CASE("metadata on a symlink entry never reaches its target") {
    Sandbox sandbox;
    const std::string sentinel = sandbox.outside + "/sentinel";
    const std::string before = describeTree(sandbox.outside);
    TarBuilder layer;
    layer.add(TarEntrySpec::symlink("s", sentinel)
                  .mode(04777)
                  .owner(4242, 4242)
                  .modified(1000)
                  .xattr("trusted.crix-test", "evil"));
    layer.add(TarEntrySpec::symlink("d", sandbox.outside + "/dir").owner(4242, 4242).modified(1000));
    const std::string blob = layer.build();
    MemoryByteSource source(bytes(blob));
    auto unpacked = LayerUnpacker().unpack(source, sandbox.layers);
    struct stat st;
    REQUIRE(::lstat((unpacked.staged.path() + "/s").c_str(), &st) == 0);
    CHECK(S_ISLNK(st.st_mode));
    CHECK(st.st_uid == 4242);
    CHECK(getXattr(unpacked.staged.path() + "/s", "trusted.crix-test") == "evil");
    CHECK(getXattr(sentinel, "trusted.crix-test").empty());
    CHECK(describeTree(sandbox.outside) == before);
  }

  TEST_CASE("overlay metadata xattrs smuggled in a layer are dropped") {
    TempDir dir;
    TarBuilder layer;
    layer.add(TarEntrySpec::dir("d/")
                  .xattr("trusted.overlay.redirect", "/etc")
                  .xattr("trusted.overlay.opaque", "y")
                  .xattr("user.ok", "1"));
    const std::string blob = layer.build();
    MemoryByteSource source(bytes(blob));
    LayerUnpacker().unpackInto(source, dir.path());
    CHECK(getXattr(dir / "d", "trusted.overlay.redirect").empty());
    CHECK(getXattr(dir / "d", "trusted.overlay.opaque").empty());
    CHECK(getXattr(dir / "d", "user.ok") == "1");
  }

  TEST_CASE("corrupt and truncated streams fail with DataLoss and leave nothing") {
    TarBuilder layer;
    for (int i = 0; i < 30; ++i) layer.file("f" + std::to_string(i), std::string(10'000, char('a' + i % 26)));
    const std::string tar = layer.tar();
    for (const auto compression : {Compression::Gzip, Compression::Zstd, Compression::None}) {
      for (const auto decoder : {GzipDecoder::Isal, GzipDecoder::Libarchive}) {
        CAPTURE(compressionName(compression));
        CAPTURE(decoder == GzipDecoder::Isal ? "isa-l" : "libarchive");
        const std::string whole = compression == Compression::None ? tar : compress(tar, compression);
        Sandbox sandbox;
        const auto truncated =
            unpackExpectingFailure(sandbox, whole.substr(0, whole.size() / 2), {.gzipDecoder = decoder});
        CAPTURE(truncated.what());
        CHECK(truncated.code() == crix::StatusCode::DataLoss);
        CHECK(listDir(sandbox.layers).empty());
        if (compression == Compression::None) continue;  // a plain tar has no checksum over file data
        std::string broken = whole;
        for (size_t i = broken.size() / 3; i < broken.size() / 3 + 64; ++i)
          broken[i] = static_cast<char>(~broken[i]);
        const auto corrupt = unpackExpectingFailure(sandbox, broken, {.gzipDecoder = decoder});
        CAPTURE(corrupt.what());
        CHECK((corrupt.code() == crix::StatusCode::DataLoss ||
               corrupt.code() == crix::StatusCode::InvalidArgument));
        CHECK(listDir(sandbox.layers).empty());
      }
    }
  }

  TEST_CASE("gzip with trailing garbage is refused by the ISA-L decoder") {
    const std::string blob = compress(TarBuilder().file("a", "a").tar(), Compression::Gzip) + "garbage";
    Sandbox sandbox;
    const auto error = unpackExpectingFailure(sandbox, blob);
    CHECK(error.code() == crix::StatusCode::DataLoss);
    CHECK(std::string(error.what()).find("after the end") != std::string::npos);
  }

  TEST_CASE("xz layers are refused with a clear error") {
    Sandbox sandbox;
    const std::string xz(
        "\xfd"
        "7zXZ\0rest",
        10);
    const auto error = unpackExpectingFailure(sandbox, xz);
    CHECK(error.code() == crix::StatusCode::Unimplemented);
    CHECK(std::string(error.what()).find("xz") != std::string::npos);
  }

}  // TEST_SUITE
