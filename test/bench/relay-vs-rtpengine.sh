#!/bin/bash
# relay-vs-rtpengine.sh - avsplit's relay (MediaEndpoint + Bridge: validation, latching, stats, PT map,
# SSRC/seq/ts rewriting; on the media thread as the appliance runs it) vs minimal Bun relays vs rtpengine userspace (--table=-1), same C sender (blast)
# and C sink, one after another in one go. Built on ../shared/bench/relay (copied into test/bench/relay/).
#
# usage: test/bench/relay-vs-rtpengine.sh            (or: bun test/bench/relay-vs-rtpengine.ts)
# env:   SECS=2                              seconds of traffic per point
#        POINTS="1:20000 1:50000 100:20000 100:50000 100:100000 100:150000 100:200000"   streams:offered-total-pps
#        WARMUP_PPS=20000 WARMUP_SECS=1.5         warm-up over all streams before the points (not reported)
#        RECOVER=20000                       after the last point, same streams/calls again at this rate (0 = skip)
#        RELAYS="direct rtpengine bun-udp bun-dgram bun-ffi avsplit avsplit-defbuf"   (avsplit: media thread, pool default
#                                            SO_RCVBUF 512 KiB; avsplit-main: on Bun's event loop (relay_thread = false);
#                                            -defbuf: that with the kernel default; bun-ffi: minimal relay on MediaLoop)
#        PIN=1                               1: relay on CPU 1, sender+sink on CPU 0 (taskset); 0: no pinning
#        NICE=0                              e.g. -10: relay+sender+sink get CPU priority over other processes
#        RT=0                                1: relay runs SCHED_FIFO (chrt -f 10) - separates the relay's own latency from
#                                            CPU sharing; use only with light POINTS (a saturated FIFO relay starves CPU 1)
# output: $WORK_DIR/results/<stamp>/ (points.jsonl, recovery.jsonl, blast-*.json, sink-*.jsonl, logs), tables on stdout
set -u
# sched_autogroup: nice only ranks processes inside one session's autogroup, so NICE needs an own session
# (= own autogroup) whose group nice is set; it covers this script's relay, sender and sink only.
if [ "${NICE:-0}" != 0 ] && [ -z "${RELAY_BENCH_SESSION:-}" ] && [ -e /proc/self/autogroup ] && command -v setsid > /dev/null; then
  RELAY_BENCH_SESSION=1 exec setsid --wait bash "$0" "$@"
fi
[ "${NICE:-0}" != 0 ] && [ -w /proc/$$/autogroup ] && echo "${NICE}" > /proc/$$/autogroup
HERE=$(cd "$(dirname "$0")/relay" && pwd)
WORK=${WORK_DIR:-$(mktemp -d)}; mkdir -p "$WORK" && cp "$HERE"/*.c "$HERE"/*.mjs "$HERE"/relay-bun-udp.ts "$HERE"/rtpengine.conf "$WORK"/ && cd "$WORK" || exit 1
SECS=${SECS:-2}; PIN=${PIN:-1}; RECOVER=${RECOVER:-20000}
POINTS=${POINTS:-"1:20000 1:50000 100:20000 100:50000 100:100000 100:150000 100:200000"}
RELAYS=${RELAYS:-"direct rtpengine bun-udp bun-dgram bun-ffi avsplit avsplit-defbuf"}
BUN=${BUN:-$(command -v bun || echo "$HERE/../../../node_modules/.bin/bun")}
SINK_PORT=50000; SRC_BASE=51000; A_BASE=41000; B_BASE=42000; NSOCK=100   # rtpengine 30000-40000, avsplit 43000-44999
OUT=results/$(date +%Y%m%d-%H%M%S); mkdir -p "$OUT"
gcc -O2 -o blast blast.c && gcc -O2 -o sink sink.c || exit 1
if [ "$PIN" = 1 ]; then RCPU="taskset -c 1"; HCPU="taskset -c 0"; else RCPU=""; HCPU=""; fi
NICE=${NICE:-0}; [ "$NICE" != 0 ] && { RCPU="nice -n $NICE $RCPU"; HCPU="nice -n $NICE $HCPU"; }
[ "${RT:-0}" = 1 ] && RCPU="chrt -f 10 $RCPU"

PIDS=()
cleanup() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null; done; }
trap cleanup EXIT
trap 'echo "relay-vs-rtpengine.sh: watchdog (200 s) fired, stopping" >&2; exit 3' USR1
MAIN=$$; ( trap 'kill $sp 2>/dev/null; exit 0' TERM; sleep 200 & sp=$!; wait $sp && kill -USR1 $MAIN ) >/dev/null 2>&1 & PIDS+=($!)

ticks() { [ -n "$1" ] && awk '{print $14+$15}' /proc/$1/stat 2>/dev/null || echo 0; }   # utime+stime, 1/100 s
steal() { awk '/^cpu /{print $9, $2+$3+$4+$5+$6+$7+$8+$9}' /proc/stat; }
snap() { cat /proc/[0-9]*/stat 2>/dev/null | awk '{i=index($0,") "); split(substr($0,i+2),f," "); if($1==2||f[2]==2)next; print $1, f[12]+f[13]}' > "$1"; }
others() { awk -v ex=" $3 " 'NR==FNR{a[$1]=$2;next} index(ex," "$1" ")==0 {d=$2-(($1 in a)?a[$1]:0); if(d>0)s+=d} END{print s+0}' "$1" "$2"; }
waitfor() { for _ in $(seq 100); do grep -q "$2" "$1" 2>/dev/null && return 0; sleep 0.1; done; echo "timeout waiting for $2 in $1" >&2; return 1; }
RUNID=0
setdst() {   # sets DST (blast destination spec) for $relay, $n streams, run $RUNID
  case $relay in
    direct)    DST="$SINK_PORT*$n" ;;
    rtpengine) # fresh calls per point: a stream that overflowed rtpengine's receive loop is disabled for good
               CALLTAG=r$RUNID $HCPU node ng.mjs setup $n $SRC_BASE $SINK_PORT "$OUT/ports-$RUNID.txt" > /dev/null 2>>"$OUT/ng.err" || echo "ng setup failed" >&2
               DST="@$OUT/ports-$RUNID.txt" ;;
    avsplit*)  DST=$(head -n "$n" "$OUT/$relay-ports.txt" | paste -sd,) ;;
    *)         DST="$A_BASE:$n" ;;
  esac
}
teardown() { [ "$relay" = rtpengine ] && CALLTAG=r$RUNID $HCPU node ng.mjs delete $n > /dev/null 2>>"$OUT/ng.err"; return 0; }
# point <file> <rate> <phase>: one blast run against the current DST, CPU accounting, one jsonl line
point() {
  local file=$1 rate=$2 phase=$3
  l0=$(wc -l < "$LOG"); snap "$OUT/.snap0"; c0=$(ticks "$RPID"); s0=$(ticks $SINK); read -r st0 t0 < <(steal)
  $HCPU ./blast "$DST" "$rate" "$SECS" 200 $SRC_BASE $RUNID > "$OUT/blast-$RUNID.json"
  c1=$(ticks "$RPID"); s1=$(ticks $SINK); read -r st1 t1 < <(steal); snap "$OUT/.snap1"
  oth=$(others "$OUT/.snap0" "$OUT/.snap1" "$$ $SINK $RPID")
  sleep 0.4   # drain relay queues before the next point
  strikes=$(tail -n +$((l0+1)) "$LOG" | grep -c 'Too many packets'); disabled=$(tail -n +$((l0+1)) "$LOG" | grep -c 'exceeded')
  echo "{\"runid\":$RUNID,\"phase\":\"$phase\",\"relay\":\"$relay\",\"streams\":$n,\"rate\":$rate,\"relayTicks\":$((c1-c0)),\"sinkTicks\":$((s1-s0)),\"otherTicks\":$oth,\"steal\":$((st1-st0)),\"cpuTotal\":$((t1-t0)),\"ncpu\":$(nproc),\"rtpeStrikes\":$strikes,\"rtpeDisabled\":$disabled,\"blast\":$(cat "$OUT/blast-$RUNID.json")}" >> "$OUT/$file"
  echo "  $relay streams=$n rate=$rate $phase done" >&2
}
echo "relay-vs-rtpengine.sh: SECS=$SECS POINTS=[$POINTS] RECOVER=$RECOVER PIN=$PIN NICE=$NICE RT=${RT:-0} -> $WORK/$OUT" | tee "$OUT/config.txt" >&2
echo "other processes using CPU at start:" >&2; ps -eo pid,pcpu,comm --sort=-pcpu | head -6 | tee "$OUT/others-at-start.txt" >&2

for relay in $RELAYS; do
  $HCPU ./sink $SINK_PORT > "$OUT/sink-$relay.jsonl" 2> "$OUT/sink-$relay.err" & SINK=$!; PIDS+=($SINK)
  LOG="$OUT/relay-$relay.log"; : > "$LOG"; RPID=""
  case $relay in
    direct)     echo ready > "$LOG" ;;
    rtpengine)  $RCPU rtpengine --config-file=$WORK/rtpengine.conf --pidfile="$OUT/rtpengine.pid" >> "$LOG" 2>&1 & RPID=$!
                for _ in $(seq 50); do node ng.mjs ping >/dev/null 2>&1 && break; sleep 0.1; done; echo ready >> "$LOG" ;;
    bun-udp)    $RCPU $BUN relay-bun-udp.ts $A_BASE $NSOCK $SINK_PORT $B_BASE > "$LOG" 2>&1 & RPID=$! ;;
    bun-dgram)  $RCPU $BUN relay-dgram.mjs $A_BASE $NSOCK $SINK_PORT $B_BASE > "$LOG" 2>&1 & RPID=$! ;;
    bun-ffi)    $RCPU $BUN "$HERE/relay-bun-ffi.ts" $A_BASE $NSOCK $SINK_PORT $B_BASE > "$LOG" 2>&1 & RPID=$! ;;
    avsplit)    $RCPU $BUN "$HERE/relay-avsplit.ts" $NSOCK $SINK_PORT "$OUT/avsplit-ports.txt" > "$LOG" 2>&1 & RPID=$! ;;
    avsplit-main) AVSPLIT_RELAY=main $RCPU $BUN "$HERE/relay-avsplit.ts" $NSOCK $SINK_PORT "$OUT/avsplit-main-ports.txt" > "$LOG" 2>&1 & RPID=$! ;;
    avsplit-defbuf) AVSPLIT_RELAY=main AVSPLIT_RCVBUF=0 $RCPU $BUN "$HERE/relay-avsplit.ts" $NSOCK $SINK_PORT "$OUT/avsplit-defbuf-ports.txt" > "$LOG" 2>&1 & RPID=$! ;;
    *) echo "unknown relay $relay" >&2; continue ;;
  esac
  [ -n "$RPID" ] && PIDS+=($RPID)
  waitfor "$LOG" ready && waitfor "$OUT/sink-$relay.jsonl" ready || { echo "skip $relay" >&2; continue; }
  # warm-up, not reported (run id 250): JIT tiers and first-packet paths, so points measure the steady state a
  # long-running relay is in; 0.3 s at 5000 pps left the first point with avsplit's code still compiling
  n=$NSOCK; RUNID_SAVE=$RUNID; RUNID=249; setdst; $HCPU ./blast "$DST" "${WARMUP_PPS:-20000}" "${WARMUP_SECS:-1.5}" 200 $SRC_BASE 250 > /dev/null; sleep 0.2; teardown; RUNID=$RUNID_SAVE
  last=${POINTS##* }
  for p in $POINTS; do
    n=${p%%:*}; rate=${p##*:}
    RUNID=$((RUNID+1)); setdst; point points.jsonl "$rate" load
    if [ "$p" = "$last" ] && [ "$RECOVER" != 0 ]; then   # same calls/streams right after the overload point
      RUNID=$((RUNID+1)); point recovery.jsonl "$RECOVER" recovery
      CALLTAG_RUN=$((RUNID-1)); RUNID_SAVE=$RUNID; RUNID=$CALLTAG_RUN; teardown; RUNID=$RUNID_SAVE
    else
      teardown
    fi
  done
  [ -n "$RPID" ] && { kill $RPID; wait $RPID 2>/dev/null; }
  kill -TERM $SINK; wait $SINK 2>/dev/null
done
echo "RESULTS $WORK/$OUT"
node report.mjs "$OUT" | tee "$OUT/table.md"
