#include "contrib/crixctl/StreamUrl.h"

#include <charconv>

#include "core/Error.h"

namespace crixctl {
namespace {

constexpr std::string_view kDefaultHost = "127.0.0.1";
constexpr uint16_t kDefaultKubeletPort = 10250;

bool hasUnsafeCharacter(std::string_view text) {
  for (unsigned char c : text)
    if (c <= ' ' || c == 0x7f) return true;
  return false;
}

uint16_t parsePort(std::string_view text, std::string_view url) {
  unsigned value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size() || value == 0 || value > 65535)
    throw crix::Error::invalidArgument("invalid port in streaming URL \"" + std::string(url) + "\"");
  return static_cast<uint16_t>(value);
}

}  // namespace

std::string StreamUrl::hostHeader() const {
  const bool ipv6 = host.find(':') != std::string::npos;
  return (ipv6 ? "[" + host + "]" : host) + ":" + std::to_string(port);
}

StreamUrl parseStreamUrl(std::string_view url) {
  if (url.empty() || hasUnsafeCharacter(url))
    throw crix::Error::invalidArgument("invalid streaming URL \"" + std::string(url) + "\"");
  std::string_view rest = url;
  if (const auto fragment = rest.find('#'); fragment != std::string_view::npos) rest = rest.substr(0, fragment);

  StreamUrl result;
  const auto scheme = rest.find("://");
  if (scheme == std::string_view::npos) {
    if (rest.empty() || rest.front() != '/')
      throw crix::Error::invalidArgument("invalid streaming URL \"" + std::string(url) + "\"");
    result.host = kDefaultHost;
    result.port = kDefaultKubeletPort;
    result.target = rest;
    return result;
  }
  const std::string_view name = rest.substr(0, scheme);
  result.tls = name == "https" || name == "wss";
  if (name != "http" && name != "ws" && !result.tls)
    throw crix::Error::invalidArgument("unsupported scheme in streaming URL \"" + std::string(url) + "\"");
  rest.remove_prefix(scheme + 3);

  const auto slash = rest.find_first_of("/?");
  std::string_view authority = rest.substr(0, slash);
  result.target = slash == std::string_view::npos ? "/" : std::string(rest.substr(slash));
  if (result.target.front() == '?') result.target.insert(0, "/");
  if (const auto at = authority.rfind('@'); at != std::string_view::npos) authority.remove_prefix(at + 1);

  std::string_view host = authority;
  std::string_view port;
  if (authority.starts_with("[")) {
    const auto close = authority.find(']');
    if (close == std::string_view::npos)
      throw crix::Error::invalidArgument("invalid IPv6 host in streaming URL \"" + std::string(url) + "\"");
    host = authority.substr(1, close - 1);
    const std::string_view after = authority.substr(close + 1);
    if (!after.empty()) {
      if (after.front() != ':')
        throw crix::Error::invalidArgument("invalid host in streaming URL \"" + std::string(url) + "\"");
      port = after.substr(1);
    }
  } else if (const auto colon = authority.rfind(':'); colon != std::string_view::npos) {
    host = authority.substr(0, colon);
    port = authority.substr(colon + 1);
  }
  if (host.empty()) {
    result.host = kDefaultHost;
    result.port = kDefaultKubeletPort;
  } else {
    result.host = host;
    result.port = !port.empty() ? parsePort(port, url) : result.tls ? 443 : 80;
  }
  return result;
}

std::string addQueryParameter(std::string target, std::string_view parameter) {
  const auto question = target.find('?');
  if (question == std::string::npos)
    target += '?';
  else if (question + 1 != target.size() && target.back() != '&')
    target += '&';
  target += parameter;
  return target;
}

}  // namespace crixctl
