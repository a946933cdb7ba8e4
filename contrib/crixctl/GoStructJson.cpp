#include "contrib/crixctl/GoStructJson.h"

#include <google/protobuf/descriptor.h>

#include <string>

namespace crixctl {
namespace {

using google::protobuf::FieldDescriptor;
using google::protobuf::Message;
using google::protobuf::Reflection;

std::string base64(const std::string& bytes) {
  static constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  std::size_t i = 0;
  for (; i + 2 < bytes.size(); i += 3) {
    const unsigned v = (static_cast<unsigned char>(bytes[i]) << 16) |
                       (static_cast<unsigned char>(bytes[i + 1]) << 8) | static_cast<unsigned char>(bytes[i + 2]);
    out += kAlphabet[(v >> 18) & 63];
    out += kAlphabet[(v >> 12) & 63];
    out += kAlphabet[(v >> 6) & 63];
    out += kAlphabet[v & 63];
  }
  if (i < bytes.size()) {
    unsigned v = static_cast<unsigned char>(bytes[i]) << 16;
    if (i + 1 < bytes.size()) v |= static_cast<unsigned char>(bytes[i + 1]) << 8;
    out += kAlphabet[(v >> 18) & 63];
    out += kAlphabet[(v >> 12) & 63];
    out += i + 1 < bytes.size() ? kAlphabet[(v >> 6) & 63] : '=';
    out += '=';
  }
  return out;
}

nlohmann::json scalar(const Message& m, const Reflection* r, const FieldDescriptor* f) {
  switch (f->cpp_type()) {
    case FieldDescriptor::CPPTYPE_INT32: return r->GetInt32(m, f);
    case FieldDescriptor::CPPTYPE_INT64: return r->GetInt64(m, f);
    case FieldDescriptor::CPPTYPE_UINT32: return r->GetUInt32(m, f);
    case FieldDescriptor::CPPTYPE_UINT64: return r->GetUInt64(m, f);
    case FieldDescriptor::CPPTYPE_DOUBLE: return r->GetDouble(m, f);
    case FieldDescriptor::CPPTYPE_FLOAT: return r->GetFloat(m, f);
    case FieldDescriptor::CPPTYPE_BOOL: return r->GetBool(m, f);
    case FieldDescriptor::CPPTYPE_ENUM: return r->GetEnumValue(m, f);
    case FieldDescriptor::CPPTYPE_STRING:
      return f->type() == FieldDescriptor::TYPE_BYTES ? base64(r->GetString(m, f)) : r->GetString(m, f);
    case FieldDescriptor::CPPTYPE_MESSAGE: return goStructJson(r->GetMessage(m, f));
  }
  return nullptr;
}

nlohmann::json repeatedElement(const Message& m, const Reflection* r, const FieldDescriptor* f, int i) {
  switch (f->cpp_type()) {
    case FieldDescriptor::CPPTYPE_INT32: return r->GetRepeatedInt32(m, f, i);
    case FieldDescriptor::CPPTYPE_INT64: return r->GetRepeatedInt64(m, f, i);
    case FieldDescriptor::CPPTYPE_UINT32: return r->GetRepeatedUInt32(m, f, i);
    case FieldDescriptor::CPPTYPE_UINT64: return r->GetRepeatedUInt64(m, f, i);
    case FieldDescriptor::CPPTYPE_DOUBLE: return r->GetRepeatedDouble(m, f, i);
    case FieldDescriptor::CPPTYPE_FLOAT: return r->GetRepeatedFloat(m, f, i);
    case FieldDescriptor::CPPTYPE_BOOL: return r->GetRepeatedBool(m, f, i);
    case FieldDescriptor::CPPTYPE_ENUM: return r->GetRepeatedEnumValue(m, f, i);
    case FieldDescriptor::CPPTYPE_STRING:
      return f->type() == FieldDescriptor::TYPE_BYTES ? base64(r->GetRepeatedString(m, f, i))
                                                       : r->GetRepeatedString(m, f, i);
    case FieldDescriptor::CPPTYPE_MESSAGE: return goStructJson(r->GetRepeatedMessage(m, f, i));
  }
  return nullptr;
}

// Map keys are strings in JSON whatever their proto type.
std::string mapKey(const Message& entry) {
  const auto* f = entry.GetDescriptor()->map_key();
  const auto key = scalar(entry, entry.GetReflection(), f);
  return key.is_string() ? key.get<std::string>() : key.dump();
}

}  // namespace

nlohmann::json goStructJson(const Message& message) {
  nlohmann::json out = nlohmann::json::object();
  const auto* reflection = message.GetReflection();
  const auto* descriptor = message.GetDescriptor();
  for (int i = 0; i < descriptor->field_count(); ++i) {
    const auto* field = descriptor->field(i);
    if (field->is_map()) {
      if (reflection->FieldSize(message, field) == 0) continue;
      nlohmann::json map = nlohmann::json::object();
      for (int k = 0; k < reflection->FieldSize(message, field); ++k) {
        const Message& entry = reflection->GetRepeatedMessage(message, field, k);
        map[mapKey(entry)] = scalar(entry, entry.GetReflection(), entry.GetDescriptor()->map_value());
      }
      out[field->name()] = std::move(map);
    } else if (field->is_repeated()) {
      if (reflection->FieldSize(message, field) == 0) continue;
      nlohmann::json list = nlohmann::json::array();
      for (int k = 0; k < reflection->FieldSize(message, field); ++k) {
        list.push_back(repeatedElement(message, reflection, field, k));
      }
      out[field->name()] = std::move(list);
    } else if (field->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE) {
      if (!reflection->HasField(message, field)) continue;
      out[field->name()] = goStructJson(reflection->GetMessage(message, field));
    } else if (reflection->HasField(message, field)) {  // proto3: set means non-zero
      out[field->name()] = scalar(message, reflection, field);
    }
  }
  return out;
}

}  // namespace crixctl
