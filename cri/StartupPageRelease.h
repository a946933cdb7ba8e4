// The daemon's idle footprint is mostly file-backed pages of gRPC, OpenSSL,
// protobuf and the like that only start-up touched (session 1 measured
// 3 MiB anonymous against ~22 MiB file-backed). Once serving, crix asks the
// kernel to take back the pages of its file mappings that no other process
// shares (MADV_PAGEOUT, Linux 5.4+); they stay in the page cache, so what
// the daemon uses again comes back with a minor fault. Idle RSS then is the
// working set, not everything initialisation once read.
#pragma once

namespace crix::cri {

// Best effort: an old kernel (EINVAL) or any other refusal is logged at
// debug level and ignored.
void releaseStartupPages();

}  // namespace crix::cri
