#include "contrib/crixctl/TruncatedId.h"

namespace crixctl {

std::string truncatedId(std::string_view id, std::string_view prefix) {
  if (!prefix.empty() && id.substr(0, prefix.size()) == prefix) id.remove_prefix(prefix.size());
  return std::string(id.substr(0, kTruncatedIdLength));
}

}  // namespace crixctl
