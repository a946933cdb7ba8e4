// A real runc container joining a pod's pinned namespaces, through the spec
// oci/ builds from the paths NamespacePinner returned.
#include <doctest/doctest.h>

#include <filesystem>
#include <string>

#include "tests/netns/PinnerSandbox.h"
#include "tests/oci/runtime/RuncBundle.h"

using namespace crix;
using namespace crix::netns::testing;

TEST_CASE("runc: a container in the pinned namespaces sees the pod's hostname, only lo, and the pause process as PID 1") {
  PinnerSandbox box;
  const auto pinned = box.pin(request("runc-pod", "crix-pinned-pod").withPid(true));

  oci::testing::RuncBundle b;
  for (const char* applet : {"readlink", "tr"})
    std::filesystem::create_symlink("busybox", b.rootfs() + "/bin/" + applet);
  b.pod.hostname = "crix-pinned-pod";
  b.pod.namespacePaths = {{oci::NamespaceKind::Network, pinned.network},
                          {oci::NamespaceKind::Ipc, pinned.ipc},
                          {oci::NamespaceKind::Uts, pinned.uts},
                          {oci::NamespaceKind::Pid, pinned.pid}};
  b.ctr.config.mutable_linux()->mutable_security_context()->mutable_namespace_options()->set_pid(
      runtime::v1::NamespaceMode::POD);
  b.ctr.config.clear_command();
  for (const char* arg : {"/bin/sh", "-c",
                          "hostname; for ns in net ipc pid; do readlink /proc/self/ns/$ns; done;"
                          " tail -n +3 /proc/net/dev | cut -d: -f1 | tr -d ' ';"
                          " tr '\\0' ' ' < /proc/1/cmdline; echo"})
    b.ctr.config.add_command(arg);
  for (const char* applet : {"tail", "cut"})
    std::filesystem::create_symlink("busybox", b.rootfs() + "/bin/" + applet);

  const auto result = b.run(b.spec());
  INFO("stdout: " << result.out << "\nstderr: " << result.err);
  REQUIRE(result.exitCode == 0);
  const std::string expected = "crix-pinned-pod\n"
                               "net:[" + std::to_string(inodeOf(pinned.network)) + "]\n"
                               "ipc:[" + std::to_string(inodeOf(pinned.ipc)) + "]\n"
                               "pid:[" + std::to_string(inodeOf(pinned.pid)) + "]\n"
                               "lo\n";
  CHECK(result.out.substr(0, expected.size()) == expected);
  CHECK(result.out.find(std::string(kPauseBinary) + " pause --cid runc-pod") != std::string::npos);

  // The container is gone; the pod's namespaces and its pause process are not.
  CHECK(processRuns(pinned.pausePid));
  CHECK(box.pinner().find("runc-pod").has_value());
}
