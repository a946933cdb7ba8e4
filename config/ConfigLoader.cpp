#include "config/ConfigLoader.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <filesystem>
#include <toml++/toml.h>

#include "config/ConfigValidator.h"
#include "config/Schema.h"
#include "config/TomlText.h"
#include "config/Units.h"
#include "core/Error.h"
#include "core/Log.h"
#include "core/UniqueFd.h"

namespace crix::config {

std::string Diagnostic::text() const {
  std::string out = file;
  if (line > 0) out += ":" + std::to_string(line);
  if (!out.empty()) out += ": ";
  return out + message;
}

namespace {

namespace fs = std::filesystem;

std::string_view typeName(const toml::node& n) {
  switch (n.type()) {
    case toml::node_type::table: return "table";
    case toml::node_type::array: return "array";
    case toml::node_type::string: return "string";
    case toml::node_type::integer: return "integer";
    case toml::node_type::floating_point: return "float";
    case toml::node_type::boolean: return "boolean";
    case toml::node_type::date: return "date";
    case toml::node_type::time: return "time";
    case toml::node_type::date_time: return "date-time";
    case toml::node_type::none: break;
  }
  return "nothing";
}

int lineOf(const toml::node& n) { return static_cast<int>(n.source().begin.line); }

// Tables created implicitly by a deeper header ([a.b.c] creates a.b) carry no
// position of their own; the first thing inside them is the next best place.
int firstLine(const toml::node& n) {
  if (const int l = lineOf(n); l > 0) return l;
  int best = 0;
  const auto consider = [&](const toml::node& child) {
    const int l = firstLine(child);
    if (l > 0 && (best == 0 || l < best)) best = l;
  };
  if (const auto* t = n.as_table()) {
    for (auto&& [k, v] : *t) consider(v);
  } else if (const auto* a = n.as_array()) {
    for (auto&& v : *a) consider(v);
  }
  return best;
}

int keyLine(const toml::key& k, const toml::node& v) {
  const int l = static_cast<int>(k.source().begin.line);
  return l > 0 ? l : firstLine(v);
}

// `crio config` writes every table header even when all its keys are
// commented out; only a table that sets something deserves a warning.
bool setsAnything(const toml::node& n) {
  const auto* t = n.as_table();
  if (!t) return true;
  for (auto&& [k, v] : *t) {
    if (setsAnything(v)) return true;
  }
  return false;
}

template <class Span>
bool listed(const Span& names, std::string_view key) {
  return std::find(names.begin(), names.end(), key) != names.end();
}

// Reads one file's keys into a Config, remembering where each key was set.
class FileApplier {
 public:
  FileApplier(std::string file, Config& cfg, Origins& origins, std::vector<Diagnostic>& warnings)
      : file_(std::move(file)), cfg_(cfg), origins_(origins), warnings_(warnings) {}

  void apply(const toml::table& doc) {
    const std::size_t firstWarning = warnings_.size();
    for (auto&& [k, v] : doc) {
      const std::string key(k.str());
      if (key == "crio") {
        applyCrio(requireTable(v, "crio"));
      } else {
        unknown(toml_text::key(key), k, v);
      }
    }
    // toml++ iterates keys alphabetically; operators read files top down.
    std::stable_sort(warnings_.begin() + static_cast<std::ptrdiff_t>(firstWarning),
                     warnings_.end(),
                     [](const Diagnostic& a, const Diagnostic& b) { return a.line < b.line; });
  }

 private:
  [[noreturn]] void fail(int line, const std::string& key, const std::string& message) const {
    throw Error::invalidArgument(file_ + ":" + std::to_string(line) + ": " + key + ": " +
                                 message);
  }

  [[noreturn]] void typeError(const toml::node& v, const std::string& key,
                              std::string_view expected) const {
    fail(firstLine(v), key,
         "expected " + std::string(expected) + ", got " + std::string(typeName(v)));
  }

  void warn(int line, const std::string& key, std::string message) {
    warnings_.push_back(Diagnostic{file_, line, key, std::move(message)});
  }

  void unknown(const std::string& dotted, const toml::key& k, const toml::node& v) {
    warn(keyLine(k, v), dotted,
         std::string(v.is_table() ? "unknown table " : "unknown key ") + dotted);
  }

  const toml::table& requireTable(const toml::node& v, const std::string& key) const {
    const auto* t = v.as_table();
    if (!t) typeError(v, key, "a table");
    return *t;
  }

  // ---- values ---------------------------------------------------------------

  std::string readString(const toml::node& v, const std::string& key) const {
    const auto* s = v.as_string();
    if (!s) typeError(v, key, "a string");
    return s->get();
  }

  // `unsetValue` is what the key holds when no file sets it.
  template <class T>
  T read(const toml::node& v, const std::string& key,
         [[maybe_unused]] const T& unsetValue) const {
    if constexpr (std::is_same_v<T, std::string>) {
      return readString(v, key);
    } else if constexpr (std::is_same_v<T, bool>) {
      const auto* b = v.as_boolean();
      if (!b) typeError(v, key, "a boolean");
      return b->get();
    } else if constexpr (std::is_same_v<T, std::int64_t>) {
      const auto* i = v.as_integer();
      if (!i) typeError(v, key, "an integer");
      return i->get();
    } else if constexpr (std::is_same_v<T, StringList>) {
      const auto* a = v.as_array();
      if (!a) typeError(v, key, "an array of strings");
      StringList out;
      for (std::size_t i = 0; i < a->size(); ++i) {
        const auto& elem = *a->get(i);
        const auto* s = elem.as_string();
        if (!s) {
          fail(firstLine(elem), key,
               "expected an array of strings, got " + std::string(typeName(elem)) +
                   " at index " + std::to_string(i));
        }
        out.push_back(s->get());
      }
      return out;
    } else if constexpr (std::is_same_v<T, StringMap>) {
      const auto* t = v.as_table();
      if (!t) typeError(v, key, "a table of strings");
      StringMap out;
      for (auto&& [mk, mv] : *t) {
        const auto* s = mv.as_string();
        if (!s) typeError(mv, toml_text::join(key, mk.str()), "a string");
        out.emplace(std::string(mk.str()), s->get());
      }
      return out;
    } else if constexpr (std::is_same_v<T, Duration>) {
      // Go's TOML decoder reads a bare integer as nanoseconds; CRI-O files
      // rarely do that, but such a file must mean the same thing here.
      if (const auto* i = v.as_integer()) return Duration{i->get()};
      const auto* s = v.as_string();
      if (!s) typeError(v, key, "a duration string like \"30s\"");
      if (s->get().empty()) return unsetValue;  // CRI-O's "" = "use the default"
      const auto d = parseDuration(s->get());
      if (!d) {
        fail(firstLine(v), key,
             "\"" + s->get() + "\" is not a duration like \"90s\", \"5m\" or \"1h30m\"");
      }
      return *d;
    } else if constexpr (std::is_same_v<T, ByteSize>) {
      const std::string s = readString(v, key);
      if (s.empty()) return ByteSize{};
      const auto b = parseByteSize(s);
      if (!b) fail(firstLine(v), key, "\"" + s + "\" is not a size like \"12MiB\" or \"500KiB\"");
      return *b;
    } else {
      static_assert(sizeof(T) == 0, "no TOML reader for this field type");
    }
  }

  // ---- tables ---------------------------------------------------------------

  // Applies the keys of one TOML table to its struct. `special` gets the
  // first chance at each key and returns true when it took it.
  template <class S, class Special>
  void applyFields(std::string_view path, std::span<const schema::Field<S>> fields,
                   std::span<const std::string_view> unusedKeys,
                   std::span<const std::string_view> unusedTables, const toml::table& tbl,
                   S& target, const S& unset, Special&& special) {
    for (auto&& [k, v] : tbl) {
      const std::string_view name = k.str();
      const std::string dotted = toml_text::join(path, name);
      const auto field = std::find_if(fields.begin(), fields.end(),
                                      [&](const auto& f) { return f.key == name; });
      if (field != fields.end()) {
        std::visit(
            [&](auto member) { target.*member = read(v, dotted, unset.*member); },
            field->member);
        origins_[dotted] = Origin{file_, keyLine(k, v)};
      } else if (special(name, k, v, dotted)) {
        // taken
      } else if (listed(unusedTables, name)) {
        if (setsAnything(v)) {
          warn(keyLine(k, v), dotted, dotted + " is a CRI-O table crix does not use yet");
        }
      } else if (listed(unusedKeys, name)) {
        warn(keyLine(k, v), dotted, dotted + " is a CRI-O key crix does not use yet");
      } else {
        unknown(dotted, k, v);
      }
    }
  }

  template <class S, class Special>
  void applyTable(const schema::Table<S>& table, const toml::table& tbl, Special&& special) {
    static const Config kDefaults = defaults();
    applyFields(table.path, table.fields, table.unusedKeys, table.unusedTables, tbl,
                cfg_.*(table.part), kDefaults.*(table.part), special);
  }

  void applyCrio(const toml::table& crio) {
    applyTable(schema::rootTable(), crio,
               [&](std::string_view name, const toml::key&, const toml::node& v,
                   const std::string& dotted) {
                 bool taken = false;
                 schema::forEachSubTable([&](const auto& sub) {
                   if (taken || sub.name != name) return;
                   taken = true;
                   const auto& tbl = requireTable(v, dotted);
                   if (sub.path == "crio.runtime") {
                     applyRuntime(tbl);
                   } else {
                     applyTable(sub, tbl, noSpecialKeys);
                   }
                 });
                 return taken;
               });
  }

  void applyRuntime(const toml::table& tbl) {
    applyTable(schema::runtimeTable(), tbl,
               [&](std::string_view name, const toml::key&, const toml::node& v,
                   const std::string& dotted) {
                 if (name != schema::kRuntimesKey) return false;
                 applyRuntimes(requireTable(v, dotted));
                 return true;
               });
  }

  // A runtimes table in a later file adds a handler or overrides only the
  // keys it sets on an existing one.
  void applyRuntimes(const toml::table& runtimes) {
    static const RuntimeHandler kFresh{};
    for (auto&& [k, v] : runtimes) {
      const std::string name(k.str());
      const std::string dotted = toml_text::join(schema::kRuntimesPath, name);
      const auto& tbl = requireTable(v, dotted);
      auto it = cfg_.runtime.runtimes.try_emplace(name).first;
      // The handler's unset keys are blamed on the table that introduced it.
      origins_.try_emplace(dotted, Origin{file_, keyLine(k, v)});
      applyFields(dotted, schema::runtimeHandlerFields(), schema::runtimeHandlerUnusedKeys(), {},
                  tbl, it->second, kFresh, noSpecialKeys);
    }
  }

  static bool noSpecialKeys(std::string_view, const toml::key&, const toml::node&,
                            const std::string&) {
    return false;
  }

  std::string file_;
  Config& cfg_;
  Origins& origins_;
  std::vector<Diagnostic>& warnings_;
};

enum class ReadResult { Ok, Missing };

ReadResult readFile(const std::string& path, std::string& out) {
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd) {
    if (errno == ENOENT) return ReadResult::Missing;
    const int err = errno;
    if (err == EACCES) throw Error::permissionDenied("config file " + path + ": permission denied");
    throw Error::fromErrno("open config file " + path, err);
  }
  out.clear();
  char buf[16384];
  while (true) {
    const ssize_t n = ::read(fd.get(), buf, sizeof buf);
    if (n == 0) break;
    if (n < 0) {
      if (errno == EINTR) continue;
      const int err = errno;
      if (err == EISDIR) throw Error::invalidArgument("config file " + path + " is a directory");
      throw Error::fromErrno("read config file " + path, err);
    }
    out.append(buf, static_cast<std::size_t>(n));
  }
  return ReadResult::Ok;
}

void applyText(const std::string& text, const std::string& name, Config& cfg, Origins& origins,
               std::vector<Diagnostic>& warnings) {
  toml::table doc;
  try {
    doc = toml::parse(text, name);
  } catch (const toml::parse_error& e) {
    const auto& where = e.source().begin;
    throw Error::invalidArgument(name + ":" + std::to_string(where.line) + ":" +
                                 std::to_string(where.column) +
                                 ": invalid TOML: " + std::string(e.description()));
  }
  FileApplier(name, cfg, origins, warnings).apply(doc);
}

// Every "*.conf" regular file directly in dir, by file name. A hidden file is
// no match, as the shell's *.conf would not match it either.
std::vector<std::string> dropInFiles(const std::string& dir) {
  std::error_code ec;
  const auto st = fs::status(dir, ec);
  if (ec || st.type() == fs::file_type::not_found) {
    if (ec && ec != std::errc::no_such_file_or_directory) {
      throw Error::fromErrno("config directory " + dir, ec.value());
    }
    return {};
  }
  if (!fs::is_directory(st)) {
    throw Error::invalidArgument("config directory " + dir + " is not a directory");
  }
  std::vector<std::string> names;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    const std::string name = it->path().filename().string();
    if (name.size() <= 5 || name[0] == '.' || !name.ends_with(".conf")) continue;
    std::error_code typeEc;
    if (!it->is_regular_file(typeEc)) continue;  // follows symlinks, as packagers use them
    names.push_back(name);
  }
  if (ec) throw Error::fromErrno("read config directory " + dir, ec.value());
  std::sort(names.begin(), names.end());
  std::vector<std::string> paths;
  for (const auto& n : names) paths.push_back((fs::path(dir) / n).string());
  return paths;
}

}  // namespace

Loaded load(const std::string& mainFile, const std::string& dropInDir, bool mainFileRequired) {
  Loaded out;
  out.config = defaults();
  Origins origins;
  std::string text;

  if (!mainFile.empty()) {
    if (readFile(mainFile, text) == ReadResult::Missing) {
      if (mainFileRequired) {
        throw Error::notFound("config file " + mainFile + ": No such file or directory");
      }
      log::debug("config file ", mainFile, " does not exist; using built-in defaults");
    } else {
      applyText(text, mainFile, out.config, origins, out.warnings);
      out.filesRead.push_back(mainFile);
    }
  }

  if (!dropInDir.empty()) {
    for (const auto& path : dropInFiles(dropInDir)) {
      // Gone between listing and reading: a package upgrade swapping files.
      if (readFile(path, text) == ReadResult::Missing) continue;
      applyText(text, path, out.config, origins, out.warnings);
      out.filesRead.push_back(path);
    }
  }

  checkConfig(out.config, origins, out.warnings);
  return out;
}

Loaded loadString(const std::string& toml, const std::string& name, Config into) {
  Loaded out;
  out.config = std::move(into);
  Origins origins;
  applyText(toml, name, out.config, origins, out.warnings);
  checkConfig(out.config, origins, out.warnings);
  return out;
}

std::vector<Diagnostic> validate(Config& cfg) {
  std::vector<Diagnostic> warnings;
  checkConfig(cfg, Origins{}, warnings);
  return warnings;
}

}  // namespace crix::config
