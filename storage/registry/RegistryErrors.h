// Turns a registry's HTTP error answer into a crix::Error with a status code
// that says what kind of failure it was and a message that includes the
// registry's own error code and text (distribution's {"errors":[...]}).
#pragma once

#include <string>

#include "core/Error.h"
#include "storage/registry/HttpTransport.h"

namespace crix::registry {

// `what` names the request in terms a person knows, e.g.
// "manifest latest of 127.0.0.1:5000/test".
Error registryHttpError(const HttpResponse& response, const std::string& what);

// "MANIFEST_UNKNOWN: manifest unknown; ..." from an error body, or empty.
std::string registryErrorDetail(const std::string& body);

}  // namespace crix::registry
