#include "oci/runtime/ExitFile.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <nlohmann/json.hpp>

#include "core/Error.h"
#include "core/UniqueFd.h"

namespace crix::oci {

ExitRecord parseExitRecord(const std::string& text, const std::string& path) {
  try {
    const auto j = nlohmann::json::parse(text);
    if (!j.is_object() || !j.contains("exit_code")) {
      throw Error::dataLoss("exit file " + path + " has no exit_code: " + text.substr(0, 256));
    }
    ExitRecord r;
    r.exitCode = j.at("exit_code").get<int>();
    r.signal = j.value("signal", 0);
    r.oomKilled = j.value("oom_killed", false);
    r.finishedAtNanos = j.value("finished_at_nanos", std::int64_t{0});
    r.error = j.value("error", std::string());
    r.timedOut = j.value("timed_out", false);
    return r;
  } catch (const nlohmann::json::exception& e) {
    throw Error::dataLoss("exit file " + path + " is not valid (" + e.what() +
                          "): " + text.substr(0, 256));
  }
}

std::optional<ExitRecord> readExitFile(const std::string& path) {
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd) {
    if (errno == ENOENT) return std::nullopt;
    throw Error::fromErrno("open exit file " + path, errno);
  }
  std::string text;
  char buf[4096];
  for (;;) {
    const ssize_t n = ::read(fd.get(), buf, sizeof buf);
    if (n > 0)
      text.append(buf, static_cast<std::size_t>(n));
    else if (n == 0)
      break;
    else if (errno != EINTR)
      throw Error::fromErrno("read exit file " + path, errno);
  }
  return parseExitRecord(text, path);
}

}  // namespace crix::oci
