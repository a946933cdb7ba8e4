#include "core/Directories.h"

#include <sys/stat.h>

#include <cerrno>
#include <filesystem>

#include "core/Error.h"

namespace crix {

void makeDirectories(const std::string& dir, std::optional<unsigned> mode) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) throw Error::internal("create the directory " + dir + ": " + ec.message());
  if (mode && ::chmod(dir.c_str(), *mode) != 0) throw Error::fromErrno("chmod " + dir, errno);
}

}  // namespace crix
