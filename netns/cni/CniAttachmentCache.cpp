#include "netns/cni/CniAttachmentCache.h"

#include <filesystem>

#include "core/AtomicFile.h"
#include "core/Directories.h"
#include "core/Error.h"

namespace crix::netns::cni {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

constexpr const char* kKind = "crix-cni-attachment-v1";

}  // namespace

std::string CniAttachmentCache::path(const std::string& podId) const {
  if (podId.empty() || podId.find('/') != std::string::npos || podId[0] == '.')
    throw Error::invalidArgument("pod ID \"" + podId + "\" is not a file name");
  return dir_ + "/" + podId + ".json";
}

void CniAttachmentCache::save(const CniAttachment& a) {
  makeDirectories(dir_);
  json args = json::array();
  for (const auto& [k, v] : a.runtime.args) args.push_back({k, v});
  const json doc = {
      {"kind", kKind},
      {"podId", a.podId},
      {"network", a.network.toJson()},
      {"networkSource", a.network.source},
      {"netns", a.runtime.netnsPath},
      {"ifName", a.runtime.ifName},
      {"cniArgs", args},
      {"capabilityArgs", a.runtime.capabilityArgs},
      {"result", a.result},
  };
  writeFileAtomically(path(a.podId), doc.dump(), 0600);
}

std::optional<CniAttachment> CniAttachmentCache::load(const std::string& podId) const {
  const std::string file = path(podId);
  std::string text;
  try {
    text = readWholeFile(file);
  } catch (const Error& e) {
    if (e.code() == StatusCode::NotFound) return std::nullopt;
    throw;
  }
  try {
    const json doc = json::parse(text);
    if (doc.at("kind") != kKind) throw Error::dataLoss("unknown kind");
    CniAttachment a;
    a.podId = doc.at("podId").get<std::string>();
    a.network = parseNetworkList(doc.at("network").dump(), doc.value("networkSource", file), false);
    a.runtime.containerId = podId;
    a.runtime.netnsPath = doc.at("netns").get<std::string>();
    a.runtime.ifName = doc.at("ifName").get<std::string>();
    for (const auto& kv : doc.at("cniArgs")) a.runtime.args.emplace_back(kv.at(0).get<std::string>(), kv.at(1).get<std::string>());
    a.runtime.capabilityArgs = doc.at("capabilityArgs");
    a.result = doc.at("result");
    return a;
  } catch (const std::exception& e) {
    throw Error::dataLoss("CNI cache entry " + file + " is unreadable (" + e.what() +
                          "); remove it by hand once the pod's network is cleaned up");
  }
}

void CniAttachmentCache::remove(const std::string& podId) {
  const std::string file = path(podId);
  std::error_code ec;
  if (fs::remove(file, ec)) syncDirectory(dir_);
  if (ec) throw Error::internal("remove the CNI cache entry " + file + ": " + ec.message());
}

std::vector<std::string> CniAttachmentCache::podIds() const {
  std::vector<std::string> ids;
  std::error_code ec;
  for (fs::directory_iterator it(dir_, ec), end; !ec && it != end; it.increment(ec)) {
    const auto name = it->path().filename().string();
    if (it->path().extension() == ".json" && name[0] != '.') ids.push_back(it->path().stem().string());
  }
  return ids;
}

}  // namespace crix::netns::cni
