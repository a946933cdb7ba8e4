#include "storage/registry/AuthChallenge.h"

#include <algorithm>
#include <cctype>

namespace crix::registry {

namespace {

bool isTokenChar(char c) {
  if (std::isalnum(static_cast<unsigned char>(c))) return true;
  return std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
}

std::string lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::tolower(c); });
  return out;
}

class Cursor {
 public:
  explicit Cursor(std::string_view text) : text_(text) {}

  bool done() const { return pos_ >= text_.size(); }
  char peek() const { return done() ? '\0' : text_[pos_]; }
  void skipSpaces() {
    while (!done() && (text_[pos_] == ' ' || text_[pos_] == '\t')) ++pos_;
  }
  void skipSpacesAndCommas() {
    while (!done() && (text_[pos_] == ' ' || text_[pos_] == '\t' || text_[pos_] == ',')) ++pos_;
  }
  std::string_view token() {
    const std::size_t start = pos_;
    while (!done() && isTokenChar(text_[pos_])) ++pos_;
    return text_.substr(start, pos_ - start);
  }
  // Token68 values (base64-ish, may end in '=') for schemes that use them.
  std::string_view token68() {
    const std::size_t start = pos_;
    while (!done() && (isTokenChar(text_[pos_]) || text_[pos_] == '/' || text_[pos_] == '=')) ++pos_;
    return text_.substr(start, pos_ - start);
  }
  std::string quoted() {
    std::string out;
    ++pos_;  // opening quote
    while (!done() && text_[pos_] != '"') {
      if (text_[pos_] == '\\' && pos_ + 1 < text_.size()) ++pos_;
      out += text_[pos_++];
    }
    if (!done()) ++pos_;  // closing quote
    return out;
  }
  std::size_t position() const { return pos_; }
  void rewind(std::size_t pos) { pos_ = pos; }
  void advance() { ++pos_; }

 private:
  std::string_view text_;
  std::size_t pos_ = 0;
};

}  // namespace

std::vector<AuthChallenge> parseAuthChallenges(std::string_view headerValue) {
  std::vector<AuthChallenge> challenges;
  Cursor in(headerValue);
  while (true) {
    in.skipSpacesAndCommas();
    if (in.done()) break;
    const std::string_view scheme = in.token();
    if (scheme.empty()) {
      in.advance();  // not a token character: skip it
      continue;
    }
    AuthChallenge challenge{.scheme = lower(scheme), .params = {}};
    in.skipSpaces();
    // Parameters: name=value pairs until a token that is not followed by '='
    // (which starts the next challenge).
    while (true) {
      in.skipSpacesAndCommas();
      const std::size_t mark = in.position();
      const std::string_view name = in.token();
      if (name.empty()) {
        if (!in.done() && in.peek() != ',') in.token68();
        break;
      }
      in.skipSpaces();
      if (in.peek() != '=') {
        in.rewind(mark);
        break;
      }
      in.advance();
      in.skipSpaces();
      std::string value;
      if (in.peek() == '"') {
        value = in.quoted();
      } else {
        value = std::string(in.token68());
      }
      challenge.params[lower(name)] = std::move(value);
    }
    challenges.push_back(std::move(challenge));
  }
  return challenges;
}

}  // namespace crix::registry
