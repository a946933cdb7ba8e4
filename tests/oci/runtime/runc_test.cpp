// The specs crix builds, run by the real runc (1.1 on Debian 12).
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "oci/CapabilitySet.h"
#include "oci/RuntimeSpecBuilder.h"
#include "oci/SystemPaths.h"
#include "tests/oci/runtime/RuncBundle.h"

using namespace crix;
using namespace crix::oci;
using crix::oci::testing::RuncBundle;

namespace {

void command(RuncBundle& b, const std::string& script) {
  b.ctr.config.clear_command();
  b.ctr.config.add_command("/bin/sh");
  b.ctr.config.add_command("-c");
  b.ctr.config.add_command(script);
}

runtime::v1::LinuxContainerSecurityContext& security(RuncBundle& b) {
  return *b.ctr.config.mutable_linux()->mutable_security_context();
}

std::string describe(const test::ProcessResult& r) {
  return "exit " + std::to_string(r.exitCode) + (r.timedOut ? " (timed out)" : "") +
         "\nstdout: " + r.out + "\nstderr: " + r.err;
}

}  // namespace

TEST_SUITE_BEGIN("oci-runc");

TEST_CASE("runc: a container from crix's spec runs") {
  RuncBundle b;
  command(b, "echo hello from $(hostname); id -u; pwd; echo PATH=$PATH");
  const auto r = b.run(b.spec());
  REQUIRE_MESSAGE(r.exitCode == 0, describe(r));
  CHECK(r.out.find("hello from crix-test-pod\n0\n/\n") == 0);
  CHECK(r.out.find("PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin") !=
        std::string::npos);
}

TEST_CASE("runc: the capabilities in /proc/self/status are the requested set") {
  RuncBundle b;
  command(b, "cat /proc/self/status");
  SUBCASE("the defaults") {
    const auto r = b.run(b.spec());
    REQUIRE_MESSAGE(r.exitCode == 0, describe(r));
    const auto expected = CapabilitySet::fromNames(b.cfg.runtime.default_capabilities, "defaults");
    CHECK(testing::capEff(r.out) == expected.mask());
  }
  SUBCASE("add NET_ADMIN, drop CHOWN") {
    auto* caps = security(b).mutable_capabilities();
    caps->add_add_capabilities("NET_ADMIN");
    caps->add_drop_capabilities("CAP_CHOWN");
    const auto r = b.run(b.spec());
    REQUIRE_MESSAGE(r.exitCode == 0, describe(r));
    auto expected = CapabilitySet::fromNames(b.cfg.runtime.default_capabilities, "defaults");
    expected.add(*CapabilitySet::numberOf("NET_ADMIN"));
    expected.remove(*CapabilitySet::numberOf("CHOWN"));
    CHECK(testing::capEff(r.out) == expected.mask());
  }
  SUBCASE("drop ALL") {
    security(b).mutable_capabilities()->add_drop_capabilities("ALL");
    const auto r = b.run(b.spec());
    REQUIRE_MESSAGE(r.exitCode == 0, describe(r));
    CHECK(testing::capEff(r.out) == 0);
  }
}

TEST_CASE("runc: the RuntimeDefault seccomp profile is in force") {
  RuncBundle b;
  // CAP_SYS_ADMIN so that the kernel itself would let swapon through: only
  // the filter can then answer EPERM.
  security(b).mutable_capabilities()->add_add_capabilities("SYS_ADMIN");
  // busybox stats the file before calling swapon, so it must exist; the
  // kernel then refuses it as a swap area (not EPERM) unless filtered.
  command(b, "grep '^Seccomp:' /proc/self/status; touch /tmp/not-swap; swapon /tmp/not-swap");
  SUBCASE("RuntimeDefault") {
    security(b).mutable_seccomp()->set_profile_type(runtime::v1::SecurityProfile::RuntimeDefault);
    const auto r = b.run(b.spec());
    CHECK_MESSAGE(r.out.find("Seccomp:\t2") != std::string::npos, describe(r));
    CHECK_MESSAGE(r.err.find("Operation not permitted") != std::string::npos, describe(r));
  }
  SUBCASE("no profile named: unconfined, as CRI defines it") {
    const auto r = b.run(b.spec());
    CHECK_MESSAGE(r.out.find("Seccomp:\t0") != std::string::npos, describe(r));
  }
  SUBCASE("no profile named, with seccomp_use_default_when_empty") {
    b.cfg.runtime.seccomp_use_default_when_empty = true;
    const auto r = b.run(b.spec());
    CHECK_MESSAGE(r.out.find("Seccomp:\t2") != std::string::npos, describe(r));
  }
  SUBCASE("Unconfined, for contrast") {
    security(b).mutable_seccomp()->set_profile_type(runtime::v1::SecurityProfile::Unconfined);
    const auto r = b.run(b.spec());
    CHECK_MESSAGE(r.out.find("Seccomp:\t0") != std::string::npos, describe(r));
    CHECK_MESSAGE(r.err.find("Operation not permitted") == std::string::npos, describe(r));
    CHECK_MESSAGE(r.err.find("swapon: /tmp/not-swap") != std::string::npos, describe(r));
  }
}

TEST_CASE("runc: without CAP_SYS_ADMIN mount fails with EPERM") {
  RuncBundle b;
  command(b, "mount -t tmpfs none /tmp");
  const auto r = b.run(b.spec());
  CHECK(r.exitCode != 0);
  // busybox words EPERM from mount(2) as "permission denied (are you root?)".
  CHECK_MESSAGE(r.err.find("permission denied") != std::string::npos, describe(r));
}

TEST_CASE("runc: a read-only rootfs cannot be written") {
  RuncBundle b;
  security(b).set_readonly_rootfs(true);
  command(b, "touch /newfile; echo status=$?; touch /dev/shm/ok && echo shm-writable");
  const auto r = b.run(b.spec());
  CHECK_MESSAGE(r.out.find("status=1") != std::string::npos, describe(r));
  CHECK_MESSAGE(r.err.find("Read-only file system") != std::string::npos, describe(r));
  CHECK_MESSAGE(r.out.find("shm-writable") != std::string::npos, describe(r));
}

TEST_CASE("runc: run_as_user 1000 gets uid, gid and groups from the image") {
  RuncBundle b;
  security(b).mutable_run_as_user()->set_value(1000);
  security(b).add_supplemental_groups(3000);
  command(b, "id -u; id -g; id -G");
  const auto r = b.run(b.spec());
  REQUIRE_MESSAGE(r.exitCode == 0, describe(r));
  CHECK(r.out == "1000\n1000\n1000 2000 3000\n");
}

TEST_CASE("runc: masked paths are masked, read-only paths read-only") {
  // Which of the default masked paths exist depends on the kernel (this CI
  // VM has no /proc/kcore); check every one the host has.
  std::string script;
  std::vector<std::string> checked;
  bool hostHasContent = false;
  for (const auto& path : defaultMaskedPaths()) {
    std::error_code ec;
    if (std::filesystem::is_directory(path, ec)) {
      script += "echo '" + path + "='$(( $(ls -A " + path + " | wc -l) ));";
      hostHasContent = hostHasContent || !std::filesystem::is_empty(path, ec);
    } else if (std::filesystem::is_regular_file(path, ec)) {
      script += "echo '" + path + "='$(( $(cat " + path + " | wc -c) ));";
      std::ifstream in(path);
      hostHasContent = hostHasContent || in.get() != std::char_traits<char>::eof();
    } else {
      continue;
    }
    checked.push_back(path);
  }
  REQUIRE_MESSAGE(hostHasContent, "no default masked path has content on this host to hide");
  script += "echo 0 > /proc/sys/kernel/shm_rmid_forced; echo write=$?";

  RuncBundle b;
  command(b, script);
  const auto r = b.run(b.spec());
  for (const auto& path : checked) {
    CHECK_MESSAGE(r.out.find(path + "=0\n") != std::string::npos, path, "\n", describe(r));
  }
  CHECK_MESSAGE(r.out.find("write=0") == std::string::npos, describe(r));
  CHECK_MESSAGE(r.err.find("Read-only file system") != std::string::npos, describe(r));
}

TEST_CASE("runc: the memory limit reaches the container's cgroup") {
  RuncBundle b;
  b.ctr.config.mutable_linux()->mutable_resources()->set_memory_limit_in_bytes(64 << 20);
  command(b, "sleep 30");
  const auto spec = b.spec();
  b.create(spec);
  const std::string v1 = b.cgroupDir("memory");
  const std::string file =
      v1.empty() ? b.cgroupDir("") + "/memory.max" : v1 + "/memory.limit_in_bytes";
  std::ifstream in(file);
  std::string value;
  in >> value;
  CHECK_MESSAGE(value == std::to_string(64 << 20), file);
  if (!v1.empty()) {
    // Swap follows the limit: no swapping beyond it.
    std::ifstream memsw(v1 + "/memory.memsw.limit_in_bytes");
    std::string swap;
    if (memsw >> swap) CHECK(swap == std::to_string(64 << 20));
  }
  b.remove();
}

TEST_CASE("runc: a privileged container gets the bounding set and runc accepts it") {
  RuncBundle b;
  b.pod.config.mutable_linux()->mutable_security_context()->set_privileged(true);
  security(b).set_privileged(true);
  command(b, "cat /proc/self/status; grep ' /sys sysfs ' /proc/mounts");
  const auto r = b.run(b.spec());
  REQUIRE_MESSAGE(r.exitCode == 0, describe(r));
  CHECK(testing::capEff(r.out) == CapabilitySet::hostBounding().mask());
  CHECK_MESSAGE(r.out.find("Seccomp:\t0") != std::string::npos, describe(r));
  CHECK_MESSAGE(r.out.find(" /sys sysfs rw") != std::string::npos, describe(r));
}

TEST_CASE("runc: CRI mounts and the pod's /etc files reach the container") {
  RuncBundle b;
  test::TempDir host("crix-oci-host");
  test::writeFile(host / "resolv.conf", "nameserver 192.0.2.53\n");
  test::writeFile(host / "hostname", "crix-test-pod\n");
  std::filesystem::create_directories(host / "data");
  test::writeFile(host / "data/hello", "from the host\n");
  b.pod.resolvConfPath = host / "resolv.conf";
  b.pod.hostnamePath = host / "hostname";
  auto* m = b.ctr.config.add_mounts();
  m->set_host_path(host / "data");
  m->set_container_path("/data");
  m->set_readonly(true);
  b.ctr.image.config.volumes = {"/var/lib/vol"};
  command(b,
          "cat /etc/resolv.conf /etc/hostname /data/hello; touch /data/new; echo ro=$?;"
          "touch /var/lib/vol/ok && echo volume-writable");
  const auto r = b.run(b.spec());
  CHECK_MESSAGE(r.out.find("nameserver 192.0.2.53\ncrix-test-pod\nfrom the host\n") == 0,
                describe(r));
  CHECK_MESSAGE(r.out.find("ro=1") != std::string::npos, describe(r));
  CHECK_MESSAGE(r.out.find("volume-writable") != std::string::npos, describe(r));
}

TEST_SUITE_END();
