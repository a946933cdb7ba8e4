// The filtering crictl's ps, pods, inspect and stats do: label selectors
// from --label, regular expressions for names and namespaces, state names,
// and --latest/--last.
#pragma once

#include <cstddef>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "cri/api/Cri.h"

namespace crixctl {

// "key=value" each; anything else throws crix::Error (InvalidArgument)
// "incorrectly specified label: X".
std::map<std::string, std::string> parseLabels(const std::vector<std::string>& pairs);
// The same pairs set in a protobuf map: a filter's label selector, or
// (crictl words the error alike) an image's annotations.
void setParsedLabels(google::protobuf::Map<std::string, std::string>& into, const std::vector<std::string>& pairs);

// An unanchored regular expression as Go's MatchString applies it; an empty
// pattern matches everything. Throws crix::Error (InvalidArgument) for a bad
// pattern.
class NameMatcher {
 public:
  explicit NameMatcher(const std::string& pattern);
  bool matches(const std::string& text) const;

 private:
  struct Impl;
  std::shared_ptr<const Impl> impl_;
};

// --state for containers (created, running, exited, unknown; any case);
// nullopt for an empty text; throws crix::Error for anything else.
std::optional<runtime::v1::ContainerState> containerStateFromFlag(const std::string& text);
// --state for pods (ready, notready; any case).
std::optional<runtime::v1::PodSandboxState> podStateFromFlag(const std::string& text);

// The STATE column: "Created", "Running", "Exited", "Unknown".
std::string containerStateTitle(runtime::v1::ContainerState state);
// "Ready", "NotReady".
std::string podStateTitle(runtime::v1::PodSandboxState state);

// How many of `size` newest-first entries --latest/--last keep.
std::size_t truncateCount(std::size_t size, bool latest, long long last);

// The kubelet's pod labels on containers, "unknown" when absent.
std::string podNameLabel(const google::protobuf::Map<std::string, std::string>& labels);
std::string podNamespaceLabel(const google::protobuf::Map<std::string, std::string>& labels);

}  // namespace crixctl
