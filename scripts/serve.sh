#!/usr/bin/env bash
# Serves the site for development: setup, then `trunk serve` on 127.0.0.1, rebuilding on
# every change (reload the page by hand: the CSP blocks Trunk's inline live-reload script).
#   bash scripts/serve.sh                 # http://127.0.0.1:8080/
#   PORT=9000 bash scripts/serve.sh       # another port
#   bash scripts/serve.sh --release       # extra arguments go to trunk serve
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

bash scripts/setup.sh
export PATH="$ROOT/node_modules/.bin:${CARGO_HOME:-$HOME/.cargo}/bin:$PATH"
export TRUNK_SKIP_VERSION_CHECK=true

PORT="${PORT:-8080}"
echo "packetwalk: serving http://127.0.0.1:$PORT/ (first build takes a minute; Ctrl-C stops)"
exec trunk serve --offline --address 127.0.0.1 --port "$PORT" "$@"
