#include "cri/streaming/http/HttpHeaders.h"

#include <algorithm>

namespace crix::streaming {

namespace {

char lowerAscii(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

std::string_view trimOws(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

}  // namespace

bool equalsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i)
    if (lowerAscii(a[i]) != lowerAscii(b[i])) return false;
  return true;
}

void HttpHeaders::add(std::string name, std::string value) {
  fields_.emplace_back(std::move(name), std::move(value));
}

void HttpHeaders::set(std::string name, std::string value) {
  std::erase_if(fields_, [&](const Field& f) { return equalsIgnoreCase(f.first, name); });
  add(std::move(name), std::move(value));
}

bool HttpHeaders::has(std::string_view name) const { return get(name).has_value(); }

std::optional<std::string_view> HttpHeaders::get(std::string_view name) const {
  for (const auto& [n, v] : fields_)
    if (equalsIgnoreCase(n, name)) return std::string_view(v);
  return std::nullopt;
}

std::vector<std::string_view> HttpHeaders::getAll(std::string_view name) const {
  std::vector<std::string_view> values;
  for (const auto& [n, v] : fields_)
    if (equalsIgnoreCase(n, name)) values.emplace_back(v);
  return values;
}

size_t HttpHeaders::count(std::string_view name) const {
  return static_cast<size_t>(std::count_if(fields_.begin(), fields_.end(),
                                           [&](const Field& f) { return equalsIgnoreCase(f.first, name); }));
}

std::vector<std::string> HttpHeaders::listValues(std::string_view name) const {
  std::vector<std::string> elements;
  for (std::string_view value : getAll(name)) {
    while (true) {
      const size_t comma = value.find(',');
      const std::string_view element = trimOws(value.substr(0, comma));
      if (!element.empty()) elements.emplace_back(element);
      if (comma == std::string_view::npos) break;
      value.remove_prefix(comma + 1);
    }
  }
  return elements;
}

bool HttpHeaders::hasToken(std::string_view name, std::string_view token) const {
  for (const auto& element : listValues(name))
    if (equalsIgnoreCase(element, token)) return true;
  return false;
}

}  // namespace crix::streaming
