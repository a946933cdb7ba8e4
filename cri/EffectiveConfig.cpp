#include "cri/EffectiveConfig.h"

#include "core/Error.h"
#include "core/Log.h"

namespace crix::cri {

config::Loaded loadEffectiveConfig(const DaemonOptions& opts) {
  config::Loaded loaded = config::load(opts.configFile, opts.configDir, opts.configFileGiven);
  auto& cfg = loaded.config;
  if (opts.listen) cfg.api.listen = *opts.listen;
  if (opts.root) cfg.crio.root = *opts.root;
  if (opts.runroot) cfg.crio.runroot = *opts.runroot;
  if (opts.logLevel) {
    if (!log::parseLevel(*opts.logLevel))
      throw Error::invalidArgument("--log-level: unknown level \"" + *opts.logLevel +
                                   "\" (error, warn, info, debug, trace)");
    cfg.runtime.log_level = *opts.logLevel;
  }
  // The flags get the same checks as the files.
  for (auto& w : config::validate(cfg)) loaded.warnings.push_back(std::move(w));
  return loaded;
}

}  // namespace crix::cri
