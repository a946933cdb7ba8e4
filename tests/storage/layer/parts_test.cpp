// Unit tests of the layer unpacker's building blocks.
#include <doctest/doctest.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <fstream>
#include <string>
#include <thread>

#include "LayerTestSupport.h"
#include "core/Error.h"
#include "storage/layer/Compression.h"
#include "storage/layer/EntryPath.h"
#include "storage/layer/PipeByteSource.h"
#include "storage/layer/TreeRemover.h"
#include "tests/support/Subprocess.h"

using namespace crix::layer;
using namespace crix::layer::test;
using namespace crix::test;

namespace {

std::string clean(const std::string& name) { return cleanEntryPath(name, describeEntry(name)); }

}  // namespace

TEST_SUITE("storage/layer parts") {
  TEST_CASE("entry names are cleaned relative to the root") {
    CHECK(clean("a/b") == "a/b");
    CHECK(clean("./a/b/") == "a/b");
    CHECK(clean("/a//b/.") == "a/b");
    CHECK(clean("a/x/../b") == "a/b");
    CHECK(clean("./") == "");
    CHECK(clean("/") == "");
    CHECK(clean("a/..") == "");
    CHECK(clean("...") == "...");
    CHECK(clean(".wh..wh..opq") == ".wh..wh..opq");
    for (const char* hostile : {"..", "../a", "a/../..", "/../a", "a/b/../../../c", "./../a"}) {
      CAPTURE(hostile);
      try {
        clean(hostile);
        FAIL("accepted");
      } catch (const crix::Error& e) {
        CHECK(e.code() == crix::StatusCode::InvalidArgument);
        CHECK(std::string(e.what()) ==
              "layer entry \"" + std::string(hostile) + "\": path escapes the layer");
      }
    }
    CHECK_THROWS_AS(clean(std::string(5000, 'a')), crix::Error);
    CHECK_THROWS_AS(clean(std::string("a\0b", 3)), crix::Error);
  }

  TEST_CASE("splitEntryPath") {
    CHECK(splitEntryPath("a/b/c").parent == "a/b");
    CHECK(splitEntryPath("a/b/c").base == "c");
    CHECK(splitEntryPath("c").parent.empty());
    CHECK(splitEntryPath("c").base == "c");
  }

  TEST_CASE("compression is detected from magic bytes") {
    CHECK(detectCompression(bytes(std::string("\x1f\x8b\x08\x00", 4))) == Compression::Gzip);
    CHECK(detectCompression(bytes(std::string("\x28\xb5\x2f\xfd\x00", 5))) == Compression::Zstd);
    CHECK(detectCompression(bytes("etc/passwd")) == Compression::None);
    CHECK(detectCompression(bytes("BZhello")) == Compression::None);  // a tar entry named BZhello
    CHECK(detectCompression({}) == Compression::None);
    CHECK_THROWS_AS(detectCompression(bytes("BZh91AY&SY")), crix::Error);
  }

  TEST_CASE("PipeByteSource carries bytes across threads in order, within its bound") {
    PipeByteSource pipe(1000);
    std::string sent;
    for (int i = 0; i < 100'000; ++i) sent += static_cast<char>('a' + (i * 7) % 26);
    std::thread producer([&] {
      for (size_t at = 0; at < sent.size(); at += 333)
        pipe.write(sent.data() + at, std::min<size_t>(333, sent.size() - at));
      pipe.finish();
    });
    std::string received;
    std::array<char, 517> buffer;
    while (const size_t n = pipe.read(buffer.data(), buffer.size())) received.append(buffer.data(), n);
    producer.join();
    CHECK(received == sent);
    CHECK(pipe.read(buffer.data(), buffer.size()) == 0);
  }

  TEST_CASE("PipeByteSource: failure after data, and cancel releases a blocked producer") {
    PipeByteSource pipe(16);
    CHECK(pipe.write("0123456789", 10));
    pipe.fail(crix::Error::unavailable("connection reset"));
    char buffer[64];
    CHECK(pipe.read(buffer, sizeof buffer) == 10);
    CHECK_THROWS_AS(pipe.read(buffer, sizeof buffer), crix::Error);

    PipeByteSource full(4);
    bool result = true;
    std::thread producer([&] { result = full.write("0123456789", 10); });
    full.cancel();
    producer.join();
    CHECK_FALSE(result);
  }

  TEST_CASE("removeTree removes read-only trees and never follows symlinks") {
    TempDir sandbox;
    const std::string victim = sandbox / "victim";
    ::mkdir(victim.c_str(), 0755);
    std::ofstream(victim + "/keep") << "keep";
    const std::string tree = sandbox / "tree";
    ::mkdir(tree.c_str(), 0755);
    ::mkdir((tree + "/ro").c_str(), 0755);
    std::ofstream(tree + "/ro/file") << "x";
    ::chmod((tree + "/ro").c_str(), 0500);
    ::mkdir((tree + "/noaccess").c_str(), 0000);
    REQUIRE(::symlink(victim.c_str(), (tree + "/link").c_str()) == 0);
    REQUIRE(::symlink(victim.c_str(), (tree + "/ro-link").c_str()) == 0);

    removeTree(tree);
    CHECK(::access(tree.c_str(), F_OK) != 0);
    CHECK(readFile(victim + "/keep") == "keep");

    // The last component is not followed either.
    const std::string link = sandbox / "top-link";
    REQUIRE(::symlink(victim.c_str(), link.c_str()) == 0);
    removeTree(link);
    CHECK(::access(link.c_str(), F_OK) != 0);
    CHECK(readFile(victim + "/keep") == "keep");

    CHECK_NOTHROW(removeTree(sandbox / "missing"));
    CHECK_THROWS_AS(removeTree("/"), crix::Error);
  }

}  // TEST_SUITE
