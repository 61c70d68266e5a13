#!/usr/bin/env bash
# Installs the Debian packages kumo needs to build and test, and only those missing:
# quiet and fast when everything is there already.
set -euo pipefail

PACKAGES=(
  g++ cmake make pkg-config
  libboost1.81-dev libboost-json1.81-dev libsqlite3-dev libssl-dev libseccomp-dev
  libarchive-dev libcli11-dev libspdlog-dev libcap-dev uuid-dev libgtest-dev libgmock-dev libyaml-cpp-dev libhowardhinnant-date-dev
  python3 python3-boto3 nodejs npm zip unzip curl autoconf automake libtool
)
# Never libboost-dev: Debian's 1.74 conflicts with the 1.81 packages above.

installed() {
  [[ "$(dpkg-query -W -f='${Status}' "$1" 2>/dev/null)" == "install ok installed" ]]
}

missing=()
for p in "${PACKAGES[@]}"; do
  case "$p" in
    # A node from another source (e.g. NodeSource's nodejs, which bundles npm) is fine;
    # installing Debian's npm next to it would conflict.
    nodejs) command -v node >/dev/null 2>&1 && continue ;;
    npm) command -v npm >/dev/null 2>&1 && continue ;;
  esac
  installed "$p" || missing+=("$p")
done

if ((${#missing[@]} == 0)); then
  exit 0
fi

echo "install-deps: installing ${missing[*]}"
SUDO=()
if [[ $(id -u) -ne 0 ]]; then
  SUDO=(sudo)
fi
export DEBIAN_FRONTEND=noninteractive
"${SUDO[@]}" apt-get update -qq
"${SUDO[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
