#include "oci/ContainerCapabilities.h"

#include <algorithm>
#include <cctype>

#include "core/Error.h"

namespace crix::oci {
namespace {

bool isAll(const std::string& name) {
  return name.size() == 3 && std::equal(name.begin(), name.end(), "ALL", [](char a, char b) {
           return std::toupper(static_cast<unsigned char>(a)) == b;
         });
}

template <class List>
bool containsAll(const List& names) {
  return std::any_of(names.begin(), names.end(), [](const std::string& n) { return isAll(n); });
}

int capabilityNumber(const std::string& name, const char* list) {
  const auto number = CapabilitySet::numberOf(name);
  if (!number) {
    throw Error::invalidArgument("unknown capability \"" + name + "\" in " + list);
  }
  return *number;
}

}  // namespace

ContainerCapabilities resolveContainerCapabilities(const std::vector<std::string>& defaults,
                                                   const runtime::v1::Capability& request,
                                                   const CapabilitySet& bounding) {
  const bool addAll = containsAll(request.add_capabilities());
  const bool dropAll = containsAll(request.drop_capabilities());

  ContainerCapabilities caps;
  // Named explicitly somewhere: these must be grantable, or the request
  // cannot be honoured.
  CapabilitySet named;
  if (addAll && !dropAll) {
    caps.granted = bounding;
  } else if (!addAll && !dropAll) {
    for (const auto& name : defaults) {
      const int number = capabilityNumber(name, "crio.runtime.default_capabilities");
      caps.granted.add(number);
      named.add(number);
    }
  }
  for (const auto& name : request.add_capabilities()) {
    if (isAll(name)) continue;
    const int number = capabilityNumber(name, "add_capabilities");
    caps.granted.add(number);
    named.add(number);
  }
  for (const auto& name : request.add_ambient_capabilities()) {
    const int number = capabilityNumber(name, "add_ambient_capabilities");
    caps.granted.add(number);
    caps.ambient.add(number);
    named.add(number);
  }
  for (const auto& name : request.drop_capabilities()) {
    if (isAll(name)) continue;
    const int number = capabilityNumber(name, "drop_capabilities");
    caps.granted.remove(number);
    caps.ambient.remove(number);
    named.remove(number);
  }

  const CapabilitySet missing = named.intersect(caps.granted).minus(bounding);
  if (!missing.empty()) {
    std::string list;
    for (const auto& n : missing.names()) list += (list.empty() ? "" : ", ") + n;
    const bool one = missing.names().size() == 1;
    throw Error::failedPrecondition(
        std::string(one ? "capability " : "capabilities ") + list + (one ? " is" : " are") +
        " not in crix's bounding set (CapBnd in /proc/self/status), so no container started by "
        "crix can hold " +
        (one ? "it" : "them"));
  }
  return caps;
}

}  // namespace crix::oci
