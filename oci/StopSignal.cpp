#include "oci/StopSignal.h"
#include "cri/api/Cri.h"  // before <signal.h>; see Cri.h

#include <signal.h>

#include <array>
#include <cctype>
#include <charconv>
#include <optional>
#include <string>
#include <tuple>
#include <utility>

#include "core/Error.h"

namespace crix::oci {
namespace {

struct NamedSignal {
  std::string_view name;  // without "SIG"
  int number;
};

constexpr std::array<NamedSignal, 34> kSignals = {{
    {"ABRT", SIGABRT}, {"ALRM", SIGALRM}, {"BUS", SIGBUS},       {"CHLD", SIGCHLD},
    {"CLD", SIGCHLD},  {"CONT", SIGCONT}, {"FPE", SIGFPE},       {"HUP", SIGHUP},
    {"ILL", SIGILL},   {"INT", SIGINT},   {"IO", SIGIO},         {"IOT", SIGIOT},
    {"KILL", SIGKILL}, {"PIPE", SIGPIPE}, {"POLL", SIGPOLL},     {"PROF", SIGPROF},
    {"PWR", SIGPWR},   {"QUIT", SIGQUIT}, {"SEGV", SIGSEGV},     {"STKFLT", SIGSTKFLT},
    {"STOP", SIGSTOP}, {"SYS", SIGSYS},   {"TERM", SIGTERM},     {"TRAP", SIGTRAP},
    {"TSTP", SIGTSTP}, {"TTIN", SIGTTIN}, {"TTOU", SIGTTOU},     {"URG", SIGURG},
    {"USR1", SIGUSR1}, {"USR2", SIGUSR2}, {"VTALRM", SIGVTALRM}, {"WINCH", SIGWINCH},
    {"XCPU", SIGXCPU}, {"XFSZ", SIGXFSZ},
}};

std::optional<int> number(std::string_view text) {
  int v = 0;
  if (text.empty()) return std::nullopt;
  const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc{} || ptr != text.data() + text.size()) return std::nullopt;
  return v;
}

// "RTMIN", "RTMIN+3", "RTMINPLUS3", "RTMAX-2", "RTMAXMINUS2".
std::optional<int> realtime(std::string_view name) {
  for (const auto& [base, value, plus, minus] :
       {std::tuple{std::string_view("RTMIN"), SIGRTMIN, "+", "PLUS"},
        std::tuple{std::string_view("RTMAX"), SIGRTMAX, "-", "MINUS"}}) {
    if (!name.starts_with(base)) continue;
    std::string_view rest = name.substr(base.size());
    if (rest.empty()) return value;
    const std::string_view sign = rest.starts_with(plus)    ? plus
                                  : rest.starts_with(minus) ? minus
                                                            : "";
    if (sign.empty()) return std::nullopt;
    const auto offset = number(rest.substr(sign.size()));
    if (!offset || *offset < 0) return std::nullopt;
    const int signal = base == "RTMIN" ? value + *offset : value - *offset;
    if (signal < SIGRTMIN || signal > SIGRTMAX) return std::nullopt;
    return signal;
  }
  return std::nullopt;
}

}  // namespace

int parseSignal(std::string_view text) {
  if (const auto n = number(text)) {
    if (*n < 1 || *n > SIGRTMAX) {
      throw Error::invalidArgument("signal " + std::string(text) + " is out of range");
    }
    return *n;
  }
  std::string name;
  for (const char c : text) name += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  if (name.starts_with("SIG")) name.erase(0, 3);
  for (const auto& s : kSignals) {
    if (s.name == name) return s.number;
  }
  if (const auto rt = realtime(name)) return *rt;
  throw Error::invalidArgument("unknown signal \"" + std::string(text) + "\"");
}

int stopSignal(const runtime::v1::ContainerConfig& config,
               const registry::ImageRuntimeConfig& image) {
  if (config.stop_signal() != runtime::v1::RUNTIME_DEFAULT) {
    return parseSignal(runtime::v1::Signal_Name(config.stop_signal()));
  }
  if (!image.stopSignal.empty()) return parseSignal(image.stopSignal);
  return SIGTERM;
}

}  // namespace crix::oci
