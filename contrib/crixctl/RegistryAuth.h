// Registry credentials from pull's flags, with crictl's precedence:
//   --username (password asked for)  >  --creds USER[:PASS]  >  --auth BASE64
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "contrib/crixctl/Options.h"
#include "cri/api/Cri.h"

namespace crixctl {

struct AuthFlags {
  std::string creds;
  std::string auth;
  std::string username;
};

// nullopt when no credentials were given. Throws crix::Error for --creds
// together with --auth, or for --creds with an empty user name.
std::optional<runtime::v1::AuthConfig> registryAuth(const AuthFlags& flags);

// --creds and --auth (each also taken from its CRICTL_ environment
// variable) and --username, as pull, create and run declare them; only
// --username's usage differs between those verbs.
std::vector<OptionSpec> registryAuthOptions(const std::string& usernameUsage);
// registryAuth() of what those flags were given.
std::optional<runtime::v1::AuthConfig> registryAuth(const ParsedOptions& options);

}  // namespace crixctl
