#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "core/Error.h"
#include "storage/registry/RegistriesConf.h"
#include "storage/registry/RegistryPrefix.h"
#include "tests/support/ErrorOf.h"
#include "tests/support/TempDir.h"

using crix::StatusCode;
using namespace crix::registry;
using crix::test::codeOf;
using crix::test::TempDir;

namespace {

const std::string kHex(64, 'a');

std::vector<std::string> sourceTexts(const RegistriesConf& conf, const std::string& image) {
  std::vector<std::string> out;
  for (const auto& s : conf.pullSources(ImageReference::parse(image))) {
    out.push_back(s.reference.str() + (s.insecure ? " insecure" : "") + (s.mirror ? " mirror" : ""));
  }
  return out;
}

}  // namespace

TEST_SUITE("registry/RegistriesConf") {

TEST_CASE("prefix matching needs a separator after the prefix") {
  CHECK(matchRegistryPrefix("example.com/foo/bar:1", "example.com") == 11u);
  CHECK(matchRegistryPrefix("example.com/foo/bar:1", "example.com/foo") == 15u);
  CHECK(matchRegistryPrefix("example.com/foo/bar:1", "example.com/foo/bar") == 19u);
  CHECK(matchRegistryPrefix("example.com/foo/bar:1", "example.com/foo/bar:1") == 21u);
  CHECK_FALSE(matchRegistryPrefix("example.com/foobar:1", "example.com/foo"));
  CHECK_FALSE(matchRegistryPrefix("example.community/x:1", "example.com"));
  // a port makes it another registry
  CHECK_FALSE(matchRegistryPrefix("example.com:5000/x:1", "example.com"));
  CHECK(matchRegistryPrefix("a.example.com/x:1", "*.example.com") == 13u);
  CHECK(matchRegistryPrefix("b.a.example.com:5000/x:1", "*.example.com") == 20u);
  CHECK_FALSE(matchRegistryPrefix("example.com/x:1", "*.example.com"));
  CHECK_FALSE(matchRegistryPrefix("evil.com/a.example.com/x:1", "*.example.com"));
}

TEST_CASE("the manual's example: mirrors in order, then the relocated primary") {
  const auto conf = RegistriesConf::parse(R"(
unqualified-search-registries = ["example.com"]

[[registry]]
prefix = "example.com/foo"
insecure = false
blocked = false
location = "internal-registry-for-example.com/bar"

[[registry.mirror]]
location = "example-mirror-0.local/mirror-for-foo"

[[registry.mirror]]
location = "example-mirror-1.local/mirrors/foo"
insecure = true

[[registry]]
location = "registry.com"

[[registry.mirror]]
location = "mirror.registry.com"
)");
  CHECK(sourceTexts(conf, "example.com/foo/image:latest") ==
        std::vector<std::string>{"example-mirror-0.local/mirror-for-foo/image:latest mirror",
                                 "example-mirror-1.local/mirrors/foo/image:latest insecure mirror",
                                 "internal-registry-for-example.com/bar/image:latest"});
  CHECK(sourceTexts(conf, "registry.com/image:latest") ==
        std::vector<std::string>{"mirror.registry.com/image:latest mirror", "registry.com/image:latest"});
  CHECK(sourceTexts(conf, "other.io/x:1") == std::vector<std::string>{"other.io/x:1"});
  CHECK(conf.unqualifiedSearchRegistries() == std::vector<std::string>{"example.com"});
}

TEST_CASE("longest prefix wins, and docker.io needs its library/ namespace") {
  const auto conf = RegistriesConf::parse(R"(
[[registry]]
prefix = "docker.io"
location = "hub-cache.local"

[[registry]]
prefix = "docker.io/library/alpine"
location = "alpine-cache.local/alpine"
insecure = true

[[registry]]
prefix = "docker.io/alpine"
location = "wrong.local"
)");
  CHECK(sourceTexts(conf, "alpine:3") == std::vector<std::string>{"alpine-cache.local/alpine:3 insecure"});
  CHECK(sourceTexts(conf, "busybox") == std::vector<std::string>{"hub-cache.local/library/busybox:latest"});
  CHECK(sourceTexts(conf, "alpine/git") == std::vector<std::string>{"wrong.local/git:latest"});
  CHECK(conf.findRegistry(ImageReference::parse("quay.io/x")) == nullptr);
}

TEST_CASE("wildcard prefixes match subdomains; an exact host beats them") {
  const auto conf = RegistriesConf::parse(R"(
[[registry]]
prefix = "*.example.com"
insecure = true

[[registry]]
prefix = "*.corp.example.com"
location = "proxy.corp.local"

[[registry]]
prefix = "exact.example.com"
)");
  CHECK(sourceTexts(conf, "a.example.com/x:1") == std::vector<std::string>{"a.example.com/x:1 insecure"});
  CHECK(sourceTexts(conf, "a.b.example.com/x:1") == std::vector<std::string>{"a.b.example.com/x:1 insecure"});
  CHECK(sourceTexts(conf, "git.corp.example.com/team/x:1") == std::vector<std::string>{"proxy.corp.local/team/x:1"});
  CHECK(sourceTexts(conf, "exact.example.com/x:1") == std::vector<std::string>{"exact.example.com/x:1"});
  CHECK(sourceTexts(conf, "example.com/x:1") == std::vector<std::string>{"example.com/x:1"});
}

TEST_CASE("mirror usage by tag or digest") {
  const auto conf = RegistriesConf::parse(R"(
[[registry]]
prefix = "quay.io"
[[registry.mirror]]
location = "all.local"
[[registry.mirror]]
location = "digest.local"
pull-from-mirror = "digest-only"
[[registry.mirror]]
location = "tag.local"
pull-from-mirror = "tag-only"

[[registry]]
prefix = "ghcr.io"
mirror-by-digest-only = true
[[registry.mirror]]
location = "ghcr-mirror.local"
)");
  CHECK(sourceTexts(conf, "quay.io/a/b:1") ==
        std::vector<std::string>{"all.local/a/b:1 mirror", "tag.local/a/b:1 mirror", "quay.io/a/b:1"});
  CHECK(sourceTexts(conf, "quay.io/a/b@sha256:" + kHex) ==
        std::vector<std::string>{"all.local/a/b@sha256:" + kHex + " mirror", "digest.local/a/b@sha256:" + kHex + " mirror",
                                 "quay.io/a/b@sha256:" + kHex});
  CHECK(sourceTexts(conf, "ghcr.io/a:1") == std::vector<std::string>{"ghcr.io/a:1"});
  CHECK(sourceTexts(conf, "ghcr.io/a@sha256:" + kHex).size() == 2);
}

TEST_CASE("blocked registries are PermissionDenied") {
  const auto conf = RegistriesConf::parse(R"(
[[registry]]
prefix = "evil.io"
blocked = true
[[registry]]
prefix = "evil.io/allowed"
)");
  CHECK(codeOf([&] { conf.pullSources(ImageReference::parse("evil.io/x")); }) == StatusCode::PermissionDenied);
  CHECK(sourceTexts(conf, "evil.io/allowed/x:1") == std::vector<std::string>{"evil.io/allowed/x:1"});
}

TEST_CASE("short names resolve through aliases and search registries") {
  auto conf = RegistriesConf::parse(R"(
unqualified-search-registries = ["quay.io", "docker.io", "quay.io"]
short-name-mode = "permissive"
[aliases]
"alpine" = "docker.io/library/alpine"
"tools/jq" = "ghcr.io/jqlang/jq"
)");
  auto texts = [&](const std::string& image) {
    std::vector<std::string> out;
    for (const auto& r : conf.resolveShortName(ImageReference::parse(image))) out.push_back(r.str());
    return out;
  };
  CHECK(texts("busybox:1") == std::vector<std::string>{"quay.io/busybox:1", "docker.io/library/busybox:1"});
  CHECK(texts("alpine:3.19") == std::vector<std::string>{"docker.io/library/alpine:3.19"});
  CHECK(texts("tools/jq@sha256:" + kHex) == std::vector<std::string>{"ghcr.io/jqlang/jq@sha256:" + kHex});
  CHECK(texts("docker.io/busybox") == std::vector<std::string>{"docker.io/library/busybox:latest"});
  CHECK(texts("quay.io/x/y") == std::vector<std::string>{"quay.io/x/y:latest"});

  conf.applyDropIn(R"(short-name-mode = "enforcing")", "enforce.conf");
  CHECK(codeOf([&] { conf.resolveShortName(ImageReference::parse("busybox")); }) == StatusCode::FailedPrecondition);
  CHECK(texts("alpine") == std::vector<std::string>{"docker.io/library/alpine:latest"});

  const RegistriesConf empty;
  CHECK(empty.resolveShortName(ImageReference::parse("busybox")).front().str() == "docker.io/library/busybox:latest");
}

TEST_CASE("version 1 tables are converted") {
  const auto conf = RegistriesConf::parse(R"(
[registries.search]
registries = ['registry1.com', 'registry2.com']
[registries.insecure]
registries = ['registry3.com']
[registries.block]
registries = ['registry.untrusted.com']
)");
  CHECK(conf.unqualifiedSearchRegistries() == std::vector<std::string>{"registry1.com", "registry2.com"});
  CHECK(sourceTexts(conf, "registry3.com/x:1") == std::vector<std::string>{"registry3.com/x:1 insecure"});
  CHECK(codeOf([&] { conf.pullSources(ImageReference::parse("registry.untrusted.com/x")); }) ==
        StatusCode::PermissionDenied);
}

TEST_CASE("invalid files are refused with file and line") {
  const std::string bad[] = {
      "unqualified-search-registries = \"docker.io\"",
      "unqualified-search-registries = [\"docker.io/library\"]",
      "[[registry]]\ninsecure = true",
      "[[registry]]\nprefix = \"https://example.com\"",
      "[[registry]]\nprefix = \"*.example.com/foo\"",
      "[[registry]]\nprefix = \"example.*.com\"",
      "[[registry]]\nprefix = \"a.io\"\ninsecure = \"yes\"",
      "[[registry]]\nprefix = \"a.io\"\n[[registry.mirror]]\ninsecure = true",
      "[[registry]]\nprefix = \"a.io\"\n[[registry.mirror]]\nlocation = \"m.io\"\npull-from-mirror = \"sometimes\"",
      "[[registry]]\nprefix = \"a.io\"\nmirror-by-digest-only = true\n[[registry.mirror]]\nlocation = \"m.io\"\n"
      "pull-from-mirror = \"tag-only\"",
      "[[registry]]\nprefix = \"a.io\"\n[[registry]]\nprefix = \"a.io\"",
      "short-name-mode = \"strict\"",
      "unqualified-search-registries = []\n[registries.search]\nregistries = []",
      "this is not toml",
  };
  for (const auto& text : bad) {
    CAPTURE(text);
    try {
      RegistriesConf::parse(text, "/etc/containers/registries.conf");
      FAIL("accepted");
    } catch (const crix::Error& e) {
      CHECK(e.code() == StatusCode::InvalidArgument);
      CHECK(std::string(e.what()).starts_with("/etc/containers/registries.conf"));
    }
  }
}

TEST_CASE("drop-ins override in lexical order") {
  TempDir dir;
  dir.write("registries.conf", R"(
unqualified-search-registries = ["quay.io"]
[[registry]]
prefix = "docker.io"
location = "first.local"
[[registry]]
prefix = "ghcr.io"
insecure = true
[aliases]
"old" = "quay.io/old/image"
)");
  dir.write("registries.conf.d/20-second.conf", R"(
[[registry]]
prefix = "docker.io"
location = "second.local"
[aliases]
"old" = ""
)");
  dir.write("registries.conf.d/10-first.conf", R"(
unqualified-search-registries = ["docker.io"]
[[registry]]
prefix = "docker.io"
location = "overridden.local"
)");
  dir.write("registries.conf.d/30-ignored.txt", "garbage that would not parse");
  const auto conf = RegistriesConf::load(dir / "registries.conf");
  CHECK(conf.unqualifiedSearchRegistries() == std::vector<std::string>{"docker.io"});
  CHECK(sourceTexts(conf, "busybox") == std::vector<std::string>{"second.local/library/busybox:latest"});
  CHECK(sourceTexts(conf, "ghcr.io/x:1") == std::vector<std::string>{"ghcr.io/x:1 insecure"});
  CHECK(conf.aliases().empty());

  dir.write("registries.conf.d/40-v1.conf", "[registries.search]\nregistries = ['x.io']\n");
  CHECK(codeOf([&] { RegistriesConf::load(dir / "registries.conf"); }) == StatusCode::InvalidArgument);

  const auto missing = RegistriesConf::load(dir / "nope.conf");
  CHECK(missing.registries().empty());
}

}  // TEST_SUITE
