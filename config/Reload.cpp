#include "config/Reload.h"

#include "config/Schema.h"
#include "config/TomlText.h"
#include "config/Units.h"

namespace crix::config {

namespace {

// Quotes would only clutter "info -> debug"; an empty string still needs them
// to be visible at all.
std::string show(const std::string& v) { return v.empty() ? "\"\"" : v; }
std::string show(Duration v) { return formatDuration(v); }
std::string show(ByteSize v) { return show(formatByteSize(v)); }
template <class T>
std::string show(const T& v) {
  return toml_text::inlineValue(v);
}

template <class S>
void diffFields(std::span<const schema::Field<S>> fields, const S& a, const S& b,
                std::string_view path, bool reloadable, std::vector<std::string>& out) {
  for (const auto& f : fields) {
    if (f.reloadable != reloadable) continue;
    std::visit(
        [&](auto member) {
          if (a.*member == b.*member) return;
          const std::string name =
              reloadable ? std::string(f.key) : toml_text::join(path, f.key);
          out.push_back(name + ": " + show(a.*member) + " -> " + show(b.*member));
        },
        f.member);
  }
}

std::vector<std::string> diff(const Config& before, const Config& after, bool reloadable) {
  std::vector<std::string> out;
  schema::forEachTable([&](const auto& table) {
    diffFields(table.fields, before.*(table.part), after.*(table.part), table.path, reloadable,
               out);
    if (reloadable || table.path != "crio.runtime") return;
    const auto& was = before.runtime.runtimes;
    const auto& now = after.runtime.runtimes;
    for (const auto& [name, handler] : was) {
      const std::string path = toml_text::join(schema::kRuntimesPath, name);
      const auto it = now.find(name);
      if (it == now.end()) {
        out.push_back(path + ": removed");
        continue;
      }
      diffFields(schema::runtimeHandlerFields(), handler, it->second, path, false, out);
    }
    for (const auto& [name, handler] : now) {
      if (!was.contains(name)) out.push_back(toml_text::join(schema::kRuntimesPath, name) + ": added");
    }
  });
  return out;
}

template <class S>
void copyReloadable(std::span<const schema::Field<S>> fields, S& into, const S& from) {
  for (const auto& f : fields) {
    if (!f.reloadable) continue;
    std::visit([&](auto member) { into.*member = from.*member; }, f.member);
  }
}

}  // namespace

Config withReloadable(const Config& running, const Config& reloaded) {
  Config next = running;
  schema::forEachTable([&](const auto& table) {
    copyReloadable(table.fields, next.*(table.part), reloaded.*(table.part));
  });
  return next;
}

std::vector<std::string> reloadableChanges(const Config& before, const Config& after) {
  return diff(before, after, true);
}

std::vector<std::string> restartRequiredChanges(const Config& before, const Config& after) {
  return diff(before, after, false);
}

}  // namespace crix::config
