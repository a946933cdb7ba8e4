#!/usr/bin/env bash
# Installs everything crix needs to build and to run its test suite on Debian 12.
# Idempotent: packages already present are left alone, and apt-get update runs
# only when a package is missing.
set -euo pipefail

build_deps=(
  g++ meson ninja-build pkg-config
  libgrpc++-dev protobuf-compiler-grpc libprotobuf-dev protobuf-compiler
  libcurl4-openssl-dev libssl-dev libarchive-dev libisal-dev
  nlohmann-json3-dev libtomlplusplus-dev libyaml-cpp-dev
  libseccomp-dev libcap-dev doctest-dev zlib1g-dev
)
# What the daemon drives at run time and what the tests run against.
runtime_deps=(
  runc containernetworking-plugins iproute2 iptables
  busybox-static docker-registry skopeo umoci conmon apache2-utils openssl zstd
  python3 python3-grpcio procps util-linux
)

# node and npm run the streaming tests' client libraries. Debian's nodejs
# package, unless a node (with its npm) is already installed.
command -v node >/dev/null || runtime_deps+=(nodejs)
command -v npm >/dev/null || runtime_deps+=(npm)

missing=()
for pkg in "${build_deps[@]}" "${runtime_deps[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || missing+=("$pkg")
done

if ((${#missing[@]})); then
  echo "install-deps: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
echo "install-deps: all build and test dependencies present"
