#!/usr/bin/env bash
# Takes a fresh Debian 12 machine to a running crix daemon: installs the
# dependencies, builds and installs crix and crixctl under /usr/local, starts
# the daemon on /run/crix/crix.sock (with a bridge pod network when the node
# has none), asks it who it is, then runs a demo pod
# from a busybox image built here from the host's busybox-static (no registry
# or internet needed) and shows its IP, its logs, an exec and `crixctl ps`.
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

# The pod network: crix's bridge conflist (contrib/cni), unless the node
# already has a CNI configuration.
if ! compgen -G '/etc/cni/net.d/*.conf*' >/dev/null && ! compgen -G '/etc/cni/net.d/*.json' >/dev/null; then
  install -D -m 0644 contrib/cni/10-crix-bridge.conflist /etc/cni/net.d/10-crix-bridge.conflist
  echo "quickstart: installed /etc/cni/net.d/10-crix-bridge.conflist (bridge crix0, 10.88.0.0/16)"
fi

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

# The demo pod. A rerun replaces the previous one.
ctl=(crixctl --runtime-endpoint "unix://$socket")
for old in $("${ctl[@]}" pods --name crix-demo -q); do "${ctl[@]}" rmp -f "$old" >/dev/null; done
rm -rf /var/log/crix/pods/crix-demo
demo=$(mktemp -d)
trap 'rm -rf "$demo"' EXIT
/usr/bin/python3 contrib/test-images/build-image.py contrib/test-images/busybox.json --out "$demo/layout" >/dev/null
tar -C "$demo/layout" -cf "$demo/busybox.tar" .
"${ctl[@]}" load --name localhost/crix-demo/busybox:latest "$demo/busybox.tar"
pod=$("${ctl[@]}" runp contrib/demo/pod.yaml)
ctr=$("${ctl[@]}" create "$pod" contrib/demo/container.yaml contrib/demo/pod.yaml)
"${ctl[@]}" start "$ctr" >/dev/null
sleep 1
echo "--- the demo pod's IP on the pod network"
"${ctl[@]}" inspectp "$pod" | python3 -c 'import json, sys; print(json.load(sys.stdin)["status"]["network"]["ip"])'
echo "--- crixctl logs $ctr"
"${ctl[@]}" logs "$ctr"
echo "--- crixctl exec $ctr (streamed through crix's streaming server)"
"${ctl[@]}" exec "$ctr" sh -c 'echo "hello from exec in $(hostname)"'
echo "--- crixctl ps"
"${ctl[@]}" ps
echo "The demo pod keeps running; remove it with: crixctl rmp -f $pod"
