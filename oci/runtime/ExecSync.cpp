#include "oci/runtime/ExecSync.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>

#include "core/Error.h"
#include "core/Log.h"
#include "core/PrivateDirectory.h"
#include "core/ProcessRunner.h"
#include "core/UniqueFd.h"
#include "oci/runtime/ExitFile.h"
#include "oci/runtime/MonitorLauncher.h"

namespace crix::oci {
namespace {


// crix-conmon enforces the timeout itself and then waits up to 5 s for the
// processes to go; this margin only guards against crix-conmon hanging.
constexpr std::chrono::seconds kMonitorGrace{60};
// No timeout asked: still bounded, so a wedged monitor cannot hold a thread forever.
constexpr std::chrono::hours kUnboundedExec{24 * 7};

void writeFileOrThrow(const std::string& path, const std::string& text) {
  UniqueFd fd(::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600));
  if (!fd) throw Error::fromErrno("create " + path, errno);
  std::size_t done = 0;
  while (done < text.size()) {
    const ssize_t n = ::write(fd.get(), text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) throw Error::fromErrno("write " + path, errno);
    done += static_cast<std::size_t>(n);
  }
}

// Reads at most `limit` bytes; `truncated` when the file is longer.
std::string readCapped(const std::string& path, std::size_t limit, bool& truncated) {
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd) {
    if (errno == ENOENT) return "";
    throw Error::fromErrno("open " + path, errno);
  }
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0) throw Error::fromErrno("stat " + path, errno);
  if (static_cast<std::size_t>(st.st_size) > limit) truncated = true;
  std::string data(std::min(limit, static_cast<std::size_t>(st.st_size)), '\0');
  std::size_t done = 0;
  while (done < data.size()) {
    const ssize_t n =
        ::pread(fd.get(), data.data() + done, data.size() - done, static_cast<off_t>(done));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) throw Error::fromErrno("read " + path, errno);
    if (n == 0) break;
    done += static_cast<std::size_t>(n);
  }
  data.resize(done);
  return data;
}

}  // namespace

nlohmann::json execProcessFromSpec(const nlohmann::json& specProcess,
                                   const std::vector<std::string>& cmd, bool tty) {
  if (cmd.empty()) throw Error::invalidArgument("exec: the command is empty");
  nlohmann::json p = specProcess.is_object() ? specProcess : nlohmann::json::object();
  p["args"] = cmd;
  p["terminal"] = tty;
  p.erase("consoleSize");
  if (!p.contains("cwd")) p["cwd"] = "/";
  if (!p.contains("user")) p["user"] = {{"uid", 0}, {"gid", 0}};
  if (tty) {
    auto& env = p["env"];
    if (!env.is_array()) env = nlohmann::json::array();
    bool hasTerm = false;
    for (const auto& e : env)
      hasTerm = hasTerm || (e.is_string() && e.get<std::string>().rfind("TERM=", 0) == 0);
    if (!hasTerm) env.push_back("TERM=xterm");
  }
  return p;
}

ExecSyncResult execSync(const RuntimeHandlerInfo& runtime, const std::string& containerId,
                        const nlohmann::json& ociProcess, std::chrono::seconds timeout,
                        const std::string& scratchDir) {
  const PrivateDirectory dir(scratchDir, "exec");
  const bool tty = ociProcess.value("terminal", false);
  writeFileOrThrow(dir / "process.json", ociProcess.dump());

  std::vector<std::string> argv = {runtime.monitorPath, "exec",      "--cid",
                                   containerId,         "--runtime", runtime.runtimePath};
  if (!runtime.runtimeRoot.empty())
    argv.insert(argv.end(), {"--runtime-root", runtime.runtimeRoot});
  argv.insert(argv.end(),
              {"--process", dir / "process.json", "--exit-file", dir / "exit", "--stdout-file",
               dir / "stdout", "--stderr-file", dir / "stderr", "--pid-file", dir / "pid"});
  if (tty) argv.push_back("--terminal");
  if (timeout.count() > 0) argv.insert(argv.end(), {"--timeout", std::to_string(timeout.count())});

  ProcessSpec spec;
  spec.argv = argv;
  spec.env = monitorEnvironment(runtime);
  spec.timeout =
      timeout.count() > 0
          ? std::chrono::duration_cast<std::chrono::milliseconds>(timeout + kMonitorGrace)
          : std::chrono::duration_cast<std::chrono::milliseconds>(kUnboundedExec);
  spec.maxOutput = 64 * 1024;  // crix-conmon's own diagnostics
  const ProcessOutcome monitor = runProcess(spec);

  const auto record = readExitFile(dir / "exit");
  if (!record) {
    const std::string how = monitor.timedOut ? "hung and was killed"
                            : monitor.signal
                                ? "was killed by signal " + std::to_string(monitor.signal)
                                : "exited with " + std::to_string(monitor.exitCode);
    throw Error::internal("exec in container " + containerId + ": crix-conmon " + how +
                          " without an exit file" +
                          (monitor.err.empty() ? "" : ": " + monitor.err));
  }
  if (!record->error.empty()) {
    throw Error(StatusCode::Unknown, "exec failed: " + record->error);
  }
  ExecSyncResult result;
  result.exitCode = record->exitCode;
  result.timedOut = record->timedOut;
  result.stdoutData = readCapped(dir / "stdout", kMaxExecSyncOutput, result.outputTruncated);
  result.stderrData = readCapped(dir / "stderr", kMaxExecSyncOutput, result.outputTruncated);
  if (result.outputTruncated) {
    log::warn("exec in container ", containerId, ": output longer than ", kMaxExecSyncOutput,
              " bytes was cut off");
  }
  return result;
}

}  // namespace crix::oci
