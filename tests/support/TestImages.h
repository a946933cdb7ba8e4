// Test images built on the spot from this host's busybox-static by
// contrib/test-images/build-image.py, and pushed to a test registry with
// skopeo. No network beyond loopback.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

namespace crix::test {

// A recipe for build-image.py: one gzip layer with busybox, sh, /etc/passwd
// and /etc/group (root, nobody and `app` with uid 1000), /tmp.
nlohmann::json busyboxRecipe(const std::string& tag = "latest");

// Builds `recipe` into the OCI layout `layoutDir`; returns the top manifest
// (or index) digest.
std::string buildImage(const nlohmann::json& recipe, const std::string& layoutDir);

// Pushes tag `tag` of the layout to docker://<destination>, e.g.
// "127.0.0.1:5000/library/busybox:1.28". `multiArch` pushes every platform of an index.
void pushImage(const std::string& layoutDir, const std::string& tag, const std::string& destination,
               bool multiArch = false, const std::string& credentials = "");

}  // namespace crix::test
