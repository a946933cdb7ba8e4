#include "cri/RegistriesCache.h"

#include <sys/stat.h>

#include <algorithm>
#include <filesystem>

#include "cri/RegistriesFromConfig.h"

namespace fs = std::filesystem;

namespace crix::cri {

RegistriesCache::FileStamp RegistriesCache::stampOf(const std::string& path) {
  FileStamp stamp;
  stamp.path = path;
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return stamp;
  stamp.exists = true;
  stamp.inode = static_cast<long long>(st.st_ino);
  stamp.size = static_cast<long long>(st.st_size);
  stamp.modifiedNs = static_cast<long long>(st.st_mtim.tv_sec) * 1'000'000'000LL + st.st_mtim.tv_nsec;
  return stamp;
}

RegistriesCache::Source RegistriesCache::sourceOf(const config::Config& cfg) {
  Source source;
  source.registriesConf = cfg.image.registries_conf;
  source.insecure = cfg.image.insecure_registries;
  source.files.push_back(stampOf(cfg.image.registries_conf));
  // The directory's own stamp changes when a drop-in is added or removed;
  // each drop-in's, when it is edited in place.
  const std::string dropInDir = registry::RegistriesConf::dropInDirOf(cfg.image.registries_conf);
  source.files.push_back(stampOf(dropInDir));
  std::error_code ec;
  std::vector<std::string> dropIns;
  for (const auto& entry : fs::directory_iterator(dropInDir, ec)) dropIns.push_back(entry.path().string());
  std::sort(dropIns.begin(), dropIns.end());
  for (const auto& path : dropIns) source.files.push_back(stampOf(path));
  return source;
}

std::shared_ptr<const registry::RegistriesConf> RegistriesCache::current(const config::Config& cfg) {
  Source source = sourceOf(cfg);
  std::lock_guard lock(mutex_);
  if (parsed_ && source == source_) return parsed_;
  // Parsing is a few small files: cheap enough to do under the lock, and it
  // keeps two callers that both see a change from parsing twice.
  parsed_ = std::make_shared<const registry::RegistriesConf>(loadRegistries(cfg));
  source_ = std::move(source);
  return parsed_;
}

}  // namespace crix::cri
