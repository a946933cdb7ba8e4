// RegistriesCache: parsed once, parsed again when registries.conf, a drop-in
// or crio.conf's insecure_registries change.
#include <doctest/doctest.h>

#include <filesystem>

#include "cri/RegistriesCache.h"
#include "tests/support/Subprocess.h"
#include "tests/support/TempDir.h"

namespace crix::cri {
namespace {

namespace fs = std::filesystem;

std::vector<std::string> searchOf(const std::shared_ptr<const registry::RegistriesConf>& conf) {
  return conf->unqualifiedSearchRegistries();
}

bool knows(const std::shared_ptr<const registry::RegistriesConf>& conf, const std::string& prefix) {
  for (const auto& entry : conf->registries())
    if (entry.prefix == prefix) return true;
  return false;
}

TEST_SUITE("cri registries") {

TEST_CASE("RegistriesCache: one parse while nothing changes, a new one after each change") {
  crix::test::TempDir dir;
  config::Config cfg;
  cfg.image.registries_conf = dir.path() + "/registries.conf";
  crix::test::writeFile(cfg.image.registries_conf, "unqualified-search-registries = [\"one.example\"]\n");
  RegistriesCache cache;

  const auto first = cache.current(cfg);
  CHECK(searchOf(first) == std::vector<std::string>{"one.example"});
  CHECK(cache.current(cfg) == first);  // the same parse, not a new one

  SUBCASE("an edit of registries.conf") {
    crix::test::writeFile(cfg.image.registries_conf, "unqualified-search-registries = [\"two.example\", \"x.example\"]\n");
    CHECK(searchOf(cache.current(cfg)) == std::vector<std::string>{"two.example", "x.example"});
  }
  SUBCASE("a drop-in added, then edited, then removed") {
    fs::create_directories(cfg.image.registries_conf + ".d");
    const std::string dropIn = cfg.image.registries_conf + ".d/50-more.conf";
    crix::test::writeFile(dropIn, "[[registry]]\nlocation = \"added.example\"\n");
    const auto added = cache.current(cfg);
    CHECK(knows(added, "added.example"));
    crix::test::writeFile(dropIn, "[[registry]]\nlocation = \"edited.example:5000\"\n");
    const auto edited = cache.current(cfg);
    CHECK(knows(edited, "edited.example:5000"));
    CHECK_FALSE(knows(edited, "added.example"));
    fs::remove(dropIn);
    CHECK_FALSE(knows(cache.current(cfg), "edited.example:5000"));
  }
  SUBCASE("a reloaded crio.conf with another insecure registry or another registries.conf") {
    cfg.image.insecure_registries = {"insecure.example:5000"};
    CHECK(knows(cache.current(cfg), "insecure.example:5000"));
    cfg.image.registries_conf = dir.path() + "/absent.conf";
    CHECK(searchOf(cache.current(cfg)).empty());
  }
  SUBCASE("a file that no longer parses fails the call, and the fixed file is read without a restart") {
    crix::test::writeFile(cfg.image.registries_conf, "unqualified-search-registries = [\n");
    CHECK_THROWS(cache.current(cfg));
    crix::test::writeFile(cfg.image.registries_conf, "unqualified-search-registries = [\"fixed.example\"]\n");
    CHECK(searchOf(cache.current(cfg)) == std::vector<std::string>{"fixed.example"});
  }
}

}  // TEST_SUITE

}  // namespace
}  // namespace crix::cri
