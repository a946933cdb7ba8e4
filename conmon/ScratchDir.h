// A private directory under /tmp for the few files crix-conmon needs only
// while it runs (the console socket, the pid file of an exec). Short, so that
// a socket path in it fits in sun_path; removed with its files at the end.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace crix::conmon {

class ScratchDir {
 public:
  ScratchDir();
  ~ScratchDir();
  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;

  // The path of `name` inside the directory; it is removed with the directory.
  std::string file(std::string_view name);

 private:
  std::string path_;
  std::vector<std::string> files_;
};

}  // namespace crix::conmon
