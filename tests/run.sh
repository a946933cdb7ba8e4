#!/usr/bin/env bash
# Runs crix's whole test suite on this machine: installs what is missing,
# builds, then runs the unit tests and the integration tests (the real daemon,
# runc, registry and CNI; they need root). Ends with "N passed, N failed".
set -uo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
build=${CRIX_BUILD_DIR:-$root/build}

if [[ $EUID -ne 0 ]]; then
  echo "tests/run.sh: the integration tests run containers and need root" >&2
  exit 2
fi

contrib/install-deps.sh || exit 2
# The streaming tests drive crix's SPDY and WebSocket code with independent
# client libraries from npm (tests/cri/streaming/js/package-lock.json).
npm ci --prefix tests/cri/streaming/js --no-audit --no-fund --silent || exit 2
if [[ -f $build/build.ninja ]]; then
  meson setup --reconfigure "$build" >/dev/null || exit 2
else
  meson setup "$build" >/dev/null || exit 2
fi
ninja -C "$build" || { echo "0 passed, 1 failed"; exit 1; }

passed=0
failed=0
# Each suite is a doctest binary; its summary line carries the counts. A
# binary that dies before printing one counts as one failure.
run_suite() {
  local name=$1 binary=$2 limit=$3
  local log
  log=$(mktemp)
  echo "=== $name"
  CRIX_SOURCE_ROOT=$root timeout --kill-after=10 "$limit" "$binary" --no-colors=true 2>&1 | tee "$log"
  local summary
  summary=$(grep -E '^\[doctest\] test cases:' "$log" | tail -n 1)
  if [[ -z $summary ]]; then
    echo "$name: no summary (crashed or timed out)"
    failed=$((failed + 1))
  else
    local p f
    p=$(sed -E 's/.*\|[[:space:]]*([0-9]+) passed.*/\1/' <<<"$summary")
    f=$(sed -E 's/.*\|[[:space:]]*([0-9]+) failed.*/\1/' <<<"$summary")
    passed=$((passed + p))
    failed=$((failed + f))
  fi
  rm -f "$log"
}

run_suite unit "$build/tests/crix-unit-tests" 600
run_suite crixctl-unit "$build/tests/contrib/crixctl/crixctl-unit-tests" 120
# The streaming protocols against npm's spdy-transport and ws.
run_suite spdy "$build/tests/cri/streaming/spdy/crix-spdy-tests" 300
run_suite websocket "$build/tests/cri/streaming/websocket/crix-websocket-tests" 300
run_suite streaming-server "$build/tests/cri/streaming/crix-streaming-server-tests" 600
run_suite streaming-client "$build/tests/cri/streaming/client/crix-streaming-client-tests" 300
# Real runc and namespaces, no daemon: the OCI spec builder, runtime
# invocation, crix-conmon and pinned pod namespaces on their own. A binary
# that is missing has no summary and counts as a failure.
run_suite oci "$build/tests/oci/runtime/crix-oci-tests" 900
run_suite conmon "$build/tests/conmon/crix-conmon-tests" 900
run_suite netns "$build/tests/netns/crix-netns-tests" 900
# The real daemon over its socket, then crixctl against it.
run_suite daemon "$build/tests/cri/daemon/crix-daemon-tests" 2400
run_suite crixctl "$build/tests/contrib/crixctl/crixctl-tests" 1200

echo "$passed passed, $failed failed"
[[ $failed -eq 0 ]]
