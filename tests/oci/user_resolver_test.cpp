#include <doctest/doctest.h>

#include <filesystem>

#include "oci/UserResolver.h"
#include "tests/oci/OciTestSupport.h"

using namespace crix;
using namespace crix::oci;
using G = std::vector<gid_t>;

TEST_SUITE_BEGIN("oci");

TEST_CASE("oci user: passwd and group parsing skips comments and malformed lines") {
  const auto users = parsePasswd(
      "# comment\nroot:x:0:0:r:/root:/bin/sh\nbad:x:notanumber:0\n"
      "short:x\nnohome:x:5:6\r\n");
  REQUIRE(users.size() == 2);
  CHECK(users[0].name == "root");
  CHECK(users[1].uid == 5);
  CHECK(users[1].gid == 6);
  const auto groups = parseGroup("wheel:x:10:alice,bob\nempty:x:11:\nbad:x:x:\n");
  REQUIRE(groups.size() == 2);
  CHECK(groups[0].members == std::vector<std::string>{"alice", "bob"});
  CHECK(groups[1].members.empty());
  CHECK_FALSE(parseId("4294967295"));
  CHECK(parseId("4294967294") == 4294967294u);
}

TEST_CASE("oci user: the forms of an image User") {
  testing::SpecFixture f;
  UserResolver r(f.rootfs());
  SUBCASE("empty is root, with root's memberships") {
    const auto u = r.resolve("");
    CHECK(u.uid == 0);
    CHECK(u.gid == 0);
  }
  SUBCASE("name: uid and gid from passwd, groups listing the name") {
    const auto u = r.resolve("app");
    CHECK(u.uid == 1000);
    CHECK(u.gid == 1000);
    CHECK(u.additionalGids == G{29, 44});
  }
  SUBCASE("uid present in passwd behaves like its name") {
    const auto u = r.resolve("1000");
    CHECK(u.gid == 1000);
    CHECK(u.additionalGids == G{29, 44});
  }
  SUBCASE("uid absent from passwd: group 0, no memberships") {
    const auto u = r.resolve("4242");
    CHECK(u.uid == 4242);
    CHECK(u.gid == 0);
    CHECK(u.additionalGids.empty());
  }
  SUBCASE("uid:gid is taken as is, no memberships") {
    const auto u = r.resolve("1000:5000");
    CHECK(u.uid == 1000);
    CHECK(u.gid == 5000);
    CHECK(u.additionalGids.empty());
  }
  SUBCASE("name:group looks both up") {
    const auto u = r.resolve("app:video");
    CHECK(u.uid == 1000);
    CHECK(u.gid == 44);
  }
  SUBCASE("uid:group") { CHECK(r.resolve("7:audio").gid == 29); }
}

TEST_CASE("oci user: unknown names are clear errors") {
  testing::SpecFixture f;
  UserResolver r(f.rootfs());
  testing::requireError([&] { r.resolve("nobody"); }, StatusCode::InvalidArgument,
                        "user \"nobody\" is not in the image's /etc/passwd");
  testing::requireError([&] { r.resolve("app:staff"); }, StatusCode::InvalidArgument,
                        "group \"staff\" is not in the image's /etc/group");
  std::filesystem::remove(f.rootfs() + "/etc/passwd");
  UserResolver bare(f.rootfs());
  testing::requireError([&] { bare.resolve("app"); }, StatusCode::InvalidArgument,
                        "the image has no /etc/passwd");
  CHECK(bare.resolve("123").uid == 123);
}

TEST_CASE("oci user: a symlinked /etc/passwd cannot reach outside the rootfs") {
  testing::SpecFixture f;
  // A passwd on the host side that knows a user the image does not.
  const std::string outside = f.dir.path() + "/host-etc";
  testing::writeText(outside + "/passwd", "intruder:x:0:0::/:/bin/sh\n");
  std::filesystem::remove(f.rootfs() + "/etc/passwd");

  SUBCASE("absolute link") {
    std::filesystem::create_symlink(outside + "/passwd", f.rootfs() + "/etc/passwd");
  }
  SUBCASE("relative link climbing out") {
    std::filesystem::create_symlink("../../host-etc/passwd", f.rootfs() + "/etc/passwd");
  }
  SUBCASE("link to a directory path outside") {
    std::filesystem::remove_all(f.rootfs() + "/etc");
    std::filesystem::create_directories(f.rootfs());
    std::filesystem::create_symlink(outside, f.rootfs() + "/etc");
  }
  UserResolver r(f.rootfs());
  testing::requireError([&] { r.resolve("intruder"); }, StatusCode::InvalidArgument,
                        "\"intruder\"");
}

TEST_CASE("oci user: an absolute symlink is followed inside the rootfs") {
  testing::SpecFixture f;
  std::filesystem::rename(f.rootfs() + "/etc/passwd", f.rootfs() + "/etc/passwd.real");
  std::filesystem::create_symlink("/etc/passwd.real", f.rootfs() + "/etc/passwd");
  CHECK(UserResolver(f.rootfs()).resolve("app").uid == 1000);
}

TEST_CASE("oci user: a FIFO as /etc/passwd is refused, not read") {
  testing::SpecFixture f;
  std::filesystem::remove(f.rootfs() + "/etc/passwd");
  REQUIRE(::mkfifo((f.rootfs() + "/etc/passwd").c_str(), 0644) == 0);
  testing::requireError([&] { UserResolver(f.rootfs()).resolve("app"); },
                        StatusCode::FailedPrecondition, "not a regular file");
}

TEST_CASE("oci user: run_as_username, run_as_user and the image's User") {
  testing::SpecFixture f;
  f.ctr.image.config.user = "daemon";
  CHECK(f.build()["process"]["user"]["uid"] == 1);

  f.security().mutable_run_as_user()->set_value(1000);
  auto spec = f.build();
  CHECK(spec["process"]["user"]["uid"] == 1000);
  CHECK(spec["process"]["user"]["gid"] == 1000);
  CHECK(spec["process"]["user"]["additionalGids"] == nlohmann::json{1000, 29, 44});

  f.security().set_run_as_username("root");
  CHECK(f.build()["process"]["user"]["uid"] == 0);
}

TEST_CASE("oci user: run_as_group replaces the primary group; supplemental groups follow") {
  testing::SpecFixture f;
  f.security().mutable_run_as_user()->set_value(1000);
  f.security().mutable_run_as_group()->set_value(3000);
  f.security().add_supplemental_groups(4000);
  f.security().add_supplemental_groups(29);
  SUBCASE("Merge keeps the image's memberships") {
    const auto user = f.build()["process"]["user"];
    CHECK(user["gid"] == 3000);
    CHECK(user["additionalGids"] == nlohmann::json{3000, 29, 44, 4000});
  }
  SUBCASE("Strict drops them") {
    f.security().set_supplemental_groups_policy(runtime::v1::Strict);
    CHECK(f.build()["process"]["user"]["additionalGids"] == nlohmann::json{3000, 4000, 29});
  }
}

TEST_CASE("oci user: run_as_group alone is refused") {
  testing::SpecFixture f;
  f.security().mutable_run_as_group()->set_value(3000);
  testing::requireError([&] { f.build(); }, StatusCode::InvalidArgument,
                        "run_as_group is set without run_as_user or run_as_username");
}

TEST_CASE("oci user: names are looked up in imageRootfsForUserLookup when given") {
  testing::SpecFixture f;
  const std::string other = f.dir.path() + "/lookup";
  testing::writeText(other + "/etc/passwd", "svc:x:777:778::/:/bin/sh\n");
  f.ctr.imageRootfsForUserLookup = other;
  f.security().set_run_as_username("svc");
  CHECK(f.build()["process"]["user"]["uid"] == 777);
}

TEST_SUITE_END();
