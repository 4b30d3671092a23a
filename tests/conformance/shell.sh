#!/usr/bin/env bash
# The shell against the kernel: every lesson rebuilt in network namespaces with
# `packetwalk lab`, then, of the kernel (iproute2's `ip -n NS …`, iptables 1.8.9 in NS) and
# of `packetwalk shell` (as the walk leaves it), per lesson:
#  - `ip route get ADDR` for every namespace and every address of the lesson (the
#    interfaces', the Services', each subnet's broadcast, one outside the cluster): the
#    namespaces times the addresses, counted per lesson in the run's `ip route get, N asked`;
#  - `iptables -t nat -L -n` of every namespace with nat rules, whole (the lab sends no
#    packets before it, so the counters of `-v` would differ: they are left out);
#  - `iptables -L -n` and `iptables-save -t filter` (the filter table, the default of
#    `iptables`) of every namespace with filter rules, whole (iptables-save's timestamp lines
#    and the chains' [packets:bytes] left out: the lab's interfaces send packets of their own);
#  - `ss -tuln` of every namespace: the lab's python3 servers listen where the model's apps
#    do (0.0.0.0, the lesson's ports); their backlog (128) is not the apps' (ss's Send-Q of a
#    listening socket), so it is blanked, and the rows are compared in sorted order (the
#    kernel lists its socket hash's, the model its own);
#  - `ip -d link` of every namespace: for each device the shell prints a kind for (veth,
#    bridge, bridge port, vxlan), its details from `promiscuity` on, with the bridge ids
#    and the timers (which run in the kernel, not in the model) blanked.
# Any difference is printed and fails the run.
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
  echo "$lesson: ip route get, $n asked, $bad differ"
  [ "$bad" = 0 ] || failed=1
  n=0 bad=0
  for ns in $namespaces; do
    ask "$ns" "iptables-save -t nat" | grep -q '^-A' || continue
    n=$((n + 1))
    want="$(ip netns exec "pw-$tag-$ns" iptables -t nat -L -n 2>&1)"
    got="$(ask "$ns" "iptables -t nat -L -n")"
    if [ "$want" != "$got" ]; then
      bad=$((bad + 1))
      echo "$lesson $ns: iptables -t nat -L -n differs"
      diff <(echo "$want") <(echo "$got") | head -10
    fi
  done
  echo "$lesson: iptables -t nat -L -n, $n namespaces, $bad differ"
  [ "$bad" = 0 ] || failed=1
  n=0 bad=0
  nocount() { grep -v '^#' | sed -E 's/\[[0-9]+:[0-9]+\]$/[0:0]/'; }
  for ns in $namespaces; do
    ask "$ns" "iptables-save -t filter" | grep -q '^-A' || continue
    n=$((n + 1))
    want="$(ip netns exec "pw-$tag-$ns" iptables -L -n 2>&1)"
    got="$(ask "$ns" "iptables -L -n")"
    want_save="$(ip netns exec "pw-$tag-$ns" iptables-save -t filter 2>&1 | nocount)"
    got_save="$(ask "$ns" "iptables-save -t filter" | nocount)"
    if [ "$want" != "$got" ] || [ "$want_save" != "$got_save" ]; then
      bad=$((bad + 1))
      echo "$lesson $ns: iptables -L -n or iptables-save -t filter differs"
      diff <(echo "$want"; echo "$want_save") <(echo "$got"; echo "$got_save") | head -10
    fi
  done
  echo "$lesson: iptables -L -n and iptables-save -t filter, $n namespaces, $bad differ"
  [ "$bad" = 0 ] || failed=1
  n=0 bad=0
  # ss's Send-Q of a LISTEN row blanked (the 4th field, `%-6d`, so the widths hold), rows sorted.
  ssnorm() { awk 'NR == 1 {print; next} $2 == "LISTEN" {sub(/LISTEN 0      [0-9]+ */, "LISTEN 0      Q     ")} {print | "sort"}'; }
  for ns in $namespaces; do
    n=$((n + 1))
    want="$(ip netns exec "pw-$tag-$ns" ss -tuln 2>&1 | ssnorm)"
    got="$(ask "$ns" "ss -tuln" | ssnorm)"
    if [ "$want" != "$got" ]; then
      bad=$((bad + 1))
      echo "$lesson $ns: ss -tuln differs"
      diff <(echo "$want") <(echo "$got") | head -10
    fi
  done
  echo "$lesson: ss -tuln, $n namespaces, $bad differ"
  [ "$bad" = 0 ] || failed=1
  n=0 bad=0
  for ns in $namespaces; do
    n=$((n + 1))
    ip -n "pw-$tag-$ns" -d link show > "$WORK/kernel.txt" 2>&1
    ask "$ns" "ip -d link" > "$WORK/shell.txt"
    python3 - "$WORK/kernel.txt" "$WORK/shell.txt" "$lesson $ns" <<'PY' || bad=$((bad + 1))
import re, sys
def blocks(path):
    out, name = {}, None
    for line in open(path).read().splitlines():
        m = re.match(r"\d+: ([^:@]+)", line)
        if m:
            name = m.group(1)
            out[name] = []
        elif name:
            out[name].append(line)
    return out
def norm(lines):
    text = "\n".join(lines)
    text = text[text.find(" promiscuity"):]
    text = re.sub(r"8000\.[0-9a-f:]+", "8000.ID", text)
    return re.sub(r"(_timer) +[0-9.]+", r"\1 T", text)
kernel, shell = blocks(sys.argv[1]), blocks(sys.argv[2])
bad = False
for dev, lines in shell.items():
    if len(lines) < 2:
        continue  # lo and the node's NIC: no kind line in the model (the lab's NIC is a veth)
    if norm(kernel.get(dev, [])) != norm(lines):
        print(f"{sys.argv[3]} {dev}: ip -d link differs\n  kernel: {norm(kernel.get(dev, []))}\n  shell:  {norm(lines)}")
        bad = True
sys.exit(1 if bad else 0)
PY
  done
  bash "$WORK/down.sh" > /dev/null 2>&1
  echo "$lesson: ip -d link, $n namespaces, $bad differ"
  [ "$bad" = 0 ] || failed=1
done
exit "$failed"
