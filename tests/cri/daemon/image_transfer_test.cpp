// crix.v1.ImageTransfer through the real daemon: pulls that report progress
// and archives loaded from the node's disk.
#include <doctest/doctest.h>
#include <grpcpp/grpcpp.h>

#include <filesystem>
#include <future>
#include <memory>
#include <thread>

#include "tests/support/DaemonProcess.h"
#include "tests/support/Subprocess.h"
#include "tests/support/TestImages.h"
#include "tests/support/TestRegistry.h"

using namespace crix::test;
namespace fs = std::filesystem;
namespace v1 = runtime::v1;

namespace {

std::unique_ptr<crix::v1::ImageTransfer::Stub> transferClient(const DaemonProcess& daemon) {
  return crix::v1::ImageTransfer::NewStub(
      grpc::CreateChannel("unix:" + daemon.socketPath(), grpc::InsecureChannelCredentials()));
}

grpc::Status load(const DaemonProcess& daemon, const std::string& path, const std::string& name,
                  crix::v1::LoadImageResponse* response) {
  crix::v1::LoadImageRequest req;
  req.set_path(path);
  req.set_name(name);
  return transferClient(daemon)->LoadImage(deadlineContext(std::chrono::seconds(60)).get(), req, response);
}

std::vector<v1::Image> listImages(const DaemonProcess& daemon) {
  v1::ListImagesResponse resp;
  REQUIRE(daemon.imageClient()->ListImages(deadlineContext().get(), {}, &resp).ok());
  return {resp.images().begin(), resp.images().end()};
}

// Pushes `recipe` as <registry>/<repoTag> and starts a daemon whose
// registries.conf reaches that registry.
std::unique_ptr<DaemonProcess> pushAndStartDaemon(const TempDir& dir, const TestRegistry& registry,
                                                  const nlohmann::json& recipe, const std::string& repoTag) {
  buildImage(recipe, dir / "layout");
  pushImage(dir / "layout", recipe.value("tag", "latest"), registry.hostPort() + "/" + repoTag);
  writeFile(dir / "registries.conf",
            "[[registry]]\nlocation = \"" + registry.hostPort() + "\"\ninsecure = true\n");
  auto daemon =
      std::make_unique<DaemonProcess>("[crio.image]\nregistries_conf = \"" + (dir / "registries.conf") + "\"\n");
  daemon->start();
  return daemon;
}

bool toolsPresent() {
  if (fs::exists("/usr/bin/skopeo") && fs::exists("/bin/busybox") && fs::exists("/bin/tar")) return true;
  FAIL_CHECK("missing tool, the test cannot run: skopeo, tar or busybox-static missing");
  return false;
}

}  // namespace

TEST_SUITE("image-transfer") {

TEST_CASE("an OCI layout archive loads under the given name") {
  if (!toolsPresent()) return;
  TempDir dir;
  buildImage(busyboxRecipe("latest"), dir / "layout");
  REQUIRE(runProcess({"/bin/tar", "-C", dir / "layout", "-cf", dir / "image.tar", "."}).exitCode == 0);

  DaemonProcess daemon;
  daemon.start();
  crix::v1::LoadImageResponse resp;
  const auto status = load(daemon, dir / "image.tar", "example.test/demo/busybox:1", &resp);
  REQUIRE_MESSAGE(status.ok(), status.error_message());
  REQUIRE(resp.images_size() == 1);
  REQUIRE(resp.images(0).repo_tags_size() == 1);
  CHECK(resp.images(0).repo_tags(0) == "example.test/demo/busybox:1");

  const auto images = listImages(daemon);
  REQUIRE(images.size() == 1);
  CHECK(images[0].id() == resp.images(0).id());
  // The archive's scratch copy is gone.
  CHECK(fs::is_empty(daemon.dir() / "root/storage/tmp"));
}

TEST_CASE("a docker save archive loads with its own tags") {
  if (!toolsPresent()) return;
  TempDir dir;
  buildImage(busyboxRecipe("latest"), dir / "layout");
  const auto copy = runProcess({"/usr/bin/skopeo", "copy", "--quiet", "oci:" + (dir / "layout") + ":latest",
                                "docker-archive:" + (dir / "saved.tar") + ":busybox:saved"},
                               std::chrono::seconds(60));
  REQUIRE_MESSAGE(copy.exitCode == 0, copy.err);

  DaemonProcess daemon;
  daemon.start();
  crix::v1::LoadImageResponse resp;
  const auto status = load(daemon, dir / "saved.tar", "", &resp);
  REQUIRE_MESSAGE(status.ok(), status.error_message());
  REQUIRE(resp.images_size() == 1);
  CHECK(resp.images(0).repo_tags(0) == "docker.io/library/busybox:saved");

  // The same image (same config digest) as the OCI layout gives.
  crix::v1::LoadImageResponse again;
  REQUIRE(runProcess({"/bin/tar", "-C", dir / "layout", "-cf", dir / "image.tar", "."}).exitCode == 0);
  REQUIRE(load(daemon, dir / "image.tar", "busybox:oci", &again).ok());
  CHECK(again.images(0).id() == resp.images(0).id());
  CHECK(listImages(daemon).size() == 1);
}

TEST_CASE("archives that are not images, or not there, are refused clearly") {
  if (!toolsPresent()) return;
  TempDir dir;
  DaemonProcess daemon;
  daemon.start();
  crix::v1::LoadImageResponse resp;

  CHECK(load(daemon, dir / "absent.tar", "", &resp).error_code() == grpc::StatusCode::NOT_FOUND);
  CHECK(load(daemon, "relative.tar", "", &resp).error_code() == grpc::StatusCode::INVALID_ARGUMENT);

  writeFile(dir / "notes.txt", "hello");
  REQUIRE(runProcess({"/bin/tar", "-C", dir.path(), "-cf", dir / "plain.tar", "notes.txt"}).exitCode == 0);
  const auto plain = load(daemon, dir / "plain.tar", "", &resp);
  CHECK(plain.error_code() == grpc::StatusCode::INVALID_ARGUMENT);
  CHECK(plain.error_message().find("neither an OCI image layout") != std::string::npos);

  // A member that climbs out of the archive.
  writeFile(dir / "evil-member", "x");
  REQUIRE(runProcess({"/bin/tar", "-C", dir.path(), "-cf", dir / "evil.tar", "--transform",
                      "s|evil-member|../../crix-load-escape|", "evil-member"})
              .exitCode == 0);
  const auto evil = load(daemon, dir / "evil.tar", "", &resp);
  CHECK(evil.error_code() == grpc::StatusCode::INVALID_ARGUMENT);
  CHECK(evil.error_message().find("leaves the archive") != std::string::npos);
  CHECK_FALSE(fs::exists(daemon.dir() / "root/crix-load-escape"));
  CHECK(fs::is_empty(daemon.dir() / "root/storage/tmp"));
  CHECK(listImages(daemon).empty());
}

TEST_CASE("a pull reports progress and ends with the image ID") {
  if (!toolsPresent() || !TestRegistry::available()) return;
  TempDir dir;
  TestRegistry registry(dir.path() + "/registry");
  auto recipe = busyboxRecipe("1");
  recipe["layers"].push_back({{"compression", "gzip"}, {"entries", {{{"path", "x.txt"}, {"content", "x"}}}}});
  const auto started = pushAndStartDaemon(dir, registry, recipe, "library/progress:1");
  DaemonProcess& daemon = *started;

  v1::PullImageRequest req;
  req.mutable_image()->set_image(registry.hostPort() + "/library/progress:1");
  auto ctx = deadlineContext(std::chrono::seconds(60));
  auto reader = transferClient(daemon)->PullImage(ctx.get(), req);
  crix::v1::PullImageProgress report;
  std::vector<crix::v1::PullImageProgress> reports;
  while (reader->Read(&report)) reports.push_back(report);
  const auto status = reader->Finish();
  REQUIRE_MESSAGE(status.ok(), status.error_message());
  REQUIRE(reports.size() >= 2);
  CHECK(reports.front().layers_total() == 2);
  const auto& done = reports[reports.size() - 2];
  CHECK(done.layers_done() == 2);
  CHECK(done.bytes_done() == done.bytes_total());
  CHECK(done.bytes_total() > 100000);
  CHECK(reports.back().image_ref().rfind("sha256:", 0) == 0);
  CHECK(listImages(daemon).at(0).id() == reports.back().image_ref());
}

TEST_CASE("a pull whose client goes away does not fail another pull waiting on the same layer") {
  if (!toolsPresent() || !TestRegistry::available()) return;
  TempDir dir;
  TestRegistry registry(dir.path() + "/registry");
  // Big and incompressible, so the download is still running when the first
  // client goes away.
  const auto noise = runProcess({"/bin/sh", "-c", "head -c 268435456 /dev/urandom > " + (dir / "noise")});
  REQUIRE(noise.exitCode == 0);
  auto recipe = busyboxRecipe("1");
  recipe["layers"].push_back(
      {{"compression", "none"}, {"entries", {{{"path", "noise"}, {"from", (dir / "noise")}}}}});
  const auto started = pushAndStartDaemon(dir, registry, recipe, "library/big:1");
  DaemonProcess& daemon = *started;
  const std::string image = registry.hostPort() + "/library/big:1";

  // The leader: a crixctl-style pull whose client cancels once bytes flow.
  v1::PullImageRequest req;
  req.mutable_image()->set_image(image);
  auto leaderCtx = deadlineContext(std::chrono::seconds(120));
  auto reader = transferClient(daemon)->PullImage(leaderCtx.get(), req);
  crix::v1::PullImageProgress report;
  bool flowing = false;
  while (!flowing && reader->Read(&report)) flowing = report.bytes_done() > 0 && report.layers_done() < 2;
  REQUIRE_MESSAGE(flowing, "the download finished before the test could cancel it");

  // The followers, now waiting on the leader's download of the big layer: a
  // kubelet-style CRI pull, and another crixctl-style pull with progress.
  auto follower = std::async(std::launch::async, [&] {
    v1::PullImageResponse resp;
    const auto status =
        daemon.imageClient()->PullImage(deadlineContext(std::chrono::seconds(120)).get(), req, &resp);
    return std::make_pair(status, resp.image_ref());
  });
  auto watcher = std::async(std::launch::async, [&] {
    auto ctx = deadlineContext(std::chrono::seconds(120));
    auto stream = transferClient(daemon)->PullImage(ctx.get(), req);
    std::vector<crix::v1::PullImageProgress> reports;
    crix::v1::PullImageProgress one;
    while (stream->Read(&one)) reports.push_back(one);
    return std::make_pair(stream->Finish(), reports);
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  leaderCtx->TryCancel();
  while (reader->Read(&report)) {
  }
  const auto leader = reader->Finish();
  CHECK(leader.error_code() == grpc::StatusCode::CANCELLED);

  const auto [status, ref] = follower.get();
  CHECK_MESSAGE(status.ok(), status.error_message());
  CHECK(ref.rfind("sha256:", 0) == 0);
  // The second follower's progress is its own: it ends at its own total,
  // though bytes came partly from a flight it only waited for.
  const auto [watched, reports] = watcher.get();
  CHECK_MESSAGE(watched.ok(), watched.error_message());
  REQUIRE(reports.size() >= 2);
  const auto& done = reports[reports.size() - 2];
  CHECK(done.layers_done() == done.layers_total());
  CHECK(done.bytes_done() == done.bytes_total());
  CHECK(reports.back().image_ref() == ref);
  REQUIRE(listImages(daemon).size() == 1);
}

}  // TEST_SUITE
