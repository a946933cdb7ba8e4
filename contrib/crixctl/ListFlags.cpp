#include "contrib/crixctl/ListFlags.h"

namespace crixctl {
namespace {

using Kind = OptionSpec::Kind;

// The flags both lists have, but for whether they speak of pods or containers.
std::vector<OptionSpec> commonFilterOptions(const std::string& kind) {
  return {
      {.name = "name", .kind = Kind::Value, .usage = "Filter by " + kind + " name regular expression pattern"},
      {.name = "namespace", .kind = Kind::Value, .usage = "Filter by pod namespace regular expression pattern"},
      {.name = "state", .shortName = "s", .kind = Kind::Value, .usage = "Filter by " + kind + " state"},
      {.name = "label", .kind = Kind::List, .usage = "Filter by key=value label"},
  };
}

}  // namespace

std::vector<OptionSpec> containerFilterOptions() {
  return optionsOf({
      commonFilterOptions("container"),
      {
          {.name = "pod", .shortName = "p", .kind = Kind::Value, .usage = "Filter by pod id"},
          {.name = "image", .kind = Kind::Value, .usage = "Filter by container image"},
          {.name = "latest",
           .shortName = "l",
           .kind = Kind::Bool,
           .usage = "Show the most recently created container (includes all states)"},
          {.name = "last",
           .shortName = "n",
           .kind = Kind::Value,
           .usage = "Show last n recently created containers (includes all states). Set 0 for unlimited.",
           .defaultValue = "0",
           .quoteDefault = false},
          {.name = "all", .shortName = "a", .kind = Kind::Bool, .usage = "Show all containers"},
      },
  });
}

std::vector<OptionSpec> podFilterOptions() {
  return optionsOf({
      commonFilterOptions("pod"),
      {
          {.name = "latest", .shortName = "l", .kind = Kind::Bool, .usage = "Show the most recently created pod"},
          {.name = "last",
           .shortName = "n",
           .kind = Kind::Value,
           .usage = "Show last n recently created pods. Set 0 for unlimited",
           .defaultValue = "0",
           .quoteDefault = false},
      },
  });
}

ContainerQuery containerQuery(const ParsedOptions& options) {
  return {.podId = options.value("pod"),
          .state = options.value("state"),
          .all = options.flag("all"),
          .labels = options.values("label"),
          .namePattern = options.value("name"),
          .namespacePattern = options.value("namespace"),
          .image = options.value("image"),
          .latest = options.flag("latest"),
          .last = options.integer("last")};
}

PodQuery podQuery(const ParsedOptions& options) {
  return {.state = options.value("state"),
          .labels = options.values("label"),
          .namePattern = options.value("name"),
          .namespacePattern = options.value("namespace"),
          .latest = options.flag("latest"),
          .last = options.integer("last")};
}

}  // namespace crixctl
