// The command-line option parser shared by the global flags and every verb.
// It reads what crictl (urfave/cli) accepts: `--flag value`, `--flag=value`,
// `-f value`, `-f=value`, bundled short bools (`-aq`), `--bool=false`,
// repeated flags collected in order, and `--` to end the options. Like Go's
// flag package, parsing stops at the first positional argument, so in
// `exec ID ls -l` the `-l` belongs to the command, not to crixctl.
#pragma once

#include <initializer_list>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace crixctl {

struct OptionSpec {
  enum class Kind { Bool, Value, List };

  std::string name{};       // long name, without dashes
  std::string shortName{};  // one letter or empty
  Kind kind = Kind::Value;
  std::string usage{};
  std::string defaultValue{};  // shown in help; returned when the flag is absent
  std::string envVar{};        // shown in help; the caller reads it
  // For List: "a,b" counts as two values, as urfave/cli's StringSlice does.
  bool splitCommas = false;
  // Help shows string defaults quoted ("json") but numbers and durations
  // bare (2s); --help and --version show none.
  bool quoteDefault = true;
  bool hideDefault = false;
  // Further long names, e.g. "pt" for --pull-timeout; urfave/cli takes them
  // with one dash or two.
  std::vector<std::string> longAliases{};
};

class ParsedOptions {
 public:
  // True when the flag was given on the command line.
  bool isSet(std::string_view name) const;
  // The last value given, else the spec's default.
  std::string value(std::string_view name) const;
  // The flag when given, else its spec's environment variable when set (as
  // urfave/cli's EnvVars), else the default.
  std::string valueOrEnv(std::string_view name) const;
  std::optional<std::string> explicitValue(std::string_view name) const;
  bool flag(std::string_view name) const;
  std::vector<std::string> values(std::string_view name) const;
  // Integer value; throws crix::Error (InvalidArgument) on junk.
  long long integer(std::string_view name) const;

  const std::vector<std::string>& args() const { return args_; }

 private:
  friend ParsedOptions parseOptions(std::span<const OptionSpec>, std::span<const std::string>);
  const OptionSpec& spec(std::string_view name) const;

  std::vector<OptionSpec> specs_;
  std::map<std::string, std::vector<std::string>, std::less<>> given_;
  std::vector<std::string> args_;
};

// A verb's flags put together from blocks several verbs share and its own;
// the order does not matter, as help sorts them by name.
std::vector<OptionSpec> optionsOf(std::initializer_list<std::vector<OptionSpec>> blocks);

// Throws crix::Error (InvalidArgument) for an unknown flag or a missing
// value, worded as urfave/cli words it.
ParsedOptions parseOptions(std::span<const OptionSpec> specs, std::span<const std::string> argv);

// The urfave/cli spelling of a flag for help: "--output value, -o value",
// or "--creds USERNAME[:PASSWORD]" when the usage has `USERNAME[:PASSWORD]`.
std::string optionSynopsis(const OptionSpec& spec);
// What help shows for the flag's value: the `quoted` word of its usage
// (urfave/cli's convention), else "value".
std::string optionPlaceholder(const OptionSpec& spec);
// The usage as help prints it, without the placeholder's quotes.
std::string optionUsage(const OptionSpec& spec);

}  // namespace crixctl
