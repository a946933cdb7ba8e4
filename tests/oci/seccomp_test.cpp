#include <doctest/doctest.h>

#include "oci/SeccompProfile.h"
#include "oci/SecurityProfiles.h"
#include "tests/oci/OciTestSupport.h"

using namespace crix;
using namespace crix::oci;
using testing::contains;
using testing::syscallsWith;
using V = std::vector<std::string>;

// These tests set the deprecated string forms on purpose.
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"

namespace {

SeccompTarget target(V caps, const std::string& arch = "amd64") {
  return {CapabilitySet::fromNames(caps, "test"), arch, 6, 1};
}

nlohmann::json defaultFor(V caps, const std::string& arch = "amd64") {
  return seccompForContainer(defaultSeccompProfile(), target(caps, arch), "built-in default");
}

}  // namespace

TEST_SUITE_BEGIN("oci");

TEST_CASE("oci seccomp: the built-in profile is containers-common's default") {
  const auto& p = defaultSeccompProfile();
  CHECK(p["defaultAction"] == "SCMP_ACT_ERRNO");
  CHECK(p["defaultErrnoRet"] == 38);  // ENOSYS: unknown syscalls look absent, libcs fall back
  CHECK(p["syscalls"].size() == 37);
  CHECK(p["syscalls"][0]["names"].size() == 29);
  CHECK(p["syscalls"][1]["names"].size() == 354);
  CHECK(p["archMap"].size() == 7);
}

TEST_CASE("oci seccomp: archMap gives the native architecture and its sub-architectures") {
  CHECK(defaultFor({})["architectures"] ==
        nlohmann::json{"SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32"});
  CHECK(defaultFor({}, "arm64")["architectures"] ==
        nlohmann::json{"SCMP_ARCH_AARCH64", "SCMP_ARCH_ARM"});
  CHECK_FALSE(defaultFor({}, "riscv64").contains("architectures"));
}

TEST_CASE("oci seccomp: rules conditional on the architecture") {
  const auto amd64 = syscallsWith(defaultFor({}), "SCMP_ACT_ALLOW");
  CHECK(contains(amd64, "arch_prctl"));
  CHECK(contains(amd64, "modify_ldt"));
  CHECK_FALSE(contains(amd64, "cacheflush"));
  const auto arm64 = syscallsWith(defaultFor({}, "arm64"), "SCMP_ACT_ALLOW");
  CHECK(contains(arm64, "cacheflush"));
  CHECK_FALSE(contains(arm64, "arch_prctl"));
}

TEST_CASE("oci seccomp: rules conditional on the container's capabilities") {
  SUBCASE("without CAP_SYS_ADMIN, sethostname is an EPERM rule") {
    const auto s = defaultFor({"CHOWN"});
    CHECK_FALSE(contains(syscallsWith(s, "SCMP_ACT_ALLOW"), "sethostname"));
    CHECK(contains(syscallsWith(s, "SCMP_ACT_ERRNO"), "sethostname"));
    CHECK_FALSE(contains(syscallsWith(s, "SCMP_ACT_ALLOW"), "ptrace"));
  }
  SUBCASE("with it, allowed and the EPERM rule is gone") {
    const auto s = defaultFor({"SYS_ADMIN", "SYS_PTRACE"});
    CHECK(contains(syscallsWith(s, "SCMP_ACT_ALLOW"), "sethostname"));
    CHECK_FALSE(contains(syscallsWith(s, "SCMP_ACT_ERRNO"), "sethostname"));
    CHECK(contains(syscallsWith(s, "SCMP_ACT_ALLOW"), "ptrace"));
  }
  SUBCASE("swapon stays denied whatever the capabilities") {
    const auto s = defaultFor({"SYS_ADMIN"});
    CHECK(contains(syscallsWith(s, "SCMP_ACT_ERRNO"), "swapon"));
  }
  SUBCASE("the spec carries errnoRet and argument filters") {
    const auto s = defaultFor({});
    bool sawAuditFilter = false;
    for (const auto& rule : s["syscalls"]) {
      if (rule["names"] == nlohmann::json{"socket"} && rule["action"] == "SCMP_ACT_ERRNO") {
        CHECK(rule["errnoRet"] == 22);
        CHECK(rule["args"].size() == 2);
        sawAuditFilter = true;
      }
      CHECK_FALSE(rule.contains("includes"));
      CHECK_FALSE(rule.contains("excludes"));
    }
    CHECK(sawAuditFilter);
  }
}

TEST_CASE("oci seccomp: a container gets the default profile filtered by its own capabilities") {
  testing::SpecFixture f;
  f.cfg.runtime.default_capabilities = {"CHOWN"};
  f.security().mutable_seccomp()->set_profile_type(runtime::v1::SecurityProfile::RuntimeDefault);
  CHECK_FALSE(
      contains(syscallsWith(f.build()["linux"]["seccomp"], "SCMP_ACT_ALLOW"), "sethostname"));
  f.security().mutable_capabilities()->add_add_capabilities("SYS_ADMIN");
  CHECK(contains(syscallsWith(f.build()["linux"]["seccomp"], "SCMP_ACT_ALLOW"), "sethostname"));
}

TEST_CASE("oci seccomp: choosing a profile") {
  runtime::v1::LinuxContainerSecurityContext sc;
  using Kind = SeccompChoice::Kind;
  // Nothing said: unconfined as CRI defines it, unless crio.conf opts in.
  CHECK(chooseSeccomp(sc, false).kind == Kind::Unconfined);
  CHECK(chooseSeccomp(sc, true).kind == Kind::RuntimeDefault);
  sc.set_seccomp_profile_path("unconfined");
  CHECK(chooseSeccomp(sc, false).kind == Kind::Unconfined);
  sc.set_seccomp_profile_path("docker/default");
  CHECK(chooseSeccomp(sc, false).kind == Kind::RuntimeDefault);
  sc.set_seccomp_profile_path("runtime/default");
  CHECK(chooseSeccomp(sc, false).kind == Kind::RuntimeDefault);
  sc.set_seccomp_profile_path("localhost//var/lib/kubelet/seccomp/p.json");
  CHECK(chooseSeccomp(sc, false).kind == Kind::Localhost);
  CHECK(chooseSeccomp(sc, false).localhostPath == "/var/lib/kubelet/seccomp/p.json");
  sc.set_seccomp_profile_path("bogus");
  testing::requireError([&] { chooseSeccomp(sc, false); }, StatusCode::InvalidArgument,
                        "unknown seccomp_profile_path \"bogus\"");
  // The structured field wins over the deprecated string.
  sc.mutable_seccomp()->set_profile_type(runtime::v1::SecurityProfile::Unconfined);
  CHECK(chooseSeccomp(sc, false).kind == Kind::Unconfined);
  sc.mutable_seccomp()->set_profile_type(runtime::v1::SecurityProfile::Localhost);
  sc.mutable_seccomp()->set_localhost_ref("relative.json");
  testing::requireError([&] { chooseSeccomp(sc, false); }, StatusCode::InvalidArgument,
                        "is not an absolute path");
}

TEST_CASE("oci seccomp: Unconfined leaves linux.seccomp out") {
  testing::SpecFixture f;
  f.security().mutable_seccomp()->set_profile_type(runtime::v1::SecurityProfile::Unconfined);
  CHECK_FALSE(f.build()["linux"].contains("seccomp"));
}

TEST_CASE("oci seccomp: a Localhost profile is loaded from its file") {
  testing::SpecFixture f;
  const std::string path = f.dir.path() + "/profile.json";
  testing::writeText(path, R"({"defaultAction": "SCMP_ACT_ALLOW",
    "architectures": ["SCMP_ARCH_X86_64"],
    "syscalls": [{"names": ["mkdir"], "action": "SCMP_ACT_ERRNO", "errnoRet": 1},
                 {"name": "chmod", "action": "SCMP_ACT_LOG"}]})");
  f.security().mutable_seccomp()->set_profile_type(runtime::v1::SecurityProfile::Localhost);
  f.security().mutable_seccomp()->set_localhost_ref(path);
  const auto s = f.build()["linux"]["seccomp"];
  CHECK(s["defaultAction"] == "SCMP_ACT_ALLOW");
  CHECK(s["architectures"] == nlohmann::json{"SCMP_ARCH_X86_64"});
  CHECK(s["syscalls"][0] ==
        nlohmann::json{{"names", {"mkdir"}}, {"action", "SCMP_ACT_ERRNO"}, {"errnoRet", 1}});
  CHECK(s["syscalls"][1]["names"] == nlohmann::json{"chmod"});
}

TEST_CASE("oci seccomp: Localhost errors name the file and the problem") {
  testing::SpecFixture f;
  f.security().mutable_seccomp()->set_profile_type(runtime::v1::SecurityProfile::Localhost);
  const std::string path = f.dir.path() + "/p.json";
  f.security().mutable_seccomp()->set_localhost_ref(path);
  testing::requireError([&] { f.build(); }, StatusCode::InvalidArgument,
                        "seccomp profile " + path + " cannot be read");
  testing::writeText(path, "{not json");
  testing::requireError([&] { f.build(); }, StatusCode::InvalidArgument, "not valid JSON");
  testing::writeText(path, R"({"defaultAction": "SCMP_ACT_EXPLODE"})");
  testing::requireError([&] { f.build(); }, StatusCode::InvalidArgument,
                        "unknown defaultAction \"SCMP_ACT_EXPLODE\"");
  testing::writeText(path, R"({"defaultAction": "SCMP_ACT_ERRNO",
    "syscalls": [{"names": ["read"], "action": "SCMP_ACT_ALLOW", "args": [{"index": 0, "value": 1, "op": "SCMP_CMP_ALMOST"}]}]})");
  testing::requireError([&] { f.build(); }, StatusCode::InvalidArgument,
                        "unknown operator \"SCMP_CMP_ALMOST\"");
  testing::writeText(path, R"({"defaultAction": "SCMP_ACT_ERRNO",
    "syscalls": [{"name": "read", "names": ["write"], "action": "SCMP_ACT_ALLOW"}]})");
  testing::requireError([&] { f.build(); }, StatusCode::InvalidArgument,
                        "both \"name\" and \"names\"");
}

TEST_CASE("oci seccomp: a profile with nothing in it means no filter") {
  CHECK(seccompForContainer(nlohmann::json::object(), target({}), "empty").is_null());
}

TEST_CASE("oci seccomp: includes.minKernel against the running kernel") {
  const auto profile = parseSeccompProfile(R"({"defaultAction": "SCMP_ACT_ERRNO", "syscalls": [
      {"names": ["new_call"], "action": "SCMP_ACT_ALLOW", "includes": {"minKernel": "6.2"}},
      {"names": ["old_call"], "action": "SCMP_ACT_ALLOW", "includes": {"minKernel": "5.10"}}]})",
                                           "t");
  const auto s = seccompForContainer(profile, target({}), "t");  // kernel 6.1
  CHECK(syscallsWith(s, "SCMP_ACT_ALLOW") == V{"old_call"});
}

TEST_CASE("oci seccomp: crio.conf seccomp_profile replaces the built-in default") {
  testing::SpecFixture f;
  const std::string path = f.dir.path() + "/node-default.json";
  testing::writeText(path, R"({"defaultAction": "SCMP_ACT_LOG", "syscalls": []})");
  f.cfg.runtime.seccomp_profile = path;
  f.security().mutable_seccomp()->set_profile_type(runtime::v1::SecurityProfile::RuntimeDefault);
  CHECK(f.build()["linux"]["seccomp"]["defaultAction"] == "SCMP_ACT_LOG");
  f.cfg.runtime.seccomp_profile = f.dir.path() + "/missing.json";
  testing::requireError([&] { f.build(); }, StatusCode::FailedPrecondition,
                        "crio.runtime.seccomp_profile");
}

TEST_CASE("oci apparmor: applied only where the host has AppArmor") {
  testing::SpecFixture f;
  CHECK_FALSE(f.build()["process"].contains("apparmorProfile"));
  f.host.appArmorEnabled = true;
  CHECK(f.build()["process"]["apparmorProfile"] == "crix-default");
  f.security().mutable_apparmor()->set_profile_type(runtime::v1::SecurityProfile::Localhost);
  f.security().mutable_apparmor()->set_localhost_ref("my-profile");
  CHECK(f.build()["process"]["apparmorProfile"] == "my-profile");
  f.security().mutable_apparmor()->set_profile_type(runtime::v1::SecurityProfile::Unconfined);
  CHECK(f.build()["process"]["apparmorProfile"] == "unconfined");
  f.security().clear_apparmor();
  f.security().set_apparmor_profile("localhost/legacy");
  CHECK(f.build()["process"]["apparmorProfile"] == "legacy");
  f.security().set_apparmor_profile("whatever");
  testing::requireError([&] { f.build(); }, StatusCode::InvalidArgument,
                        "unknown apparmor_profile \"whatever\"");
}

TEST_SUITE_END();
