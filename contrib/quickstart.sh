#!/usr/bin/env bash
# Takes a fresh Debian 12 machine to a running crix daemon: installs the
# dependencies, builds and installs crix and crixctl under /usr/local, starts
# the daemon on /run/crix/crix.sock and asks it who it is.
set -euo pipefail
cd "$(dirname "$0")/.."

if [[ $EUID -ne 0 ]]; then
  echo "quickstart: run as root (crix manages containers)" >&2
  exit 1
fi

contrib/install-deps.sh
if [[ -f build/build.ninja ]]; then meson setup --reconfigure build >/dev/null; else meson setup build >/dev/null; fi
ninja -C build
meson install -C build --quiet

socket=/run/crix/crix.sock
if crixctl --runtime-endpoint "unix://$socket" --timeout 1s version >/dev/null 2>&1; then
  echo "quickstart: crix is already running on $socket"
else
  mkdir -p /var/log/crix
  if command -v systemctl >/dev/null && [[ -d /run/systemd/system ]]; then
    install -m 0644 contrib/systemd/crix.service /etc/systemd/system/crix.service
    systemctl daemon-reload
    systemctl restart crix
  else
    # No systemd (a container or a chroot): run it detached, logging to a file.
    setsid /usr/local/bin/crix >>/var/log/crix/crix.log 2>&1 < /dev/null &
  fi
  for _ in $(seq 1 100); do
    [[ -S $socket ]] && crixctl --runtime-endpoint "unix://$socket" --timeout 1s version >/dev/null 2>&1 && break
    sleep 0.1
  done
fi

crixctl --runtime-endpoint "unix://$socket" version
