// The pod and container lifecycle calls several verbs share (runp and run,
// stop and rm -f, stopp and rmp -f), each printing what crictl prints when
// it succeeds and bounded the way the kubelet's CRI client bounds it.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

#include "contrib/crixctl/CriClient.h"

namespace crixctl {

// Returns the new pod's ID (not printed). Bounded by twice `timeout` (the
// connection timeout by default), as sandbox setup is the slow call.
std::string runPodSandbox(CriClient& client, const runtime::v1::PodSandboxConfig& config,
                          const std::string& runtimeHandler,
                          std::optional<std::chrono::nanoseconds> timeout = std::nullopt);

// Each prints, on success, the ID as the user gave it (`shownAs`, e.g. a
// prefix; the full `id` when empty), as crictl echoes its arguments.
void startContainer(CriClient& client, const std::string& id, const std::string& shownAs = "");
// Bounded by the connection timeout plus `graceSeconds`.
void stopContainer(CriClient& client, const std::string& id, std::int64_t graceSeconds,
                   const std::string& shownAs = "");
void removeContainer(CriClient& client, const std::string& id, const std::string& shownAs = "");

// Print "Stopped sandbox ID" / "Removed sandbox ID".
void stopPodSandbox(CriClient& client, const std::string& id, const std::string& shownAs = "");
void removePodSandbox(CriClient& client, const std::string& id, const std::string& shownAs = "");

}  // namespace crixctl
