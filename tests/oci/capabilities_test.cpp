#include <doctest/doctest.h>

#include <fstream>
#include <sstream>

#include "oci/ContainerCapabilities.h"
#include "tests/oci/OciTestSupport.h"

using namespace crix;
using namespace crix::oci;
using V = std::vector<std::string>;

namespace {

runtime::v1::Capability request(V add, V drop, V ambient = {}) {
  runtime::v1::Capability c;
  for (const auto& a : add) c.add_add_capabilities(a);
  for (const auto& d : drop) c.add_drop_capabilities(d);
  for (const auto& a : ambient) c.add_add_ambient_capabilities(a);
  return c;
}

const V kDefaults = {"CHOWN", "KILL", "NET_BIND_SERVICE"};

}  // namespace

TEST_SUITE_BEGIN("oci");

TEST_CASE("oci capabilities: names with or without CAP_, any case") {
  CHECK(CapabilitySet::numberOf("CAP_SYS_ADMIN") == 21);
  CHECK(CapabilitySet::numberOf("sys_admin") == 21);
  CHECK(CapabilitySet::numberOf("Cap_Chown") == 0);
  CHECK(CapabilitySet::numberOf("CHECKPOINT_RESTORE") == 40);
  CHECK_FALSE(CapabilitySet::numberOf("CAP_FLY"));
  CHECK(CapabilitySet::nameOf(24) == "CAP_SYS_RESOURCE");
  CHECK(CapabilitySet::allKnown().names().size() == 41);
}

TEST_CASE("oci capabilities: defaults + add - drop") {
  const auto caps = resolveContainerCapabilities(
      kDefaults, request({"sys_time", "CAP_NET_RAW"}, {"kill"}), CapabilitySet::allKnown());
  CHECK(caps.granted.names() ==
        V{"CAP_CHOWN", "CAP_NET_BIND_SERVICE", "CAP_NET_RAW", "CAP_SYS_TIME"});
  CHECK(caps.ambient.empty());
}

TEST_CASE("oci capabilities: ALL in add is the bounding set, minus drops") {
  CapabilitySet bounding = CapabilitySet::allKnown();
  bounding.remove(*CapabilitySet::numberOf("SYS_RESOURCE"));
  const auto caps = resolveContainerCapabilities(kDefaults, request({"all"}, {"CHOWN"}), bounding);
  CHECK_FALSE(caps.granted.contains("CAP_SYS_RESOURCE"));
  CHECK_FALSE(caps.granted.contains("CAP_CHOWN"));
  CHECK(caps.granted.contains("CAP_SYS_ADMIN"));
  CHECK(caps.granted.names().size() == 39);
}

TEST_CASE("oci capabilities: ALL in drop ignores the defaults, adds still apply") {
  const auto caps = resolveContainerCapabilities(kDefaults, request({"NET_ADMIN"}, {"ALL"}),
                                                 CapabilitySet::allKnown());
  CHECK(caps.granted.names() == V{"CAP_NET_ADMIN"});
  CHECK(resolveContainerCapabilities(kDefaults, request({}, {"ALL"}), CapabilitySet::allKnown())
            .granted.empty());
}

TEST_CASE("oci capabilities: unknown names are InvalidArgument naming the list") {
  testing::requireError(
      [] {
        resolveContainerCapabilities(kDefaults, request({"CAP_FLY"}, {}),
                                     CapabilitySet::allKnown());
      },
      StatusCode::InvalidArgument, "unknown capability \"CAP_FLY\" in add_capabilities");
  testing::requireError(
      [] {
        resolveContainerCapabilities(kDefaults, request({}, {"teleport"}),
                                     CapabilitySet::allKnown());
      },
      StatusCode::InvalidArgument, "unknown capability \"teleport\" in drop_capabilities");
  testing::requireError(
      [] { resolveContainerCapabilities({"BOGUS"}, request({}, {}), CapabilitySet::allKnown()); },
      StatusCode::InvalidArgument, "crio.runtime.default_capabilities");
}

TEST_CASE("oci capabilities: a named capability outside the bounding set is refused") {
  CapabilitySet bounding = CapabilitySet::allKnown();
  bounding.remove(*CapabilitySet::numberOf("SYS_RESOURCE"));
  testing::requireError(
      [&] { resolveContainerCapabilities(kDefaults, request({"SYS_RESOURCE"}, {}), bounding); },
      StatusCode::FailedPrecondition, "capability CAP_SYS_RESOURCE is not in crix's bounding set");
  // Dropped again, it is no longer asked for.
  CHECK_NOTHROW(resolveContainerCapabilities(kDefaults, request({"SYS_RESOURCE"}, {"SYS_RESOURCE"}),
                                             bounding));
}

TEST_CASE("oci capabilities: ambient capabilities are granted, ambient and inheritable") {
  testing::SpecFixture f;
  f.security().mutable_capabilities()->add_add_ambient_capabilities("NET_ADMIN");
  const auto caps = f.build()["process"]["capabilities"];
  CHECK(testing::contains(testing::strings(caps["effective"]), "CAP_NET_ADMIN"));
  CHECK(testing::strings(caps["ambient"]) == V{"CAP_NET_ADMIN"});
  CHECK(testing::strings(caps["inheritable"]) == V{"CAP_NET_ADMIN"});
}

TEST_CASE("oci capabilities: the spec's sets; inheritable only when configured") {
  testing::SpecFixture f;
  f.cfg.runtime.default_capabilities = {"CHOWN", "KILL"};
  auto caps = f.build()["process"]["capabilities"];
  for (const char* set : {"bounding", "effective", "permitted"}) {
    CHECK(testing::strings(caps[set]) == V{"CAP_CHOWN", "CAP_KILL"});
  }
  CHECK(caps["inheritable"].empty());
  CHECK(caps["ambient"].empty());
  f.cfg.runtime.add_inheritable_capabilities = true;
  caps = f.build()["process"]["capabilities"];
  CHECK(testing::strings(caps["inheritable"]) == V{"CAP_CHOWN", "CAP_KILL"});
}

TEST_CASE("oci capabilities: CapBnd is read from /proc/self/status") {
  const auto set = CapabilitySet::fromProcStatus(
      "Name:\tx\nCapInh:\t0000000000000000\nCapBnd:\t000001fffeffffff\n", "CapBnd");
  CHECK_FALSE(set.contains("SYS_RESOURCE"));
  CHECK(set.contains("CHECKPOINT_RESTORE"));
  CHECK(set.names().size() == 40);
  testing::requireError([] { CapabilitySet::fromProcStatus("Name:\tx\n", "CapBnd"); },
                        StatusCode::Internal, "CapBnd");

  std::ifstream in("/proc/self/status");
  std::stringstream status;
  status << in.rdbuf();
  CHECK(CapabilitySet::hostBounding() == CapabilitySet::fromProcStatus(status.str(), "CapBnd"));
}

TEST_SUITE_END();
