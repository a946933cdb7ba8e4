// The async-signal-safe part of starting a program from a multi-threaded
// process: argv/envp arrays built before fork, and the steps the child takes
// between fork and exec.
#pragma once

#include <string>
#include <vector>

#include "core/UniqueFd.h"

namespace crix {

// Owns the strings and the NULL-terminated pointer arrays execve wants.
class ExecArgs {
 public:
  ExecArgs(std::vector<std::string> argv, std::vector<std::string> env);
  char* const* argv() const { return argvPtrs_.data(); }
  char* const* envp() const { return envPtrs_.data(); }
  const char* path() const { return argv_.front().c_str(); }

 private:
  std::vector<std::string> argv_, env_;
  std::vector<char*> argvPtrs_, envPtrs_;
};

// In the parent: `fd` moved to a number >= minFd (close-on-exec), so that
// the child's dup2 onto 0..minFd-1 cannot clobber it even when the daemon
// runs with some of its stdio closed.
UniqueFd fdAtLeast(UniqueFd fd, int minFd);

// The daemon's environment as KEY=VALUE strings.
std::vector<std::string> currentEnvironment();

// In the child only: unblock every signal and restore default dispositions
// (a daemon ignores SIGPIPE and blocks signals in threads; both survive exec).
void resetSignalsInChild();
// In the child only: dup2 that also clears close-on-exec when from == to
// (dup2 of an fd onto itself leaves its flags alone). False on failure.
bool dupForExecInChild(int from, int to);
// In the child only: closes every fd from `first` up.
void closeFdsFromInChild(int first);
// In the child only: writes prefix, the errno's text, suffix to fd without
// allocating (the parent prepares prefix and suffix).
void reportErrnoInChild(int fd, const char* prefix, int err, const char* suffix);

}  // namespace crix
