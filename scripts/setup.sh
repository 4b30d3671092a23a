#!/usr/bin/env bash
# Installs what building and testing the site needs, on a machine that has only Rust.
# Idempotent: each tool's version is checked first, and nothing is printed for what is
# already there. One line per thing it installs; a failed install prints its log's tail.
#
#   wasm32-unknown-unknown target       rustup
#   trunk 0.21.14                       cargo install --locked
#   wasm-bindgen-cli = Cargo.lock's     cargo install (plain: --locked fails for 0.2.130)
#   chromium, chromium-driver           apt-get (update only when needed)
#   node + npm (if missing)             apt-get
#   tshark                              apt-get (the pcapng test reads every lesson's capture)
#   binaryen@132, playwright-core,      npm ci, from package.json + package-lock.json
#   axe-core
#   the crates in Cargo.lock            cargo fetch (Trunk builds with --offline)
#   cargo-fuzz 0.13.2 (with nightly     cargo install --locked; and fuzz/'s crates
#     only)                             (cargo fetch), for scripts/fuzz.sh
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

TRUNK_VERSION=0.21.14
export PATH="${CARGO_HOME:-$HOME/.cargo}/bin:$PATH"

LOG_DIR="$ROOT/target/setup-logs"
mkdir -p "$LOG_DIR"

say() { echo "setup: $*"; }
die() { echo "setup: error: $*" >&2; exit 1; }

# run NAME CMD...: run quietly into a log; on failure show the log's tail and stop.
run() {
  local name="$1"; shift
  local log="$LOG_DIR/$name.log"
  if ! "$@" >"$log" 2>&1; then
    echo "setup: '$*' failed; last lines of $log:" >&2
    tail -n 30 "$log" >&2
    exit 1
  fi
}

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"
  elif command -v sudo >/dev/null; then sudo "$@"
  else die "need root for: $*"
  fi
}

APT_UPDATED=0
apt_install() {
  # Refresh the package lists only when one of the packages is unknown, or an install
  # from the lists there fails (stale lists).
  local pkg
  for pkg in "$@"; do
    if ! apt-cache show "$pkg" >/dev/null 2>&1; then
      run apt-update as_root apt-get update; APT_UPDATED=1; break
    fi
  done
  if ! DEBIAN_FRONTEND=noninteractive as_root apt-get install -y --no-install-recommends "$@" \
      >"$LOG_DIR/apt-install.log" 2>&1; then
    if [ "$APT_UPDATED" -eq 1 ]; then
      tail -n 30 "$LOG_DIR/apt-install.log" >&2; die "apt-get install $* failed"
    fi
    run apt-update as_root apt-get update; APT_UPDATED=1
    DEBIAN_FRONTEND=noninteractive run apt-install as_root apt-get install -y --no-install-recommends "$@"
  fi
}

# --- Rust: the wasm32 target -------------------------------------------------------------
if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  say "installing the Rust target wasm32-unknown-unknown"
  run rustup-target rustup target add wasm32-unknown-unknown
fi

# --- trunk --------------------------------------------------------------------------------
if [ "$(trunk --version 2>/dev/null)" != "trunk $TRUNK_VERSION" ]; then
  say "installing trunk $TRUNK_VERSION (cargo install, ~9 min)"
  run trunk cargo install trunk --version "$TRUNK_VERSION" --locked
fi

# --- wasm-bindgen-cli, at exactly the version in Cargo.lock ------------------------------
if ! WBG_VERSION="$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' Cargo.lock)" \
    || [ -z "$WBG_VERSION" ]; then
  die "no wasm-bindgen in Cargo.lock (run 'cargo fetch' or 'cargo generate-lockfile')"
fi
if ! grep -qx "wasm_bindgen = \"$WBG_VERSION\"" Trunk.toml; then
  die "Trunk.toml's [tools] wasm_bindgen must equal Cargo.lock's wasm-bindgen $WBG_VERSION"
fi
if [ "$(wasm-bindgen --version 2>/dev/null)" != "wasm-bindgen $WBG_VERSION" ] \
    || [ "$(wasm-bindgen-test-runner --version 2>/dev/null)" != "wasm-bindgen-test-runner $WBG_VERSION" ]; then
  say "installing wasm-bindgen-cli $WBG_VERSION (cargo install, ~3 min)"
  run wasm-bindgen-cli cargo install wasm-bindgen-cli --version "$WBG_VERSION"
fi

# --- Debian: chromium, chromedriver, node --------------------------------------------------
if ! [ -x /usr/bin/chromium ] || ! [ -x /usr/bin/chromedriver ]; then
  say "installing chromium and chromium-driver (apt-get)"
  apt_install chromium chromium-driver
fi
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
  say "installing nodejs and npm (apt-get)"
  apt_install nodejs npm
fi

# --- Debian: tshark, for packetwalk-pcap's test (tshark reads every lesson's capture) ------
if ! command -v tshark >/dev/null; then
  say "installing tshark (apt-get)"
  # wireshark-common asks whether non-root users may capture: no (nothing here captures).
  echo "wireshark-common wireshark-common/install-setuid boolean false" \
    | as_root debconf-set-selections
  apt_install tshark
fi

# --- npm: binaryen (wasm-opt), playwright-core, axe-core -----------------------------------
# node_modules is current when npm ci ran on this very package-lock.json and the tools in
# it answer with the pinned versions.
LOCK_SUM="$(sha256sum package-lock.json | cut -d' ' -f1)"
STAMP=node_modules/.packetwalk-lock.sha256
npm_current() {
  [ "$(cat "$STAMP" 2>/dev/null)" = "$LOCK_SUM" ] \
    && [ "$(node_modules/.bin/wasm-opt --version 2>/dev/null)" = "wasm-opt version 132 (version_132)" ] \
    && [ -f node_modules/playwright-core/package.json ] \
    && [ -f node_modules/axe-core/axe.min.js ] \
    && [ -f node_modules/terser/package.json ]
}
if ! npm_current; then
  say "installing npm packages (npm ci: binaryen, playwright-core, axe-core, terser)"
  # Never `npx playwright install`: it downloads a browser; Debian's chromium is used.
  PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 run npm-ci npm ci --no-audit --no-fund
  echo "$LOCK_SUM" >"$STAMP"
  npm_current || die "node_modules still does not hold the pinned tools after npm ci"
fi

# --- cargo-fuzz, for scripts/fuzz.sh: only where a nightly toolchain is installed -------------
CARGO_FUZZ_VERSION=0.13.2
if cargo +nightly --version >/dev/null 2>&1; then
  if [ "$(cargo +nightly fuzz --version 2>/dev/null)" != "cargo-fuzz $CARGO_FUZZ_VERSION" ]; then
    say "installing cargo-fuzz $CARGO_FUZZ_VERSION (cargo install, ~3 min)"
    run cargo-fuzz cargo install cargo-fuzz --version "$CARGO_FUZZ_VERSION" --locked
  fi
  run cargo-fetch-fuzz cargo fetch --manifest-path fuzz/Cargo.toml
fi

# --- crates: Trunk builds offline, so everything in Cargo.lock must be downloaded -----------
run cargo-fetch cargo fetch
