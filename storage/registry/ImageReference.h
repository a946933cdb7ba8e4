// A container image reference, parsed and normalized the way docker and
// Kubernetes do it (distribution/reference "normalized named" rules):
//   busybox                 -> docker.io/library/busybox:latest
//   foo/bar                 -> docker.io/foo/bar:latest
//   localhost:5000/x        -> localhost:5000/x:latest
//   quay.io/a/b@sha256:...  -> quay.io/a/b@sha256:...
//
// A reference carrying both a tag and a digest ("name:tag@sha256:...") keeps
// both, but the digest alone identifies what is fetched: a tag may move, the
// digest cannot, and docker and containers/common both resolve such a
// reference by digest. The tag is kept only so it can be shown.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "storage/digest/Digest.h"

namespace crix::registry {

class ImageReference {
 public:
  // Normalizes like docker: a first path component that has no '.' or ':',
  // is not "localhost" and is lowercase is a repository path on docker.io.
  // Throws InvalidArgument explaining what is wrong.
  static ImageReference parse(std::string_view text);

  // For text produced from configuration (registries.conf locations, search
  // registries): the first component is always the registry, even a
  // single-label host name. docker.io still gets its "library/" namespace.
  static ImageReference parseQualified(std::string_view text);

  // "docker.io", "quay.io", "localhost:5000", "[::1]:5000".
  const std::string& registry() const { return registry_; }
  // Path inside the registry: "library/busybox".
  const std::string& repository() const { return repository_; }
  // Empty when the reference has only a digest.
  const std::string& tag() const { return tag_; }
  const std::optional<digest::Digest>& digest() const { return digest_; }

  // True when the original text named no registry ("busybox", "foo/bar");
  // such names are resolved through unqualified-search-registries.
  bool isShortName() const { return shortName_; }
  // The repository path as the user wrote it: "busybox" where repository()
  // says "library/busybox". Short-name aliases are keyed by it.
  const std::string& pathAsWritten() const { return writtenPath_; }

  // "docker.io/library/busybox".
  std::string name() const;
  // Canonical text: name plus ":tag" and/or "@digest".
  std::string str() const;
  // What goes into /v2/<repository>/manifests/<here>: the digest when there
  // is one, otherwise the tag.
  std::string manifestReference() const;
  // Host[:port] that serves the registry API; docker.io is served by
  // registry-1.docker.io.
  std::string apiHost() const;

  // The same short name looked up on another registry: "busybox" on quay.io is
  // quay.io/busybox, on docker.io it is docker.io/library/busybox.
  ImageReference onRegistry(std::string_view registry) const;
  // The same repository with the tag replaced by a digest (e.g. after a
  // platform was chosen from an index).
  ImageReference withDigest(const digest::Digest& digest) const;

  friend bool operator==(const ImageReference&, const ImageReference&) = default;

 private:
  ImageReference() = default;
  static ImageReference parseImpl(std::string_view text, bool firstComponentIsRegistry);

  std::string registry_;
  std::string repository_;
  std::string tag_;
  std::optional<digest::Digest> digest_;
  bool shortName_ = false;
  // The repository path as written, before docker.io added "library/"; used
  // to place a short name on another registry.
  std::string writtenPath_;
};

}  // namespace crix::registry
