// Requests to a running container's crix-conmon through its control FIFO
// (conmon/README.md, "The control FIFO").
#pragma once

#include <chrono>
#include <string>

namespace crix::oci {

// "1 ROWS COLUMNS\n": rows (height) first, as conmon.
void resizeTerminal(const std::string& ctlFifo, unsigned rows, unsigned columns);
// "2 TOKEN 0\n": crix-conmon reopens the log path (after the daemon renamed
// it) and answers on the FIFO "<ctlFifo>.ack-TOKEN" made here; returns once it
// has, so the new file exists. DeadlineExceeded when no answer comes within
// `wait` (a crix-conmon too old to answer, or one that is stuck); Internal,
// with the reason, when crix-conmon could not open the file.
void reopenLog(const std::string& ctlFifo, std::chrono::milliseconds wait = std::chrono::seconds(5));

// One raw line. Never blocks: NotFound when the FIFO is gone,
// FailedPrecondition when nobody reads it (crix-conmon has exited).
void sendControl(const std::string& ctlFifo, int type, unsigned a, unsigned b);

}  // namespace crix::oci
