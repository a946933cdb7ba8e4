#include "contrib/crixctl/PortSpec.h"

#include <charconv>
#include <string>

#include "core/Error.h"

namespace crixctl {
namespace {

uint16_t parsePort(std::string_view text, std::string_view spec, bool zeroAllowed) {
  unsigned value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size() || value > 65535 ||
      (value == 0 && !zeroAllowed))
    throw crix::Error::invalidArgument("invalid port \"" + std::string(text) + "\" in \"" + std::string(spec) +
                                       "\": want [LOCAL_PORT:]REMOTE_PORT with ports in 1..65535");
  return static_cast<uint16_t>(value);
}

}  // namespace

PortMapping parsePortSpec(std::string_view spec) {
  const auto colon = spec.find(':');
  if (colon == std::string_view::npos) {
    const uint16_t port = parsePort(spec, spec, false);
    return {port, port};
  }
  const std::string_view local = spec.substr(0, colon);
  const std::string_view remote = spec.substr(colon + 1);
  return {local.empty() ? uint16_t{0} : parsePort(local, spec, true), parsePort(remote, spec, false)};
}

}  // namespace crixctl
