#include "contrib/crixctl/ImageFilter.h"

#include <algorithm>
#include <regex>
#include <string_view>

#include "contrib/crixctl/ImageNames.h"
#include "core/Error.h"

namespace crixctl {
namespace {

using Images = std::vector<runtime::v1::Image>;

bool contains(std::string_view text, std::string_view part) { return text.find(part) != std::string_view::npos; }
bool startsWith(std::string_view text, std::string_view prefix) { return text.substr(0, prefix.size()) == prefix; }

// The images ahead of the first one `ref` names. Which kind of reference it
// is follows from its ':' and '@', as in crictl.
Images upTo(const std::string& ref, const Images& images) {
  const bool colon = contains(ref, ":");
  const bool at = contains(ref, "@");
  Images kept;
  for (const auto& image : images) {
    if (colon && !at) {
      const auto& [repository, tag] = repoTagPairs(image).front();
      if (repository + ":" + tag == ref) break;
      kept.push_back(image);
    } else if (!colon && !at) {
      if (startsWith(image.id(), ref)) break;
      kept.push_back(image);
    } else if (colon && at) {
      if (image.repo_digests().empty()) continue;
      if (startsWith(image.repo_digests(0), ref)) break;
      kept.push_back(image);
    }
  }
  return kept;
}

Images dangling(const std::string& value, const Images& images) {
  Images kept;
  for (const auto& image : images) {
    if ((value == "true" && image.repo_tags().empty()) || (value == "false" && !image.repo_tags().empty()))
      kept.push_back(image);
  }
  return kept;
}

Images byReference(const std::string& pattern, const Images& images) {
  std::regex re;
  try {
    re = std::regex(pattern);
  } catch (const std::regex_error& e) {
    throw crix::Error::invalidArgument("error parsing regexp: " + std::string(e.what()) + ": `" + pattern + "`");
  }
  Images kept;
  for (const auto& image : images) {
    const std::string repository = firstRepoDigest(image).repository;
    if (std::regex_search(repository, re) || repository == pattern) kept.push_back(image);
  }
  return kept;
}

}  // namespace

Images filterImages(Images images, const std::vector<std::string>& filters) {
  for (const auto& filter : filters) {
    const auto eq = filter.find('=');
    const std::string key = eq == std::string::npos ? filter : filter.substr(0, eq);
    const std::string value = eq == std::string::npos ? "" : filter.substr(eq + 1);
    if (eq != std::string::npos && key == "before") {
      // "before" walks the list from its end.
      std::reverse(images.begin(), images.end());
      images = upTo(value, images);
      std::reverse(images.begin(), images.end());
    } else if (eq != std::string::npos && key == "since") {
      images = upTo(value, images);
    } else if (eq != std::string::npos && key == "dangling") {
      images = dangling(value, images);
    } else if (eq != std::string::npos && key == "reference") {
      images = byReference(value, images);
    } else {
      throw crix::Error::invalidArgument("unknown filter flag: " + filter);
    }
  }
  return images;
}

}  // namespace crixctl
