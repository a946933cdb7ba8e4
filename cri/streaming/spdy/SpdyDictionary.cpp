#include "cri/streaming/spdy/SpdyDictionary.h"

#include <string_view>
#include <vector>

#include "cri/streaming/spdy/SpdyWire.h"

namespace crix::spdy {

namespace {

// The dictionary is shaped like a header block: common names and values,
// each behind its 32-bit length, then a run of raw text (status codes and
// reasons, dates, media types) without lengths.
constexpr std::string_view kWords[] = {
    "options", "head", "post", "put", "delete", "trace", "accept", "accept-charset",
    "accept-encoding", "accept-language", "accept-ranges", "age", "allow", "authorization",
    "cache-control", "connection", "content-base", "content-encoding", "content-language",
    "content-length", "content-location", "content-md5", "content-range", "content-type",
    "date", "etag", "expect", "expires", "from", "host", "if-match", "if-modified-since",
    "if-none-match", "if-range", "if-unmodified-since", "last-modified", "location",
    "max-forwards", "pragma", "proxy-authenticate", "proxy-authorization", "range",
    "referer", "retry-after", "server", "te", "trailer", "transfer-encoding", "upgrade",
    "user-agent", "vary", "via", "warning", "www-authenticate", "method", "get", "status",
    "200 OK", "version", "HTTP/1.1", "url", "public", "set-cookie", "keep-alive", "origin",
};

constexpr std::string_view kTail =
    "100101201202205206300302303304305306307402405406407408409410411412413414415416417502504505"
    "203 Non-Authoritative Information204 No Content301 Moved Permanently400 Bad Request"
    "401 Unauthorized403 Forbidden404 Not Found500 Internal Server Error501 Not Implemented"
    "503 Service UnavailableJan Feb Mar Apr May Jun Jul Aug Sept Oct Nov Dec 00:00:00 "
    "Mon, Tue, Wed, Thu, Fri, Sat, Sun, GMTchunked,text/html,image/png,image/jpg,image/gif,"
    "application/xml,application/xhtml+xml,text/plain,text/javascript,publicprivatemax-age="
    "gzip,deflate,sdchcharset=utf-8charset=iso-8859-1,utf-,*,enq=0.";

std::vector<uint8_t> build() {
  std::vector<uint8_t> out;
  for (std::string_view word : kWords) {
    appendU32(out, static_cast<uint32_t>(word.size()));
    out.insert(out.end(), word.begin(), word.end());
  }
  out.insert(out.end(), kTail.begin(), kTail.end());
  return out;
}

}  // namespace

std::span<const uint8_t> headerDictionary() {
  static const std::vector<uint8_t> dictionary = build();
  return dictionary;
}

}  // namespace crix::spdy
