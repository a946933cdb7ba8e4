#include "cri/sandbox/PodHostname.h"

#include "core/AtomicFile.h"
#include "core/Error.h"

namespace crix::sandbox {

namespace {

bool isLabelChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-';
}

}  // namespace

void validatePodHostname(const std::string& hostname) {
  auto bad = [&](const std::string& why) {
    throw Error::invalidArgument("pod hostname \"" + hostname + "\" " + why);
  };
  if (hostname.empty()) bad("is empty");
  if (hostname.size() > 64) bad("is longer than 64 characters");
  size_t start = 0;
  for (;;) {
    const size_t dot = hostname.find('.', start);
    const size_t end = dot == std::string::npos ? hostname.size() : dot;
    const std::string label = hostname.substr(start, end - start);
    if (label.empty()) bad("has an empty label");
    if (label.size() > 63) bad("has a label longer than 63 characters");
    for (char c : label)
      if (!isLabelChar(c)) bad("may only contain letters, digits, '-' and '.'");
    if (label.front() == '-' || label.back() == '-') bad("has a label that starts or ends with '-'");
    if (dot == std::string::npos) break;
    start = dot + 1;
  }
}

void writeHostnameFile(const std::string& path, const std::string& hostname) {
  writeFileAtomically(path, hostname + "\n");
}

}  // namespace crix::sandbox
