// The pod's own files: resolv.conf, hostname, /dev/shm.
#include <doctest/doctest.h>
#include <sys/stat.h>
#include <sys/statvfs.h>

#include <filesystem>
#include <string>

#include "core/Error.h"
#include "cri/sandbox/PodHostname.h"
#include "cri/sandbox/ResolvConf.h"
#include "cri/sandbox/ShmMount.h"
#include "tests/support/Subprocess.h"
#include "tests/support/TempDir.h"

using namespace crix;
using namespace crix::sandbox;

TEST_CASE("resolv.conf from DNSConfig: search, nameservers, options in CRI-O's order") {
  test::TempDir dir("crix-sandbox");
  runtime::v1::DNSConfig dns;
  dns.add_servers("10.96.0.10");
  dns.add_servers("fd00::a");
  dns.add_searches("default.svc.cluster.local");
  dns.add_searches("svc.cluster.local");
  dns.add_options("ndots:5");
  dns.add_options("edns0");
  writeResolvConf(dir / "resolv.conf", dns);
  CHECK(test::readFile(dir / "resolv.conf") ==
        "search default.svc.cluster.local svc.cluster.local\n"
        "nameserver 10.96.0.10\n"
        "nameserver fd00::a\n"
        "options ndots:5 edns0\n");
  struct stat st {};
  REQUIRE(::stat((dir / "resolv.conf").c_str(), &st) == 0);
  CHECK((st.st_mode & 07777) == 0644);
  // Nothing but the file itself in the directory (no temporary left).
  CHECK(std::distance(std::filesystem::directory_iterator(dir.path()), {}) == 1);

  runtime::v1::DNSConfig onlyServer;
  onlyServer.add_servers("1.1.1.1");
  writeResolvConf(dir / "resolv.conf", onlyServer);
  CHECK(test::readFile(dir / "resolv.conf") == "nameserver 1.1.1.1\n");
}

TEST_CASE("resolv.conf: an empty DNSConfig copies the node's file") {
  test::TempDir dir("crix-sandbox");
  const std::string host = dir.write("host-resolv.conf", "nameserver 192.0.2.1\nsearch example\n");
  writeResolvConf(dir / "resolv.conf", runtime::v1::DNSConfig{}, host);
  CHECK(test::readFile(dir / "resolv.conf") == "nameserver 192.0.2.1\nsearch example\n");
  try {
    writeResolvConf(dir / "other", runtime::v1::DNSConfig{}, dir / "missing");
    FAIL("copied a missing file");
  } catch (const Error& e) {
    CHECK(std::string(e.what()).find("missing") != std::string::npos);
  }
}

TEST_CASE("resolv.conf: entries that would inject lines are InvalidArgument") {
  test::TempDir dir("crix-sandbox");
  runtime::v1::DNSConfig dns;
  dns.add_servers("10.0.0.1\nnameserver 6.6.6.6");
  try {
    writeResolvConf(dir / "resolv.conf", dns);
    FAIL("accepted a newline");
  } catch (const Error& e) {
    CHECK(e.code() == StatusCode::InvalidArgument);
  }
  CHECK_FALSE(std::filesystem::exists(dir / "resolv.conf"));
}

TEST_CASE("hostname: file and validation") {
  test::TempDir dir("crix-sandbox");
  writeHostnameFile(dir / "hostname", "web-0");
  CHECK(test::readFile(dir / "hostname") == "web-0\n");

  for (const char* good : {"a", "web-0", "web-0.svc.cluster.local", "A1", "0abc"}) CHECK_NOTHROW(validatePodHostname(good));
  const std::string tooLong(65, 'a');
  const std::string longLabel(64, 'a');
  for (const std::string& bad : {std::string(), tooLong, longLabel, std::string("-a"), std::string("a-"),
                                 std::string("a..b"), std::string("a_b"), std::string("a b"), std::string(".a")}) {
    try {
      validatePodHostname(bad);
      FAIL("accepted hostname \"" << bad << "\"");
    } catch (const Error& e) {
      CHECK(e.code() == StatusCode::InvalidArgument);
    }
  }
  CHECK_NOTHROW(validatePodHostname(std::string(63, 'a') ));
}

TEST_CASE("shm size: Kubernetes quantities") {
  CHECK(parseShmSize("65536") == 65536);
  CHECK(parseShmSize("64Mi") == 64ull << 20);
  CHECK(parseShmSize("1Gi") == 1ull << 30);
  CHECK(parseShmSize("1G") == 1000000000ull);
  CHECK(parseShmSize("128k") == 128000ull);
  CHECK(parseShmSize("1.5Ki") == 1536ull);
  CHECK(parseShmSize("1e6") == 1000000ull);
  for (const char* bad : {"", "0", "-1", "abc", "10 Mi", "1.2.3", "5mi", "Mi", "1e"}) {
    try {
      parseShmSize(bad);
      FAIL("accepted shm size \"" << bad << "\"");
    } catch (const Error& e) {
      CHECK(e.code() == StatusCode::InvalidArgument);
      CHECK(std::string(e.what()).find(kShmSizeAnnotation) != std::string::npos);
    }
  }
}

TEST_CASE("shm: tmpfs with CRI-O's options, unmounted by RAII or by path, idempotently") {
  test::TempDir dir("crix-sandbox");
  const std::string shm = dir / "shm";
  {
    ShmMount mount(shm, 8ull << 20);
    REQUIRE(ShmMount::isMounted(shm));
    struct statvfs vfs {};
    REQUIRE(::statvfs(shm.c_str(), &vfs) == 0);
    CHECK(vfs.f_blocks * vfs.f_frsize == 8ull << 20);
    CHECK((vfs.f_flag & ST_NOSUID) != 0);
    CHECK((vfs.f_flag & ST_NODEV) != 0);
    CHECK((vfs.f_flag & ST_NOEXEC) != 0);
    struct stat st {};
    REQUIRE(::stat(shm.c_str(), &st) == 0);
    CHECK((st.st_mode & 07777) == 01777);
    try {
      ShmMount again(shm, 1 << 20);
      FAIL("mounted twice");
    } catch (const Error& e) {
      CHECK(e.code() == StatusCode::AlreadyExists);
    }
  }
  CHECK_FALSE(ShmMount::isMounted(shm));

  std::string kept;
  {
    ShmMount mount(shm, kDefaultShmSize);
    kept = mount.release();
  }
  CHECK(kept == shm);
  CHECK(ShmMount::isMounted(shm));  // released: survives the object, as over a daemon restart
  ShmMount::unmount(shm);
  CHECK_FALSE(ShmMount::isMounted(shm));
  CHECK_NOTHROW(ShmMount::unmount(shm));
  CHECK_NOTHROW(ShmMount::unmount(dir / "never-created"));
}
