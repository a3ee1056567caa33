#!/usr/bin/env bash
# Installs the offline "real VS Code" test tools into test/e2e-tools/node_modules:
# code-server 4.100.3 (VS Code 1.100.3's server, workbench and Node extension host;
# the last line that runs on Node 20) and playwright-core to drive Debian's Chromium.
# Nothing is downloaded but npm and Debian packages. Safe to run again: it stops at
# the marker file once everything is in place.
#
#   E2E_INSTALL_APT=1   install missing Debian packages with apt-get (CI does; needs root)
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TOOLS="$ROOT/test/e2e-tools"
MARKER="$TOOLS/.installed-$(sha1sum "$TOOLS/package-lock.json" | cut -c1-12)"
[[ -f "$MARKER" ]] && exit 0

need=()
command -v chromium >/dev/null || need+=(chromium)
command -v rg >/dev/null || need+=(ripgrep)
dpkg -s libkrb5-dev >/dev/null 2>&1 || need+=(libkrb5-dev)   # headers for VS Code's kerberos module
{ command -v g++ >/dev/null && command -v make >/dev/null; } || need+=(build-essential)
command -v python3 >/dev/null || need+=(python3)               # node-gyp
dpkg -s fonts-nanum >/dev/null 2>&1 || need+=(fonts-nanum)       # Korean glyphs in the panels' screenshots
if ((${#need[@]})); then
  if [[ "${E2E_INSTALL_APT:-}" == 1 ]]; then
    export DEBIAN_FRONTEND=noninteractive
    apt-get install -y --no-install-recommends "${need[@]}" || { apt-get update && apt-get install -y --no-install-recommends "${need[@]}"; }
  else
    echo "e2e-tools: missing Debian packages: ${need[*]}" >&2
    echo "e2e-tools: install them (apt-get install ${need[*]}) or run with E2E_INSTALL_APT=1 as root" >&2
    exit 2
  fi
fi
node -e 'process.exit(+process.versions.node.split(".")[0] === 20 ? 0 : 1)' \
  || { echo "e2e-tools: code-server 4.100.3 needs Node 20 (found $(node -v)); use npm run test:electron instead" >&2; exit 2; }

# node-gyp must build against the local headers, never download them.
if [[ -z "${npm_config_nodedir:-}" ]]; then
  for d in "$(dirname "$(dirname "$(command -v node)")")" /usr /usr/local; do
    if [[ -f "$d/include/node/node_version.h" ]]; then export npm_config_nodedir="$d"; break; fi
  done
fi
[[ -n "${npm_config_nodedir:-}" ]] || { echo "e2e-tools: no Node headers (include/node/node_version.h); native modules cannot build offline" >&2; exit 2; }
export npm_config_yes=true npm_config_audit=false npm_config_fund=false npm_config_update_notifier=false

echo "e2e-tools: installing code-server and playwright-core into $TOOLS"
rm -f "$TOOLS"/.installed-*
cd "$TOOLS"
# --ignore-scripts: code-server's postinstall would fetch from the network, and so would @vscode/ripgrep's.
npm ci --ignore-scripts --no-audit --no-fund
npm rebuild argon2                                  # required at startup; prebuilt download fails offline, so it compiles
VSC="$TOOLS/node_modules/code-server/lib/vscode"
(cd "$VSC" && npm install --omit=dev --ignore-scripts --no-audit --no-fund)
(cd "$VSC" && npm rebuild @vscode/spdlog node-pty native-watchdog kerberos @parcel/watcher @vscode/deviceid)
mkdir -p "$VSC/node_modules/@vscode/ripgrep/bin"
ln -sf "$(command -v rg)" "$VSC/node_modules/@vscode/ripgrep/bin/rg"   # search uses Debian's ripgrep
ln -sfn node_modules "$VSC/node_modules.asar"
ln -sfn code-linux.sh "$VSC/bin/remote-cli/code-server"
ln -sfn browser-linux.sh "$VSC/bin/helpers/browser.sh"
(cd "$VSC/extensions" && npm install --omit=dev --ignore-scripts --no-audit --no-fund && node postinstall.mjs >/dev/null)
node -e "require('argon2')"
touch "$MARKER"
echo "e2e-tools: ready ($(du -sh "$TOOLS/node_modules" | cut -f1))"
