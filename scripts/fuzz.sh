#!/usr/bin/env bash
# Fuzzes the lessons parser and the engine with cargo-fuzz (the crate in fuzz/; docs/fuzzing.md).
#
#   scripts/fuzz.sh [SECONDS_PER_TARGET]   each target for that long (default 600), release
#                                          build with debug assertions, AddressSanitizer
#   scripts/fuzz.sh --smoke                CI: replay fuzz/regressions/*.toml through the `run`
#                                          target, then each target for 15 s (dev build: it
#                                          compiles in well under a minute)
#
# Targets: parse, run, cluster (FUZZ_TARGETS="parse run" picks some). The corpus lives in
# fuzz/corpus/TARGET (not committed); parse and run are seeded with lessons/*.toml. Crashes
# go to fuzz/artifacts/TARGET/, logs to fuzz/target/logs/. PACKETWALK_FUZZ_SKIP_KNOWN=1 makes
# the cluster target pass over inputs that a recorded crash (fuzz/regressions/) already owns.
#
# One line per target: executions, seconds, result. Exits 1 when anything crashed, hung or
# ran out of memory; exits 0 with a "skipped" line when nightly Rust or cargo-fuzz is missing.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export PATH="${CARGO_HOME:-$HOME/.cargo}/bin:$PATH"

say() { echo "fuzz: $*"; }

SMOKE=0
SECS=600
case "${1:-}" in
  --smoke) SMOKE=1; SECS=15 ;;
  "") ;;
  *[!0-9]*) echo "usage: scripts/fuzz.sh [SECONDS_PER_TARGET | --smoke]" >&2; exit 2 ;;
  *) SECS="$1" ;;
esac
TARGETS=(${FUZZ_TARGETS:-parse run cluster})

if ! cargo +nightly --version >/dev/null 2>&1; then
  say "skipped: no nightly toolchain (rustup toolchain install nightly)"; exit 0
fi
if ! cargo +nightly fuzz --version >/dev/null 2>&1; then
  say "skipped: cargo-fuzz is not installed (scripts/setup.sh, or cargo install cargo-fuzz --locked)"
  exit 0
fi

cd "$ROOT/fuzz"
LOGS="$ROOT/fuzz/target/logs"
mkdir -p "$LOGS"

# AddressSanitizer in both modes: without it a stack overflow kills the process before
# libFuzzer can save the input. The smoke's dev build compiles much faster than release.
if [ "$SMOKE" -eq 1 ]; then
  BUILD=(--dev)
  MODE="dev"
else
  BUILD=(--release --debug-assertions)
  MODE="release + debug assertions"
fi

T=$SECONDS
if ! cargo +nightly fuzz build "${BUILD[@]}" >"$LOGS/build.log" 2>&1; then
  say "build failed; last lines of $LOGS/build.log:" >&2
  tail -n 30 "$LOGS/build.log" >&2
  exit 1
fi
say "built the fuzz crate ($MODE, AddressSanitizer) in $((SECONDS - T))s"

FAILED=0

# why LOG: what went wrong according to libFuzzer's log, and the saved input.
why() {
  local kind unit
  kind="$(grep -m1 -oE 'AddressSanitizer: [a-z-]+|libFuzzer: [a-z -]+|panicked at [^ ]+' "$1" || true)"
  unit="$(grep -m1 -oE 'Test unit written to [^ ]+' "$1" | sed 's/Test unit written to //' || true)"
  echo "${kind:-failed (see $1)}${unit:+, input saved as ${unit#"$ROOT/"}}"
}

# --- regressions: every recorded crash, replayed through the run target --------------------
shopt -s nullglob
REGS=("$ROOT"/fuzz/regressions/*.toml)
if [ "${#REGS[@]}" -gt 0 ]; then
  bad=()
  for f in "${REGS[@]}"; do
    log="$LOGS/regression-$(basename "$f" .toml).log"
    if ! cargo +nightly fuzz run "${BUILD[@]}" run "$f" -- -timeout=10 -rss_limit_mb=2048 >"$log" 2>&1; then
      bad+=("$(basename "$f") ($(why "$log"))")
    fi
  done
  if [ "${#bad[@]}" -eq 0 ]; then
    say "regressions: ${#REGS[@]} replayed through run, none crashes"
  else
    FAILED=1
    say "regressions: ${#bad[@]} of ${#REGS[@]} still crash: ${bad[*]}"
  fi
fi

# --- each target -------------------------------------------------------------------------
for t in "${TARGETS[@]}"; do
  corpus="$ROOT/fuzz/corpus/$t"
  mkdir -p "$corpus"
  if [ "$t" != cluster ]; then
    cp -n "$ROOT"/lessons/*.toml "$corpus"/ 2>/dev/null || true
  fi
  log="$LOGS/$t.log"
  T=$SECONDS
  rc=0
  cargo +nightly fuzz run "${BUILD[@]}" "$t" "$corpus" -- \
    -max_total_time="$SECS" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
    >"$log" 2>&1 || rc=$?
  took=$((SECONDS - T))
  execs="$(grep -oE 'stat::number_of_executed_units: [0-9]+' "$log" | grep -oE '[0-9]+$' || true)"
  if [ -z "$execs" ]; then
    # No final stats (it crashed): the last status line's count, "#12345 ...".
    execs="$(grep -oE '^#[0-9]+' "$log" | tail -n1 | tr -d '#' || true)"
    execs="~${execs:-0}"
  fi
  if [ "$rc" -eq 0 ]; then
    result="ok"
  else
    FAILED=1
    result="$(why "$log")"
  fi
  printf 'fuzz: %-8s %12s execs %5ss  %s\n' "$t" "$execs" "$took" "$result"
done

exit "$FAILED"
