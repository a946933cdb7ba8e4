#include "cri/sandbox/ResolvConf.h"

#include <array>
#include <cerrno>
#include <fstream>
#include <iterator>

#include "core/AtomicFile.h"
#include "core/Error.h"

namespace crix::sandbox {

namespace {

template <class List>
void appendLine(std::string& out, const char* keyword, const List& values, const char* field) {
  if (values.empty()) return;
  out += keyword;
  for (const auto& v : values) {
    if (v.empty() || v.find_first_of(" \t\r\n\v\f") != std::string::npos)
      throw Error::invalidArgument("DNSConfig " + std::string(field) + " entry \"" + v +
                                   "\" is empty or contains whitespace");
    out += ' ';
    out += v;
  }
  out += '\n';
}

}  // namespace

std::string resolvConfText(const runtime::v1::DNSConfig& dns) {
  std::string text;
  appendLine(text, "search", dns.searches(), "searches");
  for (const auto& server : dns.servers()) {
    const std::array<std::string, 1> one{server};
    appendLine(text, "nameserver", one, "servers");
  }
  appendLine(text, "options", dns.options(), "options");
  return text;
}

void writeResolvConf(const std::string& path, const runtime::v1::DNSConfig& dns,
                     const std::string& hostResolvConf) {
  if (dns.servers().empty() && dns.searches().empty() && dns.options().empty()) {
    std::ifstream in(hostResolvConf, std::ios::binary);
    if (!in) throw Error::fromErrno("read the node's " + hostResolvConf + " for the pod's resolv.conf", errno);
    const std::string content{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
    if (in.bad()) throw Error::internal("read the node's " + hostResolvConf + " for the pod's resolv.conf");
    writeFileAtomically(path, content);
    return;
  }
  writeFileAtomically(path, resolvConfText(dns));
}

}  // namespace crix::sandbox
