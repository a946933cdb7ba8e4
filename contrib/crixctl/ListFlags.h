// The filter flags ps and inspect share (for containers), and pods and
// inspectp (for pods): their specs and the query they make.
#pragma once

#include <vector>

#include "contrib/crixctl/ContainerList.h"
#include "contrib/crixctl/Options.h"

namespace crixctl {

// --name, --namespace, --pod, --image, --state, --label, --latest, --last, --all.
std::vector<OptionSpec> containerFilterOptions();
// --name, --namespace, --state, --label, --latest, --last.
std::vector<OptionSpec> podFilterOptions();

// The queries those flags ask for; the ID is left to the verb, as only ps
// and pods take one. Throws crix::Error for a --last that is no number.
ContainerQuery containerQuery(const ParsedOptions& options);
PodQuery podQuery(const ParsedOptions& options);

}  // namespace crixctl
