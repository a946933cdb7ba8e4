// `crixctl rmi IMAGE-ID...`: removes images and prints "Deleted: <tag>" for
// every tag the image had (or its digests when it had none). --all removes
// every image, --prune those no container uses (pinned ones excepted).
// Failures for single images are logged and the verb goes on; it fails at
// the end, as crictl does.
#include <iostream>
#include <map>
#include <optional>

#include "contrib/crixctl/Verb.h"
#include "core/Error.h"

namespace crixctl {
namespace {

// Images to remove, in the order they were named, each once; an image some
// container uses stays listed but marked to keep.
class Selection {
 public:
  void set(const std::string& id, bool remove) {
    if (const auto it = index_.find(id); it != index_.end()) {
      entries_[it->second].second = remove;
      return;
    }
    index_.emplace(id, entries_.size());
    entries_.emplace_back(id, remove);
  }
  bool empty() const { return entries_.empty(); }
  const std::vector<std::pair<std::string, bool>>& entries() const { return entries_; }

 private:
  std::vector<std::pair<std::string, bool>> entries_;
  std::map<std::string, std::size_t> index_;
};

std::vector<std::string> imagesInUse(VerbContext& ctx) {
  auto& runtime = ctx.client.runtime();
  runtime::v1::ListContainersResponse containers;
  try {
    containers = ctx.client.call(runtime, &CriClient::RuntimeStub::ListContainers, runtime::v1::ListContainersRequest{});
  } catch (const crix::Error& e) {
    // A runtime without containers support has no container that could
    // use an image: every image is unused.
    if (e.code() == crix::StatusCode::Unimplemented) return {};
    throw;
  }
  std::vector<std::string> names;
  for (const auto& container : containers.containers()) names.push_back(container.image().image());
  return names;
}

std::optional<runtime::v1::ImageStatusResponse> imageStatus(VerbContext& ctx, const std::string& name) {
  runtime::v1::ImageStatusRequest request;
  request.mutable_image()->set_image(name);
  try {
    return ctx.client.call(ctx.client.images(), &CriClient::ImageStub::ImageStatus, request);
  } catch (const crix::Error& e) {
    clilog::write(clilog::Level::Error, "image status request for \"" + name + "\" failed: " + e.what());
    return std::nullopt;
  }
}

int runRmi(VerbContext& ctx) {
  auto& images = ctx.client.images();
  const bool all = ctx.options.flag("all");
  const bool prune = ctx.options.flag("prune");

  Selection selection;
  for (const auto& id : ctx.args()) selection.set(id, true);
  if (all || prune) {
    const auto listed = ctx.client.call(images, &CriClient::ImageStub::ListImages, runtime::v1::ListImagesRequest{});
    for (const auto& image : listed.images()) {
      if (prune && image.pinned()) {
        clilog::debug("Excluding pinned container image: ", image.id());
        continue;
      }
      selection.set(image.id(), true);
    }
  }
  if (prune) {
    for (const auto& name : imagesInUse(ctx)) {
      // An image that cannot be looked up is simply not excluded.
      if (const auto status = imageStatus(ctx, name)) selection.set(status->image().id(), false);
    }
  }

  if (selection.empty()) {
    if (!all && !prune) return ctx.showHelp();
    clilog::write(clilog::Level::Info, "No images to remove");
    return 0;
  }

  bool failed = false;
  for (const auto& [id, remove] : selection.entries()) {
    if (!remove) continue;
    const auto status = imageStatus(ctx, id);
    if (!status) {
      failed = true;
      continue;
    }
    if (!status->has_image()) {
      clilog::write(clilog::Level::Error, "no such image " + id);
      failed = true;
      continue;
    }
    runtime::v1::RemoveImageRequest request;
    request.mutable_image()->set_image(id);
    try {
      ctx.client.call(images, &CriClient::ImageStub::RemoveImage, request);
    } catch (const crix::Error& e) {
      // Under --prune another client may have removed it meanwhile.
      if (!prune) {
        clilog::write(clilog::Level::Error, "error of removing image \"" + id + "\": " + e.what());
        failed = true;
      }
      continue;
    }
    const auto& image = status->image();
    const auto& names = image.repo_tags().empty() ? image.repo_digests() : image.repo_tags();
    for (const auto& name : names) std::cout << "Deleted: " << name << "\n";
  }
  if (failed) throw crix::Error(crix::StatusCode::Unknown, "unable to remove the image(s)");
  return 0;
}

}  // namespace

Verb makeRmiVerb() {
  using Kind = OptionSpec::Kind;
  return Verb{
      .name = "rmi",
      .usage = "Remove one or more images",
      .argsUsage = "IMAGE-ID [IMAGE-ID...]",
      .options =
          {
              {.name = "all", .shortName = "a", .kind = Kind::Bool, .usage = "Remove all images"},
              {.name = "prune", .shortName = "q", .kind = Kind::Bool, .usage = "Remove all unused images"},
          },
      .run = runRmi,
  };
}

}  // namespace crixctl
