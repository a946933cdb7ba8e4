#include "cri/ImageServiceImpl.h"

#include <chrono>
#include <nlohmann/json.hpp>

#include "core/Error.h"
#include "cri/PullRequestFromCri.h"
#include "cri/ServiceBoundary.h"

namespace crix::cri {

namespace v1 = runtime::v1;

namespace {

// The image config's User: "1000", "1000:1000", "app" or "app:group". A
// numeric user becomes the uid, a name the username, as the kubelet expects.
void fillUser(const std::string& user, v1::Image* out) {
  const std::string name = user.substr(0, user.find(':'));
  if (name.empty()) {
    out->mutable_uid()->set_value(0);
    return;
  }
  if (name.find_first_not_of("0123456789") == std::string::npos && name.size() < 11) {
    out->mutable_uid()->set_value(std::stoll(name));
    return;
  }
  out->set_username(name);
}

// pinned_images entries are exact names, or a prefix ending in '*' (CRI-O's glob).
bool matchesPinPattern(const std::string& pattern, const std::string& name) {
  if (!pattern.empty() && pattern.back() == '*') return name.rfind(pattern.substr(0, pattern.size() - 1), 0) == 0;
  return pattern == name;
}

std::string normalizedOrSame(const std::string& name) {
  try {
    const auto ref = registry::ImageReference::parse(name);
    return ref.digest() ? ref.name() + "@" + ref.digest()->str() : ref.name() + ":" + ref.tag();
  } catch (const Error&) {
    return name;
  }
}

}  // namespace

void ImageServiceImpl::fillImage(const storage::ImageRecord& record, const config::Config& cfg, v1::Image* out) const {
  out->set_id(record.id);
  for (const auto& t : record.repoTags) out->add_repo_tags(t);
  for (const auto& d : record.repoDigests) out->add_repo_digests(d);
  out->set_size(record.size);
  fillUser(record.user, out);
  out->mutable_spec()->set_image(record.id);

  bool pinned = record.pinned;
  const std::string pause = normalizedOrSame(cfg.image.pause_image);
  for (const auto& tag : record.repoTags) {
    pinned = pinned || tag == pause;
    for (const auto& pattern : cfg.image.pinned_images) pinned = pinned || matchesPinPattern(pattern, tag);
  }
  out->set_pinned(pinned);
}

grpc::Status ImageServiceImpl::ListImages(grpc::ServerContext*, const v1::ListImagesRequest* request,
                                          v1::ListImagesResponse* response) {
  return serve("ListImages", [&] {
    const auto cfg = config_.snapshot();
    const std::string& filter = request->filter().image().image();
    if (!filter.empty()) {
      if (const auto image = storage_.lookup(filter, *config_.registries(*cfg)))
        fillImage(*image, *cfg, response->add_images());
      return;
    }
    for (const auto& image : storage_.list()) fillImage(image, *cfg, response->add_images());
  });
}

grpc::Status ImageServiceImpl::ImageStatus(grpc::ServerContext*, const v1::ImageStatusRequest* request,
                                           v1::ImageStatusResponse* response) {
  return serve("ImageStatus", [&] {
    const auto cfg = config_.snapshot();
    const std::string& name = request->image().image();
    if (name.empty()) throw Error::invalidArgument("ImageStatus: image name is empty");
    const auto image = storage_.lookup(name, *config_.registries(*cfg));
    if (!image) return;  // the CRI's answer for an absent image: no image, no error
    fillImage(*image, *cfg, response->mutable_image());
    if (request->verbose()) {
      nlohmann::json info = {
          {"imageSpec", nlohmann::json::parse(storage_.configJson(image->id))},
          {"chainIDs", image->layers},
          {"manifestDigest", image->manifestDigest},
      };
      (*response->mutable_info())["info"] = info.dump();
    }
  });
}

grpc::Status ImageServiceImpl::PullImage(grpc::ServerContext*, const v1::PullImageRequest* request,
                                         v1::PullImageResponse* response) {
  return serve("PullImage", [&] {
    const auto slot = slowCalls_.enter("PullImage");
    const auto cfg = config_.snapshot();
    const auto image = storage_.pull(pullRequestFromCri(*request), *config_.registries(*cfg));
    response->set_image_ref(image.id);
  });
}

grpc::Status ImageServiceImpl::RemoveImage(grpc::ServerContext*, const v1::RemoveImageRequest* request,
                                           v1::RemoveImageResponse*) {
  return serve("RemoveImage", [&] {
    const auto cfg = config_.snapshot();
    const std::string& name = request->image().image();
    if (name.empty()) throw Error::invalidArgument("RemoveImage: image name is empty");
    storage_.remove(name, *config_.registries(*cfg));
  });
}

grpc::Status ImageServiceImpl::ImageFsInfo(grpc::ServerContext*, const v1::ImageFsInfoRequest*,
                                           v1::ImageFsInfoResponse* response) {
  return serve("ImageFsInfo", [&] {
    // As last measured (never walked per call); before the first walk
    // ends, the paths with nothing measured yet.
    auto fill = [&](const StatsCache::Disk& disk, const std::string& path, v1::FilesystemUsage* out) {
      out->set_timestamp(disk.timestampNanos);
      out->mutable_fs_id()->set_mountpoint(path);
      out->mutable_used_bytes()->set_value(disk.usage.usedBytes);
      out->mutable_inodes_used()->set_value(disk.usage.inodesUsed);
    };
    fill(stats_.imageFs(), storage_.storageDir(), response->add_image_filesystems());
    fill(stats_.containerFs(), storage_.containers().dir(), response->add_container_filesystems());
  });
}

}  // namespace crix::cri
