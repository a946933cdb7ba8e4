// Builds layer tars in memory with libarchive's writer and gives each test a
// sandbox with things a hostile layer must not touch. Shared by the layer
// tests only.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <cstddef>
#include <ctime>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "storage/layer/Compression.h"
#include "tests/support/TempDir.h"

namespace crix::layer::test {

// One entry to write. Built fluently: TarEntrySpec::file("a", "data").mode(04755).owner(1, 2)
struct TarEntrySpec {
  enum class Kind { File, Dir, Symlink, Hardlink, Fifo, CharDevice, BlockDevice };
  Kind kind = Kind::File;
  std::string name;
  std::string content;  // File
  std::string link;     // Symlink text or Hardlink target
  mode_t perm = 0644;
  uid_t uid = 0;
  gid_t gid = 0;
  time_t mtime = 1'600'000'000;
  dev_t device = 0;
  std::vector<std::pair<std::string, std::string>> xattrs;
  // File: written as a sparse file whose data regions are these {offset,
  // length} pairs; `content` is still the whole logical file.
  std::vector<std::pair<int64_t, int64_t>> sparseRegions;

  static TarEntrySpec make(Kind kind, std::string name, mode_t perm) {
    TarEntrySpec spec;
    spec.kind = kind;
    spec.name = std::move(name);
    spec.perm = perm;
    return spec;
  }
  static TarEntrySpec file(std::string name, std::string content) {
    TarEntrySpec spec = make(Kind::File, std::move(name), 0644);
    spec.content = std::move(content);
    return spec;
  }
  static TarEntrySpec dir(std::string name) { return make(Kind::Dir, std::move(name), 0755); }
  static TarEntrySpec symlink(std::string name, std::string target) {
    TarEntrySpec spec = make(Kind::Symlink, std::move(name), 0777);
    spec.link = std::move(target);
    return spec;
  }
  static TarEntrySpec hardlink(std::string name, std::string target) {
    TarEntrySpec spec = make(Kind::Hardlink, std::move(name), 0644);
    spec.link = std::move(target);
    return spec;
  }
  static TarEntrySpec fifo(std::string name) { return make(Kind::Fifo, std::move(name), 0644); }
  static TarEntrySpec charDevice(std::string name, dev_t device) {
    TarEntrySpec spec = make(Kind::CharDevice, std::move(name), 0600);
    spec.device = device;
    return spec;
  }
  static TarEntrySpec blockDevice(std::string name, dev_t device) {
    TarEntrySpec spec = make(Kind::BlockDevice, std::move(name), 0600);
    spec.device = device;
    return spec;
  }

  TarEntrySpec& mode(mode_t m) { return perm = m, *this; }
  TarEntrySpec& owner(uid_t u, gid_t g) { return uid = u, gid = g, *this; }
  TarEntrySpec& modified(time_t t) { return mtime = t, *this; }
  TarEntrySpec& xattr(std::string key, std::string value) {
    xattrs.emplace_back(std::move(key), std::move(value));
    return *this;
  }
};

class TarBuilder {
 public:
  TarBuilder& add(TarEntrySpec spec);
  TarBuilder& file(const std::string& name, const std::string& content, mode_t mode = 0644);
  TarBuilder& dir(const std::string& name, mode_t mode = 0755);
  TarBuilder& symlink(const std::string& name, const std::string& target);
  TarBuilder& hardlink(const std::string& name, const std::string& target);

  // The uncompressed tar (pax format).
  std::string tar() const;
  // tar() compressed as asked (None returns the tar itself).
  std::string build(Compression compression = Compression::None) const;

 private:
  std::vector<TarEntrySpec> entries_;
};

// The bytes of `s`, as ByteSource and the unpacker take them.
inline std::span<const std::byte> bytes(const std::string& s) { return std::as_bytes(std::span(s.data(), s.size())); }

// Compresses arbitrary bytes into one gzip member or zstd frame.
std::string compress(const std::string& bytes, Compression compression);

std::string sha256Of(const std::string& bytes);

// A test's world: `layers` receives staging dirs, `outside` holds things a
// hostile layer must never touch, with a sentinel file and directory.
struct Sandbox {
  crix::test::TempDir root;
  std::string layers;
  std::string outside;
  Sandbox();
};

// One line per node below `dir` (type, mode, owner, size, times, content
// digest or link text, device numbers, xattrs), sorted: equal listings mean
// equal trees. Directory times are included, so listing must not disturb them.
std::string describeTree(const std::string& dir);

// Names of the entries directly inside `dir`.
std::vector<std::string> listDir(const std::string& dir);

std::string getXattr(const std::string& path, const std::string& name);  // "" if absent

}  // namespace crix::layer::test
