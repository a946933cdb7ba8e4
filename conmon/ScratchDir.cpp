#include "conmon/ScratchDir.h"

#include <stdlib.h>
#include <unistd.h>

#include "conmon/Failure.h"

namespace crix::conmon {

ScratchDir::ScratchDir() : path_("/tmp/crix-conmon-XXXXXX") {
  if (!::mkdtemp(path_.data())) failErrno("mkdtemp " + path_);
}

ScratchDir::~ScratchDir() {
  for (const std::string& f : files_) ::unlink(f.c_str());
  ::rmdir(path_.c_str());
}

std::string ScratchDir::file(std::string_view name) {
  files_.push_back(path_ + "/" + std::string(name));
  return files_.back();
}

}  // namespace crix::conmon
