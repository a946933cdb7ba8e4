#include "contrib/crixctl/App.h"

#include <exception>
#include <iostream>
#include <vector>

#include "contrib/crixctl/CliLog.h"
#include "contrib/crixctl/CriClient.h"
#include "contrib/crixctl/Help.h"
#include "contrib/crixctl/Options.h"
#include "contrib/crixctl/Settings.h"
#include "contrib/crixctl/VerbTable.h"
#include "core/Error.h"

namespace crixctl {
namespace {

int fatal(const std::string& message) {
  clilog::write(clilog::Level::Fatal, message);
  return 1;
}

int runVerb(const Verb& verb, const Settings& settings, std::span<const std::string> argv) {
  std::vector<OptionSpec> specs = verb.options;
  specs.push_back(helpOption());
  const ParsedOptions options = parseOptions(specs, argv);
  if (options.flag("help")) {
    std::cout << verbHelp(verb);
    return 0;
  }
  CriClient client(settings);
  VerbContext context{verb, settings, options, client};
  return verb.run(context);
}

}  // namespace

int runApp(std::span<const std::string> argv) {
  try {
    const ParsedOptions globals = parseOptions(globalOptionSpecs(), argv.subspan(1));
    // Before the config file is read, so that its problems show under -D.
    clilog::setDebug(globals.flag("debug"));
    if (globals.flag("help")) {
      std::cout << appHelp();
      return 0;
    }
    if (globals.flag("version")) {
      std::cout << kProgramName << " version " << CRIX_VERSION << "\n";
      return 0;
    }
    if (globals.args().empty()) {
      std::cout << appHelp();
      return 0;
    }

    const std::string& name = globals.args().front();
    const Verb* verb = findVerb(name);
    if (verb == nullptr) {
      // urfave/cli's answer to an unknown command, exit code included.
      std::cerr << "No help topic for '" << name << "'\n";
      return 3;
    }
    const Settings settings = resolveSettings(globals);
    clilog::setDebug(settings.debug);
    return runVerb(*verb, settings, std::span(globals.args()).subspan(1));
  } catch (const crix::Error& e) {
    return fatal(e.what());
  } catch (const std::exception& e) {
    // Library failures (filesystem, JSON) still end like any other error.
    return fatal(e.what());
  }
}

}  // namespace crixctl
