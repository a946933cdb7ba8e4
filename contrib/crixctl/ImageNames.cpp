#include "contrib/crixctl/ImageNames.h"

namespace crixctl {

RepoDigest firstRepoDigest(const runtime::v1::Image& image) {
  if (image.repo_digests().empty()) return {kNone, kNone};
  const std::string& first = image.repo_digests(0);
  const auto at = first.find('@');
  if (at == std::string::npos || first.find('@', at + 1) != std::string::npos) return {"errorName", "errorRepoDigest"};
  return {first.substr(0, at), first.substr(at + 1)};
}

std::vector<std::pair<std::string, std::string>> repoTagPairs(const runtime::v1::Image& image) {
  const std::string fromDigest = firstRepoDigest(image).repository;
  if (image.repo_tags().empty()) return {{fromDigest, kNone}};
  std::vector<std::pair<std::string, std::string>> pairs;
  for (const auto& repoTag : image.repo_tags()) {
    const auto colon = repoTag.rfind(':');
    if (colon == std::string::npos) {
      pairs.emplace_back("errorRepoTag", "errorRepoTag");
      continue;
    }
    std::string repository = repoTag.substr(0, colon);
    if (repository == kNone) repository = fromDigest;
    pairs.emplace_back(std::move(repository), repoTag.substr(colon + 1));
  }
  return pairs;
}

namespace {

bool listedBefore(const runtime::v1::Image& a, const runtime::v1::Image& b) {
  if (!a.repo_tags().empty() && !b.repo_tags().empty()) return a.repo_tags(0) < b.repo_tags(0);
  if (!a.repo_digests().empty() && !b.repo_digests().empty()) return a.repo_digests(0) < b.repo_digests(0);
  return a.id() < b.id();
}

}  // namespace

void sortImagesByRef(std::vector<runtime::v1::Image>& images) {
  // listedBefore mixes three keys and is not a strict weak ordering, which
  // std::sort needs to stay inside the range; an insertion sort is safe with
  // any comparison, and image lists are short.
  for (std::size_t i = 1; i < images.size(); ++i) {
    for (std::size_t j = i; j > 0 && listedBefore(images[j], images[j - 1]); --j) std::swap(images[j], images[j - 1]);
  }
}

}  // namespace crixctl
