// The registry and repository one request goes to, as the client and the
// authenticator both need it.
#pragma once

#include <string>

#include "storage/registry/RegistriesConf.h"

namespace crix::registry {

struct RegistryEndpoint {
  std::string registry;    // name as in references: certs.d, auth file keys, messages
  std::string apiHost;     // where the API is served (docker.io -> registry-1.docker.io)
  std::string repository;  // "library/busybox"
  bool insecure = false;

  static RegistryEndpoint of(const PullSource& source) {
    return RegistryEndpoint{.registry = source.reference.registry(),
                            .apiHost = source.reference.apiHost(),
                            .repository = source.reference.repository(),
                            .insecure = source.insecure};
  }
  std::string display() const { return registry + "/" + repository; }
};

}  // namespace crix::registry
