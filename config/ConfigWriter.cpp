#include "config/ConfigWriter.h"

#include "config/Schema.h"
#include "config/TomlText.h"
#include "config/Units.h"

namespace crix::config {

namespace {

// Lists one item a line so that a diff of two `crix config` outputs shows
// which item changed.
std::string blockValue(const StringList& v) {
  if (v.empty()) return "[]";
  std::string out = "[\n";
  for (const auto& item : v) out += "  " + toml_text::quote(item) + ",\n";
  out += "]";
  return out;
}

template <class T>
std::string blockValue(const T& v) {
  return toml_text::inlineValue(v);
}

template <class S>
void writeFields(std::string& out, std::span<const schema::Field<S>> fields, const S& s) {
  for (const auto& f : fields) {
    if (!f.note.empty()) out += "# " + std::string(f.note) + "\n";
    std::visit([&](auto member) { out += std::string(f.key) + " = " + blockValue(s.*member); },
               f.member);
    out += '\n';
  }
}

nlohmann::json jsonValue(const std::string& v) { return v; }
nlohmann::json jsonValue(bool v) { return v; }
nlohmann::json jsonValue(std::int64_t v) { return v; }
nlohmann::json jsonValue(const StringList& v) { return v; }
nlohmann::json jsonValue(const StringMap& v) { return nlohmann::json(v); }
nlohmann::json jsonValue(Duration v) { return formatDuration(v); }
nlohmann::json jsonValue(ByteSize v) { return formatByteSize(v); }

template <class S>
nlohmann::json jsonFields(std::span<const schema::Field<S>> fields, const S& s) {
  auto obj = nlohmann::json::object();
  for (const auto& f : fields) {
    std::visit([&](auto member) { obj[std::string(f.key)] = jsonValue(s.*member); }, f.member);
  }
  return obj;
}

}  // namespace

std::string toToml(const Config& cfg) {
  std::string out =
      "# crix configuration: every key with the value crix runs with.\n"
      "# Tables and keys follow CRI-O's crio.conf(5); see contrib/crix.conf.\n";
  schema::forEachTable([&](const auto& table) {
    out += "\n[" + std::string(table.path) + "]\n";
    writeFields(out, table.fields, cfg.*(table.part));
    if (table.path != "crio.runtime") return;
    for (const auto& [name, handler] : cfg.runtime.runtimes) {
      out += "\n[" + toml_text::join(schema::kRuntimesPath, name) + "]\n";
      writeFields(out, schema::runtimeHandlerFields(), handler);
    }
  });
  return out;
}

nlohmann::json toJson(const Config& cfg) {
  auto crio = jsonFields(schema::rootTable().fields, cfg.crio);
  schema::forEachSubTable([&](const auto& table) {
    crio[std::string(table.name)] = jsonFields(table.fields, cfg.*(table.part));
  });
  auto runtimes = nlohmann::json::object();
  for (const auto& [name, handler] : cfg.runtime.runtimes) {
    runtimes[name] = jsonFields(schema::runtimeHandlerFields(), handler);
  }
  crio["runtime"][std::string(schema::kRuntimesKey)] = std::move(runtimes);
  return nlohmann::json{{"crio", std::move(crio)}};
}

}  // namespace crix::config
