#include "netns/cni/CniConfigDirectory.h"

#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "core/Error.h"
#include "core/Log.h"

namespace crix::netns::cni {

namespace fs = std::filesystem;

namespace {

// A network configuration is a few hundred bytes; anything this large is
// not one and is not read into memory.
constexpr std::uintmax_t kMaxConfigSize = 1 << 20;

bool isConfigFile(const fs::path& path) {
  const auto ext = path.extension();
  return ext == ".conflist" || ext == ".conf" || ext == ".json";
}

std::string readSmallFile(const fs::path& path) {
  std::error_code ec;
  const auto size = fs::file_size(path, ec);
  if (ec) throw Error::invalidArgument("CNI configuration " + path.string() + ": " + ec.message());
  if (size > kMaxConfigSize)
    throw Error::invalidArgument("CNI configuration " + path.string() + " is larger than 1 MiB");
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  if (!in && !in.eof()) throw Error::invalidArgument("CNI configuration " + path.string() + ": cannot be read");
  return text.str();
}

}  // namespace

std::string findPlugin(const std::vector<std::string>& pluginDirs, const std::string& type) {
  for (const auto& dir : pluginDirs) {
    const std::string candidate = dir + "/" + type;
    if (::access(candidate.c_str(), X_OK) == 0 && fs::is_regular_file(candidate)) return candidate;
  }
  return {};
}

NetworkChoice chooseNetwork(const std::string& networkDir, const std::string& defaultName,
                            const std::vector<std::string>& pluginDirs) {
  std::vector<fs::path> files;
  std::error_code ec;
  for (fs::directory_iterator it(networkDir, ec), end; !ec && it != end; it.increment(ec))
    if (isConfigFile(it->path()) && it->is_regular_file()) files.push_back(it->path());
  std::sort(files.begin(), files.end());

  NetworkChoice choice;
  for (const auto& file : files) {
    CniNetworkList list;
    try {
      list = parseNetworkList(readSmallFile(file), file.string(), file.extension() != ".conflist");
    } catch (const Error& e) {
      log::warn("skipping ", e.what());
      continue;
    }
    if (!defaultName.empty() && list.name != defaultName) continue;
    for (const auto& type : list.pluginTypes()) {
      if (findPlugin(pluginDirs, type).empty()) {
        std::string dirs;
        for (const auto& d : pluginDirs) dirs += (dirs.empty() ? "" : ", ") + d;
        choice.problem = "CNI network \"" + list.name + "\" (" + file.string() + "): plugin \"" + type +
                         "\" not found in the plugin directories (" + dirs + ")";
        return choice;
      }
    }
    choice.network = std::make_shared<const CniNetworkList>(std::move(list));
    return choice;
  }
  choice.problem = defaultName.empty()
                       ? "no valid CNI network configuration in " + networkDir
                       : "no valid CNI network configuration named \"" + defaultName + "\" in " + networkDir;
  return choice;
}

}  // namespace crix::netns::cni
