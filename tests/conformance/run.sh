#!/usr/bin/env bash
# Kernel conformance: every lesson rebuilt in real Linux network namespaces and compared, hop
# by hop, with the model's trace.
#
# For each lesson: build it with `packetwalk lab <lesson>`, start tcpdump (-Q in and -Q out)
# on every interface of every namespace of the lesson and `conntrack -E` in every node, send
# the lesson's traffic the way a learner would (a TCP connect, getent ahosts, ping), stop the
# captures, dump `ip route`, `ip link`, `ip addr`, `ip neigh`, `iptables-save -t nat`, `-t filter` and
# `conntrack -L`, tear everything down, and let `packetwalk-conform compare` check it all
# against the trace. Reports: reports/conformance/<lesson>.md and summary.md.
#
#   bash tests/conformance/run.sh [lesson …]      (as root; all lessons when none is named)
#
# Not root, or no network namespaces here: prints why and exits 0, except under CI=true,
# where that is a failure. PACKETWALK_CONFORMANCE_STRICT=1 also fails on the differences
# classed as the model's own (see lab/src/known_differences.rs). Leaves no namespace, process or file
# behind (besides the reports), also when a step fails; PACKETWALK_CONFORMANCE_KEEP=<dir>
# keeps the captures and tables there.
set -uo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"
REPORTS="$ROOT/reports/conformance"

skip() {
  if [ "${CI:-}" = true ]; then
    echo "conformance: cannot run here under CI: $*" >&2
    exit 1
  fi
  echo "conformance: SKIPPED: $* (run as root on Linux to check the model against the kernel)"
  exit 0
}

[ "$(uname -s)" = Linux ] || skip "not Linux"
[ "$(id -u)" = 0 ] || skip "not root: ip netns needs root"

need=(ip bridge iptables-restore iptables-save conntrack tcpdump python3 getent stdbuf flock timeout)
missing() { for t in "${need[@]}"; do command -v "$t" >/dev/null || echo "$t"; done; }
if [ -n "$(missing)" ] && command -v apt-get >/dev/null; then
  echo "conformance: installing $(missing | tr '\n' ' ')"
  { apt-get install -y -qq iproute2 iptables conntrack tcpdump python3 >/dev/null 2>&1 ||
    { apt-get update -qq >/dev/null 2>&1 && apt-get install -y -qq iproute2 iptables conntrack tcpdump python3 >/dev/null 2>&1; }; } || true
fi
[ -z "$(missing)" ] || skip "missing tools: $(missing | tr '\n' ' ')"
probe="pw-probe-$$"
ip netns add "$probe" 2>/dev/null || skip "\`ip netns add\` fails here (no network namespaces)"
ip netns del "$probe"

# One run at a time on a machine, whichever clone it runs from: the namespaces have fixed names.
LOCK=/run/lock/packetwalk-conformance.lock
[ -d /run/lock ] || LOCK=/tmp/packetwalk-conformance.lock
exec 9>>"$LOCK"
flock -w 600 9 || { echo "conformance: another run holds the lock $LOCK" >&2; exit 1; }

echo "conformance: building packetwalk and packetwalk-conform"
cargo build -q -p packetwalk -p packetwalk-lab || exit 1
PW="$ROOT/target/debug/packetwalk"
CONFORM="$ROOT/target/debug/packetwalk-conform"

LESSONS=("$@")
[ ${#LESSONS[@]} -gt 0 ] || mapfile -t LESSONS < <("$PW" list | awk '/^[a-z]/ {print $1}')

WORK="$(mktemp -d /tmp/packetwalk-conformance.XXXXXX)"
PIDS=()
TEARDOWN=""
stop_pids() {
  for p in "${PIDS[@]}"; do kill -INT "$p" 2>/dev/null; done
  for p in "${PIDS[@]}"; do
    for _ in $(seq 30); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$p" 2>/dev/null
    wait "$p" 2>/dev/null
  done
  PIDS=()
}
cleanup() {
  stop_pids
  [ -n "$TEARDOWN" ] && [ -f "$TEARDOWN" ] && bash "$TEARDOWN" >/dev/null 2>&1
  # PACKETWALK_CONFORMANCE_KEEP=<dir> keeps the captures, tables and scripts (for a look with tcpdump -r)
  if [ -n "${PACKETWALK_CONFORMANCE_KEEP:-}" ]; then
    mkdir -p "$PACKETWALK_CONFORMANCE_KEEP" && cp -r "$WORK"/. "$PACKETWALK_CONFORMANCE_KEEP"/
  fi
  rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

{
  echo "kernel $(uname -r)"
  ip -V
  iptables -V
  conntrack -V
  tcpdump --version 2>&1 | head -1
  ldd --version 2>&1 | head -1
} >"$WORK/env.txt" 2>&1

run_lesson() {
  local lesson="$1" d="$WORK/$1"
  mkdir -p "$d/cap" "$d/tables"
  cp "$WORK/env.txt" "$d/env.txt"
  local plan
  plan="$("$CONFORM" plan "$lesson")" || return 2
  eval "$plan"
  "$PW" lab "$lesson" >"$d/setup.sh" && "$PW" lab "$lesson" --teardown >"$d/teardown.sh" || return 2
  TEARDOWN="$d/teardown.sh"
  bash "$d/teardown.sh" >/dev/null 2>&1
  if ! bash "$d/setup.sh" >"$d/setup.log" 2>&1; then
    echo "conformance: $lesson: set-up failed:" >&2
    tail -5 "$d/setup.log" >&2
    return 1
  fi
  for ns in "${NAT_NS[@]}"; do
    ip netns exec "$ns" stdbuf -oL conntrack -E >"$d/tables/$ns.events" 2>/dev/null &
    PIDS+=($!)
  done
  # A listener that subscribes after the first packet misses the entry's first states: wait
  # until each one has reported a probe entry made from user space (marked [USERSPACE], which
  # the comparison ignores).
  local probe=(-p udp -s 192.0.2.1 -d 192.0.2.2 --sport 9 --dport 9)
  for ns in "${NAT_NS[@]}"; do
    for _ in $(seq 50); do
      ip netns exec "$ns" conntrack -I "${probe[@]}" -t 30 >/dev/null 2>&1
      grep -q "src=192.0.2.1 " "$d/tables/$ns.events" && break
      ip netns exec "$ns" conntrack -D "${probe[@]}" >/dev/null 2>&1
      sleep 0.1
    done
    ip netns exec "$ns" conntrack -D "${probe[@]}" >/dev/null 2>&1
    grep -q "src=192.0.2.1 " "$d/tables/$ns.events" ||
      { echo "conformance: $lesson: \`conntrack -E\` in $ns reported nothing" >&2; return 1; }
  done
  for cap in "${CAPTURE[@]}"; do
    local ns="${cap% *}" ifc="${cap#* }"
    for dir in in out; do
      local f="$d/cap/${ns}__${ifc}__${dir}"
      ip netns exec "$ns" tcpdump -i "$ifc" -Q "$dir" -p -nn -U --time-stamp-precision=nano -w "$f.pcap" 2>"$f.err" &
      PIDS+=($!)
    done
  done
  for f in "$d"/cap/*.err; do
    for _ in $(seq 100); do grep -q "listening on" "$f" && break; sleep 0.05; done
    grep -q "listening on" "$f" || { echo "conformance: $lesson: tcpdump did not start: $(cat "$f")" >&2; return 1; }
  done
  sleep 0.3
  echo "  \$ $TRAFFIC"
  if ! eval "$TRAFFIC" >"$d/traffic.log" 2>&1; then
    echo "conformance: $lesson: the traffic command failed: $(head -3 "$d/traffic.log")" >&2
    echo "the learner's command failed" >>"$d/env.txt"
  fi
  sed 's/^/    /' "$d/traffic.log" | head -4
  sleep 1
  # IPv6 duplicate address detection runs for a second or two after set-up: let it finish
  # so `ip addr` shows no `tentative` (a timer, not the lesson's business)
  for _ in $(seq 40); do
    t=0
    for ns in "${MODEL_NS[@]}"; do ip -n "$ns" addr | grep -q tentative && t=1; done
    [ $t = 0 ] && break
    sleep 0.1
  done
  for ns in "${MODEL_NS[@]}"; do
    ip -n "$ns" route >"$d/tables/$ns.route"
    ip -n "$ns" link >"$d/tables/$ns.link"
    ip -n "$ns" addr >"$d/tables/$ns.addr"
    ip -4 -n "$ns" neigh >"$d/tables/$ns.neigh"
  done
  for ns in "${NAT_NS[@]}"; do
    ip netns exec "$ns" iptables-save -t nat >"$d/tables/$ns.nat"
    ip netns exec "$ns" iptables-save -t filter >"$d/tables/$ns.filter"
    ip netns exec "$ns" conntrack -L >"$d/tables/$ns.conntrack" 2>/dev/null
  done
  stop_pids
  bash "$d/teardown.sh" >/dev/null 2>&1
  TEARDOWN=""
  "$CONFORM" compare "$lesson" "$d" "$REPORTS/$lesson.md"
}

mkdir -p "$REPORTS"
SUMMARY="$WORK/summary.txt"
: >"$SUMMARY"
failed=0
for lesson in "${LESSONS[@]}"; do
  echo "conformance: $lesson"
  # not in a subshell: the trap must see the capture pids and the teardown of this lesson
  run_lesson "$lesson" >"$WORK/$lesson.out" 2>&1
  rc=$?
  sed 's/^/  /' "$WORK/$lesson.out"
  line="$(grep "^$lesson: " "$WORK/$lesson.out" | tail -1)"
  [ -n "$line" ] || line="$lesson: FAIL — the run did not complete (exit $rc)"
  if [ $rc -ne 0 ]; then
    # A kernel keeps its own time (timers, a machine under load): one more try shows whether a
    # difference is the model's. Both tries are printed; the second one decides.
    echo "conformance: $lesson: failed; trying once more (the first try is above)"
    stop_pids
    [ -n "$TEARDOWN" ] && bash "$TEARDOWN" >/dev/null 2>&1
    TEARDOWN=""
    rm -rf "${WORK:?}/$lesson"
    run_lesson "$lesson" >"$WORK/$lesson.out" 2>&1
    rc=$?
    sed 's/^/  /' "$WORK/$lesson.out"
    line="$(grep "^$lesson: " "$WORK/$lesson.out" | tail -1)"
    [ -n "$line" ] || line="$lesson: FAIL — the run did not complete (exit $rc)"
    line="$line (second try; the first failed)"
  fi
  echo "$line" >>"$SUMMARY"
  grep "^known-used:" "$WORK/$lesson.out" | cut -d: -f2 | tr ' ' '\n' >>"$WORK/known-used"
  [ $rc -eq 0 ] || failed=1
done
stale=""
if [ $# -eq 0 ]; then
  for id in $("$CONFORM" known); do grep -qx "$id" "$WORK/known-used" 2>/dev/null || stale+=" $id"; done
fi

{
  echo "# Kernel conformance: summary"
  echo
  echo "Each lesson rebuilt in network namespaces with \`packetwalk lab\`, its traffic sent and"
  echo "captured on every interface, and compared with the trace (see each lesson's report)."
  echo
  sed 's/^/    /' "$WORK/env.txt"
  echo
  while read -r l; do echo "- [${l%%:*}](${l%%:*}.md) ${l#*: }"; done <"$SUMMARY"
  echo
  if [ $# -gt 0 ]; then
    echo "Lessons run: $*."
  elif [ -n "$stale" ]; then
    echo "Known differences (lab/src/known_differences.rs) that explained nothing in this run, perhaps fixed in the model:$stale"
  else
    echo "Every known difference in lab/src/known_differences.rs was seen in this run."
  fi
} >"$REPORTS/summary.md"

# Nothing may be left behind.
left=""
ls /run/netns 2>/dev/null | grep -q '^pw-' && left+=" namespaces: $(ls /run/netns | grep '^pw-' | tr '\n' ' ')"
ls -d /etc/netns/pw-* >/dev/null 2>&1 && left+=" /etc/netns entries"
[ -e /tmp/packetwalk-lab ] && left+=" /tmp/packetwalk-lab"
for p in "${PIDS[@]}"; do kill -0 "$p" 2>/dev/null && left+=" process $p"; done
if [ -n "$left" ]; then
  echo "conformance: left behind:$left" >&2
  failed=1
fi

echo
cat "$SUMMARY"
[ -z "$stale" ] || echo "known differences not seen in this run (stale?):$stale"
echo "reports: $REPORTS/"
exit $failed
