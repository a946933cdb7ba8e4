// Help text in urfave/cli's layout (what `crictl --help` and
// `crictl VERB --help` print), listing only what crixctl implements.
#pragma once

#include <string>

#include "contrib/crixctl/Verb.h"

namespace crixctl {

inline constexpr const char* kProgramName = "crixctl";

std::string appHelp();
std::string verbHelp(const Verb& verb);

// The implicit --help/-h every verb accepts.
const OptionSpec& helpOption();

}  // namespace crixctl
