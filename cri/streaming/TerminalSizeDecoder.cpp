#include "cri/streaming/TerminalSizeDecoder.h"

#include <nlohmann/json.hpp>

namespace crix::streaming {

namespace {

bool isJsonSpace(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

// Go's json decoder fills uint16 fields and refuses numbers out of range;
// unknown fields and missing ones (zero) are fine.
bool readDimension(const nlohmann::json& object, const char* name, uint16_t& out, std::string& error) {
  // Go matches field names case-insensitively.
  for (const auto& [key, value] : object.items()) {
    if (key.size() != std::string_view(name).size()) continue;
    bool same = true;
    for (size_t i = 0; i < key.size(); ++i)
      if (std::tolower(static_cast<unsigned char>(key[i])) != std::tolower(static_cast<unsigned char>(name[i])))
        same = false;
    if (!same) continue;
    if (value.is_null()) continue;
    if (!value.is_number_unsigned() || value.get<uint64_t>() > 0xffff) {
      error = std::string("resize: ") + name + " is not a number in 0..65535";
      return false;
    }
    out = static_cast<uint16_t>(value.get<uint64_t>());
  }
  return true;
}

}  // namespace

size_t TerminalSizeDecoder::completeObjectLength() {
  int depth = 0;
  bool inString = false, escaped = false;
  for (size_t i = 0; i < buffer_.size(); ++i) {
    const char c = buffer_[i];
    if (inString) {
      if (escaped) escaped = false;
      else if (c == '\\') escaped = true;
      else if (c == '"') inString = false;
      continue;
    }
    if (c == '"') inString = true;
    else if (c == '{' || c == '[') ++depth;
    else if (c == '}' || c == ']') {
      if (--depth == 0) return i + 1;
    }
  }
  return 0;
}

std::vector<TerminalSize> TerminalSizeDecoder::feed(std::string_view bytes) {
  std::vector<TerminalSize> sizes;
  if (failed()) return sizes;
  buffer_.append(bytes);
  while (true) {
    size_t skip = 0;
    while (skip < buffer_.size() && isJsonSpace(buffer_[skip])) ++skip;
    buffer_.erase(0, skip);
    if (buffer_.empty()) break;
    if (buffer_[0] != '{') {
      error_ = "resize: the stream does not hold a JSON object";
      break;
    }
    const size_t length = completeObjectLength();
    if (length == 0) {
      if (buffer_.size() > kMaxObjectBytes) error_ = "resize: a JSON object longer than 4096 bytes";
      break;
    }
    if (length > kMaxObjectBytes) {
      error_ = "resize: a JSON object longer than 4096 bytes";
      break;
    }
    const auto object = nlohmann::json::parse(buffer_.begin(), buffer_.begin() + static_cast<long>(length), nullptr,
                                              /*allow_exceptions=*/false);
    buffer_.erase(0, length);
    if (object.is_discarded() || !object.is_object()) {
      error_ = "resize: malformed JSON";
      break;
    }
    TerminalSize size;
    if (!readDimension(object, "Width", size.width, error_) || !readDimension(object, "Height", size.height, error_))
      break;
    sizes.push_back(size);
  }
  if (failed()) buffer_.clear();
  return sizes;
}

}  // namespace crix::streaming
