#include "contrib/crixctl/Settings.h"

#include <cstdlib>
#include <filesystem>
#include <optional>

#include "contrib/crixctl/CliLog.h"
#include "contrib/crixctl/ConfigFile.h"
#include "contrib/crixctl/Duration.h"
#include "core/Error.h"

namespace crixctl {
namespace {

using Kind = OptionSpec::Kind;

std::optional<std::string> env(const char* name) {
  const char* v = std::getenv(name);
  if (v == nullptr || *v == '\0') return std::nullopt;
  return std::string(v);
}

// crictl also looks next to its own binary when the default file is absent,
// for installs that ship the config beside the tool.
std::string besideExecutable() {
  std::error_code ec;
  const auto exe = std::filesystem::read_symlink("/proc/self/exe", ec);
  if (ec) return {};
  return (exe.parent_path() / "crixctl.yaml").string();
}

std::optional<ConfigFile> loadConfig(const ParsedOptions& globals) {
  std::optional<std::string> chosen = globals.explicitValue("config");
  if (!chosen) chosen = env("CRI_CONFIG_FILE");
  const bool explicitlyChosen = chosen.has_value();
  std::string path = chosen.value_or(kDefaultConfigPath);

  std::error_code ec;
  if (!explicitlyChosen && !std::filesystem::exists(path, ec)) {
    path = besideExecutable();
    if (path.empty() || !std::filesystem::exists(path, ec)) return std::nullopt;
  }
  try {
    return readConfigFile(path);
  } catch (const crix::Error& e) {
    if (explicitlyChosen) throw;
    clilog::debug("Ignoring config file: ", e.what());
    return std::nullopt;
  }
}

}  // namespace

const std::vector<OptionSpec>& globalOptionSpecs() {
  static const std::vector<OptionSpec> specs = {
      {.name = "config",
       .shortName = "c",
       .kind = Kind::Value,
       .usage = "Location of the client config file. If not specified and the default does not exist, the "
                "program's directory is searched as well",
       .defaultValue = kDefaultConfigPath,
       .envVar = "CRI_CONFIG_FILE"},
      {.name = "debug", .shortName = "D", .kind = Kind::Bool, .usage = "Enable debug mode", .defaultValue = "false"},
      {.name = "image-endpoint",
       .shortName = "i",
       .kind = Kind::Value,
       .usage = "Endpoint of CRI image manager service (default: uses 'runtime-endpoint' setting)",
       .envVar = "IMAGE_SERVICE_ENDPOINT"},
      {.name = "runtime-endpoint",
       .shortName = "r",
       .kind = Kind::Value,
       .usage = std::string("Endpoint of CRI container runtime service (default: ") + kDefaultEndpoint + ")",
       .envVar = "CONTAINER_RUNTIME_ENDPOINT"},
      {.name = "timeout",
       .shortName = "t",
       .kind = Kind::Value,
       .usage = "Timeout of connecting to the server in seconds (e.g. 2s, 20s.). 0 or less is set to default",
       .defaultValue = formatDuration(kDefaultTimeout),
       .quoteDefault = false},
      {.name = "help", .shortName = "h", .kind = Kind::Bool, .usage = "show help", .hideDefault = true},
      {.name = "version", .shortName = "v", .kind = Kind::Bool, .usage = "print the version", .hideDefault = true},
  };
  return specs;
}

Settings resolveSettings(const ParsedOptions& globals) {
  const std::optional<ConfigFile> config = loadConfig(globals);
  Settings s;

  if (auto flag = globals.explicitValue("runtime-endpoint")) {
    s.runtimeEndpoint = *flag;
  } else if (auto fromEnv = env("CONTAINER_RUNTIME_ENDPOINT")) {
    s.runtimeEndpoint = *fromEnv;
  } else if (config && !config->runtimeEndpoint.empty()) {
    s.runtimeEndpoint = config->runtimeEndpoint;
  } else {
    s.runtimeEndpoint = kDefaultEndpoint;
  }

  if (auto flag = globals.explicitValue("image-endpoint")) {
    s.imageEndpoint = *flag;
  } else if (auto fromEnv = env("IMAGE_SERVICE_ENDPOINT")) {
    s.imageEndpoint = *fromEnv;
  } else if (config && !config->imageEndpoint.empty()) {
    s.imageEndpoint = config->imageEndpoint;
  }
  if (s.imageEndpoint.empty()) s.imageEndpoint = s.runtimeEndpoint;

  if (auto flag = globals.explicitValue("timeout")) {
    const auto t = parseDuration(*flag);
    s.timeout = t.count() > 0 ? t : std::chrono::nanoseconds(kDefaultTimeout);
  } else if (config && config->timeoutSeconds > 0) {
    s.timeout = std::chrono::seconds(config->timeoutSeconds);
  }

  if (globals.isSet("debug")) {
    s.debug = globals.flag("debug");
  } else if (config) {
    s.debug = config->debug;
  }
  if (config) {
    s.pullImageOnCreate = config->pullImageOnCreate;
    s.disablePullOnRun = config->disablePullOnRun;
  }
  return s;
}

}  // namespace crixctl
