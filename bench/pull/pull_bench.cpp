// The pull benchmark: cold pulls through the real crix daemon over the CRI
// socket, of a generated ~276 MB image in 5 gzip layers, from Debian's
// docker-registry on loopback; then `skopeo copy` of the same image for
// scale. Prints figures, asserts nothing. See bench/pull/README.md.
//
//   crix-bench-pull [--runs N] [--cache DIR] [--max-parallel-downloads N]
//                   [--root-in DIR] [--time-limit SECONDS] [--no-skopeo]
//                   [--rebuild-image]
#include "cri/api/Cri.h"  // first: it shields the CRI enums from <signal.h>

#include <grpcpp/grpcpp.h>
#include <openssl/evp.h>
#include <signal.h>
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <mutex>
#include <numeric>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "bench/pull/BenchImage.h"
#include "bench/pull/DaemonLog.h"
#include "storage/layer/ArchiveFilterDecoder.h"
#include "storage/layer/BlobReader.h"
#include "storage/layer/ByteSource.h"
#include "storage/layer/IsalGzipDecoder.h"
#include "storage/layer/LayerUnpacker.h"
#include "tests/support/DaemonProcess.h"
#include "tests/support/Subprocess.h"
#include "tests/support/TempDir.h"
#include "tests/support/TestRegistry.h"

using namespace crix::test;
using namespace crix::bench;
using Clock = std::chrono::steady_clock;
using std::chrono::system_clock;
namespace fs = std::filesystem;
namespace v1 = runtime::v1;

namespace {

constexpr const char* kRepository = "bench/pull";
constexpr const char* kSkopeo = "/usr/bin/skopeo";

struct Options {
  int runs = 5;
  std::string cacheDir = "/var/tmp/crix-bench-pull";
  int maxParallelDownloads = 0;  // 0: the daemon's default
  std::string rootIn = "/var/tmp";  // where the daemons' roots go (not /tmp: it may be tmpfs)
  int timeLimitSeconds = 1200;
  bool skopeo = true;
  bool rebuildImage = false;
};

[[noreturn]] void usage(const char* why, int exitCode = 2) {
  std::fprintf(exitCode == 0 ? stdout : stderr,
               "%s\nusage: crix-bench-pull [--runs N] [--cache DIR] [--max-parallel-downloads N]\n"
               "                       [--root-in DIR] [--time-limit SECONDS] [--no-skopeo] [--rebuild-image]\n",
               why);
  std::exit(exitCode);
}

Options parseOptions(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) usage(("missing value for " + a).c_str());
      return argv[++i];
    };
    auto number = [&](int min) {
      const std::string v = value();
      try {
        const int n = std::stoi(v);
        if (n >= min) return n;
      } catch (const std::exception&) {
      }
      usage((a + " wants a number >= " + std::to_string(min) + ", got " + v).c_str());
    };
    if (a == "--runs") o.runs = number(1);
    else if (a == "--cache") o.cacheDir = value();
    else if (a == "--max-parallel-downloads") o.maxParallelDownloads = number(1);
    else if (a == "--root-in") o.rootIn = value();
    else if (a == "--time-limit") o.timeLimitSeconds = number(10);
    else if (a == "--no-skopeo") o.skopeo = false;
    else if (a == "--rebuild-image") o.rebuildImage = true;
    else if (a == "--help" || a == "-h") usage("crix pull benchmark (bench/pull/README.md)", 0);
    else usage(("unknown argument " + a).c_str());
  }
  return o;
}

// ---------------------------------------------------------------------------
// Stopping: a signal or the time limit sets gStop; the watchdog then kills
// the processes this program started (daemon, registry, skopeo, python),
// which makes whatever the main thread waits on return, and the main thread
// unwinds, so every destructor (temp dirs, registry, daemon) runs.

constexpr int kTimeLimit = -1;
std::atomic<int> gStop{0};

extern "C" void onSignal(int sig) {
  gStop.store(sig);
  ::signal(sig, SIG_DFL);  // a second one ends us at once
}

struct Interrupted : std::runtime_error {
  using std::runtime_error::runtime_error;
};

void checkStop() {
  const int s = gStop.load();
  if (s == kTimeLimit) throw Interrupted("time limit reached");
  if (s != 0) throw Interrupted(std::string("stopped by ") + ::strsignal(s));
}

std::string readSmallFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

// /proc/<pid>/stat, split after the command name (which may hold spaces):
// fields[0] is the state (field 3), fields[1] the parent (4), ...
std::vector<std::string> statFields(pid_t pid) {
  const std::string stat = readSmallFile("/proc/" + std::to_string(pid) + "/stat");
  const auto close = stat.rfind(')');
  if (close == std::string::npos) return {};
  std::istringstream in(stat.substr(close + 1));
  std::vector<std::string> fields;
  for (std::string f; in >> f;) fields.push_back(f);
  return fields;
}

std::vector<pid_t> ourChildren() {
  std::vector<pid_t> out;
  const std::string self = std::to_string(::getpid());
  std::error_code ec;
  for (fs::directory_iterator it("/proc", ec), end; !ec && it != end; it.increment(ec)) {
    const std::string name = it->path().filename().string();
    if (name.empty() || name.find_first_not_of("0123456789") != std::string::npos) continue;
    const auto fields = statFields(std::stoi(name));
    if (fields.size() > 1 && fields[1] == self) out.push_back(std::stoi(name));
  }
  return out;
}

std::vector<std::string> commandLine(pid_t pid) {
  const std::string raw = readSmallFile("/proc/" + std::to_string(pid) + "/cmdline");
  std::vector<std::string> out;
  for (size_t start = 0; start < raw.size();) {
    const size_t end = raw.find('\0', start);
    out.push_back(raw.substr(start, end - start));
    if (end == std::string::npos) break;
    start = end + 1;
  }
  return out;
}

// Our child running `program` with `argument` somewhere on its command line.
pid_t findChild(const std::string& program, const std::string& argument) {
  for (const pid_t pid : ourChildren()) {
    const auto argv = commandLine(pid);
    if (argv.empty() || argv[0] != program) continue;
    if (argument.empty() || std::find(argv.begin(), argv.end(), argument) != argv.end()) return pid;
  }
  return -1;
}

void killOurChildren() {
  for (const pid_t pid : ourChildren()) {
    // runProcess puts its children in their own group: take what they started too.
    if (::getpgid(pid) == pid) ::kill(-pid, SIGKILL);
    ::kill(pid, SIGKILL);
  }
}

class Watchdog {
 public:
  explicit Watchdog(Clock::time_point deadline) : thread_([this, deadline] { run(deadline); }) {}
  ~Watchdog() {
    {
      std::lock_guard lock(mutex_);
      done_ = true;
    }
    wake_.notify_all();
    thread_.join();
  }
  Watchdog(const Watchdog&) = delete;
  Watchdog& operator=(const Watchdog&) = delete;

 private:
  void run(Clock::time_point deadline) {
    std::unique_lock lock(mutex_);
    while (!done_) {
      wake_.wait_for(lock, std::chrono::milliseconds(100));
      if (done_) return;
      if (Clock::now() >= deadline && gStop.load() == 0) gStop.store(kTimeLimit);
      if (gStop.load() != 0) killOurChildren();
    }
  }

  std::mutex mutex_;
  std::condition_variable wake_;
  bool done_ = false;
  std::thread thread_;  // last: starts once the rest exists
};

struct Mount {
  std::string device, point, type;
};

// The mount holding `path`: the longest mount point that prefixes it.
Mount mountOf(const std::string& path) {
  std::error_code ec;
  const std::string target = fs::weakly_canonical(path, ec).string();
  std::istringstream mounts(readSmallFile("/proc/self/mounts"));
  Mount best;
  for (std::string line; std::getline(mounts, line);) {
    std::istringstream f(line);
    Mount m;
    f >> m.device >> m.point >> m.type;
    const bool under = target == m.point || m.point == "/" || target.rfind(m.point + "/", 0) == 0;
    if (under && m.point.size() >= best.point.size()) best = m;
  }
  return best;
}

// ext4 without a journal skips inodes freed in the last minute (or longer,
// while their inode table block is dirty) when it allocates new ones, one
// linear scan per file created (fs/ext4/ialloc.c, recently_deleted()): a pull
// right after thousands of files were deleted spends seconds of kernel CPU
// there. Firecracker-style VM root filesystems are often like this.
bool ext4WithoutJournal(const Mount& m) {
  if (m.type != "ext4") return false;
  std::error_code ec;
  const std::string device = fs::canonical(m.device, ec).filename().string();
  if (ec || device.empty()) return false;
  return readSmallFile("/sys/fs/ext4/" + device + "/journal_task").rfind("<none>", 0) == 0;
}

// RECENTCY_MIN in fs/ext4/ialloc.c is 60 s (more while the inode table block
// is dirty); runs right after the minute still showed some of the cost.
constexpr int kRecentlyDeletedSeconds = 90;

// The daemons' roots, kept until every crix run is done so that no run
// creates its files among the inodes the previous run just freed; removing
// them stamps the time, so that the next benchmark can wait that out.
class Roots {
 public:
  Roots(std::string parent, std::string stampFile) : parent_(std::move(parent)), stamp_(std::move(stampFile)) {}
  ~Roots() { removeAll(); }
  Roots(const Roots&) = delete;
  Roots& operator=(const Roots&) = delete;

  const TempDir& next() { return *roots_.emplace_back(std::make_unique<TempDir>("crix-bench-root", parent_)); }

  // Returns the seconds it took.
  double removeAll() {
    if (roots_.empty()) return 0;
    const auto start = Clock::now();
    roots_.clear();
    std::ofstream(stamp_) << std::chrono::duration_cast<std::chrono::seconds>(
                                 system_clock::now().time_since_epoch()).count() << "\n";
    return std::chrono::duration<double>(Clock::now() - start).count();
  }

  // Seconds since a benchmark last removed its roots, if it did.
  std::optional<double> secondsSinceLastRemoval() const {
    long long then = 0;
    if (!(std::istringstream(readSmallFile(stamp_)) >> then)) return std::nullopt;
    return static_cast<double>(
        std::chrono::duration_cast<std::chrono::seconds>(system_clock::now().time_since_epoch()).count() - then);
  }

 private:
  std::string parent_, stamp_;
  std::vector<std::unique_ptr<TempDir>> roots_;
};

// ---------------------------------------------------------------------------
// CPU accounting.

double ticksPerSecond() { return static_cast<double>(::sysconf(_SC_CLK_TCK)); }

// User and system CPU seconds of a process, all threads; nullopt when it is gone.
std::optional<std::pair<double, double>> processUserSystem(pid_t pid) {
  if (pid <= 0) return std::nullopt;
  const auto f = statFields(pid);
  if (f.size() < 13) return std::nullopt;  // utime and stime are fields 14 and 15
  return std::pair{std::stod(f[11]) / ticksPerSecond(), std::stod(f[12]) / ticksPerSecond()};
}

std::optional<double> processCpuSeconds(pid_t pid) {
  const auto us = processUserSystem(pid);
  if (!us) return std::nullopt;
  return us->first + us->second;
}

struct HostCpu {
  double busy = 0, iowait = 0, total = 0;  // seconds summed over CPUs
};

HostCpu hostCpu() {
  std::istringstream in(readSmallFile("/proc/stat"));
  std::string cpu;
  in >> cpu;
  std::vector<double> v;
  for (double x; v.size() < 8 && in >> x;) v.push_back(x);
  HostCpu out;
  if (v.size() < 8) return out;
  // user nice system idle iowait irq softirq steal
  out.total = std::accumulate(v.begin(), v.end(), 0.0) / ticksPerSecond();
  out.iowait = v[4] / ticksPerSecond();
  out.busy = out.total - (v[3] + v[4]) / ticksPerSecond();
  return out;
}

double childrenCpuSeconds() {
  rusage r{};
  ::getrusage(RUSAGE_CHILDREN, &r);
  auto s = [](const timeval& t) { return static_cast<double>(t.tv_sec) + t.tv_usec / 1e6; };
  return s(r.ru_utime) + s(r.ru_stime);
}

// ---------------------------------------------------------------------------
// Figures.

double mb(double bytes) { return bytes / 1e6; }
double secondsSince(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }

// CPU time of the calling thread: what a computation costs, whatever else
// the host is running meanwhile.
double threadCpuSeconds() {
  timespec ts{};
  ::clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) / 1e9;
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  const size_t n = v.size();
  return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

// The run whose time is the (lower) median.
size_t medianRun(const std::vector<double>& v) {
  std::vector<size_t> order(v.size());
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(), [&](size_t a, size_t b) { return v[a] < v[b]; });
  return order[(v.size() - 1) / 2];
}

// Single-thread, in-memory CPU costs of this image's layers on this host:
// inflating with each gzip decoder, and SHA-256.
struct CpuCosts {
  double compressed = 0, uncompressed = 0;
  double isalSeconds = 0, zlibSeconds = 0, sha256Seconds = 0, sha256Bytes = 0;
};

CpuCosts measureCpuCosts(const BenchImage& image) {
  using namespace crix::layer;
  CpuCosts c;
  for (const auto& layer : image.layers) {
    checkStop();
    const std::string blob = readSmallFile(blobPath(image, layer.digest));
    const auto bytes = std::as_bytes(std::span(blob.data(), blob.size()));
    for (const bool isal : {true, false}) {
      UnpackTimings timings;
      MemoryByteSource source(bytes);
      BlobReader reader(source, timings, false);
      std::unique_ptr<ChunkStream> decoder;
      if (isal) decoder = std::make_unique<IsalGzipDecoder>(reader, timings);
      else decoder = std::make_unique<ArchiveFilterDecoder>(reader, Compression::Gzip, timings);
      const double start = threadCpuSeconds();
      double out = 0;
      for (auto chunk = decoder->next(); !chunk.empty(); chunk = decoder->next()) out += chunk.size();
      (isal ? c.isalSeconds : c.zlibSeconds) += threadCpuSeconds() - start;
      if (isal) c.uncompressed += out;
    }
    c.compressed += blob.size();
    // SHA-256 runs at the same speed on any bytes: the blob will do.
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int mdLength = 0;
    const double start = threadCpuSeconds();
    EVP_Digest(blob.data(), blob.size(), md, &mdLength, EVP_sha256(), nullptr);
    c.sha256Seconds += threadCpuSeconds() - start;
    c.sha256Bytes += blob.size();
  }
  return c;
}

struct CrixRun {
  double seconds = 0;
  PullLog log;
  system_clock::time_point sentAt;
  std::optional<double> daemonCpu, registryCpu;
  double daemonSystem = 0;    // the kernel's part of daemonCpu
  HostCpu host;               // over the pull
  double busyBefore = 0;      // share of all CPUs busy in the half second before it
};

struct SkopeoRun {
  double seconds = 0, cpu = 0, syncSeconds = 0;
  std::optional<double> registryCpu;
};

std::string logTail(const std::string& log, size_t lines = 30) {
  size_t pos = log.size();
  for (size_t n = 0; n <= lines && pos > 0; ++n) pos = log.rfind('\n', pos - 1);
  return pos == std::string::npos ? log : log.substr(pos + 1);
}

// A bound for one step: `cap`, or a little past the time limit so that the
// watchdog, not the step's own timeout, reports the time limit.
std::chrono::milliseconds timeLeft(Clock::time_point deadline, std::chrono::milliseconds cap) {
  const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
  return std::min(left + std::chrono::seconds(5), cap);
}

CrixRun pullOnce(const std::string& configText, const std::string& image, pid_t registryPid, const TempDir& root,
                 Clock::time_point deadline) {
  checkStop();
  ::sync();  // the previous run's dirty pages are flushed outside the timing
  DaemonProcess daemon(configText);  // its own socket, config and log in a temp dir
  // A new, empty root: nothing cached. The last --root on the command line wins.
  daemon.start({"--log-level", "debug", "--root", root.path() + "/root"});
  const pid_t daemonPid = findChild(CRIX_BINARY, daemon.socketPath());
  auto client = daemon.imageClient();
  {  // connect before the clock starts
    v1::ListImagesResponse listed;
    const auto status = client->ListImages(deadlineContext(std::chrono::seconds(10)).get(), {}, &listed);
    if (!status.ok()) throw std::runtime_error("ListImages: " + status.error_message());
    if (listed.images_size() != 0) throw std::runtime_error("the fresh daemon already has images");
  }

  CrixRun run;
  {  // what the rest of the host is doing: other work makes the figures noisy
    const HostCpu a = hostCpu();
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
    const HostCpu b = hostCpu();
    if (b.total > a.total) run.busyBefore = (b.busy - a.busy) / (b.total - a.total);
  }
  const auto daemonCpu0 = processUserSystem(daemonPid);
  const auto registryCpu0 = processCpuSeconds(registryPid);
  const HostCpu host0 = hostCpu();
  v1::PullImageRequest request;
  request.mutable_image()->set_image(image);
  v1::PullImageResponse response;
  grpc::ClientContext context;
  context.set_deadline(system_clock::now() + timeLeft(deadline, std::chrono::minutes(5)));
  run.sentAt = system_clock::now();
  const auto start = Clock::now();
  const grpc::Status status = client->PullImage(&context, request, &response);
  run.seconds = secondsSince(start);
  const HostCpu host1 = hostCpu();
  const auto daemonCpu1 = processUserSystem(daemonPid);
  const auto registryCpu1 = processCpuSeconds(registryPid);
  checkStop();
  if (!status.ok())
    throw std::runtime_error("PullImage " + image + " failed: " + status.error_message() + "\ndaemon log (end):\n" +
                             logTail(daemon.log()));
  if (daemonCpu0 && daemonCpu1) {
    run.daemonSystem = daemonCpu1->second - daemonCpu0->second;
    run.daemonCpu = daemonCpu1->first - daemonCpu0->first + run.daemonSystem;
  }
  if (registryCpu0 && registryCpu1) run.registryCpu = *registryCpu1 - *registryCpu0;
  run.host = {host1.busy - host0.busy, host1.iowait - host0.iowait, host1.total - host0.total};
  run.log = parsePullLog(daemon.log());
  return run;
}  // the daemon is killed here, outside the timing; its root stays until every run is done

SkopeoRun skopeoOnce(const std::string& source, pid_t registryPid, Clock::time_point deadline) {
  checkStop();
  TempDir dir("crix-bench-skopeo");
  ::sync();
  SkopeoRun run;
  const double cpu0 = childrenCpuSeconds();
  const auto registryCpu0 = processCpuSeconds(registryPid);
  const auto start = Clock::now();
  const auto r = runProcess({kSkopeo, "copy", "--quiet", "--src-tls-verify=false", "docker://" + source,
                             "oci:" + dir / "layout" + ":latest"},
                            timeLeft(deadline, std::chrono::minutes(5)));
  run.seconds = secondsSince(start);
  const auto registryCpu1 = processCpuSeconds(registryPid);
  run.cpu = childrenCpuSeconds() - cpu0;
  checkStop();
  if (r.exitCode != 0)
    throw std::runtime_error("skopeo copy failed" + std::string(r.timedOut ? " (timed out)" : "") + ": " + r.err +
                             r.out);
  if (registryCpu0 && registryCpu1) run.registryCpu = *registryCpu1 - *registryCpu0;
  const auto syncStart = Clock::now();
  ::sync();
  run.syncSeconds = secondsSince(syncStart);
  return run;
}

std::string shortDigest(const std::string& digest) { return digest.substr(0, 7 + 12); }

std::string optSeconds(const std::optional<double>& s) {
  char buf[32];
  if (!s) return "-";
  std::snprintf(buf, sizeof buf, "%.2f", *s);
  return buf;
}

void printBreakdown(const CrixRun& run, const BenchImage& image) {
  const auto& layers = run.log.layers;
  if (layers.empty()) {
    std::printf("  (the daemon logged no per-layer lines: is it older than the timings in storage/ImagePuller.cpp?)\n");
    return;
  }
  LayerTiming sum;
  for (const auto& l : layers) {
    sum.totalMs += l.totalMs, sum.waitMs += l.waitMs, sum.decompressMs += l.decompressMs;
    sum.digestMs += l.digestMs, sum.writeMs += l.writeMs;
    sum.bytes += l.bytes, sum.compressedBytes += l.compressedBytes;
  }
  auto share = [&](double ms) { return sum.totalMs > 0 ? 100 * ms / sum.totalMs : 0; };
  const double busyMs = sum.decompressMs + sum.digestMs + sum.writeMs;
  std::printf("  summed over the %zu layers (up to max_parallel_downloads unpack at once, so sums exceed the wall time):\n",
              layers.size());
  std::printf("    wait for bytes  %7.0f ms %5.1f%%  (unpacker idle: download, blob SHA-256 on the curl thread)\n",
              sum.waitMs, share(sum.waitMs));
  std::printf("    decompress      %7.0f ms %5.1f%%  (%.0f MB/s of output per unpacking thread)\n", sum.decompressMs,
              share(sum.decompressMs), sum.decompressMs > 0 ? mb(sum.bytes) / (sum.decompressMs / 1000) : 0.0);
  std::printf("    digest          %7.0f ms %5.1f%%  (SHA-256 of the uncompressed tar: diff_id)\n", sum.digestMs,
              share(sum.digestMs));
  std::printf("    write           %7.0f ms %5.1f%%  (tar parsing, file creation and writes; page cache, no fsync)\n",
              sum.writeMs, share(sum.writeMs));
  std::printf("    total           %7.0f ms         unpackers busy %.0f ms = %.2f threads busy on average over the %.2f s pull\n",
              sum.totalMs, busyMs, busyMs / 1000 / run.seconds, run.seconds);

  std::printf("    (each figure is wall time on that layer's unpacking thread, so time spent runnable but not\n"
              "     scheduled counts too; \"wait\" is the unpacker starved of bytes by the download side)\n");

  // A layer's worker goes on to the next layer once this one is committed
  // (syncfs, rename, record; one commit at a time): a layer that starts after
  // others have ended follows the latest of them, and the gap is that one's
  // commit. The commit of the last layer ends the pull.
  const size_t n = layers.size();
  auto endOf = [&](size_t i) { return std::chrono::duration<double>(layers[i].loggedAt - run.sentAt).count(); };
  auto startOf = [&](size_t i) { return endOf(i) - layers[i].totalMs / 1000; };
  std::vector<size_t> order(n);
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(), [&](size_t a, size_t b) { return startOf(a) < startOf(b); });
  std::vector<double> commit(n, -1);
  std::vector<bool> followed(n, false);
  for (const size_t k : order) {
    std::optional<size_t> before;
    for (size_t j = 0; j < n; ++j)
      if (!followed[j] && j != k && endOf(j) <= startOf(k) + 0.002 && (!before || endOf(j) > endOf(*before))) before = j;
    if (before) {
      followed[*before] = true;
      commit[*before] = startOf(k) - endOf(*before);
    }
  }
  size_t last = 0;
  for (size_t i = 0; i < n; ++i)
    if (endOf(i) > endOf(last)) last = i;
  commit[last] = run.seconds - endOf(last);

  std::printf("  per layer, by start (seconds after PullImage was sent; end = unpacked; commit = until its worker\n"
              "  moved on, inferred from the next start, '-' when nothing followed it):\n");
  std::printf("    %-19s %8s %7s %6s %6s %6s %6s %6s %6s %6s %7s %7s\n", "layer", "gzip MB", "tar MB", "start", "end",
              "wait", "decomp", "digest", "write", "total", "commit", "decomp");
  std::printf("    %-19s %8s %7s %6s %6s %6s %6s %6s %6s %6s %7s %7s\n", "", "", "", "s", "s", "ms", "ms", "ms", "ms", "ms",
              "ms", "MB/s");
  for (const size_t i : order) {
    const auto& l = layers[i];
    int number = 0;
    for (size_t k = 0; k < image.layers.size(); ++k)
      if (image.layers[k].digest == l.digest) number = static_cast<int>(k) + 1;
    char commitText[16] = "-";
    if (commit[i] >= 0) std::snprintf(commitText, sizeof commitText, "%.0f", commit[i] * 1000);
    std::printf("    %d %-17s %8.1f %7.1f %6.2f %6.2f %6.0f %6.0f %6.0f %6.0f %6.0f %7s %7.0f\n", number,
                shortDigest(l.digest).c_str(), mb(l.compressedBytes), mb(l.bytes), startOf(i), endOf(i), l.waitMs,
                l.decompressMs, l.digestMs, l.writeMs, l.totalMs, commitText,
                l.decompressMs > 0 ? mb(l.bytes) / (l.decompressMs / 1000) : 0.0);
  }
  std::printf("    before the first layer: %.2f s (manifest, config, connection)\n", startOf(order.front()));
  std::printf("    after the last layer unpacked: %.2f s (its commit, then the image record)\n", commit[last]);
}

int runBenchmark(const Options& options) {
  const auto started = Clock::now();
  const auto deadline = started + std::chrono::seconds(options.timeLimitSeconds);
  Watchdog watchdog(deadline);

  for (const char* tool : {TestRegistry::kBinary, kSkopeo, "/usr/bin/python3"})
    if (::access(tool, X_OK) != 0) throw std::runtime_error(std::string(tool) + " is missing (contrib/install-deps.sh)");
  if (::access(CRIX_BINARY, X_OK) != 0)
    throw std::runtime_error(std::string("no daemon at ") + CRIX_BINARY + ": build it first (ninja -C build bench-pull)");

  std::printf("crix pull benchmark: cold pulls through the daemon over the CRI socket vs skopeo copy\n\n");
  std::fflush(stdout);
  const auto imageStart = Clock::now();
  const BenchImage image = ensureBenchImage(options.cacheDir, options.rebuildImage);
  checkStop();
  const CpuCosts costs = measureCpuCosts(image);
  std::printf("image %s:%s, %s in %.1f s\n", image.layout.c_str(), image.tag.c_str(),
              image.built ? "built now" : "from the cache, built once", image.built ? secondsSince(imageStart) : image.buildSeconds);
  std::printf("  %zu gzip layers, %.1f MB uncompressed, %.1f MB compressed (%.2fx), %llu files\n", image.layers.size(),
              mb(costs.uncompressed), mb(image.compressed), costs.uncompressed / image.compressed,
              static_cast<unsigned long long>(image.files));
  for (size_t i = 0; i < image.layers.size(); ++i)
    std::printf("  layer %zu %s %6.1f MB  %s\n", i + 1, shortDigest(image.layers[i].digest).c_str(),
                mb(image.layers[i].compressed), image.layers[i].what.c_str());

  const bool isalDefault = crix::layer::UnpackOptions{}.gzipDecoder == crix::layer::GzipDecoder::Isal;
  std::printf("\nCPU cost of this image on this host, one thread, in memory, no I/O (thread CPU time):\n");
  std::printf("  gzip decode, ISA-L igzip        %5.2f s  %6.0f MB/s of output%s\n", costs.isalSeconds,
              mb(costs.uncompressed) / costs.isalSeconds, isalDefault ? "   <- the daemon's decoder (default)" : "");
  std::printf("  gzip decode, zlib (libarchive)  %5.2f s  %6.0f MB/s of output%s\n", costs.zlibSeconds,
              mb(costs.uncompressed) / costs.zlibSeconds, isalDefault ? "" : "   <- the daemon's decoder (default)");
  const double shaRate = costs.sha256Bytes / costs.sha256Seconds;
  std::printf("  SHA-256 (OpenSSL)               %6.0f MB/s: blob digests + diff_ids (%.0f + %.0f MB) = %.2f s\n",
              mb(shaRate), mb(image.compressed), mb(costs.uncompressed),
              (image.compressed + costs.uncompressed) / shaRate);
  std::printf("  gzip decoder in the daemon: %s (storage/layer UnpackOptions::gzipDecoder default; not set here)\n",
              isalDefault ? "ISA-L igzip" : "libarchive zlib");
  std::fflush(stdout);

  // The registry, and the image in it.
  checkStop();
  TempDir work("crix-bench-pull");
  TestRegistry registry(fs::path(work.path()) / "registry");
  const pid_t registryPid = findChild(TestRegistry::kBinary, "");
  const std::string host = registry.hostPort();
  const std::string pushed = host + "/" + kRepository + ":" + image.tag;
  const auto pushStart = Clock::now();
  const auto push = runProcess({kSkopeo, "copy", "--quiet", "--dest-tls-verify=false",
                                "oci:" + image.layout + ":" + image.tag, "docker://" + pushed},
                               timeLeft(deadline, std::chrono::minutes(5)));
  checkStop();
  if (push.exitCode != 0) throw std::runtime_error("pushing with skopeo failed: " + push.err + push.out);
  std::printf("\nregistry: %s on %s (storage under %s), pushed in %.1f s\n", TestRegistry::kBinary, host.c_str(),
              work.path().c_str(), secondsSince(pushStart));

  const std::string registriesConf = work / "registries.conf";
  writeFile(registriesConf, "unqualified-search-registries = [\"docker.io\"]\n"
                            "[[registry]]\nprefix = \"docker.io\"\nlocation = \"" + host + "\"\ninsecure = true\n");
  std::string config = "[crio.image]\nregistries_conf = \"" + registriesConf + "\"\n";
  if (options.maxParallelDownloads > 0)
    config += "max_parallel_downloads = " + std::to_string(options.maxParallelDownloads) + "\n";
  const std::string imageName = std::string("docker.io/") + kRepository + ":" + image.tag;
  std::printf("daemon: %s --log-level debug, a fresh --root per run; registries.conf sends docker.io to %s\n",
              CRIX_BINARY, host.c_str());
  const Mount rootMount = mountOf(options.rootIn);
  const bool noJournal = ext4WithoutJournal(rootMount);
  std::printf("        roots under %s (%s on %s%s), kept until the last run is done\n", options.rootIn.c_str(),
              rootMount.type.c_str(), rootMount.point.c_str(), noJournal ? ", no journal" : "");
  Roots roots(options.rootIn, options.cacheDir + "/roots-removed-at");
  if (noJournal) {
    // See ext4WithoutJournal(): let the inodes a previous benchmark freed age.
    const auto since = roots.secondsSinceLastRemoval();
    if (since && *since >= 0 && *since < kRecentlyDeletedSeconds) {
      const double wait = kRecentlyDeletedSeconds - *since;
      std::printf("        ext4 without a journal avoids reusing recently freed inodes (a linear scan per new\n"
                  "        file), and a benchmark removed its roots %.0f s ago: waiting %.0f s\n",
                  *since, wait);
      const auto until = Clock::now() + std::chrono::milliseconds(static_cast<long>(wait * 1000));
      while (Clock::now() < until) {
        checkStop();
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
      }
    }
  }
  const long cpus = ::sysconf(_SC_NPROCESSORS_ONLN);
  double busy = 0;
  {
    const HostCpu a = hostCpu();
    std::this_thread::sleep_for(std::chrono::seconds(1));
    const HostCpu b = hostCpu();
    if (b.total > a.total) busy = (b.busy - a.busy) / (b.total - a.total);
  }
  std::printf("        max_parallel_downloads = %d%s; host: %ld CPUs, %.0f%% busy over the last second%s\n",
              options.maxParallelDownloads > 0 ? options.maxParallelDownloads : 3,
              options.maxParallelDownloads > 0 ? " (--max-parallel-downloads)" : " (default)", cpus, 100 * busy,
              busy > 0.25 ? " -- other work competes: the figures will be noisy" : "");

  // crix.
  std::printf("\ncrix: PullImage %s, cold (empty root; the registry's blobs are in the page cache), %d runs\n",
              imageName.c_str(), options.runs);
  std::printf("  %-4s %7s %9s %8s %10s %8s %8s %9s %6s %7s %6s %6s %6s %6s\n", "run", "total s", "gzip MB/s",
              "tar MB/s", "daemon cpu", "(kernel)", "registry", "other cpu", "idle", "iowait", "wait", "decomp", "digest", "write");
  std::fflush(stdout);
  std::vector<CrixRun> runs;
  std::vector<double> seconds;
  for (int i = 0; i < options.runs; ++i) {
    CrixRun run = pullOnce(config, imageName, registryPid, roots.next(), deadline);
    double wait = 0, decompress = 0, digest = 0, write = 0;
    for (const auto& l : run.log.layers) wait += l.waitMs, decompress += l.decompressMs, digest += l.digestMs, write += l.writeMs;
    const double others = run.host.busy - run.daemonCpu.value_or(0) - run.registryCpu.value_or(0);
    std::printf("  %-4d %7.2f %9.1f %8.1f %9ss %7.2fs %7ss %8.2fs %5.0f%% %6.0f%% %6.0f %6.0f %6.0f %6.0f\n", i + 1,
                run.seconds, mb(image.compressed) / run.seconds, mb(costs.uncompressed) / run.seconds,
                optSeconds(run.daemonCpu).c_str(), run.daemonSystem, optSeconds(run.registryCpu).c_str(),
                std::max(0.0, others),
                run.host.total > 0
                    ? std::max(0.0, 100 * (run.host.total - run.host.busy - run.host.iowait) / run.host.total)
                    : 0.0,
                run.host.total > 0 ? 100 * run.host.iowait / run.host.total : 0.0, wait, decompress, digest, write);
    if (run.busyBefore > 0.25)
      std::printf("       (the host was %.0f%% busy just before this pull: other work competes for the CPUs)\n",
                  100 * run.busyBefore);
    if (run.log.layers.size() != image.layers.size())
      std::printf("       (the daemon logged %zu layer lines for %zu layers)\n", run.log.layers.size(),
                  image.layers.size());
    std::fflush(stdout);
    seconds.push_back(run.seconds);
    runs.push_back(std::move(run));
  }
  const double removeSeconds = roots.removeAll();
  const double crixMedian = median(seconds);
  std::printf("  (cpu: CPU seconds used during the pull by the daemon (kernel: its system time), the registry,\n"
              "   and every other process on the host;\n"
              "   idle, iowait: share of all CPUs during the pull; wait/decomp/digest/write: ms summed over\n"
              "   layers from the daemon's debug log; the roots were removed afterwards, in %.1f s)\n",
              removeSeconds);
  std::printf("  median %.2f s: %.1f MB/s compressed, %.1f MB/s uncompressed  (min %.2f s, max %.2f s)\n", crixMedian,
              mb(image.compressed) / crixMedian, mb(costs.uncompressed) / crixMedian,
              *std::min_element(seconds.begin(), seconds.end()), *std::max_element(seconds.begin(), seconds.end()));
  const CrixRun& typical = runs[medianRun(seconds)];
  if (typical.log.pulledSeconds)
    std::printf("  the daemon's own figure for run %zu (\"... layers fetched in\"): %.2f s\n", medianRun(seconds) + 1,
                *typical.log.pulledSeconds);
  std::printf("\nwhere the time goes, run %zu (the median):\n", medianRun(seconds) + 1);
  printBreakdown(typical, image);
  std::fflush(stdout);

  // skopeo.
  std::optional<double> skopeoMedian;
  if (options.skopeo) {
    std::printf("\nskopeo copy docker://%s oci:DIR, %d runs\n", pushed.c_str(), options.runs);
    std::printf("  (skopeo downloads and verifies the blobs and stores them compressed: it does NOT unpack layers\n"
                "   nor fsync; the `sync` column flushes what it wrote, outside its time)\n");
    std::printf("  %-4s %8s %10s %11s %11s %8s\n", "run", "total s", "gzip MB/s", "skopeo cpu", "registry", "sync s");
    std::vector<double> skopeoSeconds;
    for (int i = 0; i < options.runs; ++i) {
      const SkopeoRun run = skopeoOnce(pushed, registryPid, deadline);
      std::printf("  %-4d %8.2f %10.1f %10.2fs %10ss %8.2f\n", i + 1, run.seconds, mb(image.compressed) / run.seconds,
                  run.cpu, optSeconds(run.registryCpu).c_str(), run.syncSeconds);
      std::fflush(stdout);
      skopeoSeconds.push_back(run.seconds);
    }
    skopeoMedian = median(skopeoSeconds);
    std::printf("  median %.2f s: %.1f MB/s compressed\n", *skopeoMedian, mb(image.compressed) / *skopeoMedian);
  }

  std::printf("\nsummary\n");
  std::printf("  crix cold pull, median of %d: %.2f s (%.1f MB/s compressed, %.1f MB/s uncompressed)\n", options.runs,
              crixMedian, mb(image.compressed) / crixMedian, mb(costs.uncompressed) / crixMedian);
  if (skopeoMedian)
    std::printf("  skopeo copy, median of %d:    %.2f s;  crix / skopeo = %.2f  (skopeo does not unpack: crix also "
                "inflates, writes and syncs %.0f MB of files)\n",
                options.runs, *skopeoMedian, crixMedian / *skopeoMedian, mb(costs.uncompressed));
  std::printf("  reference: containerd ~3.7 s for a 276 MB image in 5 gzip layers from a local registry; crix aims at 1.5 s\n");
  std::printf("  benchmark wall time %.0f s\n", secondsSince(started));
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  const Options options = parseOptions(argc, argv);
  struct sigaction sa{};
  sa.sa_handler = onSignal;
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = SA_RESTART;
  for (const int sig : {SIGINT, SIGTERM, SIGHUP}) ::sigaction(sig, &sa, nullptr);
  std::setvbuf(stdout, nullptr, _IOLBF, 0);
  try {
    return runBenchmark(options);
  } catch (const Interrupted& e) {
    std::fprintf(stderr, "crix-bench-pull: %s; everything it started is stopped and removed\n", e.what());
    return gStop.load() == kTimeLimit ? 124 : 130;
  } catch (const std::exception& e) {
    std::fflush(stdout);
    if (const int s = gStop.load()) {  // a step failed because its process was stopped
      std::fprintf(stderr, "crix-bench-pull: %s; everything it started is stopped and removed\n",
                   s == kTimeLimit ? "time limit reached" : ::strsignal(s));
      return s == kTimeLimit ? 124 : 130;
    }
    std::fprintf(stderr, "crix-bench-pull: %s\n", e.what());
    return 1;
  }
}
