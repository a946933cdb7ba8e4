// `crix-conmon pause`: the init of a pod's shared pid namespace, so that the
// namespace lives while the pod does even with no container running (pods
// have no infra container). conmon/README.md, Pause mode, is the contract.
#pragma once

namespace crix::conmon {

// argv[1] is "pause". Returns the exit code of the process that started it;
// the pause process itself (its child, PID 1 of a new pid namespace) never
// returns from here.
int runPauseMode(int argc, char** argv);

}  // namespace crix::conmon
