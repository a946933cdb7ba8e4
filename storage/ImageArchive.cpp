#include "storage/ImageArchive.h"

#include <archive.h>
#include <archive_entry.h>
#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include "core/AtomicFile.h"
#include "core/Error.h"
#include "core/UniqueFd.h"
#include "storage/digest/DigestHasher.h"
#include "storage/registry/ImageReference.h"
#include "storage/registry/ManifestParser.h"
#include "storage/registry/MediaTypes.h"

namespace crix::storage {
namespace mt = registry::mediatype;
using registry::Descriptor;
using digest::Digest;

namespace {

// Archive member names as tar writes them ("./index.json", "blobs//sha256/x")
// reduced to one spelling; nullopt for names that leave the archive.
std::optional<std::string> cleanMemberName(std::string_view name) {
  std::vector<std::string> parts;
  size_t i = 0;
  while (i <= name.size()) {
    const size_t slash = std::min(name.find('/', i), name.size());
    const std::string_view part = name.substr(i, slash - i);
    if (part == "..") {
      if (parts.empty()) return std::nullopt;
      parts.pop_back();
    } else if (!part.empty() && part != ".") {
      parts.emplace_back(part);
    }
    i = slash + 1;
  }
  std::string out;
  for (const auto& p : parts) out += (out.empty() ? "" : "/") + p;
  return out;
}

std::string parentOf(const std::string& name) {
  const auto slash = name.rfind('/');
  return slash == std::string::npos ? "" : name.substr(0, slash);
}

struct ArchiveReader {
  archive* a = archive_read_new();
  ~ArchiveReader() { archive_read_free(a); }
};

Digest digestOfFile(const std::string& path) {
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd) throw Error::fromErrno("opening " + path, errno);
  digest::DigestHasher hasher(digest::DigestAlgorithm::Sha256);
  char buf[1 << 16];
  for (;;) {
    const ssize_t n = ::read(fd.get(), buf, sizeof buf);
    if (n < 0) throw Error::fromErrno("reading " + path, errno);
    if (n == 0) break;
    hasher.update({buf, static_cast<size_t>(n)});
  }
  return hasher.finish();
}

// Serves manifests and blobs out of an extracted archive by digest, checking
// each against its digest as a registry client does.
class ArchiveImageSource final : public ImageSource {
 public:
  ArchiveImageSource(std::string what, std::map<std::string, std::string> blobs, Digest top)
      : what_(std::move(what)), blobs_(std::move(blobs)), top_(std::move(top)) {}

  std::string describe() const override { return what_; }
  registry::FetchedManifest topManifest() override { return manifest(top_); }

  registry::FetchedManifest manifest(const Digest& digest) override {
    std::string body = blobBytes(Descriptor{.mediaType = "", .digest = digest, .size = -1}, registry::kMaxManifestBytes);
    std::string mediaType = registry::detectManifestMediaType("", body);
    return {std::move(mediaType), std::move(body), digest};
  }

  std::string blobBytes(const Descriptor& blob, std::size_t maxBytes) override {
    std::string out;
    streamBlob(blob, [&](std::string_view chunk) {
      if (out.size() + chunk.size() > maxBytes)
        throw Error::invalidArgument(what_ + ": blob " + blob.digest.str() + " is larger than " +
                                     std::to_string(maxBytes) + " bytes");
      out.append(chunk);
    });
    return out;
  }

  void streamBlob(const Descriptor& blob, const registry::BlobSink& sink) override {
    const auto it = blobs_.find(blob.digest.str());
    if (it == blobs_.end()) throw Error::notFound(what_ + " has no blob " + blob.digest.str());
    UniqueFd fd(::open(it->second.c_str(), O_RDONLY | O_CLOEXEC));
    if (!fd) throw Error::fromErrno("opening " + it->second, errno);
    digest::DigestHasher hasher(blob.digest.algorithm());
    int64_t size = 0;
    std::string buf(1 << 16, '\0');
    for (;;) {
      const ssize_t n = ::read(fd.get(), buf.data(), buf.size());
      if (n < 0) throw Error::fromErrno("reading " + it->second, errno);
      if (n == 0) break;
      const std::string_view chunk(buf.data(), static_cast<size_t>(n));
      hasher.update(chunk);
      sink(chunk);
      size += n;
    }
    if (blob.size >= 0 && size != blob.size)
      throw Error::dataLoss(what_ + ": blob " + blob.digest.str() + " has " + std::to_string(size) +
                            " bytes, the manifest says " + std::to_string(blob.size));
    digest::verifyDigest(blob.digest, hasher.finish(), "blob " + blob.digest.str() + " in " + what_);
  }

 private:
  std::string what_;
  std::map<std::string, std::string> blobs_;  // digest -> extracted file
  Digest top_;
};

// "busybox:1.36" -> "docker.io/library/busybox:1.36" (always tagged).
std::string normalizedTag(const std::string& name) {
  const auto ref = registry::ImageReference::parse(name);
  if (ref.digest() && ref.tag().empty())
    throw Error::invalidArgument("an image name for an archive needs a tag, not a digest: " + name);
  return ref.name() + ":" + ref.tag();
}

ImageNames namesFor(const std::string& tag) {
  ImageNames names;
  if (tag.empty()) return names;
  names.tags.push_back(normalizedTag(tag));
  names.repository = names.tags.back().substr(0, names.tags.back().rfind(':'));
  return names;
}

}  // namespace

// The scratch copy goes with the object, also when reading fails here.
ImageArchive::ImageArchive(const std::string& archivePath, const std::string& scratchParent)
    : archivePath_(archivePath), scratch_(scratchParent, ".tmp-load") {
  ArchiveReader reader;
  archive_read_support_filter_all(reader.a);
  archive_read_support_format_tar(reader.a);
  if (archive_read_open_filename(reader.a, archivePath.c_str(), 1 << 16) != ARCHIVE_OK)
    throw Error::invalidArgument("cannot read image archive " + archivePath + ": " +
                                 archive_error_string(reader.a));
  std::map<std::string, std::string> links;  // member -> cleaned target member
  archive_entry* entry = nullptr;
  int counter = 0;
  for (;;) {
    const int r = archive_read_next_header(reader.a, &entry);
    if (r == ARCHIVE_EOF) break;
    if (r != ARCHIVE_OK && r != ARCHIVE_WARN)
      throw Error::invalidArgument("image archive " + archivePath + " is damaged: " + archive_error_string(reader.a));
    const std::string raw = archive_entry_pathname(entry) ? archive_entry_pathname(entry) : "";
    const auto name = cleanMemberName(raw);
    if (!name || (!raw.empty() && raw.front() == '/'))
      throw Error::invalidArgument("image archive " + archivePath + ": entry \"" + raw + "\" leaves the archive");
    const auto type = archive_entry_filetype(entry);
    if (type == AE_IFLNK) {
      const char* target = archive_entry_symlink(entry);
      const std::string joined = (target && target[0] == '/') ? std::string("..") : parentOf(*name) + "/" + (target ? target : "");
      if (const auto cleaned = cleanMemberName(joined)) links[*name] = *cleaned;
      continue;  // a link leaving the archive is simply never resolved
    }
    if (type == AE_IFREG && archive_entry_hardlink(entry)) {
      if (const auto target = cleanMemberName(archive_entry_hardlink(entry))) links[*name] = *target;
      continue;
    }
    if (type != AE_IFREG) continue;
    const std::string copy = scratch_.path() + "/" + std::to_string(counter++);
    UniqueFd out(::open(copy.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600));
    if (!out) throw Error::fromErrno("creating " + copy, errno);
    if (archive_read_data_into_fd(reader.a, out.get()) != ARCHIVE_OK)
      throw Error::invalidArgument("image archive " + archivePath + ": cannot read \"" + raw + "\": " +
                                   archive_error_string(reader.a));
    files_[*name] = copy;
  }
  // Links to links are followed a few steps, never outside the map.
  for (const auto& [name, target] : links) {
    std::string at = target;
    for (int hops = 0; hops < 8 && !files_.count(at) && links.count(at); ++hops) at = links.at(at);
    if (auto it = files_.find(at); it != files_.end()) files_[name] = it->second;
  }
}

const std::string& ImageArchive::file(const std::string& name) const {
  const auto it = files_.find(name);
  if (it == files_.end()) throw Error::invalidArgument("image archive " + archivePath_ + " has no " + name);
  return it->second;
}

std::vector<ArchivedImage> ImageArchive::images(const std::string& nameOverride) const {
  if (has("index.json") && has("oci-layout")) return ociLayoutImages(nameOverride);
  if (has("manifest.json")) return dockerSaveImages(nameOverride);
  throw Error::invalidArgument(archivePath_ +
                               " is neither an OCI image layout (index.json, oci-layout) nor a docker save archive "
                               "(manifest.json)");
}

std::vector<ArchivedImage> ImageArchive::ociLayoutImages(const std::string& nameOverride) const {
  std::map<std::string, std::string> blobs;
  for (const auto& [name, path] : files_) {
    // blobs/<algorithm>/<hex>; Digest::tryParse refuses anything else.
    if (name.rfind("blobs/", 0) != 0) continue;
    const std::string rest = name.substr(6);
    const auto slash = rest.find('/');
    if (slash == std::string::npos) continue;
    if (const auto d = Digest::tryParse(rest.substr(0, slash) + ":" + rest.substr(slash + 1))) blobs[d->str()] = path;
  }
  const std::string indexBody = readWholeFile(file("index.json"));
  const auto index = registry::parseImageIndex(indexBody, mt::kOciIndex);
  if (index.manifests.empty()) throw Error::invalidArgument(archivePath_ + ": index.json lists no image");

  std::vector<ArchivedImage> out;
  for (const auto& desc : index.manifests) {
    std::string name;
    if (auto it = desc.annotations.find("io.containerd.image.name"); it != desc.annotations.end()) name = it->second;
    else if (auto ref = desc.annotations.find("org.opencontainers.image.ref.name"); ref != desc.annotations.end() &&
                                                                                      ref->second.find_first_of("/:") != std::string::npos)
      name = ref->second;
    if (name.empty() || index.manifests.size() == 1) name = nameOverride.empty() ? name : nameOverride;

    out.push_back({namesFor(name), std::make_unique<ArchiveImageSource>("archive " + archivePath_, blobs, desc.digest)});
  }
  return out;
}

std::vector<ArchivedImage> ImageArchive::dockerSaveImages(const std::string& nameOverride) const {
  nlohmann::json manifest;
  try {
    manifest = nlohmann::json::parse(readWholeFile(file("manifest.json")));
  } catch (const nlohmann::json::exception& e) {
    throw Error::invalidArgument(archivePath_ + ": manifest.json is not JSON: " + e.what());
  }
  if (!manifest.is_array() || manifest.empty())
    throw Error::invalidArgument(archivePath_ + ": manifest.json lists no image");

  std::vector<ArchivedImage> out;
  for (const auto& item : manifest) {
    if (!item.is_object() || !item.contains("Config") || !item.contains("Layers") || !item["Config"].is_string() ||
        !item["Layers"].is_array())
      throw Error::invalidArgument(archivePath_ + ": a manifest.json entry lacks Config or Layers");
    std::map<std::string, std::string> blobs;
    auto describeFile = [&](const std::string& member, std::string mediaType) {
      const std::string& path = file(*cleanMemberName(member));
      const Digest digest = digestOfFile(path);
      blobs[digest.str()] = path;
      const auto size = static_cast<int64_t>(std::filesystem::file_size(path));
      return nlohmann::json{{"mediaType", std::move(mediaType)}, {"digest", digest.str()}, {"size", size}};
    };
    // docker save writes a schema 2 manifest of its own only in newer
    // versions; this one is made from manifest.json, with the same digests.
    nlohmann::json schema2 = {{"schemaVersion", 2},
                              {"mediaType", mt::kDockerManifest},
                              {"config", describeFile(item["Config"], std::string(mt::kDockerConfig))},
                              {"layers", nlohmann::json::array()}};
    for (const auto& layer : item["Layers"]) {
      if (!layer.is_string()) throw Error::invalidArgument(archivePath_ + ": a layer name is not a string");
      schema2["layers"].push_back(describeFile(layer, std::string(mt::kDockerLayer)));
    }
    // Kept beside the extracted files so it is served like any other blob.
    const std::string body = schema2.dump();
    const Digest top = digest::DigestHasher::digestOf(digest::DigestAlgorithm::Sha256, body);
    const std::string manifestCopy = scratch_.path() + "/manifest-" + top.hex();
    writeFileAtomically(manifestCopy, body, 0600);
    blobs[top.str()] = manifestCopy;

    std::vector<std::string> tags;
    if (item.contains("RepoTags") && item["RepoTags"].is_array())
      for (const auto& t : item["RepoTags"])
        if (t.is_string()) tags.push_back(t);
    if (!nameOverride.empty() && manifest.size() == 1) tags = {nameOverride};
    ImageNames names;
    for (const auto& t : tags) {
      auto one = namesFor(t);
      names.tags.insert(names.tags.end(), one.tags.begin(), one.tags.end());
      if (names.repository.empty()) names.repository = one.repository;
    }
    out.push_back({std::move(names), std::make_unique<ArchiveImageSource>("archive " + archivePath_, std::move(blobs), top)});
  }
  return out;
}

}  // namespace crix::storage
