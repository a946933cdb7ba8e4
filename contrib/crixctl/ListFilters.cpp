#include "contrib/crixctl/ListFilters.h"

#include <algorithm>
#include <cctype>
#include <memory>
#include <regex>

#include "core/Error.h"

namespace crixctl {
namespace {

std::string lower(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(), [](unsigned char c) { return std::tolower(c); });
  return text;
}

std::string labelOr(const google::protobuf::Map<std::string, std::string>& labels, const std::string& key) {
  const auto it = labels.find(key);
  return it == labels.end() ? "unknown" : it->second;
}

}  // namespace

std::map<std::string, std::string> parseLabels(const std::vector<std::string>& pairs) {
  std::map<std::string, std::string> labels;
  for (const auto& pair : pairs) {
    const auto eq = pair.find('=');
    if (eq == std::string::npos || pair.find('=', eq + 1) != std::string::npos)
      throw crix::Error::invalidArgument("incorrectly specified label: " + pair);
    labels[pair.substr(0, eq)] = pair.substr(eq + 1);
  }
  return labels;
}

void setParsedLabels(google::protobuf::Map<std::string, std::string>& into, const std::vector<std::string>& pairs) {
  for (const auto& [key, value] : parseLabels(pairs)) into[key] = value;
}

struct NameMatcher::Impl {
  std::optional<std::regex> regex;
};

NameMatcher::NameMatcher(const std::string& pattern) {
  auto impl = std::make_shared<Impl>();
  if (!pattern.empty()) {
    try {
      impl->regex.emplace(pattern, std::regex::ECMAScript);
    } catch (const std::regex_error& e) {
      throw crix::Error::invalidArgument("compile regex \"" + pattern + "\": " + e.what());
    }
  }
  impl_ = std::move(impl);
}

bool NameMatcher::matches(const std::string& text) const {
  return !impl_->regex || std::regex_search(text, *impl_->regex);
}

std::optional<runtime::v1::ContainerState> containerStateFromFlag(const std::string& text) {
  if (text.empty()) return std::nullopt;
  const std::string s = lower(text);
  if (s == "created") return runtime::v1::CONTAINER_CREATED;
  if (s == "running") return runtime::v1::CONTAINER_RUNNING;
  if (s == "exited") return runtime::v1::CONTAINER_EXITED;
  if (s == "unknown") return runtime::v1::CONTAINER_UNKNOWN;
  throw crix::Error::invalidArgument("--state should be one of created, running, exited or unknown");
}

std::optional<runtime::v1::PodSandboxState> podStateFromFlag(const std::string& text) {
  if (text.empty()) return std::nullopt;
  const std::string s = lower(text);
  if (s == "ready") return runtime::v1::SANDBOX_READY;
  if (s == "notready") return runtime::v1::SANDBOX_NOTREADY;
  throw crix::Error::invalidArgument("--state should be ready or notready");
}

std::string containerStateTitle(runtime::v1::ContainerState state) {
  switch (state) {
    case runtime::v1::CONTAINER_CREATED: return "Created";
    case runtime::v1::CONTAINER_RUNNING: return "Running";
    case runtime::v1::CONTAINER_EXITED: return "Exited";
    case runtime::v1::CONTAINER_UNKNOWN: return "Unknown";
    default: throw crix::Error::internal("unknown container state \"" + std::to_string(state) + "\"");
  }
}

std::string podStateTitle(runtime::v1::PodSandboxState state) {
  switch (state) {
    case runtime::v1::SANDBOX_READY: return "Ready";
    case runtime::v1::SANDBOX_NOTREADY: return "NotReady";
    default: throw crix::Error::internal("unknown pod state \"" + std::to_string(state) + "\"");
  }
}

std::size_t truncateCount(std::size_t size, bool latest, long long last) {
  std::size_t n = size;
  if (latest) n = 1;
  if (last > 0) n = static_cast<std::size_t>(last);
  return std::min(n, size);
}

std::string podNameLabel(const google::protobuf::Map<std::string, std::string>& labels) {
  return labelOr(labels, "io.kubernetes.pod.name");
}

std::string podNamespaceLabel(const google::protobuf::Map<std::string, std::string>& labels) {
  return labelOr(labels, "io.kubernetes.pod.namespace");
}

}  // namespace crixctl
