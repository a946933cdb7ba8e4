// What rm and rmp share: which IDs to remove, whether one that runs may be,
// and going through them all before the failures are reported together, as
// crictl does.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "contrib/crixctl/Verb.h"

namespace crixctl {

struct Removal {
  // With --all: every ID the runtime lists, the arguments ignored.
  std::function<std::vector<std::string>()> listAll;
  std::string noneListed;  // logged when --all finds nothing
  std::function<void(const std::string& given)> removeOne;
};

// Returns the exit code: help without IDs, as crictl.
int removeEach(VerbContext& ctx, const Removal& removal);

// Throws crix::Error (FailedPrecondition) "<what> is running, please stop
// it first" unless --force, which lets the caller stop it.
void refuseUnlessForced(const VerbContext& ctx, const std::string& what);

}  // namespace crixctl
