// The one-line JSON objects crix-conmon reports with (sync fd, exit file):
//   {"exit_code": 0, "signal": 0, "oom_killed": false, "finished_at_nanos": 1764251699123456789}
// Written by hand because they are tiny and a JSON library is not.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace crix::conmon {

class JsonLine {
 public:
  JsonLine& addInt(std::string_view key, int64_t value);
  JsonLine& addBool(std::string_view key, bool value);
  // Any bytes: control characters are escaped and bytes that are not UTF-8
  // become U+FFFD, so that strict parsers (nlohmann) accept the result.
  JsonLine& addString(std::string_view key, std::string_view value);

  // The object followed by "\n".
  std::string text() const { return body_ + "}\n"; }

 private:
  void addKey(std::string_view key);
  std::string body_ = "{";
};

void appendJsonString(std::string& out, std::string_view value);

}  // namespace crix::conmon
