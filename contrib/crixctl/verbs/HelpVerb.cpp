// `crixctl help [VERB]`: urfave/cli's help command, kept for crictl habits.
#include <iostream>

#include "contrib/crixctl/Help.h"
#include "contrib/crixctl/VerbTable.h"

namespace crixctl {
namespace {

int runHelp(VerbContext& ctx) {
  if (ctx.args().empty()) {
    std::cout << appHelp();
    return 0;
  }
  const Verb* verb = findVerb(ctx.args().front());
  if (verb == nullptr) {
    std::cerr << "No help topic for '" << ctx.args().front() << "'\n";
    return 3;
  }
  std::cout << verbHelp(*verb);
  return 0;
}

}  // namespace

Verb makeHelpVerb() {
  return Verb{
      .name = "help",
      .aliases = {"h"},
      .usage = "Shows a list of commands or help for one command",
      .argsUsage = "[command]",
      .run = runHelp,
  };
}

}  // namespace crixctl
