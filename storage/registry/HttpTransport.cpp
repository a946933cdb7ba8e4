#include "storage/registry/HttpTransport.h"

#include <openssl/ssl.h>

#include <algorithm>
#include <cctype>
#include <exception>

#include "core/Log.h"

namespace crix::registry {

namespace {

void initCurlOnce() {
  // curl_global_init is not thread-safe; a function-local static runs it once.
  static const CURLcode result = curl_global_init(CURL_GLOBAL_DEFAULT);
  if (result != CURLE_OK) throw Error::internal(std::string("curl_global_init: ") + curl_easy_strerror(result));
}

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

// State shared with the libcurl callbacks of one transfer.
struct Transfer {
  CURL* handle = nullptr;
  const HttpRequest* request = nullptr;
  HttpResponse response;
  std::exception_ptr callbackError;
};

long currentStatus(CURL* handle) {
  long status = 0;
  curl_easy_getinfo(handle, CURLINFO_RESPONSE_CODE, &status);
  return status;
}

size_t onHeader(char* data, size_t size, size_t count, void* userdata) {
  auto* transfer = static_cast<Transfer*>(userdata);
  const std::string_view line(data, size * count);
  // Each response of a redirect chain starts with its status line; only the
  // last response's headers are kept.
  if (line.starts_with("HTTP/")) {
    transfer->response.headers.clear();
    return line.size();
  }
  const auto colon = line.find(':');
  if (colon != std::string_view::npos) {
    transfer->response.headers.emplace_back(lower(std::string(trim(line.substr(0, colon)))),
                                            std::string(trim(line.substr(colon + 1))));
  }
  return line.size();
}

size_t onBodyBytes(char* data, size_t size, size_t count, void* userdata) {
  auto* transfer = static_cast<Transfer*>(userdata);
  const std::string_view chunk(data, size * count);
  const long status = currentStatus(transfer->handle);
  const HttpRequest& request = *transfer->request;
  if (status >= 300 && status < 400 && request.followRedirects) return chunk.size();
  const bool success = status >= 200 && status < 300;
  if (success && request.onBody) {
    try {
      request.onBody(chunk);
    } catch (...) {
      transfer->callbackError = std::current_exception();
      return CURL_WRITEFUNC_ERROR;
    }
    return chunk.size();
  }
  std::string& body = transfer->response.body;
  if (body.size() + chunk.size() > request.maxBodyBytes) {
    transfer->response.bodyTooLarge = true;
    if (success) return CURL_WRITEFUNC_ERROR;
    body.append(chunk.substr(0, request.maxBodyBytes - body.size()));
    return chunk.size();
  }
  body.append(chunk);
  return chunk.size();
}

CURLcode addExtraCertificates(CURL*, void* sslContext, void* userdata) {
  const auto* tls = static_cast<const RegistryTlsConfig*>(userdata);
  X509_STORE* store = SSL_CTX_get_cert_store(static_cast<SSL_CTX*>(sslContext));
  for (const X509Ptr& cert : tls->extraCaCertificates) {
    // Fails only for a certificate already present, which is fine.
    X509_STORE_add_cert(store, cert.get());
  }
  return CURLE_OK;
}

template <class T>
void setOption(CURL* handle, CURLoption option, T value) {
  const CURLcode result = curl_easy_setopt(handle, option, value);
  if (result != CURLE_OK) {
    throw Error::internal(std::string("curl_easy_setopt failed: ") + curl_easy_strerror(result));
  }
}

}  // namespace

std::optional<std::string> HttpResponse::header(std::string_view name) const {
  for (const auto& [key, value] : headers) {
    if (key == name) return value;
  }
  return std::nullopt;
}

std::vector<std::string> HttpResponse::headerValues(std::string_view name) const {
  std::vector<std::string> out;
  for (const auto& [key, value] : headers) {
    if (key == name) out.push_back(value);
  }
  return out;
}

HttpTransport::HttpTransport(HttpTimeouts timeouts, std::string userAgent)
    : timeouts_(timeouts), userAgent_(std::move(userAgent)) {
  initCurlOnce();
  share_.reset(curl_share_init());
  if (!share_) throw Error::internal("curl_share_init failed");
  curl_share_setopt(share_.get(), CURLSHOPT_LOCKFUNC, &HttpTransport::lockShare);
  curl_share_setopt(share_.get(), CURLSHOPT_UNLOCKFUNC, &HttpTransport::unlockShare);
  curl_share_setopt(share_.get(), CURLSHOPT_USERDATA, this);
  for (curl_lock_data data : {CURL_LOCK_DATA_DNS, CURL_LOCK_DATA_SSL_SESSION, CURL_LOCK_DATA_CONNECT}) {
    curl_share_setopt(share_.get(), CURLSHOPT_SHARE, data);
  }
}

HttpTransport::~HttpTransport() = default;

void HttpTransport::lockShare(CURL*, curl_lock_data data, curl_lock_access, void* self) {
  static_cast<HttpTransport*>(self)->shareLocks_[static_cast<std::size_t>(data)].lock();
}

void HttpTransport::unlockShare(CURL*, curl_lock_data data, void* self) {
  static_cast<HttpTransport*>(self)->shareLocks_[static_cast<std::size_t>(data)].unlock();
}

HttpResponse HttpTransport::perform(const HttpRequest& request) const {
  CurlEasy easy(curl_easy_init());
  if (!easy) throw Error::internal("curl_easy_init failed");
  CURL* h = easy.get();
  Transfer transfer{.handle = h, .request = &request, .response = {}, .callbackError = nullptr};
  char errorBuffer[CURL_ERROR_SIZE] = {};

  setOption(h, CURLOPT_SHARE, share_.get());
  setOption(h, CURLOPT_URL, request.url.c_str());
  setOption(h, CURLOPT_ERRORBUFFER, errorBuffer);
  setOption(h, CURLOPT_NOSIGNAL, 1L);
  setOption(h, CURLOPT_USERAGENT, userAgent_.c_str());
  setOption(h, CURLOPT_PROTOCOLS_STR, "http,https");
  setOption(h, CURLOPT_REDIR_PROTOCOLS_STR, request.allowPlainHttp ? "http,https" : "https");
  setOption(h, CURLOPT_FOLLOWLOCATION, request.followRedirects ? 1L : 0L);
  setOption(h, CURLOPT_MAXREDIRS, 10L);
  setOption(h, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(timeouts_.connect.count()));
  setOption(h, CURLOPT_LOW_SPEED_LIMIT, timeouts_.lowSpeedBytesPerSecond);
  setOption(h, CURLOPT_LOW_SPEED_TIME, std::max(1L, static_cast<long>(timeouts_.lowSpeedTime.count() / 1000)));
  if (request.timeout.count() > 0) setOption(h, CURLOPT_TIMEOUT_MS, static_cast<long>(request.timeout.count()));
  setOption(h, CURLOPT_HEADERFUNCTION, &onHeader);
  setOption(h, CURLOPT_HEADERDATA, &transfer);
  setOption(h, CURLOPT_WRITEFUNCTION, &onBodyBytes);
  setOption(h, CURLOPT_WRITEDATA, &transfer);
  // No Accept-Encoding on purpose: a transparently decoded blob would no
  // longer match its digest.

  setOption(h, CURLOPT_SSL_VERIFYPEER, request.verifyTls ? 1L : 0L);
  setOption(h, CURLOPT_SSL_VERIFYHOST, request.verifyTls ? 2L : 0L);
  if (request.tls && !request.tls->extraCaCertificates.empty()) {
    // The CA store is changed per host, so curl must not reuse a cached one.
    setOption(h, CURLOPT_CA_CACHE_TIMEOUT, 0L);
    setOption(h, CURLOPT_SSL_CTX_FUNCTION, &addExtraCertificates);
    setOption(h, CURLOPT_SSL_CTX_DATA, const_cast<RegistryTlsConfig*>(request.tls.get()));
  }
  if (request.tls && !request.tls->clientCertificate.empty()) {
    setOption(h, CURLOPT_SSLCERT, request.tls->clientCertificate.c_str());
    setOption(h, CURLOPT_SSLKEY, request.tls->clientKey.c_str());
  }

  if (request.method == "HEAD") {
    setOption(h, CURLOPT_NOBODY, 1L);
  } else if (request.method == "POST") {
    setOption(h, CURLOPT_POST, 1L);
    setOption(h, CURLOPT_POSTFIELDS, request.body.c_str());
    setOption(h, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(request.body.size()));
  } else if (request.method != "GET") {
    throw Error::internal("unsupported HTTP method " + request.method);
  }

  CurlHeaderList headers;
  for (const std::string& header : request.headers) headers.append(header.c_str());
  setOption(h, CURLOPT_HTTPHEADER, headers.get());

  log::trace("registry request: ", request.method, " ", request.url);
  const CURLcode result = curl_easy_perform(h);
  if (transfer.callbackError) std::rethrow_exception(transfer.callbackError);

  transfer.response.status = currentStatus(h);
  if (const char* effective = nullptr; curl_easy_getinfo(h, CURLINFO_EFFECTIVE_URL, &effective) == CURLE_OK && effective) {
    transfer.response.effectiveUrl = effective;
  }
  if (result == CURLE_WRITE_ERROR && transfer.response.bodyTooLarge) {
    transfer.response.body.clear();
    return std::move(transfer.response);
  }
  if (result != CURLE_OK) {
    const std::string detail = errorBuffer[0] ? errorBuffer : curl_easy_strerror(result);
    const bool tls = result == CURLE_PEER_FAILED_VERIFICATION || result == CURLE_SSL_CACERT_BADFILE;
    std::string message = request.method + " " + request.url + " failed: " + detail;
    if (result == CURLE_OPERATION_TIMEDOUT) message += " (timed out)";
    throw HttpTransportError(message, tls);
  }
  log::trace("registry response: ", transfer.response.status, " for ", request.url);
  return std::move(transfer.response);
}

std::string urlEncode(std::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : text) {
    if (std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

std::string urlHostPort(std::string_view url) {
  for (std::string_view scheme : {"https://", "http://"}) {
    if (url.starts_with(scheme)) {
      url.remove_prefix(scheme.size());
      const auto end = url.find_first_of("/?#");
      std::string_view authority = url.substr(0, end);
      if (const auto at = authority.rfind('@'); at != std::string_view::npos) authority.remove_prefix(at + 1);
      return std::string(authority);
    }
  }
  return {};
}

}  // namespace crix::registry
