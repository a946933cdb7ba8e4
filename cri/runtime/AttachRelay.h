// Joins a streaming client's stdio to crix-conmon's attach socket
// (conmon/README.md: SOCK_SEQPACKET, output packets prefixed with the stream,
// 2 = stdout, 3 = stderr; input packets go to the process's stdin). Used for
// Attach (the container's socket) and streaming Exec (the exec's socket).
#pragma once

namespace crix::cri {

struct RelayFds {
  int stdinFd = -1;     // the client's input; EOF when it closed stdin; -1: no stdin
  int stdoutFd = -1;    // -1: stdout is dropped
  int stderrFd = -1;    // -1: stderr is dropped
  int clientGone = -1;  // readable (EOF/hangup) once the client went away
};

enum class RelayEnd {
  OutputClosed,  // crix-conmon closed the socket: the process ended
  ClientGone,
};

// Blocks until one side ends. halfCloseOnStdinEof: pass the client's end of
// input on (shutdown(SHUT_WR)), so that a stdin-once process sees EOF; an
// attach without stdin must not, or it would close a container's stdin
// another client still uses.
RelayEnd relayAttachSocket(int attachSocket, const RelayFds& fds, bool halfCloseOnStdinEof);

}  // namespace crix::cri
