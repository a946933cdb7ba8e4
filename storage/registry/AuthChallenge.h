// WWW-Authenticate challenges (RFC 7235), e.g.
//   Bearer realm="https://auth.example.com/token",service="registry",scope="repository:x:pull"
//   Basic realm="Registry"
// One header value may carry several challenges.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace crix::registry {

struct AuthChallenge {
  std::string scheme;                         // lowercase: "bearer", "basic"
  std::map<std::string, std::string> params;  // lowercase names, unquoted values

  std::string param(const std::string& name) const {
    const auto it = params.find(name);
    return it == params.end() ? std::string() : it->second;
  }
};

// Tolerant: malformed parts are skipped rather than failing, since a
// registry's odd header should not hide a usable challenge next to it.
std::vector<AuthChallenge> parseAuthChallenges(std::string_view headerValue);

}  // namespace crix::registry
