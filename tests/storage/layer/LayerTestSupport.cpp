#include "LayerTestSupport.h"

#include <archive.h>
#include <archive_entry.h>
#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <fstream>
#include <functional>
#include <memory>
#include <sstream>
#include <stdexcept>

#include "storage/digest/DigestHasher.h"
#include "tests/support/Subprocess.h"

namespace crix::layer::test {

using crix::test::readFile;

namespace {

using ArchivePtr = std::unique_ptr<archive, decltype(&archive_write_free)>;
using EntryPtr = std::unique_ptr<archive_entry, decltype(&archive_entry_free)>;

void check(archive* a, int rc, const char* what) {
  if (rc < ARCHIVE_OK) throw std::runtime_error(std::string(what) + ": " + (archive_error_string(a) ?: "?"));
}

la_ssize_t appendToString(archive*, void* out, const void* buffer, size_t length) {
  static_cast<std::string*>(out)->append(static_cast<const char*>(buffer), length);
  return static_cast<la_ssize_t>(length);
}

ArchivePtr openWriter(std::string& out, Compression compression, bool raw) {
  ArchivePtr a(archive_write_new(), &archive_write_free);
  check(a.get(),
        raw ? archive_write_set_format_raw(a.get()) : archive_write_set_format_pax_restricted(a.get()),
        "format");
  if (compression == Compression::Gzip) check(a.get(), archive_write_add_filter_gzip(a.get()), "gzip");
  if (compression == Compression::Zstd) check(a.get(), archive_write_add_filter_zstd(a.get()), "zstd");
  // No padding to 10 KiB blocks for the raw compressor: it would change the data.
  if (raw) check(a.get(), archive_write_set_bytes_in_last_block(a.get(), 1), "block");
  check(a.get(), archive_write_open(a.get(), &out, nullptr, appendToString, nullptr), "open");
  return a;
}

std::string hexSha256(const std::string& bytes) {
  return digest::DigestHasher::digestOf(digest::DigestAlgorithm::Sha256, bytes).hex();
}

}  // namespace

TarBuilder& TarBuilder::add(TarEntrySpec spec) {
  entries_.push_back(std::move(spec));
  return *this;
}

TarBuilder& TarBuilder::file(const std::string& name, const std::string& content, mode_t mode) {
  return add(TarEntrySpec::file(name, content).mode(mode));
}

TarBuilder& TarBuilder::dir(const std::string& name, mode_t mode) {
  return add(TarEntrySpec::dir(name).mode(mode));
}

TarBuilder& TarBuilder::symlink(const std::string& name, const std::string& target) {
  return add(TarEntrySpec::symlink(name, target));
}

TarBuilder& TarBuilder::hardlink(const std::string& name, const std::string& target) {
  return add(TarEntrySpec::hardlink(name, target));
}

std::string TarBuilder::tar() const {
  std::string out;
  ArchivePtr a = openWriter(out, Compression::None, false);
  for (const auto& spec : entries_) {
    EntryPtr e(archive_entry_new(), &archive_entry_free);
    archive_entry_set_pathname(e.get(), spec.name.c_str());
    archive_entry_set_perm(e.get(), spec.perm);
    archive_entry_set_uid(e.get(), spec.uid);
    archive_entry_set_gid(e.get(), spec.gid);
    archive_entry_set_mtime(e.get(), spec.mtime, 0);
    for (const auto& [k, v] : spec.xattrs)
      archive_entry_xattr_add_entry(e.get(), k.c_str(), v.data(), v.size());
    switch (spec.kind) {
      case TarEntrySpec::Kind::File:
        archive_entry_set_filetype(e.get(), AE_IFREG);
        archive_entry_set_size(e.get(), static_cast<la_int64_t>(spec.content.size()));
        for (const auto& [offset, length] : spec.sparseRegions)
          archive_entry_sparse_add_entry(e.get(), offset, length);
        break;
      case TarEntrySpec::Kind::Dir: archive_entry_set_filetype(e.get(), AE_IFDIR); break;
      case TarEntrySpec::Kind::Symlink:
        archive_entry_set_filetype(e.get(), AE_IFLNK);
        archive_entry_set_symlink(e.get(), spec.link.c_str());
        break;
      case TarEntrySpec::Kind::Hardlink:
        archive_entry_set_filetype(e.get(), AE_IFREG);
        archive_entry_set_hardlink(e.get(), spec.link.c_str());
        break;
      case TarEntrySpec::Kind::Fifo: archive_entry_set_filetype(e.get(), AE_IFIFO); break;
      case TarEntrySpec::Kind::CharDevice:
        archive_entry_set_filetype(e.get(), AE_IFCHR);
        archive_entry_set_rdev(e.get(), spec.device);
        break;
      case TarEntrySpec::Kind::BlockDevice:
        archive_entry_set_filetype(e.get(), AE_IFBLK);
        archive_entry_set_rdev(e.get(), spec.device);
        break;
    }
    check(a.get(), archive_write_header(a.get(), e.get()), spec.name.c_str());
    if (!spec.content.empty() && spec.kind == TarEntrySpec::Kind::File) {
      if (archive_write_data(a.get(), spec.content.data(), spec.content.size()) < 0)
        throw std::runtime_error("write data");
    }
  }
  check(a.get(), archive_write_close(a.get()), "close");
  return out;
}

std::string TarBuilder::build(Compression compression) const {
  const std::string plain = tar();
  return compression == Compression::None ? plain : compress(plain, compression);
}

std::string compress(const std::string& bytes, Compression compression) {
  std::string out;
  {
    ArchivePtr a = openWriter(out, compression, true);
    EntryPtr e(archive_entry_new(), &archive_entry_free);
    archive_entry_set_pathname(e.get(), "data");
    archive_entry_set_filetype(e.get(), AE_IFREG);
    archive_entry_set_size(e.get(), static_cast<la_int64_t>(bytes.size()));
    check(a.get(), archive_write_header(a.get(), e.get()), "raw header");
    if (archive_write_data(a.get(), bytes.data(), bytes.size()) < 0) throw std::runtime_error("raw data");
    check(a.get(), archive_write_close(a.get()), "raw close");
  }
  return out;
}

std::string sha256Of(const std::string& bytes) { return "sha256:" + hexSha256(bytes); }

Sandbox::Sandbox() : layers(root / "layers"), outside(root / "outside") {
  ::mkdir(layers.c_str(), 0700);
  ::mkdir(outside.c_str(), 0755);
  ::mkdir((outside + "/dir").c_str(), 0755);
  std::ofstream(outside + "/sentinel") << "do not touch";
  ::chmod((outside + "/sentinel").c_str(), 0644);
}

std::vector<std::string> listDir(const std::string& dir) {
  std::vector<std::string> names;
  DIR* d = ::opendir(dir.c_str());
  if (!d) return names;
  while (dirent* ent = ::readdir(d)) {
    const std::string name = ent->d_name;
    if (name != "." && name != "..") names.push_back(name);
  }
  ::closedir(d);
  std::sort(names.begin(), names.end());
  return names;
}

std::string getXattr(const std::string& path, const std::string& name) {
  char buffer[4096];
  const ssize_t n = ::lgetxattr(path.c_str(), name.c_str(), buffer, sizeof buffer);
  return n < 0 ? "" : std::string(buffer, static_cast<size_t>(n));
}

std::string describeTree(const std::string& dir) {
  std::vector<std::string> lines;
  std::function<void(const std::string&)> walk = [&](const std::string& rel) {
    const std::string full = rel.empty() ? dir : dir + "/" + rel;
    struct stat st;
    if (::lstat(full.c_str(), &st) != 0) throw std::runtime_error("lstat " + full);
    std::ostringstream line;
    line << (rel.empty() ? "." : rel) << " mode=" << std::oct << st.st_mode << std::dec
         << " uid=" << st.st_uid << " gid=" << st.st_gid << " mtime=" << st.st_mtim.tv_sec;
    if (S_ISREG(st.st_mode))
      line << " size=" << st.st_size << " nlink=" << st.st_nlink << " " << hexSha256(readFile(full));
    if (S_ISLNK(st.st_mode)) {
      char target[4096];
      const ssize_t n = ::readlink(full.c_str(), target, sizeof target);
      line << " -> " << std::string(target, n > 0 ? static_cast<size_t>(n) : 0);
    }
    if (S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode))
      line << " dev=" << major(st.st_rdev) << ":" << minor(st.st_rdev);
    char names[4096];
    const ssize_t len = ::llistxattr(full.c_str(), names, sizeof names);
    std::vector<std::string> xattrs;
    for (ssize_t i = 0; i < len; i += static_cast<ssize_t>(std::strlen(names + i)) + 1)
      xattrs.push_back(names + i);
    std::sort(xattrs.begin(), xattrs.end());
    for (const auto& x : xattrs) line << " " << x << "=" << getXattr(full, x).size();
    lines.push_back(line.str());
    if (S_ISDIR(st.st_mode)) {
      for (const auto& name : listDir(full)) walk(rel.empty() ? name : rel + "/" + name);
    }
  };
  walk("");
  std::sort(lines.begin(), lines.end());
  std::string out;
  for (const auto& line : lines) out += line + "\n";
  return out;
}

}  // namespace crix::layer::test
