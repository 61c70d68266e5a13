#!/usr/bin/env bash
# `make bench`: installs what the benchmark needs (only what is missing), builds kumo in release
# mode, and runs bench/run.py. QUICK=1 runs every scenario briefly (< 2 minutes); the default
# full run takes < 15 minutes on 2 cores. Results: bench/results/<timestamp>/ (results.md,
# results.csv, chart.png). See bench/README.md.
set -euo pipefail

cd "$(dirname "$0")/.."
BUILD_DIR=${BUILD_DIR:-build}
MODE=full
[[ "${QUICK:-0}" != "0" ]] && MODE=quick

installed() {
  [[ "$(dpkg-query -W -f='${Status}' "$1" 2>/dev/null)" == "install ok installed" ]]
}

missing=()
for p in wrk python3-matplotlib; do
  installed "$p" || missing+=("$p")
done
if ((${#missing[@]} > 0)); then
  echo "bench: installing ${missing[*]}"
  SUDO=()
  [[ $(id -u) -ne 0 ]] && SUDO=(sudo)
  export DEBIAN_FRONTEND=noninteractive
  "${SUDO[@]}" apt-get update -qq
  "${SUDO[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# The peers, pinned by bench/peers/package-lock.json. A failed install is not fatal: the peers
# table then says which peer is missing and why.
peers=bench/peers
if [[ ! -f $peers/node_modules/.package-lock.json ||
      $peers/package-lock.json -nt $peers/node_modules/.package-lock.json ]]; then
  echo "bench: installing the peers (npm ci in $peers)"
  if ! (cd $peers && npm ci --no-audit --no-fund --loglevel=error); then
    echo "bench: npm ci failed; the peers table will say so" >&2
  fi
fi

cmake -S . -B "$BUILD_DIR" -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$BUILD_DIR" -j"$(nproc)" --target kumo kumo-sandbox bench_tools

# run.py stops everything it started on any exit; this trap only forwards a Ctrl-C or SIGTERM
# to it, by pid, and waits for that clean-up.
/usr/bin/python3 bench/run.py --mode "$MODE" --kumo "$BUILD_DIR/kumo" \
  --tools-dir "$BUILD_DIR/bench" "$@" &
runner=$!
trap 'kill -TERM "$runner" 2>/dev/null || true; wait "$runner" || true; exit 130' INT TERM
rc=0
wait "$runner" || rc=$?
exit "$rc"
