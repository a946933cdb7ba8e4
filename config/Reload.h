// What a SIGHUP may change in a running crix.
//
// Reloadable keys (applied to the running daemon; RPCs already under way keep
// the snapshot they started with):
//   crio.runtime: log_level, log_filter, seccomp_profile, apparmor_profile,
//                 decryption_keys_path
//   crio.image:   pause_image, pause_image_auth_file, pause_command,
//                 pinned_images, global_auth_file, insecure_registries,
//                 registries_conf
// That is CRI-O's live-reload set plus the registry and credential settings,
// which are read afresh at each pull anyway. Each of them is consulted when a
// new pod, container or pull starts, so a change can never leave something
// that already runs half-configured.
//
// Everything else needs a restart. In particular default_runtime and the
// runtimes tables are not reloadable: running containers stay tied to the
// runtime binary, root and monitor they were created with, and swapping the
// table underneath them would make stop/exec pick a different runtime than
// the one that started them.
#pragma once

#include <string>
#include <vector>

#include "config/Config.h"

namespace crix::config {

// The running configuration with the reloadable keys taken from `reloaded`:
// what a SIGHUP applies. Everything else keeps its running value.
Config withReloadable(const Config& running, const Config& reloaded);

// One line per reloadable key that differs, e.g. "log_level: info -> debug"
// (strings bare, lists as TOML arrays), in crio.conf order.
std::vector<std::string> reloadableChanges(const Config& before, const Config& after);

// One line per other key that differs, with its dotted name, e.g.
// "crio.api.listen: /run/crix/crix.sock -> /run/x.sock": what a SIGHUP
// cannot apply, for the daemon to warn about.
std::vector<std::string> restartRequiredChanges(const Config& before, const Config& after);

}  // namespace crix::config
