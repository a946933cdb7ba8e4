#include "oci/CapabilitySet.h"

#include <array>
#include <cctype>
#include <charconv>
#include <fstream>
#include <sstream>

#include "core/Error.h"

namespace crix::oci {
namespace {

// Index = capability number, from <linux/capability.h>.
constexpr std::array<std::string_view, CapabilitySet::kLastKnown + 1> kNames = {
    "CAP_CHOWN",
    "CAP_DAC_OVERRIDE",
    "CAP_DAC_READ_SEARCH",
    "CAP_FOWNER",
    "CAP_FSETID",
    "CAP_KILL",
    "CAP_SETGID",
    "CAP_SETUID",
    "CAP_SETPCAP",
    "CAP_LINUX_IMMUTABLE",
    "CAP_NET_BIND_SERVICE",
    "CAP_NET_BROADCAST",
    "CAP_NET_ADMIN",
    "CAP_NET_RAW",
    "CAP_IPC_LOCK",
    "CAP_IPC_OWNER",
    "CAP_SYS_MODULE",
    "CAP_SYS_RAWIO",
    "CAP_SYS_CHROOT",
    "CAP_SYS_PTRACE",
    "CAP_SYS_PACCT",
    "CAP_SYS_ADMIN",
    "CAP_SYS_BOOT",
    "CAP_SYS_NICE",
    "CAP_SYS_RESOURCE",
    "CAP_SYS_TIME",
    "CAP_SYS_TTY_CONFIG",
    "CAP_MKNOD",
    "CAP_LEASE",
    "CAP_AUDIT_WRITE",
    "CAP_AUDIT_CONTROL",
    "CAP_SETFCAP",
    "CAP_MAC_OVERRIDE",
    "CAP_MAC_ADMIN",
    "CAP_SYSLOG",
    "CAP_WAKE_ALARM",
    "CAP_BLOCK_SUSPEND",
    "CAP_AUDIT_READ",
    "CAP_PERFMON",
    "CAP_BPF",
    "CAP_CHECKPOINT_RESTORE",
};

constexpr std::uint64_t kKnownMask = (std::uint64_t{1} << (CapabilitySet::kLastKnown + 1)) - 1;

std::string upper(std::string_view s) {
  std::string out(s);
  for (auto& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

}  // namespace

std::optional<int> CapabilitySet::numberOf(std::string_view name) {
  std::string canonical = upper(name);
  if (!canonical.starts_with("CAP_")) canonical.insert(0, "CAP_");
  for (std::size_t i = 0; i < kNames.size(); ++i) {
    if (kNames[i] == canonical) return static_cast<int>(i);
  }
  return std::nullopt;
}

std::string_view CapabilitySet::nameOf(int number) {
  if (number < 0 || number > kLastKnown) return {};
  return kNames[static_cast<std::size_t>(number)];
}

CapabilitySet CapabilitySet::allKnown() { return fromMask(kKnownMask); }

CapabilitySet CapabilitySet::fromMask(std::uint64_t mask) {
  CapabilitySet set;
  set.mask_ = mask & kKnownMask;
  return set;
}

CapabilitySet CapabilitySet::fromNames(const std::vector<std::string>& names,
                                       std::string_view what) {
  CapabilitySet set;
  for (const auto& name : names) {
    const auto number = numberOf(name);
    if (!number) {
      throw Error::invalidArgument("unknown capability \"" + name + "\" in " + std::string(what));
    }
    set.add(*number);
  }
  return set;
}

CapabilitySet CapabilitySet::fromProcStatus(std::string_view statusText, std::string_view field) {
  std::size_t pos = 0;
  while (pos < statusText.size()) {
    auto end = statusText.find('\n', pos);
    if (end == std::string_view::npos) end = statusText.size();
    const std::string_view line = statusText.substr(pos, end - pos);
    pos = end + 1;
    const auto colon = line.find(':');
    if (colon == std::string_view::npos || line.substr(0, colon) != field) continue;
    std::string_view value = line.substr(colon + 1);
    while (!value.empty() && std::isspace(static_cast<unsigned char>(value.front()))) {
      value.remove_prefix(1);
    }
    std::uint64_t mask = 0;
    const auto [ptr, ec] = std::from_chars(value.data(), value.data() + value.size(), mask, 16);
    if (ec != std::errc{} || ptr == value.data()) break;
    return fromMask(mask);
  }
  throw Error::internal("no parsable " + std::string(field) + " line in /proc/self/status");
}

const CapabilitySet& CapabilitySet::hostBounding() {
  static const CapabilitySet bounding = [] {
    std::ifstream in("/proc/self/status");
    std::stringstream text;
    text << in.rdbuf();
    return fromProcStatus(text.str(), "CapBnd");
  }();
  return bounding;
}

void CapabilitySet::add(int number) {
  if (number >= 0 && number <= kLastKnown) mask_ |= std::uint64_t{1} << number;
}

void CapabilitySet::remove(int number) {
  if (number >= 0 && number <= kLastKnown) mask_ &= ~(std::uint64_t{1} << number);
}

bool CapabilitySet::contains(int number) const {
  return number >= 0 && number <= kLastKnown && (mask_ >> number) & 1;
}

bool CapabilitySet::contains(std::string_view name) const {
  const auto number = numberOf(name);
  return number && contains(*number);
}

std::vector<std::string> CapabilitySet::names() const {
  std::vector<std::string> out;
  for (int i = 0; i <= kLastKnown; ++i) {
    if (contains(i)) out.emplace_back(nameOf(i));
  }
  return out;
}

}  // namespace crix::oci
