// The header fields of one HTTP/1.1 message, in the order they came, with
// names compared case-insensitively (RFC 9110 5.1). A name may repeat:
// kubelet's clients send X-Stream-Protocol-Version once per offered protocol.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace crix::streaming {

bool equalsIgnoreCase(std::string_view a, std::string_view b);

class HttpHeaders {
 public:
  using Field = std::pair<std::string, std::string>;

  void add(std::string name, std::string value);
  // Drops every field called `name`, then adds one.
  void set(std::string name, std::string value);

  bool has(std::string_view name) const;
  // The first field called `name`.
  std::optional<std::string_view> get(std::string_view name) const;
  std::vector<std::string_view> getAll(std::string_view name) const;
  size_t count(std::string_view name) const;

  // Every field called `name` split at commas, each element trimmed of
  // spaces and tabs, empty elements dropped: the list form of RFC 9110 5.6.1
  // that Connection, Upgrade and Sec-WebSocket-Protocol use.
  std::vector<std::string> listValues(std::string_view name) const;
  // True when one of those list elements equals `token` ignoring case.
  bool hasToken(std::string_view name, std::string_view token) const;

  const std::vector<Field>& fields() const { return fields_; }
  size_t size() const { return fields_.size(); }

 private:
  std::vector<Field> fields_;
};

}  // namespace crix::streaming
