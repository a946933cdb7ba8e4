// One crixctl verb ("version", "info", "ps", ...): its help text, its flags
// and what it does. Each verb lives in verbs/<Name>Verb.cpp and is listed
// once in VerbTable.cpp.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "contrib/crixctl/CriClient.h"
#include "contrib/crixctl/Options.h"
#include "contrib/crixctl/Settings.h"

namespace crixctl {

struct Verb;

// What a verb gets to work with.
struct VerbContext {
  const Verb& verb;
  const Settings& settings;
  const ParsedOptions& options;  // the verb's flags and positional arguments
  CriClient& client;             // connects on first use

  const std::vector<std::string>& args() const { return options.args(); }
  // Prints the verb's help to stdout and returns exit code 0, which is what
  // crictl does when a verb gets the wrong number of arguments.
  int showHelp() const;
};

struct Verb {
  std::string name{};
  std::vector<std::string> aliases{};
  std::string usage{};      // one line for the verb list
  std::string argsUsage{};  // e.g. "CONTAINER-ID [CONTAINER-ID...]"
  std::vector<OptionSpec> options{};
  // Returns the exit code; throws crix::Error to fail (printed FATA, exit 1).
  std::function<int(VerbContext&)> run{};
};

}  // namespace crixctl
