#!/usr/bin/env bash
# The shell against the kernel: every lesson rebuilt in network namespaces with
# `packetwalk lab`, then `ip route get ADDR` asked of the kernel (iproute2's `ip -n NS route
# get`) and of `packetwalk shell` for every namespace and every address of the lesson (the
# interfaces', the Services', each subnet's broadcast, one outside the cluster); any
# difference is printed and fails the run.
#
#   bash tests/conformance/shell.sh [lesson …]      (as root; all lessons when none is named)
#
# Not root, or no network namespaces: prints why and exits 0. Takes the conformance run's
# lock (the namespaces have fixed names) and tears each lesson down, also on failure.
set -uo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"
[ "$(id -u)" = 0 ] || { echo "shell conformance: SKIPPED: not root"; exit 0; }
probe="pw-probe-$$"
ip netns add "$probe" 2>/dev/null || { echo "shell conformance: SKIPPED: no network namespaces"; exit 0; }
ip netns del "$probe"
LOCK=/run/lock/packetwalk-conformance.lock
[ -d /run/lock ] || LOCK=/tmp/packetwalk-conformance.lock
exec 9>>"$LOCK"
flock -w 600 9 || { echo "shell conformance: another run holds the lock $LOCK" >&2; exit 1; }

cargo build -q -p packetwalk || exit 1
PW="$ROOT/target/debug/packetwalk"
LESSONS=("$@")
[ ${#LESSONS[@]} -gt 0 ] || mapfile -t LESSONS < <("$PW" list | awk '/^[a-z]/ {print $1}')
WORK="$(mktemp -d /tmp/packetwalk-shell-conformance.XXXXXX)"
trap '[ -f "$WORK/down.sh" ] && bash "$WORK/down.sh" >/dev/null 2>&1; rm -rf "$WORK"' EXIT

failed=0
for lesson in "${LESSONS[@]}"; do
  "$PW" lab "$lesson" > "$WORK/up.sh" && "$PW" lab "$lesson" --teardown > "$WORK/down.sh" || exit 1
  # The lab's namespaces are pw-<tag>-<namespace> (lab/src/names.rs).
  tag="$(awk '/^ip netns add / {print $4; exit}' "$WORK/up.sh" | cut -d- -f2)"
  bash "$WORK/up.sh" > "$WORK/up.log" 2>&1 || { echo "$lesson: the lab did not build (see $WORK/up.log)"; failed=1; continue; }
  ask() { printf '%s\n' "$2" | "$PW" shell "$lesson" --netns "$1" 2>&1; }
  namespaces="$(printf 'ip netns list\n' | "$PW" shell "$lesson")"
  addrs="8.8.8.8"
  for ns in $namespaces; do
    addrs="$addrs $(ask "$ns" "ip a" | awk '/inet / {print $2}' | cut -d/ -f1)"
    addrs="$addrs $(ask "$ns" "iptables-save -t nat" | grep -o -- '-d [0-9.]*/32' | awk '{print $2}' | cut -d/ -f1)"
    addrs="$addrs $(python3 -c 'import ipaddress,sys; [print(ipaddress.ip_interface(a).network.broadcast_address) for a in sys.argv[1:] if ipaddress.ip_interface(a).network.prefixlen < 31]' $(ask "$ns" "ip a" | awk '/inet / && !/ lo$/ {print $2}'))"
  done
  addrs="$(printf '%s\n' $addrs | sort -u)"
  n=0 bad=0
  for ns in $namespaces; do
    for a in $addrs; do
      n=$((n + 1))
      want="$(ip -n "pw-$tag-$ns" route get "$a" 2>&1)"
      got="$(ask "$ns" "ip route get $a")"
      if [ "$want" != "$got" ]; then
        bad=$((bad + 1))
        printf '%s %s %s\n  kernel: %s\n  shell:  %s\n' "$lesson" "$ns" "$a" "$want" "$got"
      fi
    done
  done
  bash "$WORK/down.sh" > /dev/null 2>&1
  echo "$lesson: ip route get, $n asked, $bad differ"
  [ "$bad" = 0 ] || failed=1
done
exit "$failed"
