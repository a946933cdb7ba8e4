#include "contrib/crixctl/RegistryAuth.h"

#include <termios.h>
#include <unistd.h>

#include <iostream>

#include "core/Error.h"

namespace crixctl {
namespace {

// Turns echo off for as long as it lives, and back on even when reading throws.
class EchoOff {
 public:
  EchoOff() : active_(::tcgetattr(STDIN_FILENO, &saved_) == 0) {
    if (!active_) return;
    termios quiet = saved_;
    quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
    ::tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet);
  }
  ~EchoOff() {
    if (active_) ::tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved_);
  }
  EchoOff(const EchoOff&) = delete;
  EchoOff& operator=(const EchoOff&) = delete;

 private:
  termios saved_{};
  bool active_;
};

std::string readPassword() {
  std::string password;
  if (::isatty(STDIN_FILENO)) {
    // On stdout, where crictl asks too.
    std::cout << "Enter Password:" << std::flush;
    {
      EchoOff quiet;
      std::getline(std::cin, password);
    }
    std::cout << "\n";
  } else {
    // crictl can only ask a terminal; reading a line from a pipe as well
    // lets scripts pass the password without putting it on the command line.
    std::getline(std::cin, password);
  }
  if (!password.empty() && password.back() == '\r') password.pop_back();
  return password;
}

}  // namespace

std::optional<runtime::v1::AuthConfig> registryAuth(const AuthFlags& flags) {
  runtime::v1::AuthConfig config;
  if (!flags.username.empty()) {
    config.set_username(flags.username);
    config.set_password(readPassword());
    return config;
  }
  if (!flags.creds.empty() && !flags.auth.empty())
    throw crix::Error::invalidArgument("both `--creds` and `--auth` are specified");
  if (!flags.creds.empty()) {
    const auto colon = flags.creds.find(':');
    if (colon == std::string::npos) {
      config.set_username(flags.creds);
      return config;
    }
    if (colon == 0) throw crix::Error::invalidArgument("username can't be empty");
    config.set_username(flags.creds.substr(0, colon));
    config.set_password(flags.creds.substr(colon + 1));
    return config;
  }
  if (!flags.auth.empty()) {
    config.set_auth(flags.auth);
    return config;
  }
  return std::nullopt;
}

std::vector<OptionSpec> registryAuthOptions(const std::string& usernameUsage) {
  using Kind = OptionSpec::Kind;
  return {
      {.name = "creds",
       .kind = Kind::Value,
       .usage = "Use `USERNAME[:PASSWORD]` for accessing the registry",
       .envVar = "CRICTL_CREDS"},
      {.name = "auth",
       .kind = Kind::Value,
       .usage = "Use `AUTH_STRING` for accessing the registry. AUTH_STRING is a base64 encoded 'USERNAME[:PASSWORD]'",
       .envVar = "CRICTL_AUTH"},
      {.name = "username", .shortName = "u", .kind = Kind::Value, .usage = usernameUsage},
  };
}

std::optional<runtime::v1::AuthConfig> registryAuth(const ParsedOptions& options) {
  return registryAuth(AuthFlags{.creds = options.valueOrEnv("creds"),
                                .auth = options.valueOrEnv("auth"),
                                .username = options.value("username")});
}

}  // namespace crixctl
