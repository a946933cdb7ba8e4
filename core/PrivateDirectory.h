// A directory made for one job (mkdtemp under a parent the caller owns) and
// removed with everything in it when the job is done, also on failure.
#pragma once

#include <string>

namespace crix {

class PrivateDirectory {
 public:
  // Creates PARENT/PREFIX-XXXXXX (mode 0700); throws from errno.
  PrivateDirectory(const std::string& parent, const std::string& prefix);
  // Removes it recursively; a failure is logged, not thrown.
  ~PrivateDirectory();
  PrivateDirectory(const PrivateDirectory&) = delete;
  PrivateDirectory& operator=(const PrivateDirectory&) = delete;

  const std::string& path() const { return path_; }
  std::string operator/(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

}  // namespace crix
