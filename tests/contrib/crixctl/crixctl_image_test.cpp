// crixctl's image verbs against the real daemon and Debian's docker-registry
// on 127.0.0.1: what they print must read exactly as crictl's output does,
// because scripts written for crictl parse it.
#include <doctest/doctest.h>
#include <grpcpp/grpcpp.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <mutex>
#include <regex>
#include <sstream>
#include <thread>

#include "tests/support/DaemonProcess.h"
#include "tests/support/Subprocess.h"
#include "tests/support/TestImages.h"
#include "tests/support/TestRegistry.h"

using namespace crix::test;
namespace fs = std::filesystem;
namespace v1 = runtime::v1;

namespace {

constexpr auto kCrixctlTimeout = std::chrono::seconds(120);

// A registry with images pushed on demand, and a daemon whose registries.conf
// sends docker.io (and so every short name) to it: no test ever reaches past
// the loopback interface.
struct CrixctlImageEnv {
  TempDir dir{"crixctl-image"};
  std::unique_ptr<TestRegistry> registry;
  std::unique_ptr<DaemonProcess> daemon;
  std::string host;
  int layouts = 0;

  explicit CrixctlImageEnv(const TestRegistryOptions& options = {}) {
    registry = std::make_unique<TestRegistry>(dir / "registry", options);
    host = registry->hostPort();
  }

  void startDaemon() {
    writeFile(dir / "registries.conf",
              "unqualified-search-registries = [\"docker.io\"]\n"
              "[[registry]]\nprefix = \"docker.io\"\nlocation = \"" + host + "\"\ninsecure = true\n");
    daemon = std::make_unique<DaemonProcess>("[crio.image]\nregistries_conf = \"" + (dir / "registries.conf") + "\"\n");
    daemon->start();
  }

  // Builds `recipe` into a fresh OCI layout; returns the layout directory.
  std::string layout(const nlohmann::json& recipe, std::string* digest = nullptr) {
    const std::string path = dir / ("layout-" + std::to_string(layouts++));
    const std::string built = buildImage(recipe, path);
    if (digest) *digest = built;
    return path;
  }

  // Pushes `recipe` as <registry>/<repoTag>; returns the manifest digest.
  std::string push(const nlohmann::json& recipe, const std::string& repoTag, const std::string& credentials = "") {
    std::string digest;
    const std::string path = layout(recipe, &digest);
    pushImage(path, recipe.value("tag", "latest"), host + "/" + repoTag, false, credentials);
    return digest;
  }

  ProcessResult crixctl(const std::vector<std::string>& args) const {
    std::vector<std::string> argv = {CRIXCTL_BINARY, "--runtime-endpoint", daemon->endpoint()};
    argv.insert(argv.end(), args.begin(), args.end());
    return runProcess(argv, kCrixctlTimeout);
  }

  // The one pulled image's ID, as `images -q` prints it.
  std::string onlyImageId() const {
    const auto r = crixctl({"images", "-q"});
    REQUIRE_MESSAGE(r.exitCode == 0, r.err);
    REQUIRE(std::count(r.out.begin(), r.out.end(), '\n') == 1);
    return r.out.substr(0, r.out.size() - 1);
  }
};

bool toolsPresent() {
  if (TestRegistry::available() && fs::exists("/usr/bin/skopeo") && fs::exists("/bin/busybox")) return true;
  FAIL_CHECK("missing tool, the test cannot run: docker-registry, skopeo or busybox-static missing");
  return false;
}

// crictl's table cell: the text padded to the column's width, which is the
// widest cell plus three, but at least twenty.
std::string cell(const std::string& text, std::size_t width) { return text + std::string(width - text.size(), ' '); }
std::size_t columnWidth(std::initializer_list<std::string> cells) {
  std::size_t widest = 0;
  for (const auto& c : cells) widest = std::max(widest, c.size());
  return std::max<std::size_t>(widest + 3, 20);
}

// go-units HumanSizeWithPrecision(size, 3), to check SIZE against the byte count.
std::string expectedHumanSize(double bytes) {
  const char* units[] = {"B", "kB", "MB", "GB", "TB"};
  int unit = 0;
  while (bytes >= 1000 && unit < 4) {
    bytes /= 1000;
    ++unit;
  }
  char text[32];
  std::snprintf(text, sizeof text, "%.3g%s", bytes, units[unit]);
  return text;
}

bool isImageId(const std::string& text) { return std::regex_match(text, std::regex("sha256:[0-9a-f]{64}")); }

// A CRI image service that is not crix: no crix.v1.ImageTransfer, so crixctl
// must fall back to the CRI's PullImage. Serves on a unix socket for one test.
class PlainCriImageService final : public v1::ImageService::Service {
 public:
  static constexpr const char* kImageRef = "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

  grpc::Status ImageFsInfo(grpc::ServerContext*, const v1::ImageFsInfoRequest*, v1::ImageFsInfoResponse*) override {
    return grpc::Status::OK;
  }
  grpc::Status PullImage(grpc::ServerContext*, const v1::PullImageRequest* request,
                         v1::PullImageResponse* response) override {
    std::lock_guard lock(mutex_);
    pulls_.push_back(*request);
    response->set_image_ref(kImageRef);
    return grpc::Status::OK;
  }
  std::vector<v1::PullImageRequest> pulls() {
    std::lock_guard lock(mutex_);
    return pulls_;
  }

 private:
  std::mutex mutex_;
  std::vector<v1::PullImageRequest> pulls_;
};

struct PlainCriServer {
  TempDir dir{"crixctl-plain-cri"};
  PlainCriImageService service;
  std::unique_ptr<grpc::Server> server;

  PlainCriServer() {
    grpc::ServerBuilder builder;
    builder.AddListeningPort("unix:" + endpointPath(), grpc::InsecureServerCredentials());
    builder.RegisterService(&service);
    server = builder.BuildAndStart();
    REQUIRE(server != nullptr);
  }
  ~PlainCriServer() { server->Shutdown(std::chrono::system_clock::now() + std::chrono::seconds(2)); }

  std::string endpointPath() const { return dir / "cri.sock"; }
  ProcessResult crixctl(const std::vector<std::string>& args) const {
    std::vector<std::string> argv = {CRIXCTL_BINARY, "--runtime-endpoint", "unix://" + endpointPath()};
    argv.insert(argv.end(), args.begin(), args.end());
    return runProcess(argv, kCrixctlTimeout);
  }
};

}  // namespace

TEST_SUITE("crixctl-images") {

TEST_CASE("pull by tag, then images shows crictl's table") {
  if (!toolsPresent()) return;
  CrixctlImageEnv env;
  env.push(busyboxRecipe("1.28"), "library/busybox:1.28");
  env.startDaemon();

  const auto pulled = env.crixctl({"pull", "busybox:1.28"});
  REQUIRE_MESSAGE(pulled.exitCode == 0, pulled.err);
  const std::string prefix = "Image is up to date for ";
  REQUIRE(pulled.out.rfind(prefix, 0) == 0);
  const std::string id = pulled.out.substr(prefix.size(), pulled.out.size() - prefix.size() - 1);
  CHECK(isImageId(id));
  CHECK(pulled.out.back() == '\n');
  // stderr is a pipe here: no progress line, nothing else at all.
  CHECK(pulled.err.empty());

  const auto json = env.crixctl({"images", "-o", "json"});
  REQUIRE_MESSAGE(json.exitCode == 0, json.err);
  const auto doc = nlohmann::json::parse(json.out);
  REQUIRE(doc.at("images").size() == 1);
  const auto& image = doc["images"][0];
  CHECK(image.at("id") == id);
  CHECK(image.at("repoTags") == nlohmann::json::array({"docker.io/library/busybox:1.28"}));
  CHECK(image.at("repoDigests")[0].get<std::string>().rfind("docker.io/library/busybox@sha256:", 0) == 0);
  // protojson: 64-bit numbers as strings, zero values kept.
  REQUIRE(image.at("size").is_string());
  CHECK(image.at("pinned") == false);
  CHECK(image.at("uid") == nlohmann::json{{"value", "0"}});
  const double bytes = std::stod(image["size"].get<std::string>());
  CHECK(bytes > 1e6);

  const auto table = env.crixctl({"images"});
  REQUIRE_MESSAGE(table.exitCode == 0, table.err);
  const std::string repo = "docker.io/library/busybox";
  const std::string shortId = id.substr(7, 13);
  const std::size_t w1 = columnWidth({"IMAGE", repo}), w2 = columnWidth({"TAG", "1.28"}),
                    w3 = columnWidth({"IMAGE ID", shortId});
  const std::string expected = cell("IMAGE", w1) + cell("TAG", w2) + cell("IMAGE ID", w3) + "SIZE\n" +
                               cell(repo, w1) + cell("1.28", w2) + cell(shortId, w3) + expectedHumanSize(bytes) +
                               "\n";
  CHECK(table.out == expected);

  // The aliases, and -q with nothing but the full IDs.
  CHECK(env.crixctl({"img"}).out == expected);
  CHECK(env.crixctl({"image", "-q"}).out == id + "\n");

  const auto untruncated = env.crixctl({"images", "--no-trunc", "--pinned"});
  CHECK(untruncated.out.find(id + "   ") != std::string::npos);
  CHECK(untruncated.out.find("PINNED") != std::string::npos);
  CHECK(untruncated.out.find("false\n") != std::string::npos);

  const auto verbose = env.crixctl({"images", "-v"});
  CHECK(verbose.out == "ID: " + id + "\nRepoTags: docker.io/library/busybox:1.28\nRepoDigests: " +
                           image["repoDigests"][0].get<std::string>() + "\nSize: " + image["size"].get<std::string>() +
                           "\nUid: &Int64Value{Value:0,}\n\n");

  const auto yaml = env.crixctl({"images", "-o", "yaml"});
  CHECK(yaml.out.find("images:\n- id: " + id + "\n") != std::string::npos);
}

TEST_CASE("images REPOSITORY[:TAG] and --filter narrow the list") {
  if (!toolsPresent()) return;
  CrixctlImageEnv env;
  env.push(busyboxRecipe("1.28"), "library/busybox:1.28");
  auto other = busyboxRecipe("2");
  other["config"]["Labels"] = {{"which", "other"}};
  env.push(other, "library/other:2");
  env.startDaemon();
  REQUIRE(env.crixctl({"pull", "busybox:1.28"}).exitCode == 0);
  REQUIRE(env.crixctl({"pull", "other:2"}).exitCode == 0);

  // Sorted by tag, as crictl lists them.
  const auto all = env.crixctl({"images"});
  const auto busyboxAt = all.out.find("docker.io/library/busybox ");
  const auto otherAt = all.out.find("docker.io/library/other ");
  REQUIRE(busyboxAt != std::string::npos);
  REQUIRE(otherAt != std::string::npos);
  CHECK(busyboxAt < otherAt);

  // The argument goes to the runtime, which (like CRI-O) looks it up as one
  // image name: "busybox" would mean busybox:latest.
  const auto one = env.crixctl({"images", "busybox:1.28"});
  REQUIRE_MESSAGE(one.exitCode == 0, one.err);
  CHECK(one.out.find("docker.io/library/busybox ") != std::string::npos);
  CHECK(one.out.find("other") == std::string::npos);
  CHECK(env.crixctl({"images", "-q", "busybox"}).out.empty());

  const auto none = env.crixctl({"images", "-q", "nothing:here"});
  CHECK(none.exitCode == 0);
  CHECK(none.out.empty());

  const auto byRef = env.crixctl({"images", "--filter", "reference=other"});
  CHECK(byRef.out.find("docker.io/library/other") != std::string::npos);
  CHECK(byRef.out.find("busybox") == std::string::npos);
  CHECK(env.crixctl({"images", "-q", "-f", "dangling=true"}).out.empty());

  const auto badFilter = env.crixctl({"images", "-f", "colour=blue"});
  CHECK(badFilter.exitCode == 1);
  CHECK(badFilter.err.find("unknown filter flag: colour=blue") != std::string::npos);
}

TEST_CASE("pull by digest lists the image untagged") {
  if (!toolsPresent()) return;
  CrixctlImageEnv env;
  const std::string digest = env.push(busyboxRecipe("latest"), "library/busybox:latest");
  env.startDaemon();

  const auto pulled = env.crixctl({"pull", "busybox@" + digest});
  REQUIRE_MESSAGE(pulled.exitCode == 0, pulled.err);
  const std::string id = env.onlyImageId();
  CHECK(pulled.out == "Image is up to date for " + id + "\n");

  const auto table = env.crixctl({"images", "--digests"});
  std::istringstream lines(table.out);
  std::string header, row;
  std::getline(lines, header);
  std::getline(lines, row);
  CHECK(std::regex_match(header, std::regex("IMAGE +TAG +DIGEST +IMAGE ID +SIZE")));
  // No tag: the repository comes from the digest, the tag is <none>.
  CHECK(std::regex_match(row, std::regex("docker\\.io/library/busybox +<none> +" + digest.substr(7, 13) + " +" +
                                         id.substr(7, 13) + " +[0-9.]+MB")));

  // Removing an untagged image names it by its digest.
  const auto removed = env.crixctl({"rmi", id});
  REQUIRE_MESSAGE(removed.exitCode == 0, removed.err);
  CHECK(removed.out == "Deleted: docker.io/library/busybox@" + digest + "\n");
}

TEST_CASE("inspecti merges the status with the image config") {
  if (!toolsPresent()) return;
  CrixctlImageEnv env;
  env.push(busyboxRecipe("1.28"), "library/busybox:1.28");
  env.startDaemon();
  REQUIRE(env.crixctl({"pull", "busybox:1.28"}).exitCode == 0);
  const std::string id = env.onlyImageId();

  const auto r = env.crixctl({"inspecti", "busybox:1.28"});
  REQUIRE_MESSAGE(r.exitCode == 0, r.err);
  const auto doc = nlohmann::json::parse(r.out);
  CHECK(doc.at("status").at("id") == id);
  CHECK(doc["status"].at("repoTags")[0] == "docker.io/library/busybox:1.28");
  CHECK(doc.at("info").at("imageSpec").at("architecture") == "amd64");
  CHECK(doc["info"]["imageSpec"].at("config").at("Cmd")[0] == "/bin/sh");

  // -q leaves out the verbose info; two images make a list.
  const auto quiet = nlohmann::json::parse(env.crixctl({"inspecti", "-q", id}).out);
  CHECK(quiet.at("status").at("id") == id);
  CHECK_FALSE(quiet.contains("info"));
  const auto two = nlohmann::json::parse(env.crixctl({"inspecti", id, "busybox:1.28"}).out);
  REQUIRE(two.is_array());
  CHECK(two.size() == 2);

  const auto table = env.crixctl({"inspecti", "-o", "table", "-q", "busybox:1.28"});
  CHECK(table.out.rfind("ID: " + id + "\nTag: docker.io/library/busybox:1.28\nDigest: docker.io/library/busybox@sha256:",
                        0) == 0);
  CHECK(std::regex_search(table.out, std::regex("\nSize: [0-9.]+MB\n$")));

  const auto absent = env.crixctl({"inspecti", "nothing:here"});
  CHECK(absent.exitCode == 1);
  CHECK(absent.out.empty());
  CHECK(absent.err.find("no such image \\\"nothing:here\\\" present") != std::string::npos);
}

TEST_CASE("rmi by tag, of an absent image, --all and --prune") {
  if (!toolsPresent()) return;
  CrixctlImageEnv env;
  env.push(busyboxRecipe("1.28"), "library/busybox:1.28");
  env.push(busyboxRecipe("2"), "library/other:2");
  env.startDaemon();
  REQUIRE(env.crixctl({"pull", "busybox:1.28"}).exitCode == 0);

  const auto removed = env.crixctl({"rmi", "busybox:1.28"});
  REQUIRE_MESSAGE(removed.exitCode == 0, removed.err);
  CHECK(removed.out == "Deleted: docker.io/library/busybox:1.28\n");
  CHECK(env.crixctl({"images", "-q"}).out.empty());

  // As crictl: an error logged per missing image, then a failure at the end.
  const auto absent = env.crixctl({"rmi", "nothing:here"});
  CHECK(absent.exitCode == 1);
  CHECK(absent.out.empty());
  CHECK(absent.err.find("no such image nothing:here") != std::string::npos);
  CHECK(absent.err.find("unable to remove the image(s)") != std::string::npos);

  // No arguments and no flag: the verb's help, exit 0.
  const auto bare = env.crixctl({"rmi"});
  CHECK(bare.exitCode == 0);
  CHECK(bare.out.find("crixctl rmi - Remove one or more images") != std::string::npos);

  // Nothing to prune: said at info level, not an error.
  const auto nothing = env.crixctl({"rmi", "--prune"});
  CHECK(nothing.exitCode == 0);
  CHECK(nothing.err.find("No images to remove") != std::string::npos);

  REQUIRE(env.crixctl({"pull", "busybox:1.28"}).exitCode == 0);
  REQUIRE(env.crixctl({"pull", "other:2"}).exitCode == 0);
  // No container uses them (crix has none yet), so prune takes both.
  const auto pruned = env.crixctl({"rmi", "-q"});
  REQUIRE_MESSAGE(pruned.exitCode == 0, pruned.err);
  CHECK(pruned.out.find("Deleted: docker.io/library/busybox:1.28\n") != std::string::npos);
  CHECK(pruned.out.find("Deleted: docker.io/library/other:2\n") != std::string::npos);
  CHECK(env.crixctl({"images", "-q"}).out.empty());

  REQUIRE(env.crixctl({"pull", "other:2"}).exitCode == 0);
  const auto all = env.crixctl({"rmi", "--all"});
  REQUIRE_MESSAGE(all.exitCode == 0, all.err);
  CHECK(all.out == "Deleted: docker.io/library/other:2\n");
  CHECK(env.crixctl({"images", "-q"}).out.empty());
}

TEST_CASE("imagefsinfo reports the image store's usage") {
  if (!toolsPresent()) return;
  CrixctlImageEnv env;
  env.push(busyboxRecipe("1.28"), "library/busybox:1.28");
  env.startDaemon();
  REQUIRE(env.crixctl({"pull", "busybox:1.28"}).exitCode == 0);

  // The daemon measures in the background (every 10 s): ask until the
  // pulled image shows.
  nlohmann::json doc;
  long long used = 0;
  for (int i = 0; i < 60 && used <= 1000000; ++i) {
    if (i > 0) std::this_thread::sleep_for(std::chrono::milliseconds(250));
    const auto r = env.crixctl({"imagefsinfo"});
    REQUIRE_MESSAGE(r.exitCode == 0, r.err);
    doc = nlohmann::json::parse(r.out);
    used = std::stoll(doc.at("status").at("imageFilesystems").at(0).at("usedBytes").at("value").get<std::string>());
  }
  const auto& image = doc.at("status").at("imageFilesystems").at(0);
  CHECK(used > 1000000);
  CHECK(image.at("fsId").at("mountpoint").get<std::string>().find(env.daemon->dir().path()) == 0);
  CHECK(doc["status"].at("containerFilesystems").size() == 1);

  const auto yaml = env.crixctl({"imagefsinfo", "-o", "yaml"});
  CHECK(yaml.out.rfind("status:\n  containerFilesystems:\n", 0) == 0);

  const auto table = env.crixctl({"imagefsinfo", "-o", "table"});
  CHECK(std::regex_search(table.out, std::regex("^Container Filesystem \nTimeStamp\\[0\\]: [0-9]+\nDisk\\[0\\]: ")));
  CHECK(std::regex_search(table.out, std::regex("\nImage Filesystem \nTimeStamp\\[0\\]: [0-9]+\nDisk\\[0\\]: "
                                                "[0-9.]+MB\nInodes\\[0\\]: [0-9]+\nMountpoint\\[0\\]: /")));
}

TEST_CASE("pulling an image that does not exist fails naming it") {
  if (!toolsPresent()) return;
  CrixctlImageEnv env;
  env.startDaemon();
  const auto r = env.crixctl({"pull", "nothing:here"});
  CHECK(r.exitCode == 1);
  CHECK(r.out.empty());
  CHECK(r.err.find("level=fatal") != std::string::npos);
  CHECK(r.err.find("pulling image: rpc error: code = ") != std::string::npos);
  CHECK(r.err.find("nothing") != std::string::npos);

  const auto empty = env.crixctl({"pull"});
  CHECK(empty.exitCode == 1);
  CHECK(empty.err.find("Image name cannot be empty") != std::string::npos);
}

TEST_CASE("pull from a registry that needs credentials") {
  if (!toolsPresent() || !fs::exists("/usr/bin/htpasswd")) return;
  TempDir authDir;
  const auto hash = runProcess({"/usr/bin/htpasswd", "-Bbn", "crix", "s3cret"});
  REQUIRE(hash.exitCode == 0);
  writeFile(authDir / "htpasswd", hash.out);
  CrixctlImageEnv env(TestRegistryOptions{.htpasswd = authDir / "htpasswd"});
  env.push(busyboxRecipe("1"), "library/private:1", "crix:s3cret");
  env.startDaemon();

  const auto anonymous = env.crixctl({"pull", "private:1"});
  CHECK(anonymous.exitCode == 1);
  CHECK(anonymous.err.find("Unauthenticated") != std::string::npos);
  CHECK(env.crixctl({"pull", "--creds", "crix:nope", "private:1"}).exitCode == 1);

  const auto withCreds = env.crixctl({"pull", "--creds", "crix:s3cret", "private:1"});
  REQUIRE_MESSAGE(withCreds.exitCode == 0, withCreds.err);
  CHECK(withCreds.out.rfind("Image is up to date for sha256:", 0) == 0);
  REQUIRE(env.crixctl({"rmi", "private:1"}).exitCode == 0);

  // --auth takes base64("user:password").
  const auto encoded = runProcess({"/bin/sh", "-c", "printf crix:s3cret | base64"});
  std::string auth = encoded.out;
  while (!auth.empty() && auth.back() == '\n') auth.pop_back();
  const auto withAuth = env.crixctl({"pull", "--auth", auth, "private:1"});
  CHECK_MESSAGE(withAuth.exitCode == 0, withAuth.err);
  REQUIRE(env.crixctl({"rmi", "private:1"}).exitCode == 0);

  // -u with the password on stdin (not a terminal: no prompt on stdout).
  const auto withUser = runProcess({"/bin/sh", "-c",
                                    "echo s3cret | '" CRIXCTL_BINARY "' -r '" + env.daemon->endpoint() +
                                        "' pull -u crix private:1"},
                                   kCrixctlTimeout);
  CHECK_MESSAGE(withUser.exitCode == 0, withUser.err);
  CHECK(withUser.out.rfind("Image is up to date for sha256:", 0) == 0);

  const auto both = env.crixctl({"pull", "--creds", "crix:s3cret", "--auth", auth, "private:1"});
  CHECK(both.exitCode == 1);
  CHECK(both.err.find("both `--creds` and `--auth` are specified") != std::string::npos);
}

TEST_CASE("pull on a terminal draws progress on stderr and erases it") {
  if (!toolsPresent() || !fs::exists("/usr/bin/script")) return;
  CrixctlImageEnv env;
  env.push(busyboxRecipe("1.28"), "library/busybox:1.28");
  env.startDaemon();
  // script(1) runs crixctl on a pseudo-terminal and copies what it wrote.
  const std::string command = "'" CRIXCTL_BINARY "' -r '" + env.daemon->endpoint() + "' pull busybox:1.28";
  const auto r = runProcess({"/usr/bin/script", "-qec", command, "/dev/null"}, kCrixctlTimeout);
  REQUIRE_MESSAGE(r.exitCode == 0, r.out);
  const auto drawn = r.out.find("\r\x1b[KPulling busybox:1.28: layers ");
  REQUIRE_MESSAGE(drawn != std::string::npos, r.out);
  const auto erased = r.out.rfind("\r\x1b[K");
  const auto result = r.out.find("Image is up to date for sha256:");
  REQUIRE(result != std::string::npos);
  // The last thing before the result erases the progress line.
  CHECK(erased > drawn);
  CHECK(erased + 4 == result);
}

TEST_CASE("pull falls back to the CRI's PullImage on a runtime without ImageTransfer") {
  PlainCriServer cri;
  const auto r = cri.crixctl({"pull", "--creds", "me:pw", "-a", "k=v", "example.com/app:1"});
  REQUIRE_MESSAGE(r.exitCode == 0, r.err);
  CHECK(r.out == std::string("Image is up to date for ") + PlainCriImageService::kImageRef + "\n");
  const auto pulls = cri.service.pulls();
  REQUIRE(pulls.size() == 1);
  CHECK(pulls[0].image().image() == "example.com/app:1");
  CHECK(pulls[0].image().annotations().at("k") == "v");
  CHECK(pulls[0].auth().username() == "me");
  CHECK(pulls[0].auth().password() == "pw");

  // load is crix's own: elsewhere it says so.
  const auto load = cri.crixctl({"load", "/nonexistent.tar"});
  CHECK(load.exitCode == 1);
  CHECK(load.err.find("load works with crix only") != std::string::npos);
}

TEST_CASE("pull with --pod-config sends the sandbox config") {
  PlainCriServer cri;
  writeFile(cri.dir / "pod.yaml",
            "metadata:\n  name: web\n  namespace: default\nlinux:\n  cgroup_parent: /kubepods\n"
            "labels:\n  app: web\n");
  const auto r = cri.crixctl({"pull", "--pod-config", cri.dir / "pod.yaml", "example.com/app:1"});
  REQUIRE_MESSAGE(r.exitCode == 0, r.err);
  const auto pulls = cri.service.pulls();
  REQUIRE(pulls.size() == 1);
  const auto& sandbox = pulls[0].sandbox_config();
  CHECK(sandbox.metadata().name() == "web");
  CHECK(sandbox.metadata().namespace_() == "default");
  CHECK(sandbox.metadata().uid().size() == 36);  // made up, as crictl does
  CHECK(sandbox.linux().cgroup_parent() == "/kubepods");
  CHECK(sandbox.labels().at("app") == "web");

  writeFile(cri.dir / "nameless.json", R"({"metadata": {"namespace": "default"}})");
  const auto nameless = cri.crixctl({"pull", "--pod-config", cri.dir / "nameless.json", "example.com/app:1"});
  CHECK(nameless.exitCode == 1);
  CHECK(nameless.err.find("load podSandboxConfig: name or namespace is not in metadata") != std::string::npos);

  const auto missing = cri.crixctl({"pull", "--pod-config", cri.dir / "none.yaml", "example.com/app:1"});
  CHECK(missing.exitCode == 1);
  CHECK(missing.err.find("config at " + (cri.dir / "none.yaml") + " not found") != std::string::npos);
}

TEST_CASE("load imports an OCI layout archive from a relative path") {
  if (!toolsPresent()) return;
  CrixctlImageEnv env;
  const std::string layout = env.layout(busyboxRecipe("1"));
  const auto tar = runProcess({"/bin/tar", "-C", layout, "-cf", env.dir / "app.tar", "."});
  REQUIRE_MESSAGE(tar.exitCode == 0, tar.err);
  env.startDaemon();

  // The flag after the file counts too, and the path is made absolute for
  // the daemon, which does not share crixctl's working directory.
  const auto r = runProcess({"/bin/sh", "-c",
                             "cd '" + env.dir.path() + "' && '" CRIXCTL_BINARY "' -r '" + env.daemon->endpoint() +
                                 "' load app.tar --name docker.io/library/loaded:1"},
                            kCrixctlTimeout);
  REQUIRE_MESSAGE(r.exitCode == 0, r.err);
  CHECK(r.out == "Loaded image: docker.io/library/loaded:1\n");
  const auto listed = env.crixctl({"images", "loaded:1"});
  CHECK(listed.out.find("docker.io/library/loaded   1 ") != std::string::npos);

  const auto missing = env.crixctl({"load", env.dir / "none.tar"});
  CHECK(missing.exitCode == 1);
  CHECK(missing.err.find("none.tar") != std::string::npos);
}

TEST_CASE("help lists every image verb") {
  const auto r = runProcess({CRIXCTL_BINARY, "--help"});
  REQUIRE(r.exitCode == 0);
  for (const char* line : {"   imagefsinfo  ", "   images, image, img  ", "   inspecti  ", "   load  ", "   pull  ",
                           "   rmi  "}) {
    CAPTURE(line);
    CHECK(r.out.find(line) != std::string::npos);
  }
}

}  // TEST_SUITE
