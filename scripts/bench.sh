#!/usr/bin/env bash
# End-to-end benchmark of issue 8, all measured in the same run on this machine:
#   1. generate events CSVs of N events (default 1,000,000 and 10,000,000);
#   2. the floor (polars: scan, parse timestamps, sort) on each;
#   3. a full `flowaudit audit` (every metric, table and chart, HTML and Markdown) on each,
#      with its peak memory;
#   4. pm4py (import, case durations, handover network, performance DFG) when the
#      virtualenv of scripts/setup_pm4py_venv.sh exists — on the 1M CSV and on the
#      BPIC 2013 / Helpdesk XES logs;
#   5. rust4pm (the `process_mining` crate's streaming XES parse computing case counts, case
#      durations and group changes: scripts/rust4pm_peer, built in its own folder and target,
#      not a dependency of flowaudit) on the XES logs, with the ratio audit/rust4pm: the real
#      logs of tests/data (BPIC 2013 incidents among them), the full real logs PyPI carries
#      (scripts/fetch_real_logs.sh: BPIC 2012, BPIC 2017 offers, Sepsis, road traffic fines),
#      and larger stand-ins of real shape (scripts/replicate_xes.py);
# and prints a table of times (each the median of RUNS runs) and ratios;
#   6. the scaling of a full audit from 1M events up (SCALE, default 1M 3M 10M 30M 100M): wall
#      time and peak memory of one run each with the default memory budget, and of one run
#      under --memory-budget $SCALE_BUDGET (default 1GB: the partitioned path), written to
#      $WORK/scaling.txt and drawn as docs/images/scaling.svg (scripts/scaling_chart.py).
#      100M events take ~7.4 GB of disk for the CSV and ~5 GB in TMPDIR for the partitions.
#
#   scripts/bench.sh                 # 1M and 10M events
#   SIZES="1000000" scripts/bench.sh # only 1M
#   RUNS=5 scripts/bench.sh          # median of 5 runs (default 3; XES_RUNS, default 7, for the
#                                    # audit and rust4pm on the XES logs)
#   SCALE="" scripts/bench.sh        # no scaling run
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/flowaudit-target}"
SIZES="${SIZES-1000000 10000000}"  # SIZES="" skips the CSVs
WORK="${BENCH_DIR:-/tmp/flowaudit-bench}"
PY="${PM4PY_VENV:-/root/.venvs/pm4py}/bin/python"
mkdir -p "$WORK"
cargo build --release --quiet --bin flowaudit --example floor
BIN="$CARGO_TARGET_DIR/release/flowaudit"
FLOOR="$CARGO_TARGET_DIR/release/examples/floor"

RUNS="${RUNS:-3}"
# The XES logs take well under a second each: more runs of the audit and of rust4pm (pm4py's
# stay at RUNS).
XES_RUNS="${XES_RUNS:-7}"
once() { # run a command once, print its wall time in seconds (to the millisecond, from bash's
  # clock: /usr/bin/time's %e has two decimals, too coarse for a 40 ms audit) and peak RSS in MB
  local t t0 t1
  t="$(mktemp)"
  t0=$EPOCHREALTIME
  /usr/bin/time -f "%M" -o "$t" "$@" >/dev/null 2>&1 || { echo "failed: $*" >&2; rm -f "$t"; return 1; }
  t1=$EPOCHREALTIME
  awk -v a="$t0" -v b="$t1" '{printf "%.3f %.0f\n", b - a, $1/1024}' "$t"
  rm -f "$t"
}
secs() { # the median of RUNS runs (wall time, and the peak RSS of that run): these VMs
  # are noisy, mostly in system time (page faults), so one run can be far off
  local i
  for i in $(seq "${N_RUNS:-$RUNS}"); do once "$@" || return 1; done | sort -n | awk '{a[NR]=$0} END {print a[int((NR+1)/2)]}'
}

echo "date $(date -u +%Y-%m-%d), $(nproc) cores, $(awk '/MemTotal/{printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(awk -F': ' '/model name/{print $2; exit}' /proc/cpuinfo)"
printf '%-28s %10s %10s %10s %10s %12s\n' "input" "floor s" "audit s" "audit/floor" "peak MB" "pm4py s"
per_event=""
for n in $SIZES; do
  dir="$WORK/events-$n"
  [ -f "$dir/events.csv" ] || "$BIN" generate --events "$n" --out "$dir" >/dev/null 2>&1
  read -r f _ < <(secs "$FLOOR" "$dir/events.csv")
  read -r a mem < <(secs "$BIN" audit "$dir" --out "$WORK/out-$n" --quiet)
  p="-"
  if [ -x "$PY" ] && [ "$n" -le 2000000 ]; then read -r p _ < <(secs "$PY" scripts/pm4py_bench.py "$dir/events.csv"); fi
  printf '%-28s %10s %10s %10.2f %10s %12s\n' "events CSV $n" "$f" "$a" "$(awk -v a="$a" -v f="$f" 'BEGIN{print a/f}')" "$mem" "$p"
  if [ "$p" != "-" ]; then printf '%-28s %55s\n' "" "pm4py/audit = $(awk -v p="$p" -v a="$a" 'BEGIN{printf "%.1f", p/a}')"; fi
  rows="$(wc -l < "$dir/events.csv")"
  per_event="$per_event $(awk -v a="$a" -v r="$rows" 'BEGIN{printf "%.2f", a/(r-1)*1e6}')"
done
echo "audit time per event (µs), by size:$per_event"
R4PM_TARGET="${RUST4PM_TARGET_DIR:-$HOME/.cache/rust4pm-peer-target}"
R4PM="$R4PM_TARGET/release/rust4pm-peer"
if [ "${RUST4PM:-1}" = 1 ]; then
  (cd scripts/rust4pm_peer && CARGO_TARGET_DIR="$R4PM_TARGET" cargo build --release --quiet) || R4PM=""
fi
printf '%-34s %10s %10s %10s %14s %10s\n' "XES log" "audit s" "peak MB" "rust4pm s" "audit/rust4pm" "pm4py s"
# Larger logs of real shape (scripts/replicate_xes.py), for the logs not in tests/data:
# BPIC 2013 closed problems × 10 (66,600 events, the size of BPIC 2013 incidents, same system),
# the same with 458 support groups (the incidents log has ~476), and with 1,427 people as well
# (the incidents log has ~1,440), the road-traffic sample × 1440
# (561,600 events, the size of the road-traffic-fine log), Helpdesk × 3 and × 25.
for k in 3 25; do
  [ -f "$WORK/helpdesk$k.xes.gz" ] || python3 scripts/replicate_xes.py tests/data/xes/helpdesk.xes.gz "$k" "$WORK/helpdesk$k.xes.gz"
done
[ -f "$WORK/bpic2013x10.xes.gz" ] || python3 scripts/replicate_xes.py tests/data/xes/bpic2013_closed_problems.xes.gz 10 "$WORK/bpic2013x10.xes.gz"
[ -f "$WORK/bpic2013x10-458groups.xes.gz" ] || python3 scripts/replicate_xes.py tests/data/xes/bpic2013_closed_problems.xes.gz 10 "$WORK/bpic2013x10-458groups.xes.gz" --groups 40
[ -f "$WORK/bpic2013x10-458g-1428p.xes.gz" ] || python3 scripts/replicate_xes.py tests/data/xes/bpic2013_closed_problems.xes.gz 10 "$WORK/bpic2013x10-458g-1428p.xes.gz" --groups 40 --people 2
[ -f "$WORK/roadtraffic1440.xes.gz" ] || python3 scripts/replicate_xes.py tests/data/xes/roadtraffic100traces.xes 1440 "$WORK/roadtraffic1440.xes.gz"
# The full real logs PyPI carries (scripts/fetch_real_logs.sh; REAL_LOGS=0 skips them): BPIC
# 2013 incidents is in tests/data; BPIC 2012, BPIC 2017 offers, Sepsis and the road-traffic-fine
# log are fetched into $WORK.
if [ "${REAL_LOGS:-1}" = 1 ]; then scripts/fetch_real_logs.sh "$WORK" >/dev/null || echo "fetching the real logs failed: timing the others" >&2; fi
for log in bpic2013_closed_problems.xes.gz bpic2013_open_problems.xes.gz helpdesk.xes.gz roadtraffic100traces.xes bpic2013_incidents.xes.gz sepsis.xes.gz bpic2012.xes.gz bpic2017_offers.xes.gz roadtraffic_full.xes.gz helpdesk3.xes.gz helpdesk25.xes.gz bpic2013x10.xes.gz bpic2013x10-458groups.xes.gz bpic2013x10-458g-1428p.xes.gz roadtraffic1440.xes.gz; do
  src="tests/data/xes/$log"
  [ -f "$src" ] || src="$WORK/$log"
  [ -f "$src" ] || continue
  read -r a mem < <(N_RUNS="$XES_RUNS" secs "$BIN" audit "$src" --out "$WORK/out-$log" --quiet)
  r="-"; ratio="-"
  if [ -n "$R4PM" ] && [ -x "$R4PM" ]; then
    read -r r _ < <(N_RUNS="$XES_RUNS" secs "$R4PM" "$src")
    ratio="$(awk -v a="$a" -v r="$r" 'BEGIN{if (r > 0) printf "%.2f", a/r; else print "-"}')"
  fi
  p="-"
  if [ -x "$PY" ] && [ "${PM4PY:-1}" = 1 ]; then read -r p _ < <(secs "$PY" scripts/pm4py_bench.py "$src"); fi
  printf '%-34s %10s %10s %10s %14s %10s\n' "$log" "$a" "$mem" "$r" "$ratio" "$p"
done
SCALE="${SCALE-1000000 3000000 10000000 30000000 100000000}"
# Each size also audited under a fixed memory budget (the partitioned path; empty: skip).
SCALE_BUDGET="${SCALE_BUDGET-1GB}"
if [ -n "$SCALE" ]; then
  : > "$WORK/scaling.txt"
  printf '%-28s %10s %10s %14s %14s\n' "scaling" "audit s" "peak MB" "budget s" "budget peak MB"
  for n in $SCALE; do
    dir="$WORK/events-$n"
    [ -f "$dir/events.csv" ] || "$BIN" generate --events "$n" --out "$dir" >/dev/null 2>&1
    read -r a mem < <(once "$BIN" audit "$dir" --out "$WORK/out-$n" --quiet)
    b="-"; bmem="-"
    if [ -n "$SCALE_BUDGET" ]; then
      read -r b bmem < <(once "$BIN" audit "$dir" --out "$WORK/out-$n-budget" --quiet --memory-budget "$SCALE_BUDGET")
    fi
    printf '%-28s %10s %10s %14s %14s\n' "events CSV $n" "$a" "$mem" "$b" "$bmem"
    echo "$n $a $mem $b $bmem" >> "$WORK/scaling.txt"
  done
  python3 scripts/scaling_chart.py "$WORK/scaling.txt" docs/images/scaling.svg \
    "one run each, $(date -u +%Y-%m-%d), $(nproc) cores, $(awk '/MemTotal/{printf "%.0f GiB", $2/1048576}' /proc/meminfo); dashed: --memory-budget ${SCALE_BUDGET:-none}"
  echo "wrote docs/images/scaling.svg"
fi
