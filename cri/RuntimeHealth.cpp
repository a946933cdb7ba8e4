#include "cri/RuntimeHealth.h"

#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "core/Error.h"
#include "oci/runtime/RuntimeHandlerInfo.h"

namespace crix::cri {

namespace {

std::string unwritable(const std::string& what, const std::string& dir) {
  if (::access(dir.c_str(), W_OK | X_OK) == 0) return "";
  return what + " " + dir + " is not writable: " + std::strerror(errno);
}

}  // namespace

std::string runtimeProblem(const config::Config& cfg) {
  try {
    (void)oci::resolveRuntime(cfg, "");
  } catch (const Error& e) {
    return e.what();
  }
  if (auto problem = unwritable("storage root", cfg.crio.root); !problem.empty()) return problem;
  return unwritable("state directory", cfg.crio.runroot);
}

}  // namespace crix::cri
