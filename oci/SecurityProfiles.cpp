#include "oci/SecurityProfiles.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <optional>

#include "core/Error.h"

namespace crix::oci {
namespace {

// The deprecated string forms are still what older kubelets send; reading
// them is the point, so their deprecation warnings are silenced here only.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
const std::string& legacySeccompPath(const runtime::v1::LinuxContainerSecurityContext& sc) {
  return sc.seccomp_profile_path();
}
const std::string& legacyAppArmorProfile(const runtime::v1::LinuxContainerSecurityContext& sc) {
  return sc.apparmor_profile();
}
#pragma GCC diagnostic pop

constexpr std::string_view kLocalhostPrefix = "localhost/";

// The file's text, or nullopt with errno set.
std::optional<std::string> readWholeFile(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return std::nullopt;
  std::string text;
  char buf[8192];
  for (;;) {
    const ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      const int err = errno;
      ::close(fd);
      errno = err;
      return std::nullopt;
    }
    if (n == 0) break;
    text.append(buf, static_cast<std::size_t>(n));
  }
  ::close(fd);
  return text;
}

nlohmann::json loadProfileFile(const std::string& path, bool fromRequest) {
  const auto text = readWholeFile(path);
  if (!text) {
    const std::string message =
        "seccomp profile " + path + " cannot be read: " + std::string(std::strerror(errno));
    if (fromRequest) throw Error::invalidArgument(message);
    throw Error::failedPrecondition(message + " (crio.runtime.seccomp_profile)");
  }
  try {
    return parseSeccompProfile(*text, path);
  } catch (const Error& e) {
    if (fromRequest) throw;
    throw Error::failedPrecondition(std::string(e.what()) + " (crio.runtime.seccomp_profile)");
  }
}

SeccompChoice localhost(const std::string& path) {
  if (path.empty() || path.front() != '/') {
    throw Error::invalidArgument("Localhost seccomp profile \"" + path +
                                 "\" is not an absolute path");
  }
  return {SeccompChoice::Kind::Localhost, path};
}

}  // namespace

SeccompChoice chooseSeccomp(const runtime::v1::LinuxContainerSecurityContext& sc, bool defaultWhenEmpty) {
  using Kind = SeccompChoice::Kind;
  if (sc.has_seccomp()) {
    switch (sc.seccomp().profile_type()) {
      case runtime::v1::SecurityProfile::RuntimeDefault:
        return {Kind::RuntimeDefault, ""};
      case runtime::v1::SecurityProfile::Unconfined:
        return {Kind::Unconfined, ""};
      case runtime::v1::SecurityProfile::Localhost:
        return localhost(sc.seccomp().localhost_ref());
      default:
        throw Error::invalidArgument("unknown seccomp profile type " +
                                     std::to_string(sc.seccomp().profile_type()));
    }
  }
  const std::string& path = legacySeccompPath(sc);
  if (path.empty()) return {defaultWhenEmpty ? Kind::RuntimeDefault : Kind::Unconfined, ""};
  if (path == "runtime/default" || path == "docker/default") {
    return {Kind::RuntimeDefault, ""};
  }
  if (path == "unconfined") return {Kind::Unconfined, ""};
  if (path.starts_with(kLocalhostPrefix)) return localhost(path.substr(kLocalhostPrefix.size()));
  throw Error::invalidArgument("unknown seccomp_profile_path \"" + path +
                               "\": use runtime/default, docker/default, unconfined or "
                               "localhost/<absolute path>");
}

nlohmann::json seccompSection(const config::Config& cfg, const SeccompChoice& choice,
                              const SeccompTarget& target) {
  switch (choice.kind) {
    case SeccompChoice::Kind::Unconfined:
      return nullptr;
    case SeccompChoice::Kind::Localhost:
      return seccompForContainer(loadProfileFile(choice.localhostPath, true), target,
                                 choice.localhostPath);
    case SeccompChoice::Kind::RuntimeDefault:
      break;
  }
  const std::string& configured = cfg.runtime.seccomp_profile;
  if (configured.empty()) {
    return seccompForContainer(defaultSeccompProfile(), target, "built-in default");
  }
  try {
    return seccompForContainer(loadProfileFile(configured, false), target, configured);
  } catch (const Error& e) {
    if (e.code() != StatusCode::InvalidArgument) throw;
    // The node's profile is broken, not the request.
    throw Error::failedPrecondition(std::string(e.what()) + " (crio.runtime.seccomp_profile)");
  }
}

std::string appArmorProfile(const config::Config& cfg,
                            const runtime::v1::LinuxContainerSecurityContext& sc, bool hostEnabled,
                            bool privileged) {
  if (!hostEnabled || privileged) return "";
  const std::string runtimeDefault =
      cfg.runtime.apparmor_profile.empty() ? "crix-default" : cfg.runtime.apparmor_profile;
  auto stripLocalhost = [](const std::string& name) {
    return name.starts_with(kLocalhostPrefix) ? name.substr(kLocalhostPrefix.size()) : name;
  };
  if (sc.has_apparmor()) {
    switch (sc.apparmor().profile_type()) {
      case runtime::v1::SecurityProfile::RuntimeDefault:
        return runtimeDefault;
      case runtime::v1::SecurityProfile::Unconfined:
        return "unconfined";
      case runtime::v1::SecurityProfile::Localhost: {
        const std::string name = stripLocalhost(sc.apparmor().localhost_ref());
        if (name.empty()) {
          throw Error::invalidArgument("Localhost AppArmor profile without a profile name");
        }
        return name;
      }
      default:
        throw Error::invalidArgument("unknown AppArmor profile type " +
                                     std::to_string(sc.apparmor().profile_type()));
    }
  }
  const std::string& legacy = legacyAppArmorProfile(sc);
  if (legacy.empty() || legacy == "runtime/default") return runtimeDefault;
  if (legacy == "unconfined") return "unconfined";
  if (legacy.starts_with(kLocalhostPrefix) && legacy.size() > kLocalhostPrefix.size()) {
    return stripLocalhost(legacy);
  }
  throw Error::invalidArgument("unknown apparmor_profile \"" + legacy +
                               "\": use runtime/default, unconfined or localhost/<name>");
}

}  // namespace crix::oci
