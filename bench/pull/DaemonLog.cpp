#include "bench/pull/DaemonLog.h"

#include <cstdio>
#include <cstring>
#include <ctime>
#include <map>
#include <sstream>

namespace crix::bench {

namespace {

// The end of the pull's closing info line: "pulled|stored ... N of M layers fetched in S s".
constexpr const char* kFetchedIn = " layers fetched in ";

// "2024-11-27T14:52:03.123456Z" (core/Log.cpp, UTC).
std::optional<std::chrono::system_clock::time_point> parseTime(const std::string& line) {
  if (line.rfind("time=", 0) != 0) return std::nullopt;
  std::tm tm{};
  long micros = 0;
  if (std::sscanf(line.c_str() + 5, "%4d-%2d-%2dT%2d:%2d:%2d.%6ldZ", &tm.tm_year, &tm.tm_mon, &tm.tm_mday,
                  &tm.tm_hour, &tm.tm_min, &tm.tm_sec, &micros) != 7)
    return std::nullopt;
  tm.tm_year -= 1900;
  tm.tm_mon -= 1;
  return std::chrono::system_clock::from_time_t(::timegm(&tm)) + std::chrono::microseconds(micros);
}

// The msg="..." field, unquoted.
std::string message(const std::string& line) {
  const auto start = line.find("msg=\"");
  if (start == std::string::npos) return {};
  std::string out;
  for (size_t i = start + 5; i < line.size(); ++i) {
    if (line[i] == '\\' && i + 1 < line.size()) {
      out += line[++i];
    } else if (line[i] == '"') {
      break;
    } else {
      out += line[i];
    }
  }
  return out;
}

}  // namespace

PullLog parsePullLog(const std::string& log) {
  PullLog out;
  std::istringstream lines(log);
  std::string line;
  while (std::getline(lines, line)) {
    const std::string msg = message(line);
    if (msg.rfind("layer ", 0) == 0 && msg.find(" wait_ms=") != std::string::npos) {
      std::istringstream words(msg.substr(6));
      LayerTiming t;
      words >> t.digest;
      std::map<std::string, std::string> fields;
      for (std::string word; words >> word;) {
        const auto eq = word.find('=');
        if (eq != std::string::npos) fields[word.substr(0, eq)] = word.substr(eq + 1);
      }
      auto number = [&](const char* key) { return fields.count(key) ? std::stod(fields[key]) : 0.0; };
      t.compression = fields["compression"];
      t.compressedBytes = number("compressed_bytes");
      t.bytes = number("bytes");
      t.totalMs = number("total_ms");
      t.waitMs = number("wait_ms");
      t.decompressMs = number("decompress_ms");
      t.digestMs = number("digest_ms");
      t.writeMs = number("write_ms");
      if (const auto at = parseTime(line)) t.loggedAt = *at;
      out.layers.push_back(t);
    } else if (const auto at = msg.find(kFetchedIn); at != std::string::npos) {
      try {
        out.pulledSeconds = std::stod(msg.substr(at + std::strlen(kFetchedIn)));
      } catch (const std::exception&) {
      }
      out.pulledAt = parseTime(line);
    }
  }
  return out;
}

}  // namespace crix::bench
