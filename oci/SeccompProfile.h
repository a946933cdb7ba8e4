// Seccomp profiles as containers-common and Docker write them, turned into
// the OCI runtime spec's linux.seccomp for one container.
//
// The profile format is a superset of the spec's: besides "architectures"
// and "syscalls" it has "archMap" (an architecture and the sub-architectures
// it can also execute) and, per syscall rule, "includes"/"excludes" that make
// the rule conditional on the container's capabilities, the native
// architecture or a minimum kernel. A plain OCI linux.seccomp object is a
// valid profile too.
#pragma once

#include <nlohmann/json.hpp>

#include <string>
#include <string_view>

#include "oci/CapabilitySet.h"

namespace crix::oci {

struct SeccompTarget {
  // The container's bounding set: includes.caps/excludes.caps test it.
  CapabilitySet capabilities;
  // libseccomp's native architecture name ("amd64"), see HostFacts.
  std::string arch;
  int kernelMajor = 0;
  int kernelMinor = 0;
};

// Parses profile text; `source` names it in errors (a path, "the default
// profile"). Throws InvalidArgument for malformed JSON.
nlohmann::json parseSeccompProfile(std::string_view text, const std::string& source);

// containers-common's rules (pkg/seccomp setupSeccomp): a rule is kept when
//   - excludes.arches does not name the native architecture,
//   - excludes.caps names no capability the container holds,
//   - includes.arches is empty or names the native architecture,
//   - includes.caps are all held by the container,
//   - includes.minKernel, when given, is at most the running kernel;
// archMap contributes the native architecture and its sub-architectures.
// Returns null when the profile has neither a default action nor rules
// (seccomp off, as containers-common treats it). Throws InvalidArgument for
// unknown actions or operators and other structural errors.
nlohmann::json seccompForContainer(const nlohmann::json& profile, const SeccompTarget& target,
                                   const std::string& source);

// crix's built-in profile (oci/seccomp/default.json, embedded at build
// time): the containers-common default.
std::string_view defaultSeccompProfileText();
const nlohmann::json& defaultSeccompProfile();

}  // namespace crix::oci
