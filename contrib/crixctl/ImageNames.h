// How crictl turns an image's repo tags and digests into the IMAGE, TAG and
// DIGEST columns. Its quirks are kept on purpose ("errorRepoTag" for a tag
// without a colon, the repository taken from the first digest), because the
// same rules decide what `images --filter` matches.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "cri/api/Cri.h"

namespace crixctl {

inline constexpr const char* kNone = "<none>";

struct RepoDigest {
  std::string repository;  // "<none>" when the image has no digest
  std::string digest;      // "sha256:..."
};

// The first repo digest split at '@'.
RepoDigest firstRepoDigest(const runtime::v1::Image& image);

// One (repository, tag) pair per repo tag; an untagged image gives one pair
// (repository from its digest, "<none>").
std::vector<std::pair<std::string, std::string>> repoTagPairs(const runtime::v1::Image& image);

// crictl's listing order: by first tag when both images have one, else by
// first digest when both have one, else by ID. Sorts in place.
void sortImagesByRef(std::vector<runtime::v1::Image>& images);

}  // namespace crixctl
