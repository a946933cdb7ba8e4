// ImageStore and LayerStore on a temp directory: names, persistence, and what
// a crash leaves behind.
#include <doctest/doctest.h>

#include <filesystem>

#include "core/Error.h"
#include "storage/ImageStore.h"
#include "storage/LayerStore.h"
#include "storage/layer/StagedLayer.h"
#include "tests/support/Subprocess.h"
#include "tests/support/TempDir.h"

using namespace crix::storage;
namespace fs = std::filesystem;

namespace {

std::string id(char c) { return "sha256:" + std::string(64, c); }

ImageRecord image(char c, std::vector<std::string> tags) {
  ImageRecord r;
  r.id = id(c);
  r.repoTags = std::move(tags);
  r.repoDigests = {"docker.io/library/x@" + id(c)};
  r.layers = {id('9')};
  r.user = "1000";
  return r;
}

}  // namespace

TEST_SUITE("storage/stores") {

TEST_CASE("chain IDs follow the OCI rule") {
  const std::string a = id('a'), b = id('b');
  const auto chain = chainIds({a, b});
  REQUIRE(chain.size() == 2);
  CHECK(chain[0] == a);
  // sha256("sha256:aaa… sha256:bbb…"), computed independently with coreutils.
  const auto expected = crix::test::runProcess(
      {"/bin/sh", "-c", "printf '%s %s' " + a + " " + b + " | sha256sum | cut -d' ' -f1"});
  CHECK(chain[1] == "sha256:" + expected.out.substr(0, 64));
}

TEST_CASE("an image store finds images by ID, prefix, tag and digest, and survives a restart") {
  crix::test::TempDir dir;
  {
    ImageStore store(dir.path());
    store.add(image('a', {"docker.io/library/x:1"}), "{}", "{}");
    store.add(image('b', {"docker.io/library/y:1"}), "{}", "{}");
    CHECK(store.find(id('a'))->id == id('a'));
    CHECK(store.find(std::string(64, 'a'))->id == id('a'));
    CHECK(store.find("aaaa")->id == id('a'));
    CHECK(store.find("docker.io/library/y:1")->id == id('b'));
    CHECK(store.find("docker.io/library/x@" + id('a'))->id == id('a'));
    CHECK_FALSE(store.find("docker.io/library/z:1").has_value());
    CHECK(store.configJson(id('a')) == "{}");
  }
  ImageStore reopened(dir.path());
  CHECK(reopened.list().size() == 2);
  CHECK(reopened.find("docker.io/library/x:1")->user == "1000");
}

TEST_CASE("an ambiguous ID prefix is refused") {
  crix::test::TempDir dir;
  ImageStore store(dir.path());
  auto one = image('a', {});
  auto two = image('a', {});
  two.id = "sha256:aaa" + std::string(61, 'b');
  store.add(one, "{}", "{}");
  store.add(two, "{}", "{}");
  CHECK_THROWS_AS(store.find("aaa"), crix::Error);
  CHECK(store.find("aaaa")->id == one.id);
}

TEST_CASE("a tag moves to the image that takes it; untag and remove") {
  crix::test::TempDir dir;
  ImageStore store(dir.path());
  store.add(image('a', {"docker.io/library/x:latest", "docker.io/library/x:1"}), "{}", "{}");
  store.add(image('b', {"docker.io/library/x:latest"}), "{}", "{}");
  CHECK(store.find("docker.io/library/x:latest")->id == id('b'));
  CHECK(store.byId(id('a'))->repoTags == std::vector<std::string>{"docker.io/library/x:1"});

  store.untag(id('a'), "docker.io/library/x:1");
  CHECK(store.byId(id('a'))->repoTags.empty());
  CHECK(store.remove(id('a')).has_value());
  CHECK_FALSE(store.remove(id('a')).has_value());
  CHECK_FALSE(fs::exists(dir.path() + "/" + std::string(64, 'a')));
}

TEST_CASE("a layer store clears what a crash left and keeps what was committed") {
  crix::test::TempDir dir;
  const std::string layers = dir.path() + "/layers";
  {
    LayerStore store(layers);
    auto staged = crix::layer::StagedLayer::create(layers);
    crix::test::writeFile(staged.path() + "/file", "data");
    store.commit(std::move(staged), LayerRecord{id('c'), id('c'), "", id('d'), 4});
    CHECK(store.has(id('c')));
    CHECK(fs::exists(store.treePath(id('c')) + "/file"));
  }
  // What a crash can leave: a staging dir, a tree without its record, a record without its tree.
  fs::create_directories(layers + "/.tmp-abc123/usr");
  fs::create_directories(layers + "/" + std::string(64, 'e'));
  crix::test::writeFile(layers + "/" + std::string(64, 'f') + ".json", "{}");

  LayerStore reopened(layers);
  CHECK(reopened.has(id('c')));
  CHECK(reopened.list().size() == 1);
  CHECK_FALSE(fs::exists(layers + "/.tmp-abc123"));
  CHECK_FALSE(fs::exists(layers + "/" + std::string(64, 'e')));
  CHECK_FALSE(fs::exists(layers + "/" + std::string(64, 'f') + ".json"));

  reopened.remove(id('c'));
  CHECK_FALSE(reopened.has(id('c')));
  CHECK_FALSE(fs::exists(reopened.treePath(id('c'))));
  reopened.remove(id('c'));  // absent: no error
}

TEST_CASE("a layer store moves an unreadable record aside, drops its tree and still opens") {
  crix::test::TempDir dir;
  const std::string layers = dir.path() + "/layers";
  {
    LayerStore store(layers);
    for (char c : {'a', 'b'}) {
      auto staged = crix::layer::StagedLayer::create(layers);
      crix::test::writeFile(staged.path() + "/file", "data");
      store.commit(std::move(staged), LayerRecord{id(c), id(c), "", id('d'), 4});
    }
  }
  const std::string damaged = layers + "/" + std::string(64, 'a') + ".json";
  crix::test::writeFile(damaged, "{\"chainId\": tru");

  LayerStore reopened(layers);
  CHECK_FALSE(reopened.has(id('a')));
  CHECK(reopened.has(id('b')));
  CHECK(reopened.list().size() == 1);
  CHECK(fs::exists(damaged + ".damaged"));
  CHECK_FALSE(fs::exists(damaged));
  CHECK_FALSE(fs::exists(layers + "/" + std::string(64, 'a')));

  LayerStore again(layers);  // the moved-aside record stays out of the store's sight
  CHECK(again.list().size() == 1);
}

TEST_CASE("a detached layer is out of the store at once; its tree is the caller's to delete, or the next start's") {
  crix::test::TempDir dir;
  const std::string layers = dir.path() + "/layers";
  std::string tree;
  {
    LayerStore store(layers);
    auto staged = crix::layer::StagedLayer::create(layers);
    crix::test::writeFile(staged.path() + "/file", "data");
    store.commit(std::move(staged), LayerRecord{id('a'), id('a'), "", id('d'), 4});
    const auto detached = store.detach(id('a'));
    REQUIRE(detached.has_value());
    tree = *detached;
    CHECK_FALSE(store.has(id('a')));
    CHECK(store.list().empty());
    CHECK_FALSE(fs::exists(store.treePath(id('a'))));
    CHECK(fs::exists(tree + "/file"));
    CHECK_FALSE(store.detach(id('a')).has_value());
  }
  // A crash before the caller deleted it: the next start does.
  LayerStore reopened(layers);
  CHECK_FALSE(fs::exists(tree));
  CHECK(reopened.list().empty());
}

}  // TEST_SUITE
