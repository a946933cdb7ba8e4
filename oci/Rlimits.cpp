#include "oci/Rlimits.h"

#include <array>
#include <cctype>
#include <charconv>
#include <limits>
#include <string_view>

#include "core/Error.h"

namespace crix::oci {
namespace {

constexpr std::array<std::string_view, 16> kNames = {
    "as",   "core",   "cpu",   "data", "fsize",  "locks",  "memlock",    "msgqueue",
    "nice", "nofile", "nproc", "rss",  "rtprio", "rttime", "sigpending", "stack",
};

[[noreturn]] void bad(const std::string& spec, const std::string& why) {
  throw Error::failedPrecondition("crio.runtime.default_ulimits entry \"" + spec + "\": " + why);
}

std::uint64_t limitValue(std::string_view text, const std::string& spec) {
  std::int64_t v = 0;
  const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc{} || ptr != text.data() + text.size()) {
    bad(spec, "\"" + std::string(text) + "\" is not a number");
  }
  if (v == -1) return std::numeric_limits<std::uint64_t>::max();  // RLIM_INFINITY
  if (v < 0) bad(spec, "limits are -1 (unlimited) or non-negative");
  return static_cast<std::uint64_t>(v);
}

}  // namespace

Rlimit parseUlimit(const std::string& spec) {
  const auto eq = spec.find('=');
  if (eq == std::string::npos) bad(spec, "not of the form name=soft[:hard]");
  const std::string name = spec.substr(0, eq);
  bool known = false;
  for (const auto n : kNames) known = known || n == name;
  if (!known) bad(spec, "unknown ulimit \"" + name + "\"");

  const std::string_view limits = std::string_view(spec).substr(eq + 1);
  const auto colon = limits.find(':');
  Rlimit r;
  r.type = "RLIMIT_";
  for (const char c : name)
    r.type += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  r.soft = limitValue(limits.substr(0, colon), spec);
  r.hard = colon == std::string_view::npos ? r.soft : limitValue(limits.substr(colon + 1), spec);
  if (r.soft > r.hard) bad(spec, "the soft limit exceeds the hard limit");
  return r;
}

nlohmann::json rlimitsSection(const std::vector<std::string>& defaultUlimits) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& spec : defaultUlimits) {
    const Rlimit r = parseUlimit(spec);
    // A type may appear once in the spec; a later entry wins.
    for (auto it = out.begin(); it != out.end(); ++it) {
      if ((*it)["type"] == r.type) {
        out.erase(it);
        break;
      }
    }
    out.push_back({{"type", r.type}, {"hard", r.hard}, {"soft", r.soft}});
  }
  return out;
}

}  // namespace crix::oci
