#include <doctest/doctest.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include <string>

#include "LayerTestSupport.h"
#include "storage/layer/ByteSource.h"
#include "storage/layer/LayerUnpacker.h"

using namespace crix::layer;
using namespace crix::layer::test;
using namespace crix::test;

namespace {

void unpack(const TarBuilder& layer, const std::string& dir) {
  const std::string blob = layer.build(Compression::Gzip);
  MemoryByteSource source(bytes(blob));
  LayerUnpacker().unpackInto(source, dir);
}

bool isWhiteoutDevice(const std::string& path) {
  struct stat st;
  return ::lstat(path.c_str(), &st) == 0 && S_ISCHR(st.st_mode) && st.st_rdev == makedev(0, 0);
}

}  // namespace

TEST_SUITE("storage/layer whiteouts") {
  TEST_CASE(".wh.NAME becomes a 0/0 character device named NAME") {
    TempDir dir;
    TarBuilder layer;
    layer.dir("etc/").file("etc/.wh.motd", "");
    layer.add(TarEntrySpec::file(".wh.removed-dir", "").owner(5, 6));
    layer.file("deep/er/.wh.x", "");  // parents are created for it
    unpack(layer, dir.path());
    CHECK(isWhiteoutDevice(dir / "etc/motd"));
    CHECK(isWhiteoutDevice(dir / "removed-dir"));
    CHECK(isWhiteoutDevice(dir / "deep/er/x"));
    CHECK(listDir(dir / "etc") == std::vector<std::string>{"motd"});
    struct stat st;
    REQUIRE(::lstat((dir / "removed-dir").c_str(), &st) == 0);
    CHECK(st.st_uid == 5);
    CHECK(st.st_gid == 6);
  }

  TEST_CASE(".wh..wh..opq marks its directory opaque") {
    TempDir dir;
    SUBCASE("directory listed first") {
      unpack(TarBuilder().dir("var/lib/").file("var/lib/.wh..wh..opq", "").file("var/lib/new", "n"),
             dir.path());
    }
    SUBCASE("marker before the directory's own entry") {
      unpack(TarBuilder().file("var/lib/.wh..wh..opq", "").dir("var/lib/", 0700).file("var/lib/new", "n"),
             dir.path());
      struct stat st;
      REQUIRE(::lstat((dir / "var/lib").c_str(), &st) == 0);
      CHECK((st.st_mode & 07777) == 0700);
    }
    CHECK(getXattr(dir / "var/lib", "trusted.overlay.opaque") == "y");
    CHECK(listDir(dir / "var/lib") == std::vector<std::string>{"new"});
    CHECK(getXattr(dir / "var", "trusted.overlay.opaque").empty());
  }

  TEST_CASE("a whiteout replaces what an earlier entry of the same layer put there") {
    TempDir dir;
    unpack(TarBuilder().dir("gone/").file("gone/f", "f").file(".wh.gone", ""), dir.path());
    CHECK(isWhiteoutDevice(dir / "gone"));
  }

  TEST_CASE("aufs metadata entries are skipped") {
    TempDir dir;
    unpack(TarBuilder()
               .dir(".wh..wh.plnk/")
               .file(".wh..wh.plnk/1234.5678", "x")
               .file(".wh..wh.aufs", "")
               .file("kept", "k"),
           dir.path());
    CHECK(listDir(dir.path()) == std::vector<std::string>{"kept"});
  }

}  // TEST_SUITE
