// The daemon's end of a crix-conmon attach socket (conmon/README.md, "The
// attach socket"): SOCK_SEQPACKET, every packet from crix-conmon is one byte
// of stream (2 stdout, 3 stderr) and the output bytes; every packet to it is
// input for the process's stdin; shutdown(SHUT_WR) ends that input.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/UniqueFd.h"

namespace crix::oci {

enum class AttachStream : std::uint8_t { Stdout = 2, Stderr = 3 };

struct AttachPacket {
  AttachStream stream = AttachStream::Stdout;
  std::string data;  // never empty
};

// crix-conmon reads input in packets of at most this size; longer input is
// split.
inline constexpr std::size_t kMaxAttachInputPacket = 32 * 1024;

// Connects to the attach socket at `path`, which may be longer than sun_path
// allows (through /proc/self/fd/<dir fd>/<name>). The fd is blocking and
// close-on-exec.
// Errors: NotFound when no socket is there (the monitor is gone), Unavailable
// when nobody listens on it (ECONNREFUSED), else from errno.
UniqueFd connectAttachSocket(const std::string& path);

// Sends all of `input` to the process's stdin, in packets of at most
// kMaxAttachInputPacket. Blocks while crix-conmon is not taking input (the
// process does not read). FailedPrecondition when crix-conmon has closed the
// connection (EPIPE, ECONNRESET); never raises SIGPIPE.
void sendAttachInput(int fd, std::string_view input);

// Ends this client's input (shutdown(SHUT_WR)); output keeps coming. For an
// exec, or a --stdin-once container, this closes the process's stdin.
void closeAttachInput(int fd);

// The next packet, or nullopt at end of file (crix-conmon closed the
// connection: the process is over and its exit file written). Waits up to
// `timeout` (negative: forever) and throws DeadlineExceeded when nothing came.
// DataLoss for a packet that is not one of crix-conmon's (empty, unknown
// stream byte, longer than the buffer).
std::optional<AttachPacket> receiveAttachPacket(
    int fd, std::chrono::milliseconds timeout = std::chrono::milliseconds(-1));

}  // namespace crix::oci
