// Reading crio.conf-style files: the main file, then drop-ins, each setting
// only the keys it names on top of crix's defaults.
#pragma once

#include <string>
#include <vector>

#include "config/Config.h"

namespace crix::config {

// Something worth telling the operator about one key of one file. Keys CRI-O
// has but crix ignores, and keys nobody knows, are warnings rather than
// errors so that a CRI-O configuration carries over to crix unchanged.
struct Diagnostic {
  std::string file;
  int line = 0;     // 1-based; 0 when unknown
  std::string key;  // dotted, e.g. "crio.runtime.frobnicate"
  std::string message;
  // "file:line: message" (the message already names the key).
  std::string text() const;
};

struct Loaded {
  Config config;
  std::vector<Diagnostic> warnings;  // file by file, in line order
  std::vector<std::string> filesRead;
};

// Applies mainFile, then every regular "*.conf" file in dropInDir in lexical
// order of file name. A missing dropInDir is fine. A missing mainFile is fine
// unless mainFileRequired (the operator named it), then NotFound.
//
// Throws crix::Error InvalidArgument naming "file:line: dotted.key: ..." for a
// TOML syntax error, a value of the wrong type, or a value out of range; the
// cross-key checks run once on the merged result. Warnings are returned, not
// logged: the caller decides where they go.
Loaded load(const std::string& mainFile, const std::string& dropInDir, bool mainFileRequired);

// Applies one TOML document held in memory on top of `into`, the way a
// drop-in file would, then validates. `name` stands in for a file name in
// messages. For tests and for `crix config --check`-style tooling.
Loaded loadString(const std::string& toml, const std::string& name, Config into = defaults());

// The value checks load() applies, for a Config assembled in code (e.g.
// after command-line overrides). Throws crix::Error InvalidArgument naming the
// dotted key; returns warnings without a file. Normalises values the way
// load() does (grpc sizes <= 0 become the default, runtime_type "" "oci").
std::vector<Diagnostic> validate(Config& cfg);

}  // namespace crix::config
