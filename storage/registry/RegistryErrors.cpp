#include "storage/registry/RegistryErrors.h"

#include <nlohmann/json.hpp>

namespace crix::registry {

std::string registryErrorDetail(const std::string& body) {
  const nlohmann::json doc = nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (!doc.is_object()) return {};
  const auto errors = doc.find("errors");
  if (errors == doc.end() || !errors->is_array()) return {};
  std::string out;
  for (const auto& error : *errors) {
    if (!error.is_object()) continue;
    std::string part;
    if (const auto code = error.find("code"); code != error.end() && code->is_string()) part = code->get<std::string>();
    if (const auto message = error.find("message"); message != error.end() && message->is_string()) {
      part += (part.empty() ? "" : ": ") + message->get<std::string>();
    }
    if (part.empty()) continue;
    if (!out.empty()) out += "; ";
    out += part;
    if (out.size() > 500) break;
  }
  return out.substr(0, 500);
}

Error registryHttpError(const HttpResponse& response, const std::string& what) {
  std::string detail = registryErrorDetail(response.body);
  std::string message = what + ": registry answered HTTP " + std::to_string(response.status);
  if (!detail.empty()) message += " (" + detail + ")";
  const long status = response.status;
  if (status == 404) return Error::notFound(message);
  if (status == 401) return Error::unauthenticated(message);
  if (status == 403) return Error::permissionDenied(message);
  if (status == 429) return Error(StatusCode::ResourceExhausted, message + "; the registry is rate limiting pulls");
  if (status == 400 || status == 405 || status == 406 || status == 415) return Error::invalidArgument(message);
  if (status >= 500) return Error::unavailable(message);
  return Error(StatusCode::Unknown, message);
}

}  // namespace crix::registry
