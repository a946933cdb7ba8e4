// Reads what the daemon logged about a pull at --log-level debug: one line per
// fetched layer from storage/ImagePuller.cpp
//   time=... level=debug msg="layer sha256:... compression=gzip compressed_bytes=N bytes=N
//       total_ms=X wait_ms=X decompress_ms=X digest_ms=X write_ms=X"
// and the closing info line "... N of M layers fetched in S s".
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <vector>

namespace crix::bench {

struct LayerTiming {
  std::string digest;
  std::string compression;
  std::chrono::system_clock::time_point loggedAt;  // when its unpack ended
  double compressedBytes = 0, bytes = 0;
  double totalMs = 0, waitMs = 0, decompressMs = 0, digestMs = 0, writeMs = 0;
};

struct PullLog {
  std::vector<LayerTiming> layers;
  std::optional<double> pulledSeconds;  // from the "... layers fetched in S s" line
  std::optional<std::chrono::system_clock::time_point> pulledAt;
};

PullLog parsePullLog(const std::string& log);

}  // namespace crix::bench
