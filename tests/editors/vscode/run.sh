#!/usr/bin/env bash
# End-to-end test of the dockls VS Code extension in the real VS Code workbench:
# code-server@4.100.3 driven in Debian's Chromium with playwright-core.
# Usage: tests/editors/vscode/run.sh   (from anywhere; exits non-zero on any failed check)
# Runs e2e.js (language features) and registry.js (registry features, with workbench.js).
# Env: DOCKLS_VSIX overrides the .vsix under test (default: editors/vscode/dockls-0.1.0.vsix,
# packaged first when missing or older than target/release/dockls).
# DOCKLS_E2E_WORK (default /tmp/vscode-e2e-work) holds code-server and playwright-core.
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
ROOT="$(cd "$HERE/../../.." && pwd)"
WORK="${DOCKLS_E2E_WORK:-/tmp/vscode-e2e-work}"
ART="$HERE/artifacts"
mkdir -p "$WORK" "$ART"

# 1. System packages (chromium, ripgrep, libkrb5-dev, a C/C++ toolchain, docker-registry for
# registry.js) when missing; the apt step needs root or passwordless sudo.
"$ROOT/.ci/setup" vscode registry

# 2. code-server and playwright-core.
export npm_config_nodedir=/usr npm_config_yes=true npm_config_unsafe_perm=true
CS="$WORK/node_modules/.bin/code-server"
if [ ! -x "$CS" ] || [ ! -d "$WORK/node_modules/playwright-core" ] || [ ! -e "$WORK/node_modules/code-server/lib/vscode/node_modules.asar" ]; then
  [ -f "$WORK/package.json" ] || echo '{"name":"dockls-vscode-e2e","private":true}' > "$WORK/package.json"
  if ! (cd "$WORK" && npm install --no-audit --no-fund code-server@4.100.3 playwright-core); then
    # Usually @vscode/ripgrep failing to download rg from GitHub (npm then rolls the install back).
    # Install without scripts, put Debian's rg where @vscode/ripgrep expects it (its postinstall
    # then skips the download), build the native modules, then run code-server's postinstall.
    echo "npm install failed; retrying with Debian's rg in place of @vscode/ripgrep's download"
    (cd "$WORK" && npm install --no-audit --no-fund --ignore-scripts code-server@4.100.3 playwright-core)
    VS="$WORK/node_modules/code-server/lib/vscode"
    (cd "$VS" && npm install --no-audit --no-fund --omit=dev --ignore-scripts)
    mkdir -p "$VS/node_modules/@vscode/ripgrep/bin" && cp /usr/bin/rg "$VS/node_modules/@vscode/ripgrep/bin/rg"
    (cd "$VS" && npm rebuild)
    (cd "$WORK" && npm rebuild)
  fi
fi
# Any other copy of @vscode/ripgrep without its binary gets Debian's rg.
for d in $(find "$WORK/node_modules" -type d -path '*@vscode/ripgrep' 2>/dev/null); do
  if [ ! -x "$d/bin/rg" ]; then mkdir -p "$d/bin"; cp /usr/bin/rg "$d/bin/rg"; echo "placed /usr/bin/rg in $d/bin"; fi
done
[ -x "$CS" ] || { echo "FAIL: code-server not installed"; exit 1; }

# 3. Server and extension.
BIN="$ROOT/target/release/dockls"
[ -x "$BIN" ] || (cd "$ROOT" && cargo build --release)
VSIX="${DOCKLS_VSIX:-$ROOT/editors/vscode/dockls-0.1.0.vsix}"
if [ -z "${DOCKLS_VSIX:-}" ] && { [ ! -f "$VSIX" ] || [ "$BIN" -nt "$VSIX" ]; }; then
  (cd "$ROOT/editors/vscode" && { [ -d node_modules ] || npm ci; } && npm run package)
fi

# 4. Run.
export DOCKLS_BIN="$BIN" DOCKLS_VSIX="$VSIX" DOCKLS_ART="$ART" CODE_SERVER="$CS"
export NODE_PATH="$WORK/node_modules"
# e2e.js: the language features; registry.js: tag completion and the pin fix against a registry
# on 127.0.0.1 (tests/editors/registry.py). Both run; the status fails when either fails.
status=0
node "$HERE/e2e.js" || status=1
node "$HERE/registry.js" || status=1
exit $status
