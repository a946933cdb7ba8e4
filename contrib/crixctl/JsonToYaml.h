// JSON rendered as YAML the way crictl's `-o yaml` renders it (sigs.k8s.io/yaml
// over go-yaml v2), so output reads the same under either tool:
//   * keys sorted in go-yaml's order (digit runs compared as numbers),
//   * two-space indent, lists inside a mapping not indented further,
//   * strings plain when unambiguous, else '...' or "..." quoted, and
//     multi-line strings as |- literal blocks.
// Not reproduced: go-yaml's folding of long lines at 80 columns.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

namespace crixctl {

// The document, ending in one newline.
std::string jsonToYaml(const nlohmann::json& value);

}  // namespace crixctl
