#!/usr/bin/env bash
# THE test command (CI runs it through .ci/run). In order, stopping at the first failure:
#   setup        scripts/setup.sh installs whatever is missing (quiet when nothing is)
#   native       cargo test --workspace
#   fuzz smoke   scripts/fuzz.sh --smoke: fuzz/regressions/*.toml replayed, each fuzz target
#                15 s (skipped, visibly, without nightly Rust and cargo-fuzz)
#   wasm         the web crate's #[wasm_bindgen_test]s, compiled to wasm32, run in Node
#   site         trunk build --release --offline into dist/
#   size         scripts/size-report.sh (reports/size.txt; fails over the 170 KB budget)
#   end-to-end   node --test tests/e2e: dist/ in headless Chromium (reports/screenshots/,
#                reports/timing.txt)
#   conformance  tests/conformance/run.sh: each lesson rebuilt in network namespaces and
#                compared with its trace (reports/conformance/; skipped when not root,
#                never under CI=true); tests/conformance/shell.sh: `packetwalk shell`'s
#                `ip route get` against the kernel's in the same namespaces
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

T0=$SECONDS
section() { printf '\n==== %s  (%ss) ====\n' "$*" "$((SECONDS - T0))"; }

section "setup: scripts/setup.sh"
bash scripts/setup.sh
export PATH="$ROOT/node_modules/.bin:${CARGO_HOME:-$HOME/.cargo}/bin:$PATH"
export TRUNK_SKIP_VERSION_CHECK=true

section "native: cargo test --workspace"
cargo test --workspace

section "fuzz smoke: scripts/fuzz.sh --smoke"
bash scripts/fuzz.sh --smoke

section "wasm: cargo test -p packetwalk-web --target wasm32-unknown-unknown (Node)"
# Always `-p packetwalk-web`: switching to --workspace here would rebuild (feature unification).
cargo test -p packetwalk-web --target wasm32-unknown-unknown --test wasm

section "site: trunk build --release --offline"
trunk build --release --offline

section "size: scripts/size-report.sh"
bash scripts/size-report.sh

section "end-to-end: node --test tests/e2e (headless Chromium)"
# tests/e2e/engine.mjs compares the page's walks with the CLI's (`packetwalk trace --set`).
cargo build -q --bin packetwalk
node --test tests/e2e/*.test.mjs

section "conformance: tests/conformance/run.sh (each lesson in real network namespaces)"
# Strict: a difference classed as the model's own fails the run (none is left).
PACKETWALK_CONFORMANCE_STRICT=1 bash tests/conformance/run.sh
bash tests/conformance/shell.sh

section "all passed"
