#include "cri/RegistriesFromConfig.h"

#include <filesystem>

namespace crix::cri {

registry::RegistriesConf loadRegistries(const config::Config& cfg) {
  auto registries = registry::RegistriesConf::load(cfg.image.registries_conf);
  for (const auto& host : cfg.image.insecure_registries) {
    bool known = false;
    for (const auto& entry : registries.registries()) known = known || entry.prefix == host;
    // A [[registry]] table of registries.conf wins: it says more (mirrors,
    // blocked) than a bare host name.
    if (!known)
      registries.applyDropIn("[[registry]]\nlocation = \"" + host + "\"\ninsecure = true\n",
                             "crio.image.insecure_registries");
  }
  return registries;
}

}  // namespace crix::cri
