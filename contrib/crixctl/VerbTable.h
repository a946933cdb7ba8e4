// The verbs crixctl knows, in the order help lists them.
#pragma once

#include <string_view>
#include <vector>

#include "contrib/crixctl/Verb.h"

namespace crixctl {

const std::vector<Verb>& verbTable();
// By name or alias; nullptr when unknown.
const Verb* findVerb(std::string_view name);

}  // namespace crixctl
