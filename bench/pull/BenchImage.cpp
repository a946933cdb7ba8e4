#include "bench/pull/BenchImage.h"

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstring>
#include <deque>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <random>
#include <stdexcept>

#include "tests/support/Subprocess.h"

namespace crix::bench {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

// Bump when the recipe changes, so a stale cached image is not reused.
constexpr const char* kImageName = "image-v2";
constexpr const char* kTag = "v1";
constexpr const char* kMetaFile = "crix-bench-image.json";

// Text that gzip -6 shrinks about 3.8x, like sources and configuration
// (real C headers and Python modules: 4-6x): Zipf-distributed words from a
// small vocabulary, punctuation, indentation, and lines repeated now and then.
class TextGenerator {
 public:
  explicit TextGenerator(uint64_t seed) : rng_(seed) {
    static constexpr char kLetters[] = "abcdefghijklmnopqrstuvwxyz_";
    double sum = 0;
    for (int i = 0; i < 2000; ++i) {
      std::string word(2 + rng_() % 9, ' ');
      for (auto& c : word) c = kLetters[rng_() % (sizeof kLetters - 1)];
      vocabulary_.push_back(std::move(word));
      sum += 1.0 / std::pow(i + 1, 1.2);
      cumulative_.push_back(sum);
    }
  }

  std::string make(size_t size) {
    static const char* kPunctuation[] = {"(", ");", " = ", ", ", " {", "}", ".", " // ",
                                         ": ", "\"", "->", "[", "]", " + ", " == "};
    std::string out;
    out.reserve(size + 256);
    while (out.size() < size) {
      if (!recent_.empty() && uniform() < 0.25) {
        out += recent_[rng_() % recent_.size()];
        continue;
      }
      std::string line(2 * (rng_() % 5), ' ');
      const int words = 2 + static_cast<int>(rng_() % 9);
      for (int w = 0; w < words; ++w) {
        const double x = uniform() * cumulative_.back();
        const auto it = std::upper_bound(cumulative_.begin(), cumulative_.end(), x);
        line += vocabulary_[std::min<size_t>(it - cumulative_.begin(), vocabulary_.size() - 1)];
        line += uniform() < 0.5 ? kPunctuation[rng_() % std::size(kPunctuation)] : " ";
      }
      if (uniform() < 0.1) line += std::to_string(rng_() % 100000);
      line += '\n';
      out += line;
      recent_.push_back(std::move(line));
      if (recent_.size() > 64) recent_.pop_front();
    }
    out.resize(size);
    return out;
  }

 private:
  double uniform() { return static_cast<double>(rng_() >> 11) * 0x1.0p-53; }

  std::mt19937_64 rng_;
  std::vector<std::string> vocabulary_;
  std::vector<double> cumulative_;
  std::deque<std::string> recent_;
};

// Already compressed assets (images, archives): incompressible.
std::string randomBytes(std::mt19937_64& rng, size_t size) {
  std::string out(size + 8, '\0');
  for (size_t i = 0; i < size; i += 8) {
    const uint64_t v = rng();
    std::memcpy(out.data() + i, &v, 8);
  }
  out.resize(size);
  return out;
}

struct HostFile {
  std::string path;
  uint64_t size;
};

// Regular files (no symlinks, so nothing twice) of 4 KiB to 16 MiB, by name.
std::vector<HostFile> hostFiles(const std::string& dir, const std::string& nameContains) {
  std::vector<HostFile> out;
  std::error_code ec;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    std::error_code e2;
    if (!it->is_regular_file(e2) || it->is_symlink(e2)) continue;
    if (it->path().filename().string().find(nameContains) == std::string::npos) continue;
    const uint64_t size = it->file_size(e2);
    if (e2 || size < 4096 || size > (16u << 20)) continue;
    if (::access(it->path().c_str(), R_OK) != 0) continue;
    out.push_back({it->path().string(), size});
  }
  std::sort(out.begin(), out.end(), [](const HostFile& a, const HostFile& b) { return a.path < b.path; });
  return out;
}

// Hands out host files in order, going round again (under new names) when
// the list runs out.
class HostFilePicker {
 public:
  explicit HostFilePicker(std::vector<HostFile> files) : files_(std::move(files)) {}

  // Adds files under `dir` until `budget` bytes are reached.
  uint64_t take(json& entries, const std::string& dir, uint64_t budget, uint64_t& fileCount) {
    uint64_t added = 0;
    size_t skippedInARow = 0;
    while (!files_.empty() && budget - added >= 4096 && skippedInARow < files_.size()) {
      const HostFile& f = files_[next_];
      if (++next_ == files_.size()) next_ = 0, ++round_;
      if (f.size > budget - added) {
        ++skippedInARow;
        continue;
      }
      skippedInARow = 0;
      std::string name = fs::path(f.path).filename().string();
      if (round_ > 0) name += "." + std::to_string(round_);
      entries.push_back({{"path", dir + "/" + name}, {"from", f.path}, {"mode", 0755}});
      added += f.size;
      ++fileCount;
    }
    return added;
  }

 private:
  std::vector<HostFile> files_;
  size_t next_ = 0;
  int round_ = 0;
};

enum class Kind { Text, Random };

// Writes generated files of `kind` under src/<dir> until `budget` bytes,
// each between minSize and maxSize, a hundred to a directory.
uint64_t generate(json& entries, const fs::path& src, const std::string& dir, Kind kind, uint64_t budget,
                  size_t minSize, size_t maxSize, const std::string& extension, uint64_t seed,
                  uint64_t& fileCount) {
  TextGenerator text(seed);
  std::mt19937_64 rng(seed ^ 0x9e3779b97f4a7c15ull);
  uint64_t added = 0;
  for (size_t n = 0; added < budget; ++n) {
    const size_t size = std::min<uint64_t>(minSize + rng() % (maxSize - minSize + 1), budget - added);
    const std::string relative =
        dir + "/d" + std::to_string(n / 100) + "/f" + std::to_string(n % 100) + extension;
    const fs::path file = src / relative;
    fs::create_directories(file.parent_path());
    std::ofstream out(file, std::ios::binary);
    const std::string bytes = kind == Kind::Text ? text.make(size) : randomBytes(rng, size);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    if (!out) throw std::runtime_error("cannot write " + file.string());
    entries.push_back({{"path", relative}, {"from", file.string()}, {"mode", 0644}});
    added += size;
    ++fileCount;
  }
  return added;
}

constexpr uint64_t MB = 1000 * 1000;
constexpr size_t KiB = 1024;

json readJson(const std::string& path) { return json::parse(test::readFile(path)); }

// Removes what killed runs left (build-PID of a dead PID) and images of an
// older recipe.
void removeStaleBuilds(const fs::path& cacheDir) {
  std::error_code ec;
  for (fs::directory_iterator it(cacheDir, ec), end; !ec && it != end; it.increment(ec)) {
    const std::string name = it->path().filename().string();
    if (name.rfind("image-v", 0) == 0 && name != kImageName) {
      std::error_code e2;
      fs::remove_all(it->path(), e2);
      continue;
    }
    if (name.rfind("build-", 0) != 0) continue;
    const std::string pid = name.substr(6);
    if (!pid.empty() && fs::exists("/proc/" + pid) && pid != std::to_string(::getpid())) continue;  // in use
    std::error_code e2;
    fs::remove_all(it->path(), e2);
  }
}

BenchImage describe(const std::string& layout) {
  BenchImage image;
  image.layout = layout;
  image.tag = kTag;
  const json index = readJson(layout + "/index.json");
  const std::string manifestDigest = index.at("manifests").at(0).at("digest");
  const json manifest = readJson(layout + "/blobs/sha256/" + manifestDigest.substr(7));
  const json meta = readJson(layout + "/" + kMetaFile);
  const auto& layers = manifest.at("layers");
  for (size_t i = 0; i < layers.size(); ++i) {
    BenchLayer layer;
    layer.digest = layers[i].at("digest");
    layer.compressed = layers[i].at("size");
    layer.what = meta.at("layers").at(i);
    image.compressed += layer.compressed;
    image.layers.push_back(layer);
  }
  image.files = meta.at("files");
  image.buildSeconds = meta.at("buildSeconds");
  return image;
}

}  // namespace

std::string blobPath(const BenchImage& image, const std::string& digest) {
  return image.layout + "/blobs/sha256/" + digest.substr(digest.find(':') + 1);
}

BenchImage ensureBenchImage(const std::string& cacheDir, bool rebuild) {
  const fs::path cache(cacheDir);
  const fs::path finalLayout = cache / kImageName;
  fs::create_directories(cache);
  removeStaleBuilds(cache);
  if (rebuild) fs::remove_all(finalLayout);
  if (fs::exists(finalLayout / kMetaFile)) return describe(finalLayout);
  if (fs::exists(finalLayout)) fs::remove_all(finalLayout);  // a half-written leftover

  const auto started = std::chrono::steady_clock::now();
  const fs::path build = cache / ("build-" + std::to_string(::getpid()));
  fs::remove_all(build);
  fs::create_directories(build);
  struct Cleanup {
    fs::path dir;
    ~Cleanup() {
      std::error_code ec;
      fs::remove_all(dir, ec);
    }
  } cleanup{build};
  const fs::path src = build / "src";

  HostFilePicker binaries(hostFiles("/usr/bin", ""));
  HostFilePicker libraries(hostFiles("/usr/lib/x86_64-linux-gnu", ".so"));
  uint64_t files = 0;
  json layers = json::array();
  json what = json::array();
  auto layer = [&](const std::string& description, json entries) {
    layers.push_back({{"compression", "gzip"}, {"entries", std::move(entries)}});
    what.push_back(description);
  };

  // 66.5 MB: a base system. (Tar headers and padding bring the total from
  // 272.5 to ~276 MB.)
  {
    json e = json::array();
    binaries.take(e, "usr/bin", 55 * MB, files);
    generate(e, src, "usr/share/doc", Kind::Text, 11500 * 1000, 1 * KiB, 16 * KiB, ".txt", 1, files);
    layer("base system: /usr/bin binaries, 1-16 KiB text files", std::move(e));
  }
  // 85 MB: shared libraries.
  {
    json e = json::array();
    libraries.take(e, "usr/lib/x86_64-linux-gnu", 85 * MB, files);
    layer("shared libraries (.so)", std::move(e));
  }
  // 50 MB: a language runtime, libraries and many source modules.
  {
    json e = json::array();
    libraries.take(e, "opt/runtime/lib", 20 * MB, files);
    generate(e, src, "opt/runtime/lib/modules", Kind::Text, 30 * MB, 2 * KiB, 64 * KiB, ".py", 3, files);
    layer("runtime: .so files, 2-64 KiB source text", std::move(e));
  }
  // 55 MB: the application, sources and already-compressed assets.
  {
    json e = json::array();
    generate(e, src, "app/src", Kind::Text, 25 * MB, 1 * KiB, 32 * KiB, ".js", 4, files);
    generate(e, src, "app/static", Kind::Random, 30 * MB, 64 * KiB, 4096 * KiB, ".png", 5, files);
    layer("application: 1-32 KiB text, 64 KiB-4 MiB random (incompressible)", std::move(e));
  }
  // 16 MB: application data.
  {
    json e = json::array();
    generate(e, src, "app/data", Kind::Text, 10 * MB, 256 * KiB, 2048 * KiB, ".json", 6, files);
    generate(e, src, "app/data/blobs", Kind::Random, 6 * MB, 256 * KiB, 2048 * KiB, ".bin", 7, files);
    layer("data: 0.25-2 MiB text and random files", std::move(e));
  }

  const json recipe = {
      {"tag", kTag},
      {"config",
       {{"Cmd", {"/usr/bin/true"}}, {"Env", {"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"}}}},
      {"layers", layers},
  };
  const std::string recipePath = (build / "recipe.json").string();
  test::writeFile(recipePath, recipe.dump());
  const fs::path layout = build / "layout";
  const auto r = test::runProcess(
      {"/usr/bin/python3", CRIX_SOURCE_ROOT "/contrib/test-images/build-image.py", recipePath, "--out", layout},
      std::chrono::minutes(15));
  if (r.exitCode != 0)
    throw std::runtime_error("build-image.py failed" + std::string(r.timedOut ? " (timed out)" : "") + ": " + r.err +
                             r.out);

  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  test::writeFile((layout / kMetaFile).string(),
                  json{{"files", files}, {"layers", what}, {"buildSeconds", seconds}}.dump(2));
  std::error_code ec;
  fs::rename(layout, finalLayout, ec);
  if (ec && !fs::exists(finalLayout / kMetaFile))  // another run may have won the race
    throw std::runtime_error("cannot move " + layout.string() + " to " + finalLayout.string() + ": " + ec.message());
  BenchImage image = describe(finalLayout);
  image.built = true;
  return image;
}

}  // namespace crix::bench
