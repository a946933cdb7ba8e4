#include "contrib/crixctl/ConfigFile.h"

#include <yaml-cpp/yaml.h>

#include <charconv>

#include "core/Error.h"

namespace crixctl {
namespace {

crix::Error badOption(const std::string& path, const std::string& key) {
  return crix::Error::invalidArgument("load config file: parsing config option '" + key + "' in " + path);
}

int toInt(const std::string& path, const std::string& key, const std::string& text) {
  int v = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || end != text.data() + text.size()) throw badOption(path, key);
  return v;
}

bool toBool(const std::string& path, const std::string& key, const std::string& text) {
  if (text == "true" || text == "True" || text == "TRUE" || text == "1" || text == "t" || text == "T") return true;
  if (text == "false" || text == "False" || text == "FALSE" || text == "0" || text == "f" || text == "F") return false;
  throw badOption(path, key);
}

}  // namespace

ConfigFile readConfigFile(const std::string& path) {
  YAML::Node root;
  try {
    root = YAML::LoadFile(path);
  } catch (const YAML::BadFile&) {
    throw crix::Error::notFound("load config file: open " + path + ": no such file or directory");
  } catch (const YAML::Exception& e) {
    throw crix::Error::invalidArgument("load config file: " + path + ": " + e.what());
  }

  ConfigFile config;
  if (root.IsNull()) return config;
  if (!root.IsMap()) throw crix::Error::invalidArgument("load config file: " + path + ": not a mapping");
  for (const auto& entry : root) {
    const std::string key = entry.first.as<std::string>();
    if (!entry.second.IsScalar() && !entry.second.IsNull()) throw badOption(path, key);
    const std::string value = entry.second.IsNull() ? "" : entry.second.Scalar();
    if (key == "runtime-endpoint") {
      config.runtimeEndpoint = value;
    } else if (key == "image-endpoint") {
      config.imageEndpoint = value;
    } else if (key == "timeout") {
      config.timeoutSeconds = toInt(path, key, value);
    } else if (key == "debug") {
      config.debug = toBool(path, key, value);
    } else if (key == "pull-image-on-create") {
      config.pullImageOnCreate = toBool(path, key, value);
    } else if (key == "disable-pull-on-run") {
      config.disablePullOnRun = toBool(path, key, value);
    } else if (key == "max-retries") {
      toInt(path, key, value);  // crictl's; accepted so a shared file still loads
    } else if (key == "enable-streaming") {
      toBool(path, key, value);
    } else {
      throw crix::Error::invalidArgument("load config file: Config option '" + key + "' is not valid");
    }
  }
  return config;
}

}  // namespace crixctl
