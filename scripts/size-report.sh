#!/usr/bin/env bash
# Sizes of the built site: every file in dist/ raw and gzipped (gzip -9, as a host that
# precompresses would serve it), in two parts with a budget each: the first load (the
# page, its CSS and its WASM, and the largest lesson file: a link to a lesson fetches that
# lesson's lessons/<id>.bin before its first frame, the lesson list none) and the engine
# module that the page fetches after its first frame (packetwalk-engine*: the worker's
# loader, JS and WASM).
# Writes reports/size.txt. Run after a release build (`trunk build --release --offline`);
# exits 1 when the first load is over its budget. The engine's budget (issue 10's 220 KB)
# is reported, not enforced yet: the engine is 302 KB today (25 KB of it the pcapng writer), and a page without it
# would teach less than one with it (docs/architecture.md, "The engine in the page").
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

FIRST_KB=170
ENGINE_KB=220

[ -f dist/index.html ] || { echo "size-report: dist/ is empty: run 'trunk build --release --offline' first" >&2; exit 1; }
mkdir -p reports

kb() { awk -v b="$1" 'BEGIN { printf "%.1f KB", b / 1024 }'; }

part() { # $1: title, $2: budget KB, $3: 1 for the engine's files, 0 for the rest, $4: verdict over budget
  local raw_total=0 gz_total=0 budget=$(($2 * 1024)) big_raw=0 big_gz=0 big=""
  echo "$1"
  printf '  %-46s %12s %12s\n' file raw gzip
  while IFS= read -r -d '' file; do
    case "${file#dist/}" in packetwalk-engine*|engine-loader.js) kind=1 ;; lessons/*) kind=lesson ;; *) kind=0 ;; esac
    raw=$(wc -c <"$file")
    gz=$(gzip -9 -c "$file" | wc -c)
    if [ "$kind" = lesson ] && [ "$3" = 0 ]; then
      [ "$gz" -gt "$big_gz" ] && { big_raw=$raw; big_gz=$gz; big=${file#dist/}; }
      continue
    fi
    [ "$kind" = "$3" ] || continue
    raw_total=$((raw_total + raw))
    gz_total=$((gz_total + gz))
    printf '  %-46s %12s %12s\n' "${file#dist/}" "$(kb "$raw")" "$(kb "$gz")"
  done < <(find dist -type f -print0 | sort -z)
  if [ -n "$big" ]; then
    raw_total=$((raw_total + big_raw))
    gz_total=$((gz_total + big_gz))
    printf '  %-46s %12s %12s\n' "$big (the largest lesson)" "$(kb "$big_raw")" "$(kb "$big_gz")"
  fi
  printf '  %-46s %12s %12s\n' total "$(kb "$raw_total")" "$(kb "$gz_total")"
  local pct=$((gz_total * 100 / budget))
  if [ "$gz_total" -le "$budget" ]; then
    echo "  budget: $2 KB gzip; used $(kb "$gz_total") (${pct}%): within budget"
  else
    echo "  budget: $2 KB gzip; used $(kb "$gz_total") (${pct}%): $4"
  fi
  echo
}

{
  echo "packetwalk: size of dist/ (KB = 1024 bytes; gzip -9)"
  echo
  part "first load (before the first interactive frame):" "$FIRST_KB" 0 "OVER BUDGET"
  part "the engine (a Web Worker, fetched after the first frame):" "$ENGINE_KB" 1 "over its budget (not enforced yet)"
} | tee reports/size.txt

! grep -q 'OVER BUDGET$' reports/size.txt
