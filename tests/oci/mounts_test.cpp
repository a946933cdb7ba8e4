#include <sys/stat.h>

#include <doctest/doctest.h>

#include <filesystem>

#include "oci/MountInfo.h"
#include "tests/oci/OciTestSupport.h"

using namespace crix;
using namespace crix::oci;
using testing::contains;
using testing::mountAt;
using testing::strings;
using V = std::vector<std::string>;
namespace fs = std::filesystem;

TEST_SUITE_BEGIN("oci");

TEST_CASE("oci mounts: the system mounts every container gets") {
  testing::SpecFixture f;
  const auto spec = f.build();
  CHECK(testing::mountDestinations(spec) ==
        V{"/proc", "/dev", "/dev/pts", "/dev/shm", "/dev/mqueue", "/sys", "/sys/fs/cgroup"});
  CHECK(mountAt(spec, "/proc")["type"] == "proc");
  CHECK(strings(mountAt(spec, "/dev")["options"]) ==
        V{"nosuid", "strictatime", "mode=755", "size=65536k"});
  CHECK(strings(mountAt(spec, "/dev/pts")["options"]) ==
        V{"nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620", "gid=5"});
  CHECK(mountAt(spec, "/dev/shm")["type"] == "tmpfs");  // no pod shm: a private one
  CHECK(mountAt(spec, "/dev/mqueue")["type"] == "mqueue");
  CHECK(strings(mountAt(spec, "/sys")["options"]) == V{"nosuid", "noexec", "nodev", "ro"});
  CHECK(strings(mountAt(spec, "/sys/fs/cgroup")["options"]) ==
        V{"nosuid", "noexec", "nodev", "relatime", "ro"});
}

TEST_CASE("oci mounts: the pod's /dev/shm and /etc files") {
  testing::SpecFixture f;
  f.pod.shmPath = "/run/crix/pods/p/shm";
  f.pod.resolvConfPath = "/run/crix/pods/p/resolv.conf";
  f.pod.hostnamePath = "/run/crix/pods/p/hostname";
  f.pod.hostsPath = "/run/crix/pods/p/hosts";
  auto spec = f.build();
  CHECK(mountAt(spec, "/dev/shm") ==
        nlohmann::json{{"destination", "/dev/shm"},
                       {"type", "bind"},
                       {"source", "/run/crix/pods/p/shm"},
                       {"options", {"bind", "rw", "nosuid", "nodev", "noexec"}}});
  CHECK(mountAt(spec, "/etc/resolv.conf")["source"] == "/run/crix/pods/p/resolv.conf");
  CHECK(strings(mountAt(spec, "/etc/resolv.conf")["options"]) ==
        V{"bind", "nodev", "nosuid", "noexec", "rw"});
  CHECK(strings(mountAt(spec, "/etc/hostname")["options"]) == V{"bind", "rw"});
  CHECK(mountAt(spec, "/etc/hosts")["source"] == "/run/crix/pods/p/hosts");

  SUBCASE("read-only rootfs makes them read-only too") {
    f.security().set_readonly_rootfs(true);
    spec = f.build();
    CHECK(spec["root"]["readonly"] == true);
    CHECK(contains(strings(mountAt(spec, "/etc/resolv.conf")["options"]), "ro"));
    CHECK(contains(strings(mountAt(spec, "/etc/hostname")["options"]), "ro"));
  }
}

TEST_CASE("oci mounts: /etc/hosts comes from the node only with the node's network") {
  testing::SpecFixture f;
  CHECK(mountAt(f.build(), "/etc/hosts").is_null());
  f.pod.hostNetwork = true;
  CHECK(mountAt(f.build(), "/etc/hosts")["source"] == "/etc/hosts");
  testing::writeText(f.dir.path() + "/kubelet-hosts", "127.0.0.1 localhost\n");
  f.addMount(f.dir.path() + "/kubelet-hosts", "/etc/hosts");
  CHECK(mountAt(f.build(), "/etc/hosts")["source"] == f.dir.path() + "/kubelet-hosts");
}

TEST_CASE("oci mounts: CRI mount options and propagation") {
  testing::SpecFixture f;
  const std::string src = f.dir.path() + "/data";
  fs::create_directories(src);
  auto& m = f.addMount(src, "/data");
  SUBCASE("private, read-write") {
    CHECK(mountAt(f.build(), "/data") == nlohmann::json{{"destination", "/data"},
                                                        {"type", "bind"},
                                                        {"source", src},
                                                        {"options", {"rbind", "rprivate", "rw"}}});
    CHECK_FALSE(f.build()["linux"].contains("rootfsPropagation"));
  }
  SUBCASE("read-only") {
    m.set_readonly(true);
    CHECK(strings(mountAt(f.build(), "/data")["options"]) == V{"rbind", "rprivate", "ro"});
  }
  SUBCASE("recursive read-only") {
    m.set_readonly(true);
    m.set_recursive_read_only(true);
    CHECK(strings(mountAt(f.build(), "/data")["options"]) == V{"rbind", "rprivate", "rro"});
    m.set_readonly(false);
    testing::requireError([&] { f.build(); }, StatusCode::InvalidArgument,
                          "recursive_read_only needs readonly");
  }
  SUBCASE("host to container: rslave, rootfs rslave") {
    m.set_propagation(runtime::v1::PROPAGATION_HOST_TO_CONTAINER);
    const auto spec = f.build();
    CHECK(strings(mountAt(spec, "/data")["options"]) == V{"rbind", "rslave", "rw"});
    CHECK(spec["linux"]["rootfsPropagation"] == "rslave");
  }
  SUBCASE("bidirectional: rshared, rootfs rshared") {
    m.set_propagation(runtime::v1::PROPAGATION_BIDIRECTIONAL);
    auto& other = f.addMount(src, "/other");
    other.set_propagation(runtime::v1::PROPAGATION_HOST_TO_CONTAINER);
    const auto spec = f.build();
    CHECK(strings(mountAt(spec, "/data")["options"]) == V{"rbind", "rshared", "rw"});
    CHECK(spec["linux"]["rootfsPropagation"] == "rshared");  // not lowered by the rslave one
  }
  SUBCASE("selinux_relabel changes nothing") {
    m.set_selinux_relabel(true);
    CHECK(strings(mountAt(f.build(), "/data")["options"]) == V{"rbind", "rprivate", "rw"});
  }
}

TEST_CASE("oci mounts: propagation needs a shared (or slave) source mount") {
  testing::SpecFixture f;
  f.host.readMountInfo = [] {
    return std::string(
        "1 0 8:1 / / rw,relatime - ext4 /dev/sda1 rw\n"
        "2 1 0:5 / /srv rw,relatime master:3 - tmpfs tmpfs rw\n"
        "3 1 0:6 / /srv/shared rw,relatime shared:7 - tmpfs tmpfs rw\n");
  };
  auto& m = f.addMount("/", "/host");
  m.set_propagation(runtime::v1::PROPAGATION_BIDIRECTIONAL);
  testing::requireError([&] { f.build(); }, StatusCode::FailedPrecondition,
                        "mount /host asks for bidirectional propagation, but its source / is on "
                        "mount /, which is not shared");
  m.set_propagation(runtime::v1::PROPAGATION_HOST_TO_CONTAINER);
  testing::requireError([&] { f.build(); }, StatusCode::FailedPrecondition,
                        "neither shared nor a slave");
}

TEST_CASE("oci mounts: the mount a path lives on, from mountinfo") {
  const auto mounts = parseMountInfo(
      "1 0 8:1 / / rw - ext4 /dev/sda1 rw\n"
      "2 1 0:5 / /srv rw master:3 - tmpfs tmpfs rw\n"
      "3 1 0:6 / /srv/with\\040space rw shared:7 propagate_from:2 - tmpfs tmpfs rw\n");
  REQUIRE(mounts.size() == 3);
  CHECK(mountContaining(mounts, "/srv/x")->slave());
  CHECK(mountContaining(mounts, "/srvx")->mountPoint == "/");
  CHECK(mountContaining(mounts, "/srv/with space/a")->shared());
}

TEST_CASE("oci mounts: missing host directories are created unless rejected") {
  testing::SpecFixture f;
  const std::string src = f.dir.path() + "/not/yet";
  f.addMount(src, "/data");
  f.build();
  CHECK(fs::is_directory(src));

  testing::SpecFixture g;
  const std::string hostname = g.dir.path() + "/etc-hostname";
  g.cfg.runtime.absent_mount_sources_to_reject = {hostname};
  g.addMount(hostname, "/etc/hostname");
  testing::requireError([&] { g.build(); }, StatusCode::InvalidArgument,
                        "cannot mount " + hostname + ": it does not exist");
  CHECK_FALSE(fs::exists(hostname));
}

TEST_CASE("oci mounts: a symlinked host path is resolved; a dangling one is an error") {
  testing::SpecFixture f;
  fs::create_directories(f.dir.path() + "/real");
  fs::create_symlink(f.dir.path() + "/real", f.dir.path() + "/link");
  f.addMount(f.dir.path() + "/link", "/data");
  CHECK(mountAt(f.build(), "/data")["source"] == f.dir.path() + "/real");

  fs::create_symlink(f.dir.path() + "/gone", f.dir.path() + "/dangling");
  f.addMount(f.dir.path() + "/dangling", "/more");
  testing::requireError([&] { f.build(); }, StatusCode::InvalidArgument,
                        "mount source " + f.dir.path() + "/dangling cannot be resolved");
}

TEST_CASE("oci mounts: bind_mount_prefix is put before host paths") {
  testing::SpecFixture f;
  f.cfg.runtime.bind_mount_prefix = f.dir.path() + "/host";
  fs::create_directories(f.dir.path() + "/host/var/data");
  f.addMount("/var/data", "/data");
  CHECK(mountAt(f.build(), "/data")["source"] == f.dir.path() + "/host/var/data");
}

TEST_CASE("oci mounts: a CRI mount replaces the default at its place, and /dev replaces /dev/*") {
  testing::SpecFixture f;
  f.addMount(f.dir.path() + "/shm", "/dev/shm");
  auto spec = f.build();
  CHECK(mountAt(spec, "/dev/shm")["type"] == "bind");
  CHECK(std::count(spec["mounts"].begin(), spec["mounts"].end(), mountAt(spec, "/dev/shm")) == 1);

  f.ctr.config.clear_mounts();
  f.addMount(f.dir.path() + "/dev", "/dev");
  spec = f.build();
  for (const auto& d : testing::mountDestinations(spec)) CHECK(d.rfind("/dev/", 0) != 0);
  CHECK(mountAt(spec, "/dev")["type"] == "bind");
}

TEST_CASE("oci mounts: CRI mounts go shallowest first") {
  testing::SpecFixture f;
  f.addMount(f.dir.path() + "/a", "/data/deep/er");
  f.addMount(f.dir.path() + "/b", "/data");
  f.addMount(f.dir.path() + "/c", "/data/deep");
  const auto dests = testing::mountDestinations(f.build());
  const V tail(dests.end() - 3, dests.end());
  CHECK(tail == V{"/data", "/data/deep", "/data/deep/er"});
}

TEST_CASE("oci mounts: bad CRI mounts") {
  testing::SpecFixture f;
  f.addMount(f.dir.path(), "relative");
  testing::requireError([&] { f.build(); }, StatusCode::InvalidArgument,
                        "mount container_path \"relative\" is not absolute");
  f.ctr.config.clear_mounts();
  f.addMount("", "/x");
  testing::requireError([&] { f.build(); }, StatusCode::InvalidArgument,
                        "mount /x has an empty host_path");
  f.ctr.config.clear_mounts();
  auto& m = f.addMount(f.dir.path(), "/x");
  m.add_uidmappings()->set_length(1);
  testing::requireError([&] { f.build(); }, StatusCode::Unimplemented, "ID-mapped mount /x");
  f.ctr.config.clear_mounts();
  f.addMount("", "/img").mutable_image()->set_image("docker.io/library/busybox");
  testing::requireError([&] { f.build(); }, StatusCode::Unimplemented, "image volume mounts");
}

TEST_CASE("oci mounts: image volumes, mkdir mode creates owned directories in the rootfs") {
  testing::SpecFixture f;
  f.ctr.image.config.volumes = {"/var/lib/data", "/cache"};
  f.security().mutable_run_as_user()->set_value(1000);
  fs::create_directories(f.rootfs() + "/cache");  // exists already: left alone
  const auto spec = f.build();
  struct stat st {};
  REQUIRE(::stat((f.rootfs() + "/var/lib/data").c_str(), &st) == 0);
  CHECK(st.st_uid == 1000);
  CHECK(st.st_gid == 1000);
  REQUIRE(::stat((f.rootfs() + "/cache").c_str(), &st) == 0);
  CHECK(st.st_uid == 0);
  CHECK(mountAt(spec, "/var/lib/data").is_null());  // a directory, not a mount
}

TEST_CASE("oci mounts: image volumes stay inside the rootfs even through symlinks") {
  testing::SpecFixture f;
  const std::string outside = f.dir.path() + "/outside";
  fs::create_directories(outside);
  fs::create_symlink(outside, f.rootfs() + "/escape");
  f.ctr.image.config.volumes = {"/escape/vol"};
  f.build();
  CHECK_FALSE(fs::exists(outside + "/vol"));
  CHECK(fs::is_directory(f.rootfs() + outside + "/vol"));
}

TEST_CASE("oci mounts: image volumes in bind and ignore modes") {
  testing::SpecFixture f;
  f.ctr.image.config.volumes = {"/data"};
  f.cfg.image.image_volumes = "bind";
  testing::requireError([&] { f.build(); }, StatusCode::FailedPrecondition, "run directory");
  f.ctr.runDir = f.dir.path() + "/run";
  const auto m = mountAt(f.build(), "/data");
  CHECK(m["source"] == f.dir.path() + "/run/mounts/volume-0");
  CHECK(fs::is_directory(f.dir.path() + "/run/mounts/volume-0"));
  f.cfg.image.image_volumes = "ignore";
  CHECK(mountAt(f.build(), "/data").is_null());
  CHECK_FALSE(fs::exists(f.rootfs() + "/data"));
}

TEST_CASE("oci mounts: read_only nodes get tmpfs /run, /tmp and /var/tmp") {
  testing::SpecFixture f;
  f.cfg.runtime.read_only = true;
  f.addMount(f.dir.path() + "/tmp", "/tmp");
  const auto spec = f.build();
  CHECK(spec["root"]["readonly"] == true);
  CHECK(mountAt(spec, "/run")["type"] == "tmpfs");
  CHECK(mountAt(spec, "/var/tmp")["type"] == "tmpfs");
  CHECK(mountAt(spec, "/tmp")["type"] == "bind");  // the request's own wins
}

TEST_CASE("oci mounts: the working directory is created in the rootfs") {
  testing::SpecFixture f;
  f.ctr.image.config.workingDir = "/srv/app";
  CHECK(f.build()["process"]["cwd"] == "/srv/app");
  CHECK(fs::is_directory(f.rootfs() + "/srv/app"));
  f.ctr.config.set_working_dir("/override");
  CHECK(f.build()["process"]["cwd"] == "/override");
  f.ctr.config.set_working_dir("rel");
  testing::requireError([&] { f.build(); }, StatusCode::InvalidArgument,
                        "working_dir \"rel\" is not an absolute path");
  f.ctr.config.clear_working_dir();
  f.ctr.image.config.workingDir.clear();
  CHECK(f.build()["process"]["cwd"] == "/");
}

TEST_SUITE_END();
