// Requests to a running container's crix-conmon through its control FIFO
// (conmon/README.md, "The control FIFO").
#pragma once

#include <string>

namespace crix::oci {

// "1 ROWS COLUMNS\n": rows (height) first, as conmon.
void resizeTerminal(const std::string& ctlFifo, unsigned rows, unsigned columns);
// "2 0 0\n": crix-conmon reopens the log path (after the daemon renamed it).
void reopenLog(const std::string& ctlFifo);

// One raw line. Never blocks: NotFound when the FIFO is gone,
// FailedPrecondition when nobody reads it (crix-conmon has exited).
void sendControl(const std::string& ctlFifo, int type, unsigned a, unsigned b);

}  // namespace crix::oci
