#include "TokenServer.h"

#include <openssl/ecdsa.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <memory>
#include <nlohmann/json.hpp>
#include <stdexcept>

#include "core/Base64.h"
#include "tests/support/LoopbackSocket.h"
#include "tests/support/Subprocess.h"

namespace crix::registry::test {

namespace fs = std::filesystem;
using crix::test::runChecked;

namespace {

std::string base64Url(std::string_view bytes) {
  std::string s = base64Encode(bytes);
  while (!s.empty() && s.back() == '=') s.pop_back();
  for (char& c : s) c = c == '+' ? '-' : c == '/' ? '_' : c;
  return s;
}

std::string urlDecode(std::string_view s) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size()) {
      out += static_cast<char>(std::stoi(std::string(s.substr(i + 1, 2)), nullptr, 16));
      i += 2;
    } else {
      out += s[i] == '+' ? ' ' : s[i];
    }
  }
  return out;
}

std::vector<std::pair<std::string, std::string>> parseForm(std::string_view text) {
  std::vector<std::pair<std::string, std::string>> out;
  while (!text.empty()) {
    const auto amp = text.find('&');
    const auto part = text.substr(0, amp);
    const auto eq = part.find('=');
    if (eq != std::string_view::npos) out.emplace_back(urlDecode(part.substr(0, eq)), urlDecode(part.substr(eq + 1)));
    if (amp == std::string_view::npos) break;
    text.remove_prefix(amp + 1);
  }
  return out;
}

struct FileClose {
  void operator()(FILE* f) const { std::fclose(f); }
};

nlohmann::json splitActions(const std::string& actions) {
  nlohmann::json list = nlohmann::json::array();
  for (std::size_t start = 0; start <= actions.size();) {
    const auto comma = actions.find(',', start);
    list.push_back(actions.substr(start, comma == std::string::npos ? std::string::npos : comma - start));
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return list;
}

std::string response(int status, const std::string& body) {
  const char* reason = status == 200 ? "OK" : status == 401 ? "Unauthorized" : "Bad Request";
  return "HTTP/1.1 " + std::to_string(status) + " " + reason +
         "\r\nContent-Type: application/json\r\nConnection: close\r\nContent-Length: " + std::to_string(body.size()) +
         "\r\n\r\n" + body;
}

}  // namespace

TokenServer::TokenServer(const fs::path& directory)
    : key_(directory / "token-signer.key"), certificate_(directory / "token-signer.crt") {
  fs::create_directories(directory);
  runChecked({"/usr/bin/openssl", "genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out",
              key_.string()});
  runChecked({"/usr/bin/openssl", "req", "-x509", "-new", "-key", key_.string(), "-out", certificate_.string(), "-days",
              "2", "-subj", "/CN=crix token signer"});
  crix::test::LoopbackListener listener = crix::test::listenOnLoopback();
  listener_ = std::move(listener.fd);
  port_ = listener.port;
  thread_ = std::thread([this] { serve(); });
}

TokenServer::~TokenServer() {
  stopping_ = true;
  ::shutdown(listener_.get(), SHUT_RDWR);
  if (thread_.joinable()) thread_.join();
}

std::vector<std::string> TokenServer::methods() const {
  std::lock_guard lock(mutex_);
  return methods_;
}

void TokenServer::serve() {
  while (!stopping_) {
    pollfd p{.fd = listener_.get(), .events = POLLIN, .revents = 0};
    if (::poll(&p, 1, 100) <= 0) continue;
    UniqueFd client(::accept4(listener_.get(), nullptr, nullptr, SOCK_CLOEXEC));
    if (!client) continue;
    std::string request;
    char buffer[4096];
    // Headers, then as much body as Content-Length says; bounded by a timeout.
    while (true) {
      pollfd c{.fd = client.get(), .events = POLLIN, .revents = 0};
      if (::poll(&c, 1, 2000) <= 0) break;
      const ssize_t n = ::read(client.get(), buffer, sizeof buffer);
      if (n <= 0) break;
      request.append(buffer, static_cast<std::size_t>(n));
      const auto end = request.find("\r\n\r\n");
      if (end == std::string::npos) continue;
      std::size_t length = 0;
      if (const auto cl = request.find("Content-Length: "); cl != std::string::npos && cl < end) {
        length = std::stoul(request.substr(cl + 16));
      }
      if (request.size() >= end + 4 + length) break;
    }
    const std::string reply = answer(request);
    (void)!::write(client.get(), reply.data(), reply.size());
  }
}

std::string TokenServer::answer(const std::string& request) {
  ++requests_;
  const auto headerEnd = request.find("\r\n\r\n");
  const std::string head = request.substr(0, headerEnd);
  const std::string body = headerEnd == std::string::npos ? "" : request.substr(headerEnd + 4);
  const std::string method = head.substr(0, head.find(' '));
  const std::string target = head.substr(method.size() + 1, head.find(' ', method.size() + 1) - method.size() - 1);
  {
    std::lock_guard lock(mutex_);
    methods_.push_back(method);
  }
  const auto query = target.find('?');
  auto params = parseForm(method == "POST" ? std::string_view(body)
                                           : std::string_view(target).substr(query == std::string::npos ? target.size() : query + 1));
  std::string subject;
  bool trusted = false;
  if (method == "POST") {
    std::string grant, refresh;
    for (const auto& [k, v] : params) {
      if (k == "grant_type") grant = v;
      if (k == "refresh_token") refresh = v;
    }
    if (grant != "refresh_token" || refresh != kRefreshToken) return response(401, R"({"details":"bad refresh token"})");
    subject = kUser;
    trusted = true;
  } else if (const auto auth = head.find("Authorization: Basic "); auth != std::string::npos) {
    const std::string value = head.substr(auth + 21, head.find("\r\n", auth) - auth - 21);
    if (base64Decode(value) != std::string(kUser) + ":" + kPassword) return response(401, R"({"details":"bad credentials"})");
    subject = kUser;
    trusted = true;
  }
  nlohmann::json access = nlohmann::json::array();
  for (const auto& [k, v] : params) {
    if (k != "scope") continue;
    // "repository:<name>:<actions>"
    const auto first = v.find(':');
    const auto last = v.rfind(':');
    if (first == std::string::npos || last == first) continue;
    const std::string name = v.substr(first + 1, last - first - 1);
    std::string actions = v.substr(last + 1);
    if (!trusted) {
      if (!name.starts_with("public/")) continue;  // anonymous: nothing, like a private repository
      actions = "pull";
    }
    access.push_back({{"type", v.substr(0, first)}, {"name", name}, {"actions", splitActions(actions)}});
  }
  const std::string token = mintWithAccess(subject, access.dump());
  const nlohmann::json reply = method == "POST" ? nlohmann::json{{"access_token", token}, {"expires_in", 300}}
                                                : nlohmann::json{{"token", token}, {"expires_in", 300}};
  return response(200, reply.dump());
}

std::string TokenServer::mint(const std::string& subject, const std::string& repository, const std::string& actions) const {
  const nlohmann::json access = {{{"type", "repository"}, {"name", repository}, {"actions", splitActions(actions)}}};
  return mintWithAccess(subject, access.dump());
}

std::string TokenServer::mintWithAccess(const std::string& subject, const std::string& accessJson) const {
  std::unique_ptr<FILE, FileClose> certFile(std::fopen(certificate_.c_str(), "r"));
  std::unique_ptr<X509, decltype(&X509_free)> cert(PEM_read_X509(certFile.get(), nullptr, nullptr, nullptr), X509_free);
  unsigned char* der = nullptr;
  const int derLength = i2d_X509(cert.get(), &der);
  const std::string certDer(reinterpret_cast<char*>(der), static_cast<std::size_t>(derLength));
  OPENSSL_free(der);

  const nlohmann::json access = nlohmann::json::parse(accessJson);
  const auto now = std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
  static std::atomic<int> counter{0};
  const nlohmann::json header = {{"typ", "JWT"}, {"alg", "ES256"}, {"x5c", {base64Encode(certDer)}}};
  const nlohmann::json claims = {{"iss", kIssuer}, {"sub", subject}, {"aud", kService}, {"exp", now + 300},
                                 {"nbf", now - 10}, {"iat", now}, {"jti", "crix-" + std::to_string(++counter)},
                                 {"access", access}};
  const std::string signingInput = base64Url(header.dump()) + "." + base64Url(claims.dump());

  std::unique_ptr<FILE, FileClose> keyFile(std::fopen(key_.c_str(), "r"));
  std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> key(PEM_read_PrivateKey(keyFile.get(), nullptr, nullptr, nullptr),
                                                          EVP_PKEY_free);
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), EVP_MD_CTX_free);
  size_t sigLength = 0;
  if (EVP_DigestSignInit(ctx.get(), nullptr, EVP_sha256(), nullptr, key.get()) != 1 ||
      EVP_DigestSign(ctx.get(), nullptr, &sigLength, reinterpret_cast<const unsigned char*>(signingInput.data()),
                     signingInput.size()) != 1) {
    throw std::runtime_error("cannot sign token");
  }
  std::vector<unsigned char> sig(sigLength);
  EVP_DigestSign(ctx.get(), sig.data(), &sigLength, reinterpret_cast<const unsigned char*>(signingInput.data()),
                 signingInput.size());
  // JOSE wants r||s, OpenSSL gives DER.
  const unsigned char* p = sig.data();
  std::unique_ptr<ECDSA_SIG, decltype(&ECDSA_SIG_free)> ecdsa(d2i_ECDSA_SIG(nullptr, &p, static_cast<long>(sigLength)),
                                                               ECDSA_SIG_free);
  unsigned char raw[64];
  BN_bn2binpad(ECDSA_SIG_get0_r(ecdsa.get()), raw, 32);
  BN_bn2binpad(ECDSA_SIG_get0_s(ecdsa.get()), raw + 32, 32);
  return signingInput + "." + base64Url(std::string_view(reinterpret_cast<char*>(raw), 64));
}

}  // namespace crix::registry::test
