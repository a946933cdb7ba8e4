// The one list of the keys crix knows. Loader, writers and reload diffing all
// walk it, so a key added here is read, written, shown in JSON and compared
// without touching any of them. Internal to the config library.
#pragma once

#include <span>
#include <string_view>
#include <variant>

#include "config/Config.h"

namespace crix::config::schema {

template <class S>
using Member = std::variant<std::string S::*, bool S::*, std::int64_t S::*, StringList S::*,
                            StringMap S::*, Duration S::*, ByteSize S::*>;

template <class S>
struct Field {
  std::string_view key;
  Member<S> member;
  // Whether a SIGHUP may apply a change of this key to the running daemon
  // (see Reload.h for the reasoning behind the set).
  bool reloadable = false;
  // Printed as a comment above the key by toToml(), for keys whose meaning
  // differs from CRI-O's or that CRI-O lacks.
  std::string_view note = {};
};

// One TOML table with typed fields. CRI-O keys and sub-tables crix does not
// implement are listed so that a CRI-O file loads with a pointed warning
// instead of an "unknown key" one.
template <class S>
struct Table {
  std::string_view name;  // key under [crio]; "" for [crio] itself
  std::string_view path;  // dotted path, e.g. "crio.api"
  S Config::*part;
  std::span<const Field<S>> fields;
  std::span<const std::string_view> unusedKeys;
  std::span<const std::string_view> unusedTables;
};

const Table<RootConfig>& rootTable();
const Table<ApiConfig>& apiTable();
const Table<RuntimeConfig>& runtimeTable();
const Table<ImageConfig>& imageTable();
const Table<NetworkConfig>& networkTable();
const Table<MetricsConfig>& metricsTable();
const Table<StatsConfig>& statsTable();

// The [crio.*] sub-tables, in the order crio.conf lists them.
template <class F>
void forEachSubTable(F&& f) {
  f(apiTable());
  f(runtimeTable());
  f(imageTable());
  f(networkTable());
  f(metricsTable());
  f(statsTable());
}

template <class F>
void forEachTable(F&& f) {
  f(rootTable());
  forEachSubTable(f);
}

// [crio.runtime.runtimes.NAME] is a map of tables, not a fixed table.
inline constexpr std::string_view kRuntimesKey = "runtimes";
inline constexpr std::string_view kRuntimesPath = "crio.runtime.runtimes";
std::span<const Field<RuntimeHandler>> runtimeHandlerFields();
std::span<const std::string_view> runtimeHandlerUnusedKeys();

}  // namespace crix::config::schema
