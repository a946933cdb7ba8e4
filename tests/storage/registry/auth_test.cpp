#include <doctest/doctest.h>

#include <chrono>
#include <string>

#include "core/Error.h"
#include "storage/registry/AuthChallenge.h"
#include "storage/registry/AuthConfig.h"
#include "storage/registry/AuthFile.h"
#include "core/Base64.h"
#include "storage/registry/BearerTokenCache.h"

using crix::StatusCode;
using namespace crix::registry;
using crix::base64Decode;
using crix::base64Encode;

TEST_SUITE("registry/Auth") {

TEST_CASE("base64 round trips and rejects garbage") {
  CHECK(base64Encode("user:pass") == "dXNlcjpwYXNz");
  CHECK(base64Encode("a") == "YQ==");
  CHECK(base64Encode("ab") == "YWI=");
  CHECK(base64Decode("dXNlcjpwYXNz") == "user:pass");
  CHECK(base64Decode("YQ==") == "a");
  CHECK(base64Decode("YQ") == "a");
  CHECK_FALSE(base64Decode("Y").has_value());
  CHECK_FALSE(base64Decode("a b=").has_value());
}

TEST_CASE("CRI-style auth configs decode their auth field") {
  const auto resolved = resolveAuthConfig(AuthConfig{.auth = base64Encode("bob:s3:cret")});
  CHECK(resolved.username == "bob");
  CHECK(resolved.password == "s3:cret");
  const auto explicitWins = resolveAuthConfig(AuthConfig{.username = "amy", .password = "pw", .auth = base64Encode("x:y")});
  CHECK(explicitWins.username == "amy");
  CHECK_THROWS_AS(resolveAuthConfig(AuthConfig{.auth = base64Encode("no-colon")}), crix::Error);
  CHECK_THROWS_AS(resolveAuthConfig(AuthConfig{.auth = "!!!"}), crix::Error);
}

TEST_CASE("auth.json lookup goes from most to least specific") {
  const auto file = AuthFile::parse(R"({
    "auths": {
      "my-registry.local/foo/bar/image": {"auth": ")" + base64Encode("image:1") + R"("},
      "my-registry.local/foo": {"auth": ")" + base64Encode("foo:2") + R"("},
      "my-registry.local": {"auth": ")" + base64Encode("host:3") + R"("},
      "https://index.docker.io/v1/": {"auth": ")" + base64Encode("hub:4") + R"("},
      "127.0.0.1:5000": {"identitytoken": "refresh-me"},
      "helper.io": {}
    },
    "credHelpers": {"x.io": "secretservice"}
  })", "auth.json");
  CHECK(file.lookup("my-registry.local", "foo/bar/image")->username == "image");
  CHECK(file.lookup("my-registry.local", "foo/bar/other")->username == "foo");
  CHECK(file.lookup("my-registry.local", "foo/bar")->username == "foo");
  CHECK(file.lookup("my-registry.local", "foobar/x")->username == "host");
  CHECK(file.lookup("my-registry.local", "other")->password == "3");
  CHECK(file.lookup("docker.io", "library/busybox")->username == "hub");
  CHECK(file.lookup("127.0.0.1:5000", "x")->identityToken == "refresh-me");
  CHECK_FALSE(file.lookup("helper.io", "x").has_value());
  CHECK_FALSE(file.lookup("my-registry.local:5000", "foo").has_value());
  CHECK_FALSE(file.lookup("quay.io", "x").has_value());
}

TEST_CASE("malformed auth files are InvalidArgument") {
  for (const std::string text : {"nope", R"({"auths": []})", R"({"auths": {"a.io": {"auth": 5}}})",
                                 R"({"auths": {"a.io": {"auth": "bm9jb2xvbg=="}}})"}) {
    CAPTURE(text);
    try {
      AuthFile::parse(text, "auth.json");
      FAIL("accepted");
    } catch (const crix::Error& e) {
      CHECK(e.code() == StatusCode::InvalidArgument);
    }
  }
  CHECK(AuthFile::load("/nonexistent/auth.json").empty());
}

TEST_CASE("WWW-Authenticate challenges parse") {
  auto c = parseAuthChallenges(
      R"(Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:library/busybox:pull")");
  REQUIRE(c.size() == 1);
  CHECK(c[0].scheme == "bearer");
  CHECK(c[0].param("realm") == "https://auth.docker.io/token");
  CHECK(c[0].param("service") == "registry.docker.io");
  CHECK(c[0].param("scope") == "repository:library/busybox:pull");

  c = parseAuthChallenges(R"(Basic realm="Registry Realm")");
  REQUIRE(c.size() == 1);
  CHECK(c[0].scheme == "basic");
  CHECK(c[0].param("realm") == "Registry Realm");

  c = parseAuthChallenges(
      R"(Basic realm="a, b", BEARER Realm="https://t/x?y=1" , Service=svc,error="insufficient_scope")");
  REQUIRE(c.size() == 2);
  CHECK(c[0].param("realm") == "a, b");
  CHECK(c[1].scheme == "bearer");
  CHECK(c[1].param("realm") == "https://t/x?y=1");
  CHECK(c[1].param("service") == "svc");
  CHECK(c[1].param("error") == "insufficient_scope");

  c = parseAuthChallenges(R"(Bearer realm="quoted \"inner\" text")");
  REQUIRE(c.size() == 1);
  CHECK(c[0].param("realm") == R"(quoted "inner" text)");

  c = parseAuthChallenges("Negotiate abc==, Basic realm=x");
  REQUIRE(c.size() == 2);
  CHECK(c[1].scheme == "basic");
  CHECK(c[1].param("realm") == "x");
  CHECK(parseAuthChallenges("").empty());
  CHECK(parseAuthChallenges("  ,, ").empty());
}

TEST_CASE("token responses and the token cache") {
  using namespace std::chrono;
  const auto now = steady_clock::now();
  auto t = parseTokenResponse(R"({"token":"abc","expires_in":300})", now);
  CHECK(t.token == "abc");
  CHECK(t.expiresAt > now + seconds(250));
  t = parseTokenResponse(R"({"access_token":"oauth","expires_in":5})", now);
  CHECK(t.token == "oauth");
  CHECK(t.expiresAt >= now + seconds(45));  // at least the 60 s minimum less the safety margin
  CHECK_THROWS_AS(parseTokenResponse(R"({"expires_in":5})", now), crix::Error);
  CHECK_THROWS_AS(parseTokenResponse("<html>", now), crix::Error);

  BearerTokenCache cache;
  cache.store("k", parseTokenResponse(R"({"token":"abc"})", now));
  CHECK(cache.find("k", now) == "abc");
  CHECK_FALSE(cache.find("k", now + seconds(61)).has_value());
  CHECK_FALSE(cache.find("other", now).has_value());
  cache.forget("k");
  CHECK_FALSE(cache.find("k", now).has_value());
}

}  // TEST_SUITE
