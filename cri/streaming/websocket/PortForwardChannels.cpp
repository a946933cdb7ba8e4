#include "cri/streaming/websocket/PortForwardChannels.h"

#include <charconv>

#include "core/Error.h"

namespace crix::streaming {

std::vector<uint16_t> portForwardPorts(const HttpRequest& request, size_t maxPorts) {
  const std::vector<std::string> values = request.queryValues("port");
  if (values.empty()) throw Error::invalidArgument("query parameter \"port\" is required");
  std::vector<uint16_t> ports;
  for (const auto& value : values) {
    if (value.empty()) throw Error::invalidArgument("query parameter \"port\" cannot be empty");
    std::string_view rest = value;
    while (true) {
      const size_t comma = rest.find(',');
      const std::string_view item = rest.substr(0, comma);
      unsigned number = 0;
      const auto [end, ec] = std::from_chars(item.data(), item.data() + item.size(), number);
      if (item.empty() || ec != std::errc() || end != item.data() + item.size() || number > 65535)
        throw Error::invalidArgument("unable to parse \"" + value + "\" as a port");
      if (number < 1) throw Error::invalidArgument("port \"" + value + "\" must be > 0");
      if (ports.size() == maxPorts)
        throw Error::invalidArgument("more than " + std::to_string(maxPorts) + " ports to forward");
      ports.push_back(static_cast<uint16_t>(number));
      if (comma == std::string_view::npos) break;
      rest.remove_prefix(comma + 1);
    }
  }
  return ports;
}

std::string portForwardPortPrefix(uint16_t port) {
  return std::string{static_cast<char>(port & 0xff), static_cast<char>(port >> 8)};
}

}  // namespace crix::streaming
