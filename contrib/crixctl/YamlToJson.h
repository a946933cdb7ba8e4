// YAML (or JSON, which is YAML too) read into JSON the way sigs.k8s.io/yaml
// reads crictl's config files: plain scalars become booleans, numbers or null
// when they look like one (YAML 1.1 spellings included: yes/no/on/off), quoted
// scalars stay strings.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

namespace crixctl {

// Throws crix::Error (InvalidArgument) for text that is not YAML.
nlohmann::json yamlToJson(const std::string& text);

}  // namespace crixctl
