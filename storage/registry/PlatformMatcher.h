// Chooses the image for this machine out of a multi-platform index, with
// containerd's normalization of architecture names and variants.
#pragma once

#include "storage/registry/Descriptor.h"
#include "storage/registry/ManifestParser.h"

namespace crix::registry {

// The platform this process runs on, from uname(2), normalized
// (x86_64 -> amd64, aarch64 -> arm64, armv7l -> arm/v7).
Platform hostPlatform();

// Canonical spelling of os/architecture/variant, so that "aarch64", "arm64"
// and "arm64/v8" compare equal, as do "arm" and "arm/v7".
Platform normalizePlatform(Platform platform);

// The index entry to pull for `wanted`. Exact variant first, then variants the
// machine can also run (arm/v7 runs v6 and v5). Entries without a platform are
// a last resort, since they declare nothing to choose by. Throws NotFound
// listing the platforms the index offers.
const Descriptor& selectManifestForPlatform(const ImageIndex& index, const Platform& wanted);

}  // namespace crix::registry
