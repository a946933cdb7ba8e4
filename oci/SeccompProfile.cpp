#include "oci/SeccompProfile.h"

#include <algorithm>
#include <array>
#include <cstdio>
#include <map>

#include "core/Error.h"

namespace crix::oci {
namespace embedded {
extern const std::string_view kDefaultSeccompJson;
}

namespace {

constexpr std::array<std::string_view, 9> kActions = {
    "SCMP_ACT_KILL",  "SCMP_ACT_KILL_PROCESS", "SCMP_ACT_KILL_THREAD",
    "SCMP_ACT_TRAP",  "SCMP_ACT_ERRNO",        "SCMP_ACT_TRACE",
    "SCMP_ACT_ALLOW", "SCMP_ACT_LOG",          "SCMP_ACT_NOTIFY",
};

constexpr std::array<std::string_view, 7> kOperators = {
    "SCMP_CMP_NE", "SCMP_CMP_LT", "SCMP_CMP_LE",        "SCMP_CMP_EQ",
    "SCMP_CMP_GE", "SCMP_CMP_GT", "SCMP_CMP_MASKED_EQ",
};

// containers-common's nativeToSeccomp, plus the architectures libseccomp
// names the same way.
const std::map<std::string, std::string>& nativeArchitectures() {
  static const std::map<std::string, std::string> arches = {
      {"amd64", "SCMP_ARCH_X86_64"},      {"arm64", "SCMP_ARCH_AARCH64"},
      {"mips64", "SCMP_ARCH_MIPS64"},     {"mips64n32", "SCMP_ARCH_MIPS64N32"},
      {"mipsel64", "SCMP_ARCH_MIPSEL64"}, {"mipsel64n32", "SCMP_ARCH_MIPSEL64N32"},
      {"s390x", "SCMP_ARCH_S390X"},       {"ppc64le", "SCMP_ARCH_PPC64LE"},
      {"riscv64", "SCMP_ARCH_RISCV64"},
  };
  return arches;
}

template <class Array>
bool known(const Array& names, const std::string& value) {
  return std::find(names.begin(), names.end(), value) != names.end();
}

[[noreturn]] void fail(const std::string& source, const std::string& what) {
  throw Error::invalidArgument("seccomp profile " + source + ": " + what);
}

std::vector<std::string> stringList(const nlohmann::json& parent, const char* key,
                                    const std::string& source) {
  std::vector<std::string> out;
  if (!parent.is_object() || !parent.contains(key) || parent.at(key).is_null()) return out;
  const auto& list = parent.at(key);
  if (!list.is_array()) fail(source, std::string("\"") + key + "\" is not a list");
  for (const auto& v : list) {
    if (!v.is_string()) fail(source, std::string("\"") + key + "\" holds a non-string");
    out.push_back(v.get<std::string>());
  }
  return out;
}

bool anyIn(const std::vector<std::string>& list, const std::string& value) {
  return std::find(list.begin(), list.end(), value) != list.end();
}

bool kernelAtLeast(const std::string& minKernel, const SeccompTarget& target,
                   const std::string& source) {
  int major = 0, minor = 0;
  if (std::sscanf(minKernel.c_str(), "%d.%d", &major, &minor) < 1) {
    fail(source, "minKernel \"" + minKernel + "\" is not a kernel version");
  }
  return target.kernelMajor > major || (target.kernelMajor == major && target.kernelMinor >= minor);
}

// Whether containers-common would keep `rule` for this container.
bool applies(const nlohmann::json& rule, const SeccompTarget& target, const std::string& source) {
  const nlohmann::json none = nlohmann::json::object();
  const auto& excludes =
      rule.contains("excludes") && rule["excludes"].is_object() ? rule["excludes"] : none;
  const auto& includes =
      rule.contains("includes") && rule["includes"].is_object() ? rule["includes"] : none;

  if (anyIn(stringList(excludes, "arches", source), target.arch)) return false;
  for (const auto& cap : stringList(excludes, "caps", source)) {
    if (target.capabilities.contains(cap)) return false;
  }
  const auto arches = stringList(includes, "arches", source);
  if (!arches.empty() && !anyIn(arches, target.arch)) return false;
  for (const auto& cap : stringList(includes, "caps", source)) {
    if (!target.capabilities.contains(cap)) return false;
  }
  if (includes.contains("minKernel") && includes["minKernel"].is_string() &&
      !includes["minKernel"].get<std::string>().empty() &&
      !kernelAtLeast(includes["minKernel"].get<std::string>(), target, source)) {
    return false;
  }
  return true;
}

std::uint64_t unsignedField(const nlohmann::json& obj, const char* key, const std::string& source) {
  const auto& v = obj.at(key);
  if (!v.is_number_unsigned() && !(v.is_number_integer() && v.get<std::int64_t>() >= 0)) {
    fail(source, std::string("\"") + key + "\" is not a non-negative integer");
  }
  return v.get<std::uint64_t>();
}

nlohmann::json convertRule(const nlohmann::json& rule, const std::string& source) {
  if (!rule.is_object()) fail(source, "a syscalls entry is not an object");
  const bool hasName = rule.contains("name") && !rule["name"].is_null() &&
                       !(rule["name"].is_string() && rule["name"].get<std::string>().empty());
  auto names = stringList(rule, "names", source);
  if (hasName && !names.empty()) {
    fail(source, "a syscalls entry has both \"name\" and \"names\"; use one");
  }
  if (hasName) {
    if (!rule["name"].is_string()) fail(source, "\"name\" is not a string");
    names.push_back(rule["name"].get<std::string>());
  }
  if (names.empty()) fail(source, "a syscalls entry names no syscall");

  const std::string action = rule.value("action", "");
  if (!known(kActions, action)) {
    fail(source, "unknown action \"" + action + "\" for syscall " + names.front());
  }
  nlohmann::json out = {{"names", names}, {"action", action}};
  if (rule.contains("errnoRet") && !rule["errnoRet"].is_null()) {
    out["errnoRet"] = unsignedField(rule, "errnoRet", source);
  }
  if (rule.contains("args") && rule["args"].is_array() && !rule["args"].empty()) {
    nlohmann::json args = nlohmann::json::array();
    for (const auto& arg : rule["args"]) {
      if (!arg.is_object()) fail(source, "an args entry of " + names.front() + " is not an object");
      const std::string op = arg.value("op", "");
      if (!known(kOperators, op)) {
        fail(source, "unknown operator \"" + op + "\" for syscall " + names.front());
      }
      const auto index = arg.contains("index") ? unsignedField(arg, "index", source) : 0;
      if (index > 5) fail(source, "argument index " + std::to_string(index) + " is past 5");
      nlohmann::json a = {
          {"index", index},
          {"value", arg.contains("value") ? unsignedField(arg, "value", source) : 0},
          {"op", op}};
      if (arg.contains("valueTwo") && unsignedField(arg, "valueTwo", source) != 0) {
        a["valueTwo"] = unsignedField(arg, "valueTwo", source);
      }
      args.push_back(std::move(a));
    }
    out["args"] = std::move(args);
  }
  return out;
}

}  // namespace

nlohmann::json parseSeccompProfile(std::string_view text, const std::string& source) {
  try {
    auto profile = nlohmann::json::parse(text);
    if (!profile.is_object()) fail(source, "the document is not a JSON object");
    return profile;
  } catch (const nlohmann::json::exception& e) {
    fail(source, std::string("not valid JSON: ") + e.what());
  }
}

nlohmann::json seccompForContainer(const nlohmann::json& profile, const SeccompTarget& target,
                                   const std::string& source) {
  if (!profile.is_object()) fail(source, "the document is not a JSON object");
  const std::string defaultAction = profile.value("defaultAction", "");
  const bool hasRules = profile.contains("syscalls") && profile["syscalls"].is_array() &&
                        !profile["syscalls"].empty();
  if (defaultAction.empty() && !hasRules) return nullptr;
  if (!known(kActions, defaultAction)) {
    fail(source, "unknown defaultAction \"" + defaultAction + "\"");
  }

  nlohmann::json out = {{"defaultAction", defaultAction}};
  if (profile.contains("defaultErrnoRet") && !profile["defaultErrnoRet"].is_null()) {
    out["defaultErrnoRet"] = unsignedField(profile, "defaultErrnoRet", source);
  }

  auto architectures = stringList(profile, "architectures", source);
  const bool hasArchMap =
      profile.contains("archMap") && profile["archMap"].is_array() && !profile["archMap"].empty();
  if (!architectures.empty() && hasArchMap) {
    fail(source, "both \"architectures\" and \"archMap\" are given; use one");
  }
  if (hasArchMap) {
    const auto native = nativeArchitectures().find(target.arch);
    for (const auto& entry : profile["archMap"]) {
      if (native == nativeArchitectures().end()) break;
      if (!entry.is_object() || entry.value("architecture", "") != native->second) continue;
      architectures.push_back(native->second);
      for (const auto& sub : stringList(entry, "subArchitectures", source)) {
        architectures.push_back(sub);
      }
      break;
    }
  }
  if (!architectures.empty()) out["architectures"] = architectures;

  for (const char* key : {"flags"}) {
    const auto flags = stringList(profile, key, source);
    if (!flags.empty()) out[key] = flags;
  }
  for (const char* key : {"listenerPath", "listenerMetadata"}) {
    if (profile.contains(key) && profile[key].is_string() &&
        !profile[key].get<std::string>().empty()) {
      out[key] = profile[key];
    }
  }

  nlohmann::json syscalls = nlohmann::json::array();
  if (profile.contains("syscalls") && !profile["syscalls"].is_null()) {
    if (!profile["syscalls"].is_array()) fail(source, "\"syscalls\" is not a list");
    for (const auto& rule : profile["syscalls"]) {
      if (!rule.is_object()) fail(source, "a syscalls entry is not an object");
      if (!applies(rule, target, source)) continue;
      syscalls.push_back(convertRule(rule, source));
    }
  }
  out["syscalls"] = std::move(syscalls);
  return out;
}

std::string_view defaultSeccompProfileText() { return embedded::kDefaultSeccompJson; }

const nlohmann::json& defaultSeccompProfile() {
  static const nlohmann::json profile =
      parseSeccompProfile(defaultSeccompProfileText(), "built-in default");
  return profile;
}

}  // namespace crix::oci
