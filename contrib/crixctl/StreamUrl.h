// Where a CRI Exec/Attach/PortForward answer says to stream: the URL the
// runtime's streaming server handed out, split the way crixctl connects to
// it. Like crictl, a URL without scheme or host (just "/exec/TOKEN") means
// the kubelet's default, http://127.0.0.1:10250.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace crixctl {

struct StreamUrl {
  std::string host;    // name or address, without IPv6 brackets
  uint16_t port = 80;
  bool tls = false;    // https (or wss)
  std::string target;  // path and query, e.g. "/exec/abc?x=1"; at least "/"

  // The Host header: "host:port", IPv6 addresses in brackets.
  std::string hostHeader() const;
};

// Throws InvalidArgument for what is not an http or https URL (a bad port,
// spaces or control characters, an empty URL).
StreamUrl parseStreamUrl(std::string_view url);

// `target` with `parameter` ("port=80") added to its query.
std::string addQueryParameter(std::string target, std::string_view parameter);

}  // namespace crixctl
