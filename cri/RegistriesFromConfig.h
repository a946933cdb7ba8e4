// registries.conf as crix's configuration points to it, with crio.conf's
// insecure_registries added on top (CRI-O honours both).
#pragma once

#include "config/Config.h"
#include "storage/registry/RegistriesConf.h"

namespace crix::cri {

registry::RegistriesConf loadRegistries(const config::Config& cfg);

}  // namespace crix::cri
