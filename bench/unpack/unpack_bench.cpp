// Measures layer unpack throughput on a generated ~100 MB tar of mixed files:
// the two gzip decoders on their own (decode only), then full unpacks into a
// staging directory with each decoder, zstd and no compression.
//
//   crix-bench-unpack [work-dir] [repetitions]
//
// work-dir (default /var/tmp) should be on the filesystem layers will live on.
#include <archive.h>
#include <archive_entry.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <functional>
#include <random>
#include <span>
#include <string>

#include "storage/layer/ArchiveFilterDecoder.h"
#include "storage/layer/BlobReader.h"
#include "storage/layer/ByteSource.h"
#include "storage/layer/IsalGzipDecoder.h"
#include "storage/layer/LayerUnpacker.h"

using namespace crix::layer;
using Clock = std::chrono::steady_clock;

namespace {

// Text-like bytes (words from a small vocabulary): compresses about 3-4x,
// like the configuration files, scripts and sources of a typical image.
std::string textBytes(std::mt19937_64& rng, size_t size) {
  static const char* words[] = {"the ",  "layer ",  "image ", "container ", "return ", "if ",
                                "for ",  "static ", "int ",   "{\n",        "}\n",     "config ",
                                "path ", "= ",      "0x1f, ", "error "};
  std::string out;
  out.reserve(size + 16);
  while (out.size() < size) out += words[rng() % std::size(words)];
  out.resize(size);
  return out;
}

// Machine code stand-in: structured with some repetition, compresses ~2x.
std::string binaryBytes(std::mt19937_64& rng, size_t size) {
  std::string out(size, '\0');
  for (size_t i = 0; i < size; ++i) out[i] = static_cast<char>((rng() % 4 == 0) ? rng() : (i * 31) & 0x3f);
  return out;
}

// Already-compressed assets (images, jars): incompressible.
std::string randomBytes(std::mt19937_64& rng, size_t size) {
  std::string out(size, '\0');
  for (size_t i = 0; i + 8 <= size; i += 8) {
    const uint64_t v = rng();
    std::memcpy(out.data() + i, &v, 8);
  }
  return out;
}

la_ssize_t appendToString(archive*, void* out, const void* buffer, size_t length) {
  static_cast<std::string*>(out)->append(static_cast<const char*>(buffer), length);
  return static_cast<la_ssize_t>(length);
}

struct Layer {
  std::string tar;
  std::string gzip;
  std::string zstd;
  size_t files = 0;
};

void addEntry(archive* a, const std::string& name, const std::string& content, bool dir = false) {
  archive_entry* e = archive_entry_new();
  archive_entry_set_pathname(e, name.c_str());
  archive_entry_set_filetype(e, dir ? AE_IFDIR : AE_IFREG);
  archive_entry_set_perm(e, dir ? 0755 : 0644);
  archive_entry_set_size(e, dir ? 0 : static_cast<la_int64_t>(content.size()));
  archive_entry_set_mtime(e, 1'600'000'000, 0);
  archive_write_header(a, e);
  if (!dir) archive_write_data(a, content.data(), content.size());
  archive_entry_free(e);
}

std::string compressWith(const std::string& tar, int (*addFilter)(archive*)) {
  std::string out;
  archive* a = archive_write_new();
  archive_write_set_format_raw(a);
  addFilter(a);
  archive_write_set_bytes_in_last_block(a, 1);
  archive_write_open(a, &out, nullptr, appendToString, nullptr);
  archive_entry* e = archive_entry_new();
  archive_entry_set_pathname(e, "data");
  archive_entry_set_filetype(e, AE_IFREG);
  archive_entry_set_size(e, static_cast<la_int64_t>(tar.size()));
  archive_write_header(a, e);
  archive_write_data(a, tar.data(), tar.size());
  archive_entry_free(e);
  archive_write_close(a);
  archive_write_free(a);
  return out;
}

Layer generateLayer() {
  std::mt19937_64 rng(42);
  Layer layer;
  archive* a = archive_write_new();
  archive_write_set_format_pax_restricted(a);
  archive_write_open(a, &layer.tar, nullptr, appendToString, nullptr);
  for (int d = 0; d < 40; ++d) {
    const std::string dir = "usr/share/pkg" + std::to_string(d);
    addEntry(a, dir, "", true);
    for (int f = 0; f < 60; ++f, ++layer.files)  // 2400 small text files, 1-16 KiB
      addEntry(a, dir + "/file" + std::to_string(f) + ".txt", textBytes(rng, 1024 + rng() % (15 * 1024)));
  }
  addEntry(a, "usr/lib", "", true);
  for (int f = 0; f < 120; ++f, ++layer.files)  // libraries, 64 KiB - 576 KiB
    addEntry(a, "usr/lib/lib" + std::to_string(f) + ".so",
             binaryBytes(rng, 64 * 1024 + rng() % (512 * 1024)));
  addEntry(a, "opt/assets", "", true);
  for (int f = 0; f < 6; ++f, ++layer.files)  // incompressible blobs, 4 MiB
    addEntry(a, "opt/assets/blob" + std::to_string(f) + ".bin", randomBytes(rng, 4 << 20));
  for (int f = 0; f < 4; ++f, ++layer.files)  // big text, 4 MiB
    addEntry(a, "opt/assets/data" + std::to_string(f) + ".json", textBytes(rng, 4 << 20));
  archive_write_close(a);
  archive_write_free(a);
  layer.gzip = compressWith(layer.tar, archive_write_add_filter_gzip);
  layer.zstd = compressWith(layer.tar, archive_write_add_filter_zstd);
  return layer;
}

std::span<const std::byte> bytes(const std::string& s) {
  return std::as_bytes(std::span(s.data(), s.size()));
}

double mb(size_t n) { return static_cast<double>(n) / 1e6; }
double seconds(Clock::duration d) { return std::chrono::duration<double>(d).count(); }
double ms(std::chrono::nanoseconds d) { return std::chrono::duration<double, std::milli>(d).count(); }

// Best of `reps` runs of `body`.
Clock::duration best(int reps, const std::function<void()>& body) {
  Clock::duration fastest = Clock::duration::max();
  for (int i = 0; i < reps; ++i) {
    const auto start = Clock::now();
    body();
    fastest = std::min(fastest, Clock::now() - start);
  }
  return fastest;
}

void decodeOnly(const Layer& layer, int reps) {
  std::printf("\ngzip decode only (compressed %.1f MB -> %.1f MB):\n", mb(layer.gzip.size()),
              mb(layer.tar.size()));
  for (const auto decoder : {GzipDecoder::Isal, GzipDecoder::Libarchive}) {
    const auto elapsed = best(reps, [&] {
      UnpackTimings timings;
      MemoryByteSource source(bytes(layer.gzip));
      BlobReader blob(source, timings);
      size_t total = 0;
      if (decoder == GzipDecoder::Isal) {
        IsalGzipDecoder d(blob, timings);
        for (auto chunk = d.next(); !chunk.empty(); chunk = d.next()) total += chunk.size();
      } else {
        ArchiveFilterDecoder d(blob, Compression::Gzip, timings);
        for (auto chunk = d.next(); !chunk.empty(); chunk = d.next()) total += chunk.size();
      }
      if (total != layer.tar.size()) std::printf("  size mismatch!\n");
    });
    std::printf("  %-22s %8.1f MB/s uncompressed  (%7.1f MB/s compressed)\n",
                decoder == GzipDecoder::Isal ? "ISA-L igzip" : "libarchive (zlib)",
                mb(layer.tar.size()) / seconds(elapsed), mb(layer.gzip.size()) / seconds(elapsed));
  }
}

void fullUnpack(const Layer& layer, const std::string& workDir, int reps) {
  std::printf("\nfull unpack into %s (%zu files, %.1f MB uncompressed):\n", workDir.c_str(), layer.files,
              mb(layer.tar.size()));
  struct Case {
    const char* name;
    const std::string* blob;
    GzipDecoder decoder;
  };
  for (const Case& c : {Case{"gzip, ISA-L", &layer.gzip, GzipDecoder::Isal},
                        Case{"gzip, libarchive zlib", &layer.gzip, GzipDecoder::Libarchive},
                        Case{"zstd, libarchive", &layer.zstd, GzipDecoder::Isal},
                        Case{"uncompressed", &layer.tar, GzipDecoder::Isal}}) {
    UnpackStats bestStats;
    Clock::duration fastest = Clock::duration::max();
    for (int i = 0; i < reps; ++i) {
      MemoryByteSource source(bytes(*c.blob));
      const auto start = Clock::now();
      auto unpacked = LayerUnpacker({.gzipDecoder = c.decoder}).unpack(source, workDir);
      const auto elapsed = Clock::now() - start;
      if (elapsed < fastest) fastest = elapsed, bestStats = unpacked.stats;
      unpacked.staged.discard();
      // Flush outside the timing: otherwise each run pays for the previous
      // run's dirty pages and the order of the cases decides the result.
      ::sync();
    }
    const auto& t = bestStats.timings;
    std::printf("  %-22s %8.1f MB/s  (%.0f ms: decompress %.0f, write %.0f, digest %.0f, read %.0f)\n",
                c.name, mb(layer.tar.size()) / seconds(fastest), seconds(fastest) * 1000, ms(t.decompressing),
                ms(t.writing), ms(t.digesting), ms(t.reading));
  }
}

}  // namespace

int main(int argc, char** argv) {
  const std::string workDir = argc > 1 ? argv[1] : "/var/tmp";
  const int reps = argc > 2 ? std::max(1, std::atoi(argv[2])) : 3;
  const auto start = Clock::now();
  const Layer layer = generateLayer();
  std::printf("generated layer in %.1f s: tar %.1f MB, gzip %.1f MB, zstd %.1f MB\n",
              seconds(Clock::now() - start), mb(layer.tar.size()), mb(layer.gzip.size()),
              mb(layer.zstd.size()));
  decodeOnly(layer, reps);
  fullUnpack(layer, workDir, reps);
  return 0;
}
