// ImageStorage with containers: a layer a container stacks is never deleted,
// whether its image goes away or the storage restarts; collectUnusedLayers()
// frees it once the container is gone.
#include <doctest/doctest.h>

#include <poll.h>
#include <sys/socket.h>

#include <chrono>
#include <filesystem>
#include <string>
#include <thread>

#include "ContainerLayersTestSupport.h"
#include "storage/ImageStorage.h"
#include "storage/ImageStore.h"
#include "storage/registry/RegistriesConf.h"
#include "tests/support/LoopbackSocket.h"

using namespace crix::storage;
using namespace crix::storage::test;
using crix::layer::test::TarBuilder;

namespace {

ImageStorageOptions optionsAt(const std::string& root) {
  ImageStorageOptions options;
  options.root = root;
  return options;
}

ImageRecord imageRecord(char c, std::vector<std::string> layers) {
  ImageRecord r;
  r.id = "sha256:" + std::string(64, c);
  r.repoTags = {"docker.io/library/img-" + std::string(1, c) + ":latest"};
  r.layers = std::move(layers);
  return r;
}

// Fills <root>/storage the way pulls would: layers a, b (image A) and a, c
// (image B). Stores are closed again before ImageStorage opens them.
void seedImages(const std::string& root, const std::vector<std::string>& chain) {
  LayerStore layers(root + "/storage/layers");
  for (const auto& id : chain) addLayer(layers, id, TarBuilder().file("from", id));
  ImageStore images(root + "/storage/images");
  images.add(imageRecord('a', {chain[0], chain[1]}), "{}", "{}");
  images.add(imageRecord('b', {chain[0], chain[2]}), "{}", "{}");
}

}  // namespace

TEST_SUITE("storage/containers image storage") {
  TEST_CASE("an image a container uses can be removed; its layers stay until the container goes") {
    crix::test::TempDir root("crix-ctr");
    MountSweeper mounts(root.path());
    const std::vector<std::string> chain{fakeChainId(1), fakeChainId(2), fakeChainId(3)};
    seedImages(root.path(), chain);
    const crix::registry::RegistriesConf registries;
    const std::string layersDir = root / "storage/layers";
    auto hasLayer = [&](const std::string& id) { return exists(layersDir + "/" + id.substr(7)); };

    {
      ImageStorage storage(optionsAt(root.path()));
      CHECK(storage.containers().dir() == root / "storage/containers");
      const std::string merged = storage.containers().create("ctr", "sha256:" + std::string(64, 'a'),
                                                              {chain[0], chain[1]});
      CHECK(readText(merged + "/from") == chain[1]);

      storage.remove("sha256:" + std::string(64, 'a'), registries);
      CHECK(storage.list().size() == 1);
      CHECK(hasLayer(chain[1]));  // only the container holds it now
      CHECK(readText(merged + "/from") == chain[1]);
      storage.collectUnusedLayers();
      CHECK(hasLayer(chain[1]));
    }

    {
      // The collection at start keeps it too.
      ImageStorage storage(optionsAt(root.path()));
      CHECK(hasLayer(chain[1]));
      CHECK(storage.containers().isMounted("ctr"));

      const auto images = storage.imageUsage();
      CHECK(images.path == storage.storageDir());
      CHECK(images.inodesUsed > 0);
      const auto containers = storage.containerUsage();
      CHECK(containers.path == root / "storage/containers");
      CHECK(containers.inodesUsed > 0);

      storage.containers().remove("ctr");
      CHECK(hasLayer(chain[1]));  // removing a container does not collect by itself
      storage.collectUnusedLayers();
      CHECK_FALSE(hasLayer(chain[1]));
      CHECK(hasLayer(chain[0]));  // image B still needs it
      CHECK(hasLayer(chain[2]));
    }
    CHECK(mountsBelow(root.path()).empty());
  }

  TEST_CASE("a collection while a pull runs is deferred to the pull's end") {
    crix::test::TempDir root("crix-ctr");
    // A "registry" that accepts the connection and never answers: the pull
    // hangs until the client's request timeout.
    auto listener = crix::test::listenOnLoopback();
    ImageStorageOptions options = optionsAt(root.path());
    options.client.requestTimeout = std::chrono::milliseconds(2000);
    options.client.timeouts.connect = std::chrono::milliseconds(2000);
    ImageStorage storage(options);
    const std::string orphan = fakeChainId(7);
    {
      LayerStore layers(root / "storage/layers");
      addLayer(layers, orphan, TarBuilder().file("x", "x"));
    }
    const std::string orphanTree = root / ("storage/layers/" + orphan.substr(7));
    REQUIRE(exists(orphanTree));

    crix::StatusCode pullResult = crix::StatusCode::Ok;
    std::jthread pulling([&] {
      try {
        PullRequest request;
        request.image = "127.0.0.1:" + std::to_string(listener.port) + "/hang/x:1";
        storage.pull(request, crix::registry::RegistriesConf());
      } catch (const crix::Error& e) {
        pullResult = e.code();
      }
    });
    // Once the client has connected, the pull is certainly under way.
    pollfd waiting{listener.fd.get(), POLLIN, 0};
    REQUIRE(::poll(&waiting, 1, 10'000) == 1);
    crix::UniqueFd held(::accept(listener.fd.get(), nullptr, nullptr));

    storage.collectUnusedLayers();
    CHECK(exists(orphanTree));  // the pull may be about to record an image on it
    pulling.join();
    CHECK(pullResult != crix::StatusCode::Ok);
    CHECK_FALSE(exists(orphanTree));  // collected as the pull ended
  }
}
