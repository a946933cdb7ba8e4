#include "storage/registry/PlatformMatcher.h"

#include <sys/utsname.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <string>
#include <vector>

#include "core/Error.h"
#include "storage/registry/MediaTypes.h"

namespace crix::registry {

namespace {

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

// Variants, best first, that a machine of normalized platform `p` can run.
std::vector<std::string> acceptableVariants(const Platform& p) {
  if (p.architecture == "arm") {
    if (p.variant == "v8") return {"v8", "v7", "v6", "v5"};
    if (p.variant == "v7") return {"v7", "v6", "v5"};
    if (p.variant == "v6") return {"v6", "v5"};
    return {p.variant};
  }
  return {p.variant};
}

}  // namespace

Platform normalizePlatform(Platform p) {
  p.os = lower(p.os);
  p.architecture = lower(p.architecture);
  p.variant = lower(p.variant);
  const std::string& arch = p.architecture;
  if (arch == "i386") {
    p.architecture = "386";
    p.variant.clear();
  } else if (arch == "x86_64" || arch == "x86-64" || arch == "amd64") {
    p.architecture = "amd64";
    if (p.variant == "v1") p.variant.clear();
  } else if (arch == "aarch64" || arch == "arm64") {
    p.architecture = "arm64";
    // v8 is the arm64 baseline: "arm64" and "arm64/v8" are the same platform.
    if (p.variant == "8" || p.variant == "v8") p.variant.clear();
  } else if (arch == "armhf") {
    p.architecture = "arm";
    p.variant = "v7";
  } else if (arch == "armel") {
    p.architecture = "arm";
    p.variant = "v6";
  } else if (arch == "arm") {
    if (p.variant.empty() || p.variant == "7") p.variant = "v7";
    else if (p.variant == "5" || p.variant == "6" || p.variant == "8") p.variant = "v" + p.variant;
  }
  return p;
}

Platform hostPlatform() {
  struct utsname uts {};
  if (::uname(&uts) != 0) throw Error::fromErrno("uname", errno);
  Platform p;
  p.os = lower(uts.sysname);
  const std::string machine = uts.machine;
  if (machine.starts_with("armv")) {
    // "armv7l" -> arm/v7
    p.architecture = "arm";
    p.variant = "v" + std::string(1, machine.size() > 4 ? machine[4] : '7');
  } else if (machine == "loongarch64") {
    p.architecture = "loong64";
  } else {
    p.architecture = machine;
  }
  return normalizePlatform(p);
}

const Descriptor& selectManifestForPlatform(const ImageIndex& index, const Platform& wanted) {
  const Platform want = normalizePlatform(wanted);
  auto isPullable = [](const Descriptor& d) {
    return mediatype::isImageManifest(d.mediaType) || mediatype::isIndex(d.mediaType);
  };
  for (const std::string& variant : acceptableVariants(want)) {
    for (const Descriptor& d : index.manifests) {
      if (!isPullable(d) || !d.platform) continue;
      const Platform have = normalizePlatform(*d.platform);
      if (have.os == want.os && have.architecture == want.architecture && have.variant == variant) return d;
    }
  }
  for (const Descriptor& d : index.manifests) {
    if (isPullable(d) && !d.platform) return d;
  }
  std::string available;
  for (const Descriptor& d : index.manifests) {
    if (!isPullable(d) || !d.platform) continue;
    if (!available.empty()) available += ", ";
    available += d.platform->str();
  }
  if (available.empty()) available = "none";
  throw Error::notFound("the image has no variant for platform " + wanted.str() + " (available: " + available + ")");
}

}  // namespace crix::registry
