#!/usr/bin/env bash
# How the engine scales (issue 13): generates clusters with `packetwalk gen` and times
# `packetwalk trace` on each (parse, build, one ClusterIP connection, the text printed) with
# /usr/bin/time -v: wall time and peak memory, into reports/scale.txt. A measurement, not a
# test; the 5,000-node size is tried last, with a time limit (SCALE_TIMEOUT, seconds).
# Sizes over core/src/cluster/limits.rs are refused by the check and reported as such.
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$PWD/target}"
cargo build -q --profile scale -p packetwalk
bin="$CARGO_TARGET_DIR/scale/packetwalk"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
mkdir -p reports
out=reports/scale.txt
{
  echo "# packetwalk trace on generated clusters (scripts/scale.sh, profile scale, $(nproc) cores)"
  echo "# nodes/pods/services  network  wall_s  peak_rss_mb  result"
} >"$out"
for size in "10 100 20" "100 3000 300" "1000 30000 2000" "5000 150000 10000"; do
  read -r n p s <<<"$size"
  for net in flannel-vxlan kubenet; do
    file="$tmp/gen-$n-$net.toml"
    "$bin" gen --nodes "$n" --pods "$p" --services "$s" --network "$net" -o "$file"
    if timeout "${SCALE_TIMEOUT:-300}" /usr/bin/time -v "$bin" trace "$file" >"$tmp/trace" 2>"$tmp/time"; then
      result="$(tail -1 "$tmp/trace" | cut -c1-60)"
    else
      result="failed: $(grep -m1 packetwalk: "$tmp/time" | cut -c1-120 || echo timeout)"
    fi
    wall="$(awk -F': ' '/Elapsed \(wall clock\)/ {print $2}' "$tmp/time")"
    rss="$(awk -F': ' '/Maximum resident set size/ {printf "%.0f", $2 / 1024}' "$tmp/time")"
    printf '%-22s %-14s %8s %8s  %s\n' "$n/$p/$s" "$net" "${wall:-?}" "${rss:-?}" "$result" | tee -a "$out"
  done
done
echo "wrote $out"
