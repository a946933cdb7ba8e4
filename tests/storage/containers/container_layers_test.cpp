// ContainerLayers on real overlay mounts (the unit tests run as root): layer
// order, whiteouts, writes, remounting, removal, many layers, and what a
// failure or crash leaves behind.
#include <doctest/doctest.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <set>
#include <string>
#include <vector>

#include "ContainerLayersTestSupport.h"
#include "core/Error.h"
#include "core/UniqueFd.h"
#include "storage/ContainerLayers.h"
#include "storage/OverlayMount.h"
#include "tests/support/ErrorOf.h"

using namespace crix::storage;
using namespace crix::storage::test;
using crix::test::codeOf;
using crix::layer::test::TarBuilder;
using crix::layer::test::TarEntrySpec;
namespace fs = std::filesystem;

namespace {

const std::string kImage = "sha256:" + std::string(64, 'e');

// Destroyed in reverse: the store objects, then every mount, then the files.
struct World {
  crix::test::TempDir root{"crix-ctr"};
  MountSweeper mounts{root.path()};
  LayerStore layers{root / "layers"};
  ContainerLayers containers{root / "containers", layers};
};

void writeText(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary);
  out << text;
  REQUIRE(out.good());
}

std::vector<std::string> entriesOf(const std::string& dir) {
  std::vector<std::string> names;
  for (const auto& e : fs::directory_iterator(dir)) names.push_back(e.path().filename());
  std::sort(names.begin(), names.end());
  return names;
}

}  // namespace

TEST_SUITE("storage/containers") {
  TEST_CASE("create mounts the image's layers with the top layer winning and whiteouts hiding") {
    World w;
    const auto base = fakeChainId(1), top = fakeChainId(2);
    addLayer(w.layers, base,
             TarBuilder()
                 .file("etc/os", "base")
                 .file("etc/gone", "deleted above")
                 .file("opaque/old", "hidden by an opaque dir")
                 .file("keep", "kept"));
    addLayer(w.layers, top,
             TarBuilder()
                 .file("etc/os", "top")
                 .file("etc/.wh.gone", "")
                 .file("opaque/.wh..wh..opq", "")
                 .file("opaque/new", "new"));

    const std::string merged = w.containers.create("c1", kImage, {base, top});
    CHECK(merged == w.root / "containers/c1/merged");
    CHECK(merged == w.containers.mergedPath("c1"));
    CHECK(isMountedAt(merged));
    CHECK(w.containers.isMounted("c1"));
    CHECK(readText(merged + "/etc/os") == "top");
    CHECK(readText(merged + "/keep") == "kept");
    CHECK_FALSE(exists(merged + "/etc/gone"));
    CHECK_FALSE(exists(merged + "/etc/.wh.gone"));
    CHECK(entriesOf(merged + "/opaque") == std::vector<std::string>{"new"});

    const auto record = w.containers.get("c1");
    REQUIRE(record.has_value());
    CHECK(record->imageId == kImage);
    CHECK(record->chainIds == std::vector<std::string>{base, top});
    CHECK(w.containers.list() == std::vector<std::string>{"c1"});

    // Image files (setuid binaries among them) are out of host users' reach.
    struct stat st {};
    REQUIRE(::stat((w.root / "containers").c_str(), &st) == 0);
    CHECK((st.st_mode & 07777) == 0700);
  }

  TEST_CASE("writes land in the upper dir, never in a shared layer") {
    World w;
    const auto base = fakeChainId(1);
    addLayer(w.layers, base, TarBuilder().file("etc/os", "base").file("rm-me", "x"));
    const std::string merged = w.containers.create("c1", kImage, {base});
    writeText(merged + "/etc/os", "changed");
    writeText(merged + "/new", "fresh");
    REQUIRE(::unlink((merged + "/rm-me").c_str()) == 0);

    const std::string upper = w.root / "containers/c1/upper";
    CHECK(readText(upper + "/etc/os") == "changed");
    CHECK(readText(upper + "/new") == "fresh");
    CHECK(readText(w.layers.treePath(base) + "/etc/os") == "base");
    CHECK(readText(w.layers.treePath(base) + "/rm-me") == "x");
    CHECK_FALSE(exists(merged + "/rm-me"));

    // A second container over the same layer sees the layer, not c1's changes.
    const std::string other = w.containers.create("c2", kImage, {base});
    CHECK(readText(other + "/etc/os") == "base");
    CHECK_FALSE(exists(other + "/new"));
  }

  TEST_CASE("the container's root takes the top layer's root mode") {
    World w;
    const auto base = fakeChainId(1);
    addLayer(w.layers, base, TarBuilder().dir("./", 0711).file("f", "x"));
    const std::string merged = w.containers.create("c1", kImage, {base});
    struct stat st {};
    REQUIRE(::stat(merged.c_str(), &st) == 0);
    CHECK((st.st_mode & 07777) == 0711);
  }

  TEST_CASE("unmount, remount, and a restart keep the writable layer") {
    World w;
    const auto base = fakeChainId(1);
    addLayer(w.layers, base, TarBuilder().file("a", "a"));
    const std::string merged = w.containers.create("c1", kImage, {base});
    writeText(merged + "/written", "kept");

    w.containers.unmount("c1");
    CHECK_FALSE(isMountedAt(merged));
    CHECK_FALSE(w.containers.isMounted("c1"));
    CHECK(entriesOf(merged).empty());
    w.containers.unmount("c1");  // idempotent
    w.containers.unmount("never-created");

    CHECK(w.containers.mount("c1") == merged);
    CHECK(readText(merged + "/written") == "kept");
    CHECK(w.containers.mount("c1") == merged);  // already mounted: no second mount
    CHECK(mountsBelow(merged).size() == 1);

    // A daemon restart after a reboot: new objects, nothing mounted.
    w.containers.unmount("c1");
    ContainerLayers reopened(w.root / "containers", w.layers);
    CHECK(reopened.list() == std::vector<std::string>{"c1"});
    CHECK(reopened.mount("c1") == merged);
    CHECK(readText(merged + "/a") == "a");
    CHECK(readText(merged + "/written") == "kept");
  }

  TEST_CASE("remove unmounts and deletes, and is idempotent") {
    World w;
    const auto base = fakeChainId(1);
    addLayer(w.layers, base, TarBuilder().file("a", "a"));
    const std::string merged = w.containers.create("c1", kImage, {base});
    writeText(merged + "/data", "x");
    w.containers.remove("c1");
    CHECK(mountsBelow(w.root.path()).empty());
    CHECK_FALSE(exists(w.root / "containers/c1"));
    CHECK(entriesOf(w.root / "containers").empty());
    CHECK(w.containers.list().empty());
    CHECK(readText(w.layers.treePath(base) + "/a") == "a");  // the shared layer is untouched
    w.containers.remove("c1");
    w.containers.remove("never-created");

    // An unmounted container is removed too, and the ID can be used again.
    w.containers.create("c1", kImage, {base});
    w.containers.unmount("c1");
    w.containers.remove("c1");
    CHECK_FALSE(exists(w.root / "containers/c1"));
    CHECK(w.containers.create("c1", kImage, {base}) == merged);
    CHECK_FALSE(exists(merged + "/data"));
  }

  TEST_CASE("a busy mount is detached lazily") {
    World w;
    const auto base = fakeChainId(1);
    addLayer(w.layers, base, TarBuilder().file("a", "a"));
    const std::string merged = w.containers.create("c1", kImage, {base});
    crix::UniqueFd open(::open((merged + "/a").c_str(), O_RDONLY | O_CLOEXEC));
    REQUIRE(open);
    w.containers.remove("c1");
    CHECK_FALSE(isMountedAt(merged));
    CHECK_FALSE(exists(w.root / "containers/c1"));
    char c = 0;
    CHECK(::read(open.get(), &c, 1) == 1);  // the detached mount still serves its user
    CHECK(c == 'a');
  }

  TEST_CASE("sixty layers fit in one mount") {
    World w;
    std::vector<std::string> chain;
    for (int i = 0; i < 60; ++i) {
      chain.push_back(fakeChainId(100 + i));
      addLayer(w.layers, chain.back(),
               TarBuilder().file("f" + std::to_string(i), std::to_string(i)).file("shared", std::to_string(i)));
    }
    // Absolute lower paths would not fit in a page: the reason for l/<n>.
    std::string absolute;
    for (const auto& id : chain) absolute += w.layers.treePath(id) + ":";
    CHECK(absolute.size() > 4096);

    const std::string merged = w.containers.create("many", kImage, chain);
    CHECK(readText(merged + "/shared") == "59");
    for (int i = 0; i < 60; ++i) CHECK(readText(merged + "/f" + std::to_string(i)) == std::to_string(i));
    w.containers.unmount("many");
    CHECK(w.containers.mount("many") == merged);
    CHECK(readText(merged + "/shared") == "59");
  }

  TEST_CASE("an image without layers gets an empty, writable root") {
    World w;
    const std::string merged = w.containers.create("empty", kImage, {});
    CHECK(entriesOf(merged).empty());
    writeText(merged + "/x", "y");
    CHECK(readText(w.root / "containers/empty/upper/x") == "y");
    CHECK(w.containers.get("empty")->chainIds.empty());
  }

  TEST_CASE("create is all or nothing") {
    World w;
    const auto base = fakeChainId(1);
    addLayer(w.layers, base, TarBuilder().file("a", "a"));
    w.containers.create("c1", kImage, {base});

    CHECK(codeOf([&] { w.containers.create("c1", kImage, {base}); }) == crix::StatusCode::AlreadyExists);
    CHECK(codeOf([&] { w.containers.create("c2", kImage, {base, fakeChainId(9)}); }) ==
          crix::StatusCode::NotFound);
    for (const std::string& bad : std::vector<std::string>{"", "../x", "a/b", ".hidden", ".", "..", std::string(129, 'a')}) {
      CAPTURE(bad);
      CHECK(codeOf([&] { w.containers.create(bad, kImage, {base}); }) == crix::StatusCode::InvalidArgument);
    }
    std::vector<std::string> tooDeep;
    for (int i = 0; i < 501; ++i) tooDeep.push_back(fakeChainId(1000 + i));
    CHECK(codeOf([&] { w.containers.create("c2", kImage, tooDeep); }) == crix::StatusCode::InvalidArgument);
    CHECK(codeOf([&] { w.containers.mount("c2"); }) == crix::StatusCode::NotFound);
    CHECK(codeOf([&] { w.containers.usage("c2"); }) == crix::StatusCode::NotFound);
    CHECK_FALSE(w.containers.get("c2").has_value());

    // A mount the kernel refuses: the layer's record is there, its tree is not.
    const auto broken = fakeChainId(2);
    addLayer(w.layers, broken, TarBuilder().file("b", "b"));
    fs::remove_all(w.layers.treePath(broken));  // the record says it exists, the tree is gone
    CHECK(codeOf([&] { w.containers.create("c3", kImage, {broken}); }) == crix::StatusCode::Internal);

    CHECK(entriesOf(w.root / "containers") == std::vector<std::string>{"c1"});
    CHECK(mountsBelow(w.root / "containers").size() == 1);
  }

  TEST_CASE("a crash's leftovers are cleared at start and never listed") {
    World w;
    const auto base = fakeChainId(1);
    addLayer(w.layers, base, TarBuilder().file("a", "a"));
    w.containers.create("c1", kImage, {base});
    fs::create_directories(w.root / "containers/.tmp-c2-abcdef/upper");
    fs::create_directories(w.root / "containers/.removing-c3/upper");
    CHECK(w.containers.list() == std::vector<std::string>{"c1"});
    ContainerLayers reopened(w.root / "containers", w.layers);
    CHECK(entriesOf(w.root / "containers") == std::vector<std::string>{"c1"});
    CHECK(reopened.isMounted("c1"));  // a running container's mount is left alone
  }

  TEST_CASE("layersInUse is the union of every container's layers") {
    World w;
    const auto a = fakeChainId(1), b = fakeChainId(2), c = fakeChainId(3);
    for (const auto& id : {a, b, c}) addLayer(w.layers, id, TarBuilder().file("x", id));
    w.containers.create("one", kImage, {a, b});
    w.containers.create("two", kImage, {a, c});
    CHECK(w.containers.layersInUse() == std::set<std::string>{a, b, c});
    w.containers.remove("two");
    CHECK(w.containers.layersInUse() == std::set<std::string>{a, b});
    w.containers.remove("one");
    CHECK(w.containers.layersInUse().empty());
  }

  TEST_CASE("usage counts the writable layer only") {
    World w;
    const auto base = fakeChainId(1);
    addLayer(w.layers, base, TarBuilder().file("big-in-image", std::string(1 << 20, 'i')));
    const std::string merged = w.containers.create("c1", kImage, {base});
    const auto before = w.containers.usage("c1");
    CHECK(before.bytes < (1 << 20));
    writeText(merged + "/written", std::string(2 << 20, 'w'));
    ::sync();
    const auto after = w.containers.usage("c1");
    CHECK(after.bytes >= before.bytes + (2 << 20));
    CHECK(after.bytes < before.bytes + (3 << 20));
    CHECK(after.inodes == before.inodes + 1);
    const auto total = w.containers.totalUsage();
    CHECK(total.bytes >= after.bytes);
    CHECK(total.bytes < after.bytes + (1 << 20));
  }
}
