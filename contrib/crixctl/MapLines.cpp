#include "contrib/crixctl/MapLines.h"

#include <iostream>
#include <map>

namespace crixctl {
namespace {

std::map<std::string, std::string> sorted(const StringMap& map) { return {map.begin(), map.end()}; }

}  // namespace

std::string goMapText(const StringMap& map) {
  std::string out = "map[";
  bool first = true;
  for (const auto& [key, value] : sorted(map)) {
    if (!first) out += " ";
    out += key + ":" + value;
    first = false;
  }
  return out + "]";
}

void printSortedMap(const char* title, const StringMap& map) {
  std::cout << title << ":\n";
  for (const auto& [key, value] : sorted(map)) std::cout << "\t" << key << " -> " << value << "\n";
}

void printLabelsAndAnnotations(const StringMap& labels, const StringMap& annotations) {
  if (!labels.empty()) printSortedMap("Labels", labels);
  if (!annotations.empty()) printSortedMap("Annotations", annotations);
}

}  // namespace crixctl
