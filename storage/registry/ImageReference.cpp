#include "storage/registry/ImageReference.h"

#include <algorithm>
#include <cctype>

#include "core/Error.h"

namespace crix::registry {

using digest::Digest;

namespace {

constexpr std::string_view kDockerHub = "docker.io";
constexpr std::string_view kLegacyDockerHub = "index.docker.io";
constexpr std::string_view kDockerHubApiHost = "registry-1.docker.io";
constexpr std::string_view kOfficialNamespace = "library/";
// distribution/reference limits the name (registry + path) to 255 bytes.
constexpr std::size_t kMaxNameLength = 255;
constexpr std::size_t kMaxTagLength = 128;

bool isLowerAlnum(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); }
bool isAlnum(char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0; }

Error invalid(std::string_view text, const std::string& why) {
  std::string shown(text.substr(0, 300));
  return Error::invalidArgument("invalid image reference \"" + shown + "\": " + why);
}

// One path component: [a-z0-9]+ ( ( "." | "_" | "__" | "-"+ ) [a-z0-9]+ )*
bool isValidPathComponent(std::string_view c) {
  if (c.empty() || !isLowerAlnum(c.front()) || !isLowerAlnum(c.back())) return false;
  for (std::size_t i = 0; i < c.size();) {
    if (isLowerAlnum(c[i])) {
      ++i;
      continue;
    }
    std::size_t j = i;
    while (j < c.size() && !isLowerAlnum(c[j])) ++j;
    const auto sep = c.substr(i, j - i);
    const bool ok = sep == "." || sep == "_" || sep == "__" ||
                    std::all_of(sep.begin(), sep.end(), [](char ch) { return ch == '-'; });
    if (!ok) return false;
    i = j;
  }
  return true;
}

bool isValidDomainLabel(std::string_view label) {
  if (label.empty() || !isAlnum(label.front()) || !isAlnum(label.back())) return false;
  return std::all_of(label.begin(), label.end(), [](char c) { return isAlnum(c) || c == '-'; });
}

bool isValidPort(std::string_view port) {
  return !port.empty() && port.size() <= 5 &&
         std::all_of(port.begin(), port.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// host[:port] where host is dot-separated labels or a bracketed IPv6 address.
bool isValidRegistryHost(std::string_view host) {
  std::string_view name = host;
  if (!host.empty() && host.front() == '[') {
    const auto close = host.find(']');
    if (close == std::string_view::npos || close < 2) return false;
    const auto addr = host.substr(1, close - 1);
    if (!std::all_of(addr.begin(), addr.end(), [](char c) { return std::isxdigit(static_cast<unsigned char>(c)) || c == ':'; }))
      return false;
    const auto rest = host.substr(close + 1);
    if (rest.empty()) return true;
    return rest.front() == ':' && isValidPort(rest.substr(1));
  }
  const auto colon = host.find(':');
  if (colon != std::string_view::npos) {
    if (!isValidPort(host.substr(colon + 1))) return false;
    name = host.substr(0, colon);
  }
  if (name.empty()) return false;
  for (std::size_t start = 0;;) {
    const auto dot = name.find('.', start);
    if (!isValidDomainLabel(name.substr(start, dot == std::string_view::npos ? dot : dot - start))) return false;
    if (dot == std::string_view::npos) return true;
    start = dot + 1;
  }
}

bool isValidTag(std::string_view tag) {
  auto word = [](char c) { return isAlnum(c) || c == '_'; };
  if (tag.empty() || tag.size() > kMaxTagLength || !word(tag.front())) return false;
  return std::all_of(tag.begin(), tag.end(), [&](char c) { return word(c) || c == '.' || c == '-'; });
}

bool isHex64(std::string_view s) {
  return s.size() == 64 &&
         std::all_of(s.begin(), s.end(), [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

// docker's rule for "is the first component a registry?".
bool looksLikeRegistry(std::string_view component) {
  if (component.find_first_of(".:") != std::string_view::npos) return true;
  if (component == "localhost") return true;
  return std::any_of(component.begin(), component.end(), [](char c) { return c >= 'A' && c <= 'Z'; });
}

}  // namespace

ImageReference ImageReference::parse(std::string_view text) { return parseImpl(text, false); }

ImageReference ImageReference::parseQualified(std::string_view text) { return parseImpl(text, true); }

ImageReference ImageReference::parseImpl(std::string_view text, bool firstComponentIsRegistry) {
  if (text.empty()) throw invalid(text, "the reference is empty");
  if (isHex64(text)) {
    throw invalid(text, "a 64-character hexadecimal string is an image ID, not a repository name");
  }
  ImageReference ref;
  std::string_view rest = text;

  if (const auto at = rest.find('@'); at != std::string_view::npos) {
    const auto digestText = rest.substr(at + 1);
    auto digest = Digest::tryParse(digestText);
    if (!digest) {
      try {
        Digest::parse(digestText);
      } catch (const Error& e) {
        throw invalid(text, e.what());
      }
    }
    ref.digest_ = std::move(digest);
    rest = rest.substr(0, at);
  }

  // A ':' after the last '/' separates the tag; earlier ones belong to a port.
  const auto lastSlash = rest.rfind('/');
  const auto colon = rest.rfind(':');
  if (colon != std::string_view::npos && (lastSlash == std::string_view::npos || colon > lastSlash)) {
    const auto tag = rest.substr(colon + 1);
    if (!isValidTag(tag)) {
      throw invalid(text, "tag \"" + std::string(tag) +
                              "\" must be 1-128 characters of letters, digits, '_', '.' or '-', not starting with '.' or '-'");
    }
    ref.tag_ = std::string(tag);
    rest = rest.substr(0, colon);
  }
  if (rest.empty()) throw invalid(text, "the repository name is empty");

  const auto firstSlash = rest.find('/');
  if (firstComponentIsRegistry) {
    if (firstSlash == std::string_view::npos) throw invalid(text, "a registry and a repository are both required");
    ref.registry_ = std::string(rest.substr(0, firstSlash));
    ref.writtenPath_ = std::string(rest.substr(firstSlash + 1));
  } else if (firstSlash != std::string_view::npos && looksLikeRegistry(rest.substr(0, firstSlash))) {
    ref.registry_ = std::string(rest.substr(0, firstSlash));
    ref.writtenPath_ = std::string(rest.substr(firstSlash + 1));
  } else {
    ref.registry_ = std::string(kDockerHub);
    ref.writtenPath_ = std::string(rest);
    ref.shortName_ = true;
  }

  if (!isValidRegistryHost(ref.registry_)) {
    throw invalid(text, "\"" + ref.registry_ + "\" is not a valid registry host[:port]");
  }
  if (ref.registry_ == kLegacyDockerHub) ref.registry_ = std::string(kDockerHub);

  ref.repository_ = ref.writtenPath_;
  if (ref.registry_ == kDockerHub && ref.repository_.find('/') == std::string::npos) {
    ref.repository_ = std::string(kOfficialNamespace) + ref.repository_;
  }

  if (ref.repository_.empty()) throw invalid(text, "the repository name is empty");
  for (std::size_t start = 0;;) {
    const auto slash = ref.repository_.find('/', start);
    const auto component = std::string_view(ref.repository_).substr(start, slash == std::string::npos ? slash : slash - start);
    if (!isValidPathComponent(component)) {
      const bool upper = std::any_of(component.begin(), component.end(), [](char c) { return c >= 'A' && c <= 'Z'; });
      if (upper) throw invalid(text, "repository name \"" + ref.repository_ + "\" must be lowercase");
      throw invalid(text, "repository path component \"" + std::string(component) +
                              "\" must be lowercase letters and digits separated by '.', '_', '__' or '-'");
    }
    if (slash == std::string::npos) break;
    start = slash + 1;
  }
  if (ref.name().size() > kMaxNameLength) {
    throw invalid(text, "the repository name must not be longer than 255 characters");
  }
  if (ref.tag_.empty() && !ref.digest_) ref.tag_ = "latest";
  return ref;
}

std::string ImageReference::name() const { return registry_ + "/" + repository_; }

std::string ImageReference::str() const {
  std::string out = name();
  if (!tag_.empty()) out += ":" + tag_;
  if (digest_) out += "@" + digest_->str();
  return out;
}

std::string ImageReference::manifestReference() const { return digest_ ? digest_->str() : tag_; }

std::string ImageReference::apiHost() const {
  return registry_ == kDockerHub ? std::string(kDockerHubApiHost) : registry_;
}

ImageReference ImageReference::onRegistry(std::string_view registry) const {
  std::string text = std::string(registry) + "/" + writtenPath_;
  if (!tag_.empty()) text += ":" + tag_;
  if (digest_) text += "@" + digest_->str();
  return parseQualified(text);
}

ImageReference ImageReference::withDigest(const Digest& digest) const {
  ImageReference copy = *this;
  copy.tag_.clear();
  copy.digest_ = digest;
  return copy;
}

}  // namespace crix::registry
