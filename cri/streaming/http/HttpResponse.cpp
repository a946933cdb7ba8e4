#include "cri/streaming/http/HttpResponse.h"

#include "core/Error.h"

namespace crix::streaming {

namespace {

bool isTokenChar(unsigned char c) {
  if (c >= '0' && c <= '9') return true;
  if ((c | 0x20) >= 'a' && (c | 0x20) <= 'z') return true;
  return std::string_view("!#$%&'*+-.^_`|~").find(static_cast<char>(c)) != std::string_view::npos;
}

void checkHeader(std::string_view name, std::string_view value) {
  if (name.empty()) throw Error::invalidArgument("empty HTTP header name");
  for (unsigned char c : name)
    if (!isTokenChar(c)) throw Error::invalidArgument("HTTP header name is not a token: " + std::string(name));
  for (unsigned char c : value)
    if (c == '\r' || c == '\n' || c == '\0')
      throw Error::invalidArgument("HTTP header " + std::string(name) + " has a line break or NUL in its value");
}

bool mayHaveBody(int status) { return status >= 200 && status != 204 && status != 304; }

}  // namespace

std::string_view reasonPhrase(int status) {
  switch (status) {
    case 100: return "Continue";
    case 101: return "Switching Protocols";
    case 200: return "OK";
    case 204: return "No Content";
    case 304: return "Not Modified";
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 408: return "Request Timeout";
    case 413: return "Content Too Large";
    case 414: return "URI Too Long";
    case 426: return "Upgrade Required";
    case 429: return "Too Many Requests";
    case 431: return "Request Header Fields Too Large";
    case 500: return "Internal Server Error";
    case 501: return "Not Implemented";
    case 503: return "Service Unavailable";
    case 505: return "HTTP Version Not Supported";
    default: return "Unknown";
  }
}

std::string HttpResponse::serialize() const {
  if (status < 100 || status > 999) throw Error::invalidArgument("HTTP status out of range: " + std::to_string(status));
  std::string out = "HTTP/1.1 " + std::to_string(status) + " " + std::string(reasonPhrase(status)) + "\r\n";
  for (const auto& [name, value] : headers.fields()) {
    checkHeader(name, value);
    out += name + ": " + value + "\r\n";
  }
  if (mayHaveBody(status) && !headers.has("Content-Length"))
    out += "Content-Length: " + std::to_string(body.size()) + "\r\n";
  out += "\r\n";
  if (mayHaveBody(status)) out += body;
  return out;
}

HttpResponse errorResponse(int status, std::string_view message) {
  HttpResponse response;
  response.status = status;
  response.headers.add("Content-Type", "text/plain; charset=utf-8");
  response.headers.add("X-Content-Type-Options", "nosniff");
  response.headers.add("Connection", "close");
  response.body = std::string(message) + "\n";
  return response;
}

}  // namespace crix::streaming
