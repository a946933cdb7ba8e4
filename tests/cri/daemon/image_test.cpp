// The ImageService end to end: the real daemon pulling from Debian's
// docker-registry on 127.0.0.1, images built from busybox-static.
#include <doctest/doctest.h>
#include <grpcpp/grpcpp.h>
#include <signal.h>

#include <filesystem>
#include <fstream>
#include <future>
#include <thread>

#include "tests/support/DaemonProcess.h"
#include "tests/support/Subprocess.h"
#include "tests/support/TestCertificates.h"
#include "tests/support/TestImages.h"
#include "tests/support/TestRegistry.h"

using namespace crix::test;
namespace fs = std::filesystem;
namespace v1 = runtime::v1;

namespace {

// A registry, a daemon whose registries.conf sends docker.io to that
// registry (so nothing ever leaves the machine), and helpers over the CRI.
struct ImageEnv {
  TempDir dir{"crix-image"};
  std::unique_ptr<TestRegistry> registry;
  std::unique_ptr<DaemonProcess> daemon;
  std::string host;

  explicit ImageEnv(const TestRegistryOptions& options = {}) {
    registry = std::make_unique<TestRegistry>(dir / "registry", options);
    host = registry->hostPort();
  }

  void startDaemon(const std::string& moreRegistries = "", bool secure = false) {
    const std::string insecure = secure ? "false" : "true";
    writeFile(dir / "registries.conf",
              "unqualified-search-registries = [\"docker.io\"]\n"
              "[[registry]]\nprefix = \"docker.io\"\nlocation = \"" + host + "\"\ninsecure = " + insecure + "\n"
              "[[registry]]\nlocation = \"" + host + "\"\ninsecure = " + insecure + "\n" + moreRegistries);
    daemon = std::make_unique<DaemonProcess>("[crio.image]\nregistries_conf = \"" + (dir / "registries.conf") + "\"\n");
    daemon->start();
  }

  // Builds `recipe` and pushes it as <host>/<repoTag>; returns the pushed digest.
  std::string push(const nlohmann::json& recipe, const std::string& repoTag, bool multiArch = false,
                   const std::string& credentials = "") {
    const std::string layout = dir / ("layout-" + std::to_string(layouts++));
    const std::string digest = buildImage(recipe, layout);
    pushImage(layout, recipe.value("tag", "latest"), host + "/" + repoTag, multiArch, credentials);
    return digest;
  }

  grpc::Status pull(const std::string& name, std::string* ref = nullptr, const v1::AuthConfig* auth = nullptr) {
    v1::PullImageRequest req;
    req.mutable_image()->set_image(name);
    if (auth) *req.mutable_auth() = *auth;
    v1::PullImageResponse resp;
    auto status = daemon->imageClient()->PullImage(deadlineContext(std::chrono::seconds(120)).get(), req, &resp);
    if (ref) *ref = resp.image_ref();
    return status;
  }

  std::optional<v1::Image> image(const std::string& name, v1::ImageStatusResponse* full = nullptr) {
    v1::ImageStatusRequest req;
    req.mutable_image()->set_image(name);
    req.set_verbose(full != nullptr);
    v1::ImageStatusResponse resp;
    const auto status = daemon->imageClient()->ImageStatus(deadlineContext().get(), req, &resp);
    REQUIRE_MESSAGE(status.ok(), status.error_message());
    if (full) *full = resp;
    if (!resp.has_image()) return std::nullopt;
    return resp.image();
  }

  grpc::Status remove(const std::string& name) {
    v1::RemoveImageRequest req;
    req.mutable_image()->set_image(name);
    v1::RemoveImageResponse resp;
    return daemon->imageClient()->RemoveImage(deadlineContext().get(), req, &resp);
  }

  std::vector<v1::Image> list() {
    v1::ListImagesResponse resp;
    const auto status = daemon->imageClient()->ListImages(deadlineContext().get(), {}, &resp);
    REQUIRE_MESSAGE(status.ok(), status.error_message());
    return {resp.images().begin(), resp.images().end()};
  }

  std::string storageDir() const { return daemon->dir() / "root/storage"; }

  // Unpacked layer trees in the store.
  size_t layerCount() const {
    size_t n = 0;
    for (const auto& e : fs::directory_iterator(storageDir() + "/layers")) n += e.is_directory() ? 1 : 0;
    return n;
  }

  // Anything a pull left half done: staging directories anywhere in the store.
  std::vector<std::string> leftovers() const {
    std::vector<std::string> found;
    for (const auto& e : fs::recursive_directory_iterator(storageDir()))
      if (e.path().filename().string().find(".tmp-") != std::string::npos) found.push_back(e.path());
    return found;
  }

  int layouts = 0;
};

nlohmann::json withExtraLayer(nlohmann::json recipe, const std::string& file, const std::string& content) {
  recipe["layers"].push_back({{"compression", "gzip"}, {"entries", {{{"path", file}, {"content", content}}}}});
  return recipe;
}

bool toolsPresent() {
  if (TestRegistry::available() && fs::exists("/usr/bin/skopeo") && fs::exists("/bin/busybox")) return true;
  FAIL_CHECK("missing tool, the test cannot run: docker-registry, skopeo or busybox-static missing");
  return false;
}

}  // namespace

TEST_SUITE("images") {

TEST_CASE("pull by tag, list, inspect and remove") {
  if (!toolsPresent()) return;
  ImageEnv env;
  env.push(busyboxRecipe("1.28"), "library/busybox:1.28");
  env.startDaemon();

  std::string ref;
  const auto status = env.pull("docker.io/library/busybox:1.28", &ref);
  REQUIRE_MESSAGE(status.ok(), status.error_message());
  CHECK(ref.rfind("sha256:", 0) == 0);

  const auto images = env.list();
  REQUIRE(images.size() == 1);
  CHECK(images[0].id() == ref);
  REQUIRE(images[0].repo_tags_size() == 1);
  CHECK(images[0].repo_tags(0) == "docker.io/library/busybox:1.28");
  REQUIRE(images[0].repo_digests_size() >= 1);
  CHECK(images[0].repo_digests(0).rfind("docker.io/library/busybox@sha256:", 0) == 0);
  CHECK(images[0].size() > 1000000);  // busybox itself

  // The short name and the ID find the same image; uid comes from the config.
  const auto byShort = env.image("busybox:1.28");
  REQUIRE(byShort.has_value());
  CHECK(byShort->id() == ref);
  REQUIRE(byShort->has_uid());
  CHECK(byShort->uid().value() == 0);
  CHECK(env.image(ref)->id() == ref);
  CHECK(env.image(ref.substr(7, 12))->id() == ref);

  v1::ImageStatusResponse verbose;
  env.image("busybox:1.28", &verbose);
  REQUIRE(verbose.info().count("info") == 1);
  const auto info = nlohmann::json::parse(verbose.info().at("info"));
  CHECK(info.at("imageSpec").at("architecture") == "amd64");

  CHECK(env.remove("busybox:1.28").ok());
  CHECK(env.list().empty());
  CHECK_FALSE(env.image("busybox:1.28").has_value());
  CHECK(env.layerCount() == 0);
  // Removing again, and removing what never was, are fine.
  CHECK(env.remove("busybox:1.28").ok());
  CHECK(env.remove("docker.io/library/nothing:here").ok());
}

TEST_CASE("pull without a tag and by digest") {
  if (!toolsPresent()) return;
  ImageEnv env;
  const std::string digest = env.push(busyboxRecipe("latest"), "library/busybox:latest");
  env.startDaemon();

  std::string ref;
  REQUIRE(env.pull("busybox", &ref).ok());
  CHECK(env.list().at(0).repo_tags(0) == "docker.io/library/busybox:latest");
  REQUIRE(env.remove(ref).ok());

  std::string byDigestRef;
  const auto status = env.pull("busybox@" + digest, &byDigestRef);
  REQUIRE_MESSAGE(status.ok(), status.error_message());
  CHECK(byDigestRef == ref);
  const auto images = env.list();
  REQUIRE(images.size() == 1);
  CHECK(images[0].repo_tags_size() == 0);  // a digest pull names no tag
  CHECK(images[0].repo_digests(0) == "docker.io/library/busybox@" + digest);
  CHECK(env.image("busybox@" + digest).has_value());
}

TEST_CASE("a mirror from registries.conf is tried before the location") {
  if (!toolsPresent()) return;
  ImageEnv env;
  env.push(busyboxRecipe("1.28"), "library/busybox:1.28");
  // The location is a loopback port nobody listens on: only the mirror works.
  env.startDaemon("[[registry]]\nprefix = \"mirrored.example\"\nlocation = \"127.0.0.1:9\"\ninsecure = true\n"
                  "[[registry.mirror]]\nlocation = \"" + env.host + "\"\ninsecure = true\n");
  const auto status = env.pull("mirrored.example/library/busybox:1.28");
  REQUIRE_MESSAGE(status.ok(), status.error_message());
  CHECK(env.list().at(0).repo_tags(0) == "mirrored.example/library/busybox:1.28");
}

TEST_CASE("a blocked registry is refused") {
  if (!toolsPresent()) return;
  ImageEnv env;
  env.startDaemon("[[registry]]\nprefix = \"blocked.example\"\nlocation = \"" + env.host + "\"\nblocked = true\n");
  const auto status = env.pull("blocked.example/x:1");
  CHECK(status.error_code() == grpc::StatusCode::PERMISSION_DENIED);
  CHECK(status.error_message().find("blocked") != std::string::npos);
}

TEST_CASE("an image index gives this machine's platform") {
  if (!toolsPresent()) return;
  ImageEnv env;
  auto recipe = busyboxRecipe("multi");
  recipe["platforms"] = {{{"os", "linux"}, {"architecture", "arm64"}, {"variant", "v8"}},
                         {{"os", "linux"}, {"architecture", "amd64"}}};
  const std::string indexDigest = env.push(recipe, "library/multi:1", true);
  env.startDaemon();
  REQUIRE(env.pull("multi:1").ok());
  v1::ImageStatusResponse verbose;
  env.image("multi:1", &verbose);
  const auto info = nlohmann::json::parse(verbose.info().at("info"));
  CHECK(info.at("imageSpec").at("architecture") == "amd64");
  CHECK(info.at("imageSpec").at("config").at("Labels").at("platform") == "amd64");
  // The index digest names the image too.
  CHECK(env.image("docker.io/library/multi@" + indexDigest).has_value());
}

TEST_CASE("the image user becomes uid or username") {
  if (!toolsPresent()) return;
  ImageEnv env;
  auto named = busyboxRecipe("named");
  named["config"]["User"] = "app";
  auto numeric = busyboxRecipe("numeric");
  numeric["config"]["User"] = "1000:1000";
  env.push(named, "library/user:named");
  env.push(numeric, "library/user:numeric");
  env.startDaemon();
  REQUIRE(env.pull("user:named").ok());
  REQUIRE(env.pull("user:numeric").ok());
  const auto a = env.image("user:named");
  CHECK(a->username() == "app");
  CHECK_FALSE(a->has_uid());
  const auto b = env.image("user:numeric");
  REQUIRE(b->has_uid());
  CHECK(b->uid().value() == 1000);
  CHECK(b->username().empty());
}

TEST_CASE("shared layers are stored once and outlive the first image removed") {
  if (!toolsPresent()) return;
  ImageEnv env;
  env.push(withExtraLayer(busyboxRecipe("a"), "a.txt", "a"), "library/shared:a");
  env.push(withExtraLayer(busyboxRecipe("b"), "b.txt", "b"), "library/shared:b");
  env.startDaemon();
  REQUIRE(env.pull("shared:a").ok());
  REQUIRE(env.pull("shared:b").ok());
  CHECK(env.layerCount() == 3);  // busybox base once, plus one layer each

  REQUIRE(env.remove("shared:a").ok());
  CHECK(env.layerCount() == 2);
  REQUIRE(env.remove("shared:b").ok());
  CHECK(env.layerCount() == 0);
}

TEST_CASE("a tag that moves leaves the old image untagged but present") {
  if (!toolsPresent()) return;
  ImageEnv env;
  env.push(withExtraLayer(busyboxRecipe("v"), "v.txt", "one"), "library/moving:v");
  env.startDaemon();
  std::string first, second;
  REQUIRE(env.pull("moving:v", &first).ok());
  env.push(withExtraLayer(busyboxRecipe("v"), "v.txt", "two"), "library/moving:v");
  REQUIRE(env.pull("moving:v", &second).ok());
  CHECK(first != second);
  CHECK(env.image("moving:v")->id() == second);
  const auto old = env.image(first);
  REQUIRE(old.has_value());
  CHECK(old->repo_tags_size() == 0);
  CHECK(env.list().size() == 2);
}

TEST_CASE("a corrupted blob fails the pull and leaves nothing behind") {
  if (!toolsPresent()) return;
  ImageEnv env;
  env.push(withExtraLayer(busyboxRecipe("bad"), "x.txt", "payload"), "library/corrupt:bad");
  env.startDaemon();
  // Flip the bytes of every layer blob the registry holds (configs and
  // manifests are small JSON; layers are gzip).
  int corrupted = 0;
  for (const auto& e : fs::recursive_directory_iterator(env.dir / "registry/storage/docker/registry/v2/blobs")) {
    if (e.path().filename() != "data") continue;
    std::string bytes = readFile(e.path());
    if (bytes.size() < 2 || static_cast<unsigned char>(bytes[0]) != 0x1f) continue;
    bytes[bytes.size() / 2] ^= 0x55;
    writeFile(e.path(), bytes);
    ++corrupted;
  }
  REQUIRE(corrupted == 2);
  const auto status = env.pull("corrupt:bad");
  CHECK(status.error_code() == grpc::StatusCode::DATA_LOSS);
  CHECK(env.list().empty());
  CHECK(env.layerCount() == 0);
  CHECK(env.leftovers().empty());
}

TEST_CASE("concurrent pulls of one image download it once and agree") {
  if (!toolsPresent()) return;
  ImageEnv env;
  env.push(withExtraLayer(busyboxRecipe("c"), "c.txt", "c"), "library/concurrent:c");
  env.startDaemon();
  std::vector<std::future<std::pair<bool, std::string>>> pulls;
  for (int i = 0; i < 4; ++i)
    pulls.push_back(std::async(std::launch::async, [&] {
      std::string ref;
      const bool ok = env.pull("concurrent:c", &ref).ok();
      return std::make_pair(ok, ref);
    }));
  std::set<std::string> refs;
  for (auto& p : pulls) {
    const auto [ok, ref] = p.get();
    CHECK(ok);
    refs.insert(ref);
  }
  CHECK(refs.size() == 1);
  CHECK(env.list().size() == 1);
  CHECK(env.layerCount() == 2);
  CHECK(env.leftovers().empty());
}

TEST_CASE("layers that try to escape their directory are refused") {
  if (!toolsPresent()) return;
  ImageEnv env;
  const std::vector<nlohmann::json> attacks = {
      {{"raw", {{"name", "../../../../../../tmp/crix-escape-dotdot"}, {"content", "x"}}}},
      {{"raw", {{"name", "/tmp/crix-escape-absolute"}, {"content", "x"}}}},
      {{"raw", {{"name", "link"}, {"type", "symlink"}, {"linkname", "/tmp"}}}},
  };
  int n = 0;
  for (const auto& attack : attacks) {
    auto recipe = busyboxRecipe("evil" + std::to_string(n));
    nlohmann::json entries = {attack};
    if (n == 2) entries.push_back({{"raw", {{"name", "link/crix-escape-symlink"}, {"content", "x"}}}});
    recipe["layers"].push_back({{"compression", "gzip"}, {"entries", entries}});
    env.push(recipe, "library/evil:" + std::to_string(n));
    ++n;
  }
  env.startDaemon();
  for (int i = 0; i < n; ++i) {
    CAPTURE(i);
    const auto status = env.pull("evil:" + std::to_string(i));
    if (i == 1) {
      // An absolute name is read relative to the layer root, as Docker does:
      // harmless, and the file lands inside the layer.
      CHECK_MESSAGE(status.ok(), status.error_message());
    } else {
      CHECK(status.error_code() == grpc::StatusCode::INVALID_ARGUMENT);
      CHECK(status.error_message().find("crix-escape") != std::string::npos);
    }
  }
  CHECK_FALSE(fs::exists("/tmp/crix-escape-dotdot"));
  CHECK_FALSE(fs::exists("/tmp/crix-escape-absolute"));
  CHECK_FALSE(fs::exists("/tmp/crix-escape-symlink"));
  CHECK(env.leftovers().empty());
}

TEST_CASE("a registry that needs credentials") {
  if (!toolsPresent() || !fs::exists("/usr/bin/htpasswd")) return;
  TempDir authDir;
  const auto hash = runProcess({"/usr/bin/htpasswd", "-Bbn", "crix", "s3cret"});
  REQUIRE(hash.exitCode == 0);
  writeFile(authDir / "htpasswd", hash.out);
  ImageEnv env(TestRegistryOptions{.htpasswd = authDir / "htpasswd"});
  env.push(busyboxRecipe("1"), "library/private:1", false, "crix:s3cret");
  env.startDaemon();

  const auto anonymous = env.pull("private:1");
  CHECK(anonymous.error_code() == grpc::StatusCode::UNAUTHENTICATED);
  CHECK(anonymous.error_message().find("credentials") != std::string::npos);

  v1::AuthConfig wrong;
  wrong.set_username("crix");
  wrong.set_password("nope");
  const auto rejected = env.pull("private:1", nullptr, &wrong);
  CHECK((rejected.error_code() == grpc::StatusCode::UNAUTHENTICATED ||
         rejected.error_code() == grpc::StatusCode::PERMISSION_DENIED));

  v1::AuthConfig right;
  right.set_username("crix");
  right.set_password("s3cret");
  const auto ok = env.pull("private:1", nullptr, &right);
  CHECK_MESSAGE(ok.ok(), ok.error_message());
}

TEST_CASE("TLS with a CA from certs.d") {
  if (!toolsPresent()) return;
  TempDir certDir;
  const auto certs = makeCertificates(certDir.path());
  ImageEnv env(TestRegistryOptions{.tlsCertificate = certs.serverCert, .tlsKey = certs.serverKey});
  env.push(busyboxRecipe("1"), "library/tls:1");
  env.startDaemon("", /*secure=*/true);

  // Without the CA the pull fails, naming where the CA would go.
  const auto untrusted = env.pull("tls:1");
  CHECK_FALSE(untrusted.ok());
  CHECK(untrusted.error_message().find("certs.d") != std::string::npos);

  // The daemon reads the system certs.d; this port's directory is ours alone.
  const fs::path hostDir = "/etc/containers/certs.d/" + env.host;
  fs::create_directories(hostDir);
  struct Cleanup {
    fs::path p;
    ~Cleanup() { fs::remove_all(p); }
  } cleanup{hostDir};
  fs::copy_file(certs.caCert, hostDir / "ca.crt");
  const auto trusted = env.pull("tls:1");
  CHECK_MESSAGE(trusted.ok(), trusted.error_message());
}

TEST_CASE("kill -9 in the middle of a pull leaves no partial image") {
  if (!toolsPresent()) return;
  ImageEnv env;
  // ~48 MB of incompressible data makes the pull last long enough to interrupt.
  const std::string big = env.dir / "big.bin";
  REQUIRE(runProcess({"/usr/bin/head", "-c", "50000000", "/dev/urandom"}).exitCode == 0);
  {
    const auto r = runProcess({"/bin/sh", "-c", "head -c 50000000 /dev/urandom > " + big});
    REQUIRE(r.exitCode == 0);
  }
  auto recipe = busyboxRecipe("big");
  recipe["layers"].push_back({{"compression", "gzip"}, {"entries", {{{"path", "big.bin"}, {"from", big}}}}});
  env.push(recipe, "library/big:1");
  env.startDaemon();

  auto pulling = std::async(std::launch::async, [&] { return env.pull("big:1"); });
  // Wait until an unpack is under way, then kill the daemon without warning.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (env.leftovers().empty() && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  REQUIRE_FALSE(env.leftovers().empty());
  env.daemon->signal(SIGKILL);
  pulling.wait();
  env.daemon->waitExit();

  // Same root, fresh daemon.
  const std::string root = env.daemon->dir() / "root";
  DaemonProcess restarted("[crio.image]\nregistries_conf = \"" + (env.dir / "registries.conf") + "\"\n");
  restarted.start({"--root", root});
  v1::ListImagesResponse listed;
  REQUIRE(restarted.imageClient()->ListImages(deadlineContext().get(), {}, &listed).ok());
  CHECK(listed.images_size() == 0);
  std::vector<std::string> staging;
  for (const auto& e : fs::recursive_directory_iterator(root + "/storage"))
    if (e.path().filename().string().find(".tmp-") != std::string::npos) staging.push_back(e.path());
  CHECK(staging.empty());

  v1::PullImageRequest req;
  req.mutable_image()->set_image("big:1");
  v1::PullImageResponse resp;
  const auto again = restarted.imageClient()->PullImage(deadlineContext(std::chrono::seconds(120)).get(), req, &resp);
  CHECK_MESSAGE(again.ok(), again.error_message());
}

TEST_CASE("ImageFsInfo reports the image store's usage") {
  if (!toolsPresent()) return;
  ImageEnv env;
  env.push(busyboxRecipe("1"), "library/busybox:1");
  env.startDaemon();
  REQUIRE(env.pull("busybox:1").ok());
  // Measured in the background (every 10 s), never by the call.
  v1::ImageFsInfoResponse resp;
  for (int i = 0; i < 100; ++i) {
    REQUIRE(env.daemon->imageClient()->ImageFsInfo(deadlineContext().get(), {}, &resp).ok());
    REQUIRE(resp.image_filesystems_size() == 1);
    if (resp.image_filesystems(0).used_bytes().value() > 1000000) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
  REQUIRE(resp.image_filesystems_size() == 1);
  const auto& fsUsage = resp.image_filesystems(0);
  CHECK(fsUsage.fs_id().mountpoint() == env.storageDir());
  CHECK(fsUsage.used_bytes().value() > 1000000);
  CHECK(fsUsage.inodes_used().value() > 5);
  CHECK(fsUsage.timestamp() > 0);
  CHECK(resp.container_filesystems_size() == 1);
}

TEST_CASE("bad image names are InvalidArgument; an absent image is no error") {
  if (!toolsPresent()) return;
  ImageEnv env;
  env.startDaemon();
  CHECK(env.pull("").error_code() == grpc::StatusCode::INVALID_ARGUMENT);
  CHECK(env.pull("docker.io/library/BusyBox").error_code() == grpc::StatusCode::INVALID_ARGUMENT);
  CHECK(env.pull("busybox@sha256:nothex").error_code() == grpc::StatusCode::INVALID_ARGUMENT);
  CHECK(env.pull("docker.io/library/absent:1").error_code() == grpc::StatusCode::NOT_FOUND);
  CHECK_FALSE(env.image("docker.io/library/absent:1").has_value());
}

}  // TEST_SUITE
