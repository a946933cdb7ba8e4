// registries.conf, its drop-ins and crio.conf's insecure_registries, parsed
// once and parsed again only when one of those files changes. ImageStatus,
// CreateContainer and every pull need the settings; reading and parsing the
// TOML on each call was most of a cached ImageStatus's time.
#pragma once

#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "config/Config.h"
#include "storage/registry/RegistriesConf.h"

namespace crix::cri {

class RegistriesCache {
 public:
  // The settings `cfg` points to, as they are on disk now: a few stat calls
  // when nothing changed. A file that fails to parse throws, and the next call
  // tries again (a person fixing the file needs no restart).
  std::shared_ptr<const registry::RegistriesConf> current(const config::Config& cfg);

 private:
  // What the parsed settings were read from: the crio.conf keys that name
  // them, and each file's identity and modification time.
  struct FileStamp {
    std::string path;
    bool exists = false;
    long long inode = 0;
    long long size = 0;
    long long modifiedNs = 0;
    bool operator==(const FileStamp&) const = default;
  };
  struct Source {
    std::string registriesConf;
    std::vector<std::string> insecure;
    std::vector<FileStamp> files;
    bool operator==(const Source&) const = default;
  };
  static FileStamp stampOf(const std::string& path);
  static Source sourceOf(const config::Config& cfg);

  std::mutex mutex_;
  Source source_;
  std::shared_ptr<const registry::RegistriesConf> parsed_;
};

}  // namespace crix::cri
