// What a CRI Exec, Attach or PortForward call asked for, kept by the
// RequestCache under a token until the client connects to the URL the RPC
// returned. The daemon validates them before they get here (kubelet refuses
// tty together with stderr; at least one of stdin/stdout/stderr).
#pragma once

#include <cstdint>
#include <string>
#include <variant>
#include <vector>

namespace crix::streaming {

struct ExecRequest {
  std::string containerId;
  std::vector<std::string> cmd;
  bool tty = false;
  bool stdin = false;
  bool stdout = false;
  bool stderr = false;
};

struct AttachRequest {
  std::string containerId;
  bool tty = false;
  bool stdin = false;
  bool stdout = false;
  bool stderr = false;
};

// Kubelet does not hold the client to these ports: the client names the
// ports again on the connection (SPDY stream headers, WebSocket query), and
// those are the ones forwarded.
struct PortForwardRequest {
  std::string podSandboxId;
  std::vector<int32_t> ports;
};

using StreamingRequest = std::variant<ExecRequest, AttachRequest, PortForwardRequest>;

}  // namespace crix::streaming
