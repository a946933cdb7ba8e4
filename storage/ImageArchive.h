// An image archive on the node, as `crixctl load` hands it to the daemon: an
// OCI image layout tar (skopeo, buildah, docker ≥ 25) or a `docker save` tar,
// optionally compressed.
//
// The archive is untrusted. Its regular files are copied out under numbered
// names in a scratch directory and looked up through a map, so no name in the
// archive ever becomes a path on the host; symlinks (docker save uses them
// for repeated layers) are resolved inside that map only.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "core/PrivateDirectory.h"
#include "storage/ImagePuller.h"
#include "storage/ImageSource.h"

namespace crix::storage {

struct ArchivedImage {
  ImageNames names;
  std::unique_ptr<ImageSource> source;
};

class ImageArchive {
 public:
  // Copies the archive's files into a new directory under `scratchParent`;
  // the directory is removed when the ImageArchive goes away. Throws
  // InvalidArgument naming the entry for names that climb out of the archive.
  ImageArchive(const std::string& archivePath, const std::string& scratchParent);
  ImageArchive(const ImageArchive&) = delete;
  ImageArchive& operator=(const ImageArchive&) = delete;

  // The images the archive holds. `nameOverride` names an image the archive
  // leaves unnamed (an OCI ref.name that is only a tag), or the only image.
  std::vector<ArchivedImage> images(const std::string& nameOverride) const;

  // The extracted copy of the archive member `name`; InvalidArgument when absent.
  const std::string& file(const std::string& name) const;
  bool has(const std::string& name) const { return files_.count(name) > 0; }

 private:
  std::vector<ArchivedImage> ociLayoutImages(const std::string& nameOverride) const;
  std::vector<ArchivedImage> dockerSaveImages(const std::string& nameOverride) const;

  std::string archivePath_;
  PrivateDirectory scratch_;
  std::map<std::string, std::string> files_;  // archive member -> extracted file
};

}  // namespace crix::storage
