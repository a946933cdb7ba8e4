// Creating a container from config files the way crictl's create and run
// do: the container config (and, when given, the pod config the kubelet
// would send along), optionally pulling the image first.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "contrib/crixctl/Verb.h"

namespace crixctl {

struct CreateRequest {
  std::string podId;
  std::string containerConfigPath;
  std::string podConfigPath;  // may be empty
  bool withPull = false;      // pull the image first unless the runtime has it
};

// The flags create and run share; the pull flags' usages differ between them.
std::vector<OptionSpec> containerPullOptions(const std::string& noPullUsage, const std::string& withPullUsage);

// --cancel-timeout when set and positive, else nullopt (the connection timeout).
std::optional<std::chrono::nanoseconds> cancelTimeout(const VerbContext& ctx);

// Whether create/run pull: --with-pull, or the config's default unless
// --no-pull. Throws crix::Error when both flags are given.
bool shouldPull(const VerbContext& ctx, bool configDefault);

// Returns the new container's ID (not printed). Pull failures and the
// runtime's refusal are thrown as crix::Error.
std::string createContainer(VerbContext& ctx, const CreateRequest& request);

}  // namespace crixctl
