// The string maps (labels, annotations, the runtime's verbose info) in
// crictl's "Key: value" output, which Go prints sorted by key.
#pragma once

#include <string>

#include <google/protobuf/map.h>

namespace crixctl {

using StringMap = google::protobuf::Map<std::string, std::string>;

// Go's %v of a map[string]string: map[k1:v1 k2:v2].
std::string goMapText(const StringMap& map);

// "Title:" then one "\tkey -> value" line a key.
void printSortedMap(const char* title, const StringMap& map);

// Go prints these blocks for any non-nil map; protobuf leaves us no nil,
// so empty ones are left out.
void printLabelsAndAnnotations(const StringMap& labels, const StringMap& annotations);

}  // namespace crixctl
