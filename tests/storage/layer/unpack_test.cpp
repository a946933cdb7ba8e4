#include <doctest/doctest.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <string>
#include <thread>

#include "LayerTestSupport.h"
#include "core/Error.h"
#include "storage/layer/BackgroundUnpack.h"
#include "storage/layer/ByteSource.h"
#include "storage/layer/LayerUnpacker.h"
#include "storage/layer/PipeByteSource.h"
#include "tests/support/Subprocess.h"

using namespace crix::layer;
using namespace crix::layer::test;
using namespace crix::test;

namespace {

// A layer exercising every entry type and piece of metadata we preserve.
TarBuilder richLayer() {
  // struct vfs_cap_data, revision 2, effective, permitted = CAP_NET_RAW (13).
  const std::string capability(
      "\x01\x00\x00\x02\x00\x20\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00", 20);
  using E = TarEntrySpec;
  TarBuilder b;
  b.add(E::dir("./").mode(0755).modified(1'500'000'000));
  b.add(E::dir("etc/").modified(1'500'000'001));
  b.add(E::file("etc/hostname", "layer\n").modified(1'500'000'002));
  b.add(E::file("usr/bin/ping", std::string(5000, 'p'))
            .mode(04755)
            .modified(1'500'000'003)
            .xattr("security.capability", capability));
  b.add(E::file("usr/bin/sg", "setgid")
            .mode(02711)
            .owner(1000, 1001)
            .modified(1'500'000'004)
            .xattr("user.origin", "crix-test"));
  b.add(E::dir("tmp/").mode(01777).modified(1'500'000'005));
  b.add(E::symlink("bin", "usr/bin").owner(7, 8).modified(1'500'000'006));
  b.add(E::symlink("etc/localtime", "/usr/share/zoneinfo/UTC").modified(1'500'000'007));
  b.add(E::hardlink("usr/bin/ping6", "usr/bin/ping"));
  b.add(E::fifo("run/fifo").mode(0620).owner(3, 4).modified(1'500'000'008));
  b.add(E::charDevice("dev/null", makedev(1, 3)).mode(0666).modified(1'500'000'009));
  b.add(E::blockDevice("dev/loop9", makedev(7, 9)).mode(0660).owner(0, 6).modified(1'500'000'010));
  // Listed after its contents: its metadata must still win.
  b.add(E::file("srv/data/file", "x").modified(1'500'000'011));
  b.add(E::dir("srv/data/").mode(0750).owner(33, 34).modified(1'500'000'012).xattr("user.dir", "yes"));
  b.add(E::dir("srv/").mode(0711).modified(1'500'000'013));
  // Every directory has its own entry, as in real layers, so that trees
  // unpacked at different moments compare equal.
  for (const char* dir : {"usr/", "usr/bin/", "run/", "dev/"}) b.add(E::dir(dir).modified(1'500'000'014));
  return b;
}

UnpackStats unpackString(const std::string& blob, const std::string& dir, UnpackOptions options = {}) {
  MemoryByteSource source(bytes(blob));
  return LayerUnpacker(options).unpackInto(source, dir);
}

struct stat lstatOf(const std::string& path) {
  struct stat st {};
  REQUIRE(::lstat(path.c_str(), &st) == 0);
  return st;
}

}  // namespace

TEST_SUITE("storage/layer unpack") {
  TEST_CASE("files, directories, links and special files keep their metadata") {
    TempDir dir;
    const auto stats = unpackString(richLayer().build(), dir.path());
    CHECK(stats.entries == 19);
    CHECK(stats.compression == Compression::None);

    CHECK(readFile(dir / "etc/hostname") == "layer\n");
    const auto root = lstatOf(dir.path());
    CHECK((root.st_mode & 07777) == 0755);
    CHECK(root.st_mtim.tv_sec == 1'500'000'000);

    const auto ping = lstatOf(dir / "usr/bin/ping");
    CHECK(S_ISREG(ping.st_mode));
    CHECK((ping.st_mode & 07777) == 04755);  // setuid survives the chown
    CHECK(ping.st_size == 5000);
    CHECK(ping.st_nlink == 2);
    CHECK(ping.st_mtim.tv_sec == 1'500'000'003);
    CHECK(getXattr(dir / "usr/bin/ping", "security.capability").size() == 20);

    const auto sg = lstatOf(dir / "usr/bin/sg");
    CHECK((sg.st_mode & 07777) == 02711);
    CHECK(sg.st_uid == 1000);
    CHECK(sg.st_gid == 1001);
    CHECK(getXattr(dir / "usr/bin/sg", "user.origin") == "crix-test");

    const auto ping6 = lstatOf(dir / "usr/bin/ping6");
    CHECK(ping6.st_ino == ping.st_ino);

    CHECK((lstatOf(dir / "tmp").st_mode & 07777) == 01777);

    const auto bin = lstatOf(dir / "bin");
    CHECK(S_ISLNK(bin.st_mode));
    CHECK(bin.st_uid == 7);
    CHECK(bin.st_gid == 8);
    CHECK(bin.st_mtim.tv_sec == 1'500'000'006);
    char target[256] = {};
    CHECK(::readlink((dir / "etc/localtime").c_str(), target, sizeof target - 1) > 0);
    CHECK(std::string(target) == "/usr/share/zoneinfo/UTC");  // absolute targets are kept verbatim

    const auto fifo = lstatOf(dir / "run/fifo");
    CHECK(S_ISFIFO(fifo.st_mode));
    CHECK((fifo.st_mode & 07777) == 0620);
    CHECK(fifo.st_uid == 3);
    CHECK(fifo.st_mtim.tv_sec == 1'500'000'008);

    const auto null = lstatOf(dir / "dev/null");
    CHECK(S_ISCHR(null.st_mode));
    CHECK(null.st_rdev == makedev(1, 3));
    CHECK((null.st_mode & 07777) == 0666);
    const auto loop = lstatOf(dir / "dev/loop9");
    CHECK(S_ISBLK(loop.st_mode));
    CHECK(loop.st_rdev == makedev(7, 9));
    CHECK(loop.st_gid == 6);

    const auto data = lstatOf(dir / "srv/data");
    CHECK((data.st_mode & 07777) == 0750);
    CHECK(data.st_uid == 33);
    CHECK(data.st_gid == 34);
    CHECK(data.st_mtim.tv_sec == 1'500'000'012);
    CHECK(getXattr(dir / "srv/data", "user.dir") == "yes");
    CHECK((lstatOf(dir / "srv").st_mode & 07777) == 0711);
    CHECK(lstatOf(dir / "srv").st_mtim.tv_sec == 1'500'000'013);
  }

  TEST_CASE("gzip (both decoders), zstd and plain layers give the same tree and the right digests") {
    const TarBuilder layer = richLayer();
    const std::string tar = layer.tar();
    TempDir plainDir;
    const auto plain = unpackString(tar, plainDir.path());
    const std::string expectedTree = describeTree(plainDir.path());
    CHECK(plain.blobDigest == sha256Of(tar));
    CHECK(plain.diffId == sha256Of(tar));
    CHECK(plain.uncompressedSize == tar.size());
    CHECK(plain.compressedSize == tar.size());

    struct Case {
      Compression compression;
      GzipDecoder decoder;
      const char* name;
    };
    for (const Case& c : {Case{Compression::Gzip, GzipDecoder::Isal, "gzip/isa-l"},
                          Case{Compression::Gzip, GzipDecoder::Libarchive, "gzip/libarchive"},
                          Case{Compression::Zstd, GzipDecoder::Isal, "zstd"}}) {
      CAPTURE(c.name);
      const std::string blob = compress(tar, c.compression);
      TempDir dir;
      const auto stats = unpackString(blob, dir.path(), {.gzipDecoder = c.decoder});
      CHECK(stats.compression == c.compression);
      CHECK(stats.blobDigest == sha256Of(blob));
      CHECK(stats.diffId == sha256Of(tar));
      CHECK(stats.compressedSize == blob.size());
      CHECK(stats.uncompressedSize == tar.size());
      CHECK(describeTree(dir.path()) == expectedTree);
    }
  }

  TEST_CASE("the magic bytes decide the compression, whatever the media type said") {
    const std::string tar = TarBuilder().file("a", "a").tar();
    const std::string gz = compress(tar, Compression::Gzip);
    TempDir dir;
    const auto stats = unpackString(gz, dir.path(), {.declared = Compression::None});
    CHECK(stats.compression == Compression::Gzip);
    CHECK(readFile(dir / "a") == "a");
    CHECK(compressionFromMediaType("application/vnd.oci.image.layer.v1.tar+gzip") == Compression::Gzip);
    CHECK(compressionFromMediaType("application/vnd.oci.image.layer.v1.tar+zstd") == Compression::Zstd);
    CHECK(compressionFromMediaType("application/vnd.oci.image.layer.v1.tar") == Compression::None);
    CHECK(compressionFromMediaType("application/vnd.docker.image.rootfs.diff.tar.gzip") == Compression::Gzip);
    CHECK(compressionFromMediaType("application/octet-stream") == Compression::Auto);
  }

  TEST_CASE("the blob digest can be left to the caller") {
    const std::string tar = TarBuilder().file("a", "a").tar();
    for (const auto compression : {Compression::None, Compression::Gzip}) {
      const std::string blob = compression == Compression::None ? tar : compress(tar, compression);
      TempDir dir;
      const auto stats = unpackString(blob, dir.path(), {.computeBlobDigest = false});
      CHECK(stats.blobDigest.empty());
      CHECK(stats.diffId == sha256Of(tar));
    }
  }

  TEST_CASE("multi-member gzip is one stream") {
    TarBuilder layer;
    for (int i = 0; i < 50; ++i)
      layer.file("f" + std::to_string(i), std::string(1000 + i, char('a' + i % 26)));
    const std::string tar = layer.tar();
    const size_t cut = tar.size() / 3;
    // Members split mid-entry, as pigz and concatenated blobs produce.
    const std::string blob = compress(tar.substr(0, cut), Compression::Gzip) +
                             compress(tar.substr(cut, cut), Compression::Gzip) +
                             compress(tar.substr(2 * cut), Compression::Gzip);
    for (const auto decoder : {GzipDecoder::Isal, GzipDecoder::Libarchive}) {
      TempDir dir;
      const auto stats = unpackString(blob, dir.path(), {.gzipDecoder = decoder});
      CHECK(stats.entries == 50);
      CHECK(stats.diffId == sha256Of(tar));
      CHECK(stats.blobDigest == sha256Of(blob));
      CHECK(readFile(dir / "f49") == std::string(1049, char('a' + 49 % 26)));
    }
  }

  TEST_CASE("unpack stages the layer and only commit makes it visible") {
    Sandbox sandbox;
    const std::string blob = TarBuilder().file("hello", "world").build(Compression::Gzip);
    MemoryByteSource source(bytes(blob));
    auto layer = LayerUnpacker().unpack(source, sandbox.layers);
    CHECK(layer.staged.path().rfind(sandbox.layers + "/.tmp-", 0) == 0);
    CHECK(readFile(layer.staged.path() + "/hello") == "world");
    CHECK(layer.stats.blobDigest == sha256Of(blob));
    const std::string finalPath = sandbox.layers + "/abc";
    layer.staged.commit(finalPath);
    CHECK(readFile(finalPath + "/hello") == "world");
    CHECK(listDir(sandbox.layers) == std::vector<std::string>{"abc"});

    // A second commit onto the same name must not replace the first layer.
    MemoryByteSource again(bytes(blob));
    auto second = LayerUnpacker().unpack(again, sandbox.layers);
    CHECK_THROWS_AS(second.staged.commit(finalPath), crix::Error);
    second.staged.discard();
    CHECK(listDir(sandbox.layers) == std::vector<std::string>{"abc"});
  }

  TEST_CASE("an uncommitted layer disappears with its StagedLayer") {
    Sandbox sandbox;
    {
      const std::string blob = TarBuilder().dir("ro", 0555).file("ro/f", "x", 0444).build();
      MemoryByteSource source(bytes(blob));
      auto layer = LayerUnpacker().unpack(source, sandbox.layers);
      CHECK(listDir(sandbox.layers).size() == 1);
    }
    CHECK(listDir(sandbox.layers).empty());
  }

  TEST_CASE("entries replace earlier ones, and a directory entry merges into an existing directory") {
    TempDir dir;
    TarBuilder b;
    b.file("x", "file first").dir("x/").file("x/inner", "1");  // file replaced by a directory
    b.dir("d/").file("d/keep", "kept").dir("d/", 0700);        // directory entry again: merge
    b.dir("gone/").file("gone/deep/f", "f").file("gone", "now a file");
    b.symlink("s", "somewhere").file("s", "not a link any more");
    unpackString(b.build(), dir.path());
    CHECK(readFile(dir / "x/inner") == "1");
    CHECK(readFile(dir / "d/keep") == "kept");
    CHECK((lstatOf(dir / "d").st_mode & 07777) == 0700);
    CHECK(readFile(dir / "gone") == "now a file");
    CHECK(S_ISREG(lstatOf(dir / "s").st_mode));
  }

  TEST_CASE("absolute and dotted names are read relative to the layer root") {
    TempDir dir;
    unpackString(TarBuilder().file("/abs", "1").file("./dot/../dot2", "2").file("a//b/./c", "3").build(),
                 dir.path());
    CHECK(readFile(dir / "abs") == "1");
    CHECK(readFile(dir / "dot2") == "2");
    CHECK(readFile(dir / "a/b/c") == "3");
    CHECK(listDir(dir.path()) == std::vector<std::string>{"a", "abs", "dot2"});
    // Parents without entries of their own are plain root-owned 0755 directories.
    const auto implicitParent = lstatOf(dir / "a/b");
    CHECK((implicitParent.st_mode & 07777) == 0755);
    CHECK(implicitParent.st_uid == 0);
  }

  TEST_CASE("sparse files keep their holes and their size") {
    TempDir dir;
    std::string logical(4 << 20, '\0');
    logical.replace(1 << 20, 4096, std::string(4096, 'a'));
    logical.replace((4 << 20) - 8192, 4096, std::string(4096, 'z'));
    TarEntrySpec sparse = TarEntrySpec::file("sparse", logical);
    sparse.sparseRegions = {{1 << 20, 4096}, {(4 << 20) - 8192, 4096}};  // the last 4 KiB is a trailing hole
    const std::string tar = TarBuilder().add(sparse).tar();
    CHECK(tar.size() < size_t(64 << 10));  // the holes are not in the archive
    unpackString(tar, dir.path());
    CHECK(readFile(dir / "sparse") == logical);
    CHECK(lstatOf(dir / "sparse").st_blocks * 512 < (1 << 20));
  }

  TEST_CASE("data fed in small chunks from another thread unpacks the same") {
    TarBuilder layer = richLayer();
    layer.dir("bulk/");
    for (int i = 0; i < 20; ++i) layer.file("bulk/" + std::to_string(i), std::string(20'000, char('a' + i)));
    const std::string tar = layer.tar();
    const std::string blob = compress(tar, Compression::Gzip);

    TempDir reference;
    unpackString(blob, reference.path());

    PipeByteSource pipe(4096);
    std::thread producer([&] {
      for (size_t at = 0; at < blob.size(); at += 7) {
        if (!pipe.write(blob.data() + at, std::min<size_t>(7, blob.size() - at))) return;
      }
      pipe.finish();
    });
    TempDir dir;
    UnpackStats stats;
    try {
      stats = LayerUnpacker().unpackInto(pipe, dir.path());
    } catch (...) {
      producer.join();
      throw;
    }
    producer.join();
    CHECK(stats.blobDigest == sha256Of(blob));
    CHECK(stats.diffId == sha256Of(tar));
    CHECK(describeTree(dir.path()) == describeTree(reference.path()));
  }

  TEST_CASE("a producer failure reaches the unpacker, and a failed unpack releases the producer") {
    const std::string blob = TarBuilder().file("big", std::string(1 << 20, 'z')).build(Compression::Gzip);
    SUBCASE("download fails midway") {
      PipeByteSource pipe(1024);
      std::thread producer([&] {
        pipe.write(blob.data(), blob.size() / 2);
        pipe.fail(crix::Error::unavailable("registry connection reset"));
      });
      Sandbox sandbox;
      try {
        LayerUnpacker().unpack(pipe, sandbox.layers);
        FAIL("unpack should have failed");
      } catch (const crix::Error& e) {
        CHECK(e.code() == crix::StatusCode::Unavailable);
        CHECK(std::string(e.what()) == "registry connection reset");
      }
      producer.join();
      CHECK(listDir(sandbox.layers).empty());
    }
    SUBCASE("unpacker fails while the producer still has data") {
      std::string hostile = TarBuilder().file("../escape", "x").tar();
      hostile += std::string(1 << 20, '\0');
      PipeByteSource pipe(1024);
      bool producerRefused = false;
      std::thread producer([&] {
        for (size_t at = 0; at < hostile.size(); at += 512) {
          if (!pipe.write(hostile.data() + at, 512)) {
            producerRefused = true;
            return;
          }
        }
        pipe.finish();
      });
      Sandbox sandbox;
      CHECK_THROWS_AS(LayerUnpacker().unpack(pipe, sandbox.layers), crix::Error);
      producer.join();  // must not hang
      CHECK(producerRefused);
    }
  }

  TEST_CASE("timings and sizes are reported") {
    const std::string tar = richLayer().tar();
    const std::string blob = compress(tar, Compression::Gzip);
    TempDir dir;
    const auto stats = unpackString(blob, dir.path());
    CHECK(stats.timings.decompressing.count() > 0);
    CHECK(stats.timings.writing.count() > 0);
    CHECK(stats.timings.digesting.count() > 0);
    CHECK(stats.timings.reading.count() >= 0);
  }

}  // TEST_SUITE

TEST_SUITE("storage/layer background") {
  TEST_CASE("BackgroundUnpack: push bytes in, get the staged layer out") {
    Sandbox sandbox;
    const std::string tar = TarBuilder().file("a/b", "hello").file("c", std::string(100'000, 'c')).tar();
    const std::string blob = compress(tar, Compression::Zstd);
    BackgroundUnpack unpack(sandbox.layers, {}, 1024);
    for (size_t at = 0; at < blob.size(); at += 100)
      CHECK(unpack.write(blob.data() + at, std::min<size_t>(100, blob.size() - at)));
    UnpackedLayer layer = unpack.finish();
    CHECK(layer.stats.blobDigest == sha256Of(blob));
    CHECK(layer.stats.diffId == sha256Of(tar));
    CHECK(readFile(layer.staged.path() + "/a/b") == "hello");
  }

  TEST_CASE("BackgroundUnpack: a hostile layer stops the download and finish() says why") {
    Sandbox sandbox;
    std::string blob =
        TarBuilder().symlink("l", "/etc").file("l/shadow", "x").tar() + std::string(1 << 20, '\0');
    BackgroundUnpack unpack(sandbox.layers, {}, 1024);
    bool refused = false;
    for (size_t at = 0; at < blob.size() && !refused; at += 512)
      refused = !unpack.write(blob.data() + at, 512);
    CHECK(refused);
    try {
      unpack.finish();
      FAIL("accepted");
    } catch (const crix::Error& e) {
      CHECK(e.code() == crix::StatusCode::InvalidArgument);
      CHECK(std::string(e.what()).find("layer entry \"l/shadow\"") != std::string::npos);
    }
    CHECK(listDir(sandbox.layers).empty());
  }

  TEST_CASE("BackgroundUnpack: abort and abandonment clean up") {
    Sandbox sandbox;
    const std::string blob = TarBuilder().file("f", std::string(50'000, 'f')).build(Compression::Gzip);
    {
      BackgroundUnpack unpack(sandbox.layers);
      unpack.write(blob.data(), blob.size() / 2);
      unpack.abort(crix::Error::unavailable("connection reset"));
    }
    {
      BackgroundUnpack unpack(sandbox.layers);
      unpack.write(blob.data(), blob.size());  // complete, but never finished
    }
    CHECK(listDir(sandbox.layers).empty());
  }

}  // TEST_SUITE
