#include "contrib/crixctl/VerbTable.h"

#include <algorithm>

namespace crixctl {

// Each verb's factory, defined in verbs/<Name>Verb.cpp.
// To add a verb: write verbs/FooVerb.cpp defining makeFooVerb(), declare it
// here, add it to the list below and to meson.build.
Verb makeHelpVerb();
Verb makeImageFsInfoVerb();
Verb makeImagesVerb();
Verb makeInfoVerb();
Verb makeInspectiVerb();
Verb makeLoadVerb();
Verb makePullVerb();
Verb makeRmiVerb();
Verb makeVersionVerb();
Verb makeAttachVerb();
Verb makeCreateVerb();
Verb makeExecVerb();
Verb makeInspectVerb();
Verb makeInspectpVerb();
Verb makePodsVerb();
Verb makePortForwardVerb();
Verb makePsVerb();
Verb makeRmVerb();
Verb makeRmpVerb();
Verb makeRunVerb();
Verb makeRunpVerb();
Verb makeStartVerb();
Verb makeStopVerb();
Verb makeStoppVerb();
Verb makeUpdateVerb();
Verb makeLogsVerb();
Verb makeStatsVerb();
Verb makeStatspVerb();

const std::vector<Verb>& verbTable() {
  static const std::vector<Verb> verbs = [] {
    std::vector<Verb> v = {
        makeImageFsInfoVerb(),
        makeImagesVerb(),
        makeInfoVerb(),
        makeInspectiVerb(),
        makeLoadVerb(),
        makePullVerb(),
        makeRmiVerb(),
        makeVersionVerb(),
        makeAttachVerb(),
        makeCreateVerb(),
        makeExecVerb(),
        makeInspectVerb(),
        makeInspectpVerb(),
        makePodsVerb(),
        makePortForwardVerb(),
        makePsVerb(),
        makeRmVerb(),
        makeRmpVerb(),
        makeRunVerb(),
        makeRunpVerb(),
        makeStartVerb(),
        makeStopVerb(),
        makeStoppVerb(),
        makeUpdateVerb(),
        makeLogsVerb(),
        makeStatsVerb(),
        makeStatspVerb(),
    };
    // Sorted by name like crictl's list, with help last as urfave/cli adds it.
    std::sort(v.begin(), v.end(), [](const Verb& a, const Verb& b) { return a.name < b.name; });
    v.push_back(makeHelpVerb());
    return v;
  }();
  return verbs;
}

const Verb* findVerb(std::string_view name) {
  for (const auto& verb : verbTable()) {
    if (verb.name == name) return &verb;
    if (std::find(verb.aliases.begin(), verb.aliases.end(), name) != verb.aliases.end()) return &verb;
  }
  return nullptr;
}

}  // namespace crixctl
