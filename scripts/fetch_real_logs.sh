#!/usr/bin/env bash
# Fetch the full real event logs that scripts/bench.sh times (issue 17) beside rust4pm, from the
# one place this project's machines can reach: PyPI source distributions that carry them as
# test data. Nothing here is committed or needed by the tests (BPIC 2013 incidents, the one
# the tests use, is in tests/data/xes/).
#   BPIC 2012 (262,200 events)      pm4py 2.7.11.8  tests/input_data/bpic2012.xes.gz
#   BPIC 2017 offers (193,849)      pm4py 2.7.11.8  tests/compressed_input_data/05_bpic2017.xes.gz
#   Sepsis cases (15,214)           declare4py 2.2.0 tests/test_logs/Sepsis Cases.xes.gz
#   Road traffic fines (561,470)    pm4pydistr 0.1.55 master/roadtraffic/ (128 Parquet
#                                   partitions, written back to XES in the 4TU original's shape
#                                   by scripts/rtfm_to_xes.py; needs pyarrow, installed in a
#                                   virtualenv under $WORK)
# The logs: 4TU.ResearchData (CC BY 4.0; cite their authors: BPIC 2012 B. F. van Dongen,
# BPIC 2017 B. F. van Dongen, Sepsis F. Mannhardt, road traffic fines M. de Leoni and
# F. Mannhardt). Usage: scripts/fetch_real_logs.sh [WORK]   (default /tmp/flowaudit-bench)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
WORK="${1:-${BENCH_DIR:-/tmp/flowaudit-bench}}"
dl="$WORK/pypi"
mkdir -p "$dl"
sdist() { # the URL of NAME==VERSION's source distribution, from PyPI's simple index
  curl -fsSL "https://pypi.org/simple/$1/" | grep -o "href=\"[^\"]*/$1-$2\.tar\.gz[^\"]*\"" | head -1 \
    | sed -e 's/^href="//' -e 's/#.*//' -e 's/"$//'
}
fetch() { # NAME VERSION -> $dl/NAME-VERSION.tar.gz
  local f="$dl/$1-$2.tar.gz"
  [ -s "$f" ] || curl -fsSL -o "$f" "$(sdist "$1" "$2")"
  echo "$f"
}
take() { # ARCHIVE MEMBER OUT SHA256: extract one member, check its digest
  [ -s "$3" ] || tar xzf "$1" -O "$2" > "$3"
  echo "$4  $3" | sha256sum -c --quiet || { echo "unexpected content: $3" >&2; rm -f "$3"; exit 1; }
}
pm4py="$(fetch pm4py 2.7.11.8)"
take "$pm4py" pm4py-2.7.11.8/tests/input_data/bpic2012.xes.gz "$WORK/bpic2012.xes.gz" \
  "$(awk '$2=="bpic2012.xes.gz"{print $1}' "$here/real_logs.sha256")"
take "$pm4py" pm4py-2.7.11.8/tests/compressed_input_data/05_bpic2017.xes.gz "$WORK/bpic2017_offers.xes.gz" \
  "$(awk '$2=="bpic2017_offers.xes.gz"{print $1}' "$here/real_logs.sha256")"
declare4py="$(fetch declare4py 2.2.0)"
take "$declare4py" "declare4py-2.2.0/tests/test_logs/Sepsis Cases.xes.gz" "$WORK/sepsis.xes.gz" \
  "$(awk '$2=="sepsis.xes.gz"{print $1}' "$here/real_logs.sha256")"
if [ ! -s "$WORK/roadtraffic_full.xes.gz" ]; then
  distr="$(fetch pm4pydistr 0.1.55)"
  rm -rf "$WORK/rtfm-parts" && mkdir -p "$WORK/rtfm-parts"
  tar xzf "$distr" -C "$WORK/rtfm-parts" --strip-components=3 pm4pydistr-0.1.55/master/roadtraffic
  [ -x "$WORK/venv/bin/python" ] || python3 -m venv "$WORK/venv"
  "$WORK/venv/bin/python" -c 'import pyarrow' 2>/dev/null || "$WORK/venv/bin/pip" install --quiet pyarrow
  "$WORK/venv/bin/python" "$here/rtfm_to_xes.py" "$WORK/rtfm-parts" "$here/../tests/data/xes/roadtraffic100traces.xes" \
    "$WORK/roadtraffic_full.xes.gz"
fi
echo "real logs in $WORK: bpic2012.xes.gz bpic2017_offers.xes.gz sepsis.xes.gz roadtraffic_full.xes.gz"
