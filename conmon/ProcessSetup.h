// What crix-conmon does to itself before it starts anything, so that it can
// outlive the daemon and answer for the container's processes.
#pragma once

namespace crix::conmon {

// Opens /dev/null on any of fds 0-2 that is closed, so that no pipe or socket
// created later lands there and gets clobbered when a child's stdio is set up.
void ensureStdioOpen();

// Marks every fd above 2 close-on-exec: whatever the daemon let leak into
// crix-conmon must not reach the runtime or the container.
void closeInheritedFdsOnExec();

// Orphans of the runtime (the container process once `runc create` exits)
// become crix-conmon's children, so it can wait for them.
void becomeSubreaper();

// Asks the kernel to spare crix-conmon under memory pressure, as conmon does
// (-999); silently kept as is without CAP_SYS_RESOURCE.
void shieldFromOomKiller();
// In a forked child: the score crix-conmon started with, so the container does
// not inherit the shield.
void restoreOomScoreInChild();

}  // namespace crix::conmon
