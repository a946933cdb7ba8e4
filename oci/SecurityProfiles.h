// Which seccomp and AppArmor profile a container runs under, from the CRI
// SecurityProfile fields or their deprecated string forms, and crio.conf.
#pragma once

#include <nlohmann/json.hpp>

#include <string>

#include "config/Config.h"
#include "cri/api/Cri.h"
#include "oci/SeccompProfile.h"

namespace crix::oci {

struct SeccompChoice {
  enum class Kind { Unconfined, RuntimeDefault, Localhost };
  Kind kind = Kind::RuntimeDefault;
  std::string localhostPath;  // Localhost only
};

// The `seccomp` field wins over the deprecated seccomp_profile_path, whose
// forms are "runtime/default", "docker/default", "unconfined" and
// "localhost/<absolute path>". Neither set means Unconfined, as CRI defines
// it (and containerd does), unless `defaultWhenEmpty` (crio.conf's
// seccomp_use_default_when_empty) asks for RuntimeDefault. Throws
// InvalidArgument for other strings and for Localhost without an absolute
// path.
SeccompChoice chooseSeccomp(const runtime::v1::LinuxContainerSecurityContext& sc, bool defaultWhenEmpty);

// linux.seccomp for the choice, or null for Unconfined. RuntimeDefault is
// crio.conf's seccomp_profile file when set, else the built-in profile.
// Files that cannot be read or parsed are InvalidArgument for a Localhost
// profile (the request named it) and FailedPrecondition for seccomp_profile
// (the node's configuration is wrong).
nlohmann::json seccompSection(const config::Config& cfg, const SeccompChoice& choice,
                              const SeccompTarget& target);

// process.apparmorProfile, or "" for none: AppArmor is applied only when the
// host has it enabled and the container is not privileged. RuntimeDefault is
// crio.conf's apparmor_profile; the deprecated apparmor_profile string takes
// "runtime/default", "unconfined" and "localhost/<name>".
std::string appArmorProfile(const config::Config& cfg,
                            const runtime::v1::LinuxContainerSecurityContext& sc, bool hostEnabled,
                            bool privileged);

}  // namespace crix::oci
