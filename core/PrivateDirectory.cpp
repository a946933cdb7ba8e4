#include "core/PrivateDirectory.h"

#include <stdlib.h>

#include <cerrno>
#include <filesystem>

#include "core/Error.h"
#include "core/Log.h"

namespace crix {

PrivateDirectory::PrivateDirectory(const std::string& parent, const std::string& prefix) {
  std::string tmpl = parent + "/" + prefix + "-XXXXXX";
  if (!::mkdtemp(tmpl.data())) throw Error::fromErrno("mkdtemp in " + parent, errno);
  path_ = std::move(tmpl);
}

PrivateDirectory::~PrivateDirectory() {
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
  if (ec) log::warn("cannot remove ", path_, ": ", ec.message());
}

}  // namespace crix
