#include "oci/runtime/OciRuntime.h"

#include <algorithm>
#include <cctype>

#include "core/Error.h"
#include "core/Log.h"
#include "core/ProcessRunner.h"

namespace crix::oci {

struct OciRuntime::Result {
  ProcessOutcome outcome;
  std::string command;

  // runc writes logrus lines (time="..." level=error msg="...") to stderr;
  // the whole text is kept, trimmed, so the message names runc's reason.
  std::string errorText() const {
    std::string text = outcome.err.empty() ? outcome.out : outcome.err;
    while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) text.pop_back();
    return text;
  }
  std::string describe() const {
    std::string how = outcome.timedOut ? "timed out and was killed"
                      : outcome.signal ? "was killed by signal " + std::to_string(outcome.signal)
                                       : "exited with " + std::to_string(outcome.exitCode);
    const std::string text = errorText();
    return command + " " + how + (text.empty() ? "" : ": " + text);
  }
};

bool runtimeSaysNotFound(const std::string& stderrText) {
  std::string lower = stderrText;
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return lower.find("does not exist") != std::string::npos ||
         lower.find("container not found") != std::string::npos;
}

OciRuntime::OciRuntime(RuntimeHandlerInfo runtime, std::chrono::milliseconds timeout)
    : runtime_(std::move(runtime)), timeout_(timeout) {}

std::vector<std::string> OciRuntime::baseArgv() const {
  std::vector<std::string> argv = {runtime_.runtimePath};
  if (!runtime_.runtimeRoot.empty()) {
    argv.push_back("--root");
    argv.push_back(runtime_.runtimeRoot);
  }
  return argv;
}

OciRuntime::Result OciRuntime::run(std::vector<std::string> args,
                                   const std::string& stdinData) const {
  ProcessSpec spec;
  spec.argv = baseArgv();
  spec.argv.insert(spec.argv.end(), args.begin(), args.end());
  spec.stdinData = stdinData;
  spec.timeout = timeout_;
  Result r{runProcess(spec), commandLine(spec.argv)};
  log::debug("ran ", r.command, ": exit ", r.outcome.exitCode);
  if (r.outcome.timedOut) {
    throw Error(StatusCode::DeadlineExceeded,
                r.describe() + " (after " + std::to_string(timeout_.count()) + " ms)");
  }
  return r;
}

void OciRuntime::start(const std::string& id) const {
  const Result r = run({"start", id});
  if (r.outcome.ok()) return;
  if (runtimeSaysNotFound(r.errorText())) throw Error::notFound(r.describe());
  throw Error(StatusCode::Unknown, r.describe());
}

void OciRuntime::kill(const std::string& id, int signal, bool all) const {
  std::vector<std::string> args = {"kill"};
  if (all) args.push_back("--all");
  args.push_back(id);
  args.push_back(std::to_string(signal));
  const Result r = run(args);
  if (r.outcome.ok()) return;
  const std::string text = r.errorText();
  if (runtimeSaysNotFound(text)) throw Error::notFound(r.describe());
  // runc 1.1: "container not running"; newer: "process already finished".
  if (text.find("not running") != std::string::npos ||
      text.find("already finished") != std::string::npos) {
    throw Error::failedPrecondition(r.describe());
  }
  throw Error(StatusCode::Unknown, r.describe());
}

void OciRuntime::remove(const std::string& id, bool force) const {
  std::vector<std::string> args = {"delete"};
  if (force) args.push_back("--force");
  args.push_back(id);
  const Result r = run(args);
  if (r.outcome.ok() || runtimeSaysNotFound(r.errorText())) return;
  throw Error(StatusCode::Unknown, r.describe());
}

std::optional<ContainerRuntimeStatus> OciRuntime::state(const std::string& id) const {
  const Result r = run({"state", id});
  if (!r.outcome.ok()) {
    if (runtimeSaysNotFound(r.errorText())) return std::nullopt;
    throw Error(StatusCode::Unknown, r.describe());
  }
  try {
    const auto j = nlohmann::json::parse(r.outcome.out);
    ContainerRuntimeStatus s;
    s.status = j.at("status").get<std::string>();
    s.pid = j.value("pid", 0);
    return s;
  } catch (const nlohmann::json::exception& e) {
    throw Error::internal(r.command + " printed what is not its state JSON (" + e.what() +
                          "): " + r.outcome.out.substr(0, 512));
  }
}

void OciRuntime::update(const std::string& id, const nlohmann::json& linuxResources) const {
  // "-" reads the resources from stdin: no temporary file to clean up.
  const Result r = run({"update", "--resources", "-", id}, linuxResources.dump());
  if (r.outcome.ok()) return;
  if (runtimeSaysNotFound(r.errorText())) throw Error::notFound(r.describe());
  throw Error(StatusCode::Unknown,
              "updating resources for container " + id + " failed: " + r.describe());
}

void OciRuntime::pause(const std::string& id) const {
  const Result r = run({"pause", id});
  if (r.outcome.ok()) return;
  if (runtimeSaysNotFound(r.errorText())) throw Error::notFound(r.describe());
  throw Error(StatusCode::Unknown, r.describe());
}

void OciRuntime::resume(const std::string& id) const {
  const Result r = run({"resume", id});
  if (r.outcome.ok()) return;
  if (runtimeSaysNotFound(r.errorText())) throw Error::notFound(r.describe());
  throw Error(StatusCode::Unknown, r.describe());
}

}  // namespace crix::oci
