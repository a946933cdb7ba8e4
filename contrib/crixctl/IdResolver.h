// Container and pod IDs from what the user typed: a full ID or a unique
// prefix of one (what `ps` and `pods` print, truncated to 13 characters).
// Like crictl with CRI-O, the runtime's List call is asked with the text as
// its id filter first; a runtime that filters by exact ID only answers
// nothing for a prefix, and then the full list is matched here.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "contrib/crixctl/CriClient.h"

namespace crixctl {

// `text` itself when it is one of `ids`; else the one ID it is a prefix of;
// else `text` unchanged, so the runtime reports the unknown ID as it does.
// Throws crix::Error (InvalidArgument) when several IDs start with it.
std::string pickIdByPrefix(const std::vector<std::string>& ids, const std::string& text, std::string_view kind);

std::string resolveContainerId(CriClient& client, const std::string& text);
std::string resolvePodId(CriClient& client, const std::string& text);

}  // namespace crixctl
