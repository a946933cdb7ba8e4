#include "cri/streaming/spdy/KubeletStreamHeaders.h"

#include <charconv>

#include "core/Error.h"

namespace crix::spdy {

std::optional<RemoteCommandStream> remoteCommandStream(const HeaderBlock& headers) {
  const auto type = headers.first(kStreamTypeHeader);
  if (!type) return std::nullopt;
  if (*type == "error") return RemoteCommandStream::Error;
  if (*type == "stdin") return RemoteCommandStream::Stdin;
  if (*type == "stdout") return RemoteCommandStream::Stdout;
  if (*type == "stderr") return RemoteCommandStream::Stderr;
  if (*type == "resize") return RemoteCommandStream::Resize;
  return std::nullopt;
}

std::string_view remoteCommandStreamName(RemoteCommandStream type) {
  switch (type) {
    case RemoteCommandStream::Error: return "error";
    case RemoteCommandStream::Stdin: return "stdin";
    case RemoteCommandStream::Stdout: return "stdout";
    case RemoteCommandStream::Stderr: return "stderr";
    case RemoteCommandStream::Resize: return "resize";
  }
  return "unknown";
}

PortForwardStream portForwardStream(uint32_t streamId, const HeaderBlock& headers) {
  PortForwardStream stream;
  const std::string_view type = headers.first(kStreamTypeHeader).value_or("");
  if (type == "data") {
    stream.type = PortForwardStreamType::Data;
  } else if (type == "error") {
    stream.type = PortForwardStreamType::Error;
  } else {
    throw Error::invalidArgument("port-forward stream " + std::to_string(streamId) + ": invalid stream type \"" +
                                 std::string(type) + "\"");
  }

  const std::string_view port = headers.first(kPortHeader).value_or("");
  unsigned value = 0;
  const auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
  if (port.empty() || ec != std::errc() || end != port.data() + port.size() || value == 0 || value > 65535)
    throw Error::invalidArgument("port-forward stream " + std::to_string(streamId) + ": invalid port \"" +
                                 std::string(port) + "\"");
  stream.port = static_cast<uint16_t>(value);

  const std::string_view requestId = headers.first(kRequestIdHeader).value_or("");
  if (!requestId.empty()) {
    stream.requestId = std::string(requestId);
  } else {
    // Old clients open the error stream, then the data stream, with
    // consecutive odd ids; kubelet pairs them by the error stream's id.
    const int64_t errorId = stream.type == PortForwardStreamType::Error ? int64_t{streamId} : int64_t{streamId} - 2;
    stream.requestId = std::to_string(errorId);
  }
  return stream;
}

}  // namespace crix::spdy
