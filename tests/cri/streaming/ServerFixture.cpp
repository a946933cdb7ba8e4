#include "tests/cri/streaming/ServerFixture.h"

#include <arpa/inet.h>
#include <dirent.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>

#include <stdexcept>
#include <thread>

namespace crix::streaming::test {

ServerFixture::ServerFixture(StreamServerOptions options) {
  options.address = "127.0.0.1";
  options.port = 0;
  server = std::make_unique<StreamServer>(options, backend);
  server->start();
}

ServerFixture::~ServerFixture() { server->stop(); }

std::string ServerFixture::wsUrl(const std::string& httpUrl) { return "ws" + httpUrl.substr(4); }

std::string ServerFixture::pathOf(const std::string& url) {
  const size_t scheme = url.find("://");
  return url.substr(url.find('/', scheme + 3));
}

UniqueFd connectLoopback(int port) {
  UniqueFd fd(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<uint16_t>(port));
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (!fd || ::connect(fd.get(), reinterpret_cast<sockaddr*>(&address), sizeof address) != 0)
    throw std::runtime_error("cannot connect to 127.0.0.1:" + std::to_string(port));
  return fd;
}

std::string rawExchange(int port, const std::string& request) {
  UniqueFd fd = connectLoopback(port);
  if (::send(fd.get(), request.data(), request.size(), MSG_NOSIGNAL) != static_cast<ssize_t>(request.size()))
    throw std::runtime_error("short send");
  std::string response;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (std::chrono::steady_clock::now() < deadline) {
    pollfd p{fd.get(), POLLIN, 0};
    if (::poll(&p, 1, 200) <= 0) continue;
    char buffer[4096];
    const ssize_t n = ::recv(fd.get(), buffer, sizeof buffer, 0);
    if (n <= 0) return response;
    response.append(buffer, static_cast<size_t>(n));
  }
  throw std::runtime_error("the server did not close the connection; got: " + response);
}

int statusOf(const std::string& response) {
  if (response.size() < 12 || !response.starts_with("HTTP/1.1 ")) return -1;
  return std::stoi(response.substr(9, 3));
}

namespace {
size_t countEntries(const char* path) {
  size_t n = 0;
  DIR* dir = ::opendir(path);
  if (!dir) return 0;
  while (dirent* e = ::readdir(dir))
    if (e->d_name[0] != '.') ++n;
  ::closedir(dir);
  return n;
}
}  // namespace

size_t openFdCount() { return countEntries("/proc/self/fd") - 1; }  // minus opendir's own
size_t threadCount() { return countEntries("/proc/self/task"); }

}  // namespace crix::streaming::test
