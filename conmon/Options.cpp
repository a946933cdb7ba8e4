#include "conmon/Options.h"

#include <algorithm>
#include <cstdint>
#include <optional>
#include <string_view>

#include "conmon/Text.h"
#include "core/Error.h"

namespace crix::conmon {

const char* const kUsage =
    "usage: crix-conmon [create] --cid ID --bundle DIR --runtime PATH [--runtime-root DIR]\n"
    "         [--runtime-arg ARG]... --log-path FILE [--log-size-max BYTES] [--terminal]\n"
    "         [--stdin] [--stdin-once] --exit-file FILE --attach-socket PATH --ctl-fifo PATH\n"
    "         --pid-file PATH [--sync-fd N] [--cgroup-path PATH] [--conmon-pid-file PATH]\n"
    "         [--log-level LEVEL]\n"
    "       crix-conmon exec --cid ID --runtime PATH [--runtime-root DIR] [--runtime-arg ARG]...\n"
    "         --process FILE [--terminal] [--timeout SECONDS] --exit-file FILE\n"
    "         [--stdout-file FILE] [--stderr-file FILE] [--pid-file PATH] [--sync-fd N]\n"
    "         [--conmon-pid-file PATH] [--log-level LEVEL]\n"
    "       crix-conmon exec ... --attach-socket PATH --ctl-fifo PATH [--stdin] [--kill-on-detach]\n"
    "         (streaming: instead of --stdout-file/--stderr-file)\n"
    "       crix-conmon --version | --help\n"
    "See conmon/README.md for the protocol.\n";

namespace {

[[noreturn]] void usageError(std::string_view message) {
  throw Error::invalidArgument(std::string(message));
}

int64_t number(std::string_view name, std::string_view text, int64_t min) {
  const auto value = parseDecimal(text);
  if (!value || *value < min)
    usageError("--" + std::string(name) + " needs a whole number >= " + std::to_string(min) +
               ", not \"" + std::string(text) + "\"");
  return *value;
}

void require(bool present, std::string_view name) {
  if (!present) usageError("--" + std::string(name) + " is required");
}

}  // namespace

void parseOptions(int argc, char** argv, Options& o) {
  int i = 1;
  if (i < argc && std::string_view(argv[i]) == "exec") {
    o.mode = Mode::Exec;
    ++i;
  } else if (i < argc && std::string_view(argv[i]) == "create") {
    ++i;
  }
  const bool exec = o.mode == Mode::Exec;

  for (; i < argc; ++i) {
    const std::string_view arg = argv[i];
    if (arg.size() < 3 || !arg.starts_with("--")) usageError("unexpected argument \"" + std::string(arg) + "\"");
    const size_t eq = arg.find('=');
    const std::string_view name = arg.substr(2, eq == std::string_view::npos ? arg.npos : eq - 2);
    std::optional<std::string_view> inlineValue;
    if (eq != std::string_view::npos) inlineValue = arg.substr(eq + 1);

    auto value = [&]() -> std::string {
      if (inlineValue) return std::string(*inlineValue);
      if (i + 1 >= argc) usageError("--" + std::string(name) + " needs a value");
      return argv[++i];
    };
    auto flag = [&]() {
      if (inlineValue) usageError("--" + std::string(name) + " takes no value");
      return true;
    };
    auto createOnly = [&]() {
      if (exec) usageError("--" + std::string(name) + " is not an exec option");
    };
    auto execOnly = [&]() {
      if (!exec) usageError("--" + std::string(name) + " is only an exec option");
    };

    if (name == "help") {
      o.mode = Mode::Help;
      return;
    } else if (name == "version") {
      o.mode = Mode::Version;
      return;
    } else if (name == "cid") {
      o.cid = value();
    } else if (name == "runtime") {
      o.runtime = value();
    } else if (name == "runtime-root") {
      o.runtimeRoot = value();
    } else if (name == "runtime-arg") {
      o.runtimeArgs.push_back(value());
    } else if (name == "exit-file") {
      o.exitFile = value();
    } else if (name == "pid-file") {
      o.pidFile = value();
    } else if (name == "conmon-pid-file") {
      o.conmonPidFile = value();
    } else if (name == "terminal") {
      o.terminal = flag();
    } else if (name == "sync-fd") {
      o.syncFd = static_cast<int>(number(name, value(), 0));
    } else if (name == "log-level") {
      const std::string level = value();
      const auto parsed = diag::parseLevel(level);
      if (!parsed) usageError("unknown --log-level \"" + level + "\" (error, warn, info, debug)");
      o.logLevel = *parsed;
    } else if (name == "bundle") {
      createOnly();
      o.bundle = value();
    } else if (name == "log-path") {
      createOnly();
      o.logPath = value();
    } else if (name == "log-size-max") {
      createOnly();
      // CRI-O passes -1 for "no limit"; anything <= 0 means that.
      o.logSizeMax = std::max<int64_t>(0, number(name, value(), INT64_MIN));
    } else if (name == "stdin") {
      o.withStdin = flag();
    } else if (name == "stdin-once") {
      createOnly();
      o.withStdin = o.stdinOnce = flag();
    } else if (name == "attach-socket") {
      o.attachSocket = value();
    } else if (name == "ctl-fifo") {
      o.ctlFifo = value();
    } else if (name == "cgroup-path") {
      createOnly();
      o.cgroupPath = value();
    } else if (name == "process") {
      execOnly();
      o.processFile = value();
    } else if (name == "timeout") {
      execOnly();
      o.timeoutSeconds = number(name, value(), 0);
    } else if (name == "stdout-file") {
      execOnly();
      o.stdoutFile = value();
    } else if (name == "stderr-file") {
      execOnly();
      o.stderrFile = value();
    } else if (name == "kill-on-detach") {
      execOnly();
      o.killOnDetach = flag();
    } else {
      usageError("unknown option --" + std::string(name));
    }
  }

  require(!o.cid.empty(), "cid");
  require(!o.runtime.empty(), "runtime");
  require(!o.exitFile.empty(), "exit-file");
  if (exec) {
    require(!o.processFile.empty(), "process");
    // Streaming needs both; without them the exec has no clients to serve.
    if (o.attachSocket.empty() != o.ctlFifo.empty())
      usageError("--attach-socket and --ctl-fifo go together in exec mode");
    if (o.streaming() && (!o.stdoutFile.empty() || !o.stderrFile.empty()))
      usageError("--stdout-file and --stderr-file are not for a streaming exec (--attach-socket)");
    if (!o.streaming() && (o.withStdin || o.killOnDetach))
      usageError(std::string("--") + (o.withStdin ? "stdin" : "kill-on-detach") + " needs --attach-socket in exec mode");
  } else {
    require(!o.bundle.empty(), "bundle");
    require(!o.logPath.empty(), "log-path");
    require(!o.attachSocket.empty(), "attach-socket");
    require(!o.ctlFifo.empty(), "ctl-fifo");
    require(!o.pidFile.empty(), "pid-file");
  }
}

}  // namespace crix::conmon
