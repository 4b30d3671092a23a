#!/usr/bin/env bash
# Sizes of the built site: every file in dist/ raw and gzipped (gzip -9, as a host that
# precompresses would serve it), the total, and the budget. Writes reports/size.txt.
# Run after a release build (`trunk build --release --offline`); exits 1 over budget.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

BUDGET_KB=170
BUDGET=$((BUDGET_KB * 1024))

[ -f dist/index.html ] || { echo "size-report: dist/ is empty: run 'trunk build --release --offline' first" >&2; exit 1; }
mkdir -p reports

kb() { awk -v b="$1" 'BEGIN { printf "%.1f KB", b / 1024 }'; }

{
  echo "packetwalk: size of dist/ (KB = 1024 bytes; gzip -9)"
  echo
  printf '%-44s %12s %12s\n' file raw gzip
  total_raw=0
  total_gz=0
  while IFS= read -r -d '' file; do
    raw=$(wc -c <"$file")
    gz=$(gzip -9 -c "$file" | wc -c)
    total_raw=$((total_raw + raw))
    total_gz=$((total_gz + gz))
    printf '%-44s %12s %12s\n' "${file#dist/}" "$(kb "$raw")" "$(kb "$gz")"
  done < <(find dist -type f -print0 | sort -z)
  printf '%-44s %12s %12s\n' total "$(kb "$total_raw")" "$(kb "$total_gz")"
  echo
  pct=$((total_gz * 100 / BUDGET))
  if [ "$total_gz" -le "$BUDGET" ]; then
    echo "budget: ${BUDGET_KB} KB gzip in all; used $(kb "$total_gz") (${pct}%): within budget"
  else
    echo "budget: ${BUDGET_KB} KB gzip in all; used $(kb "$total_gz") (${pct}%): OVER BUDGET"
  fi
} | tee reports/size.txt

grep -q 'within budget$' reports/size.txt
