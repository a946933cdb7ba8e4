// A directory that exists for one test (or one benchmark run) and is removed
// with everything in it afterwards, also when the test fails. Under /tmp
// unless a parent is given (a benchmark measuring another filesystem).
#pragma once

#include <string>

namespace crix::test {

class TempDir {
 public:
  explicit TempDir(const std::string& prefix = "crix-test", const std::string& parent = "/tmp");
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::string& path() const { return path_; }
  std::string operator/(const std::string& name) const { return path_ + "/" + name; }

  // Writes `relative` (creating its parent directories) and returns its path.
  std::string write(const std::string& relative, const std::string& content) const;

 private:
  std::string path_;
};

}  // namespace crix::test
