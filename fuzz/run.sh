#!/usr/bin/env bash
# Build and run one fuzz target on stable Rust with libFuzzer (docs/FUZZING.md).
#   fuzz/run.sh build                 # build every target
#   fuzz/run.sh TARGET [SECONDS]      # fuzz TARGET for SECONDS (default 120), niced
# Crashes land in fuzz/artifacts/TARGET/, the growing corpus in fuzz/corpus/TARGET/.
set -euo pipefail
cd "$(dirname "$0")"
export CARGO_TARGET_DIR="${FUZZ_TARGET_DIR:-/root/.cache/flowaudit-fuzz-target}"
# The flags cargo-fuzz passes, minus the nightly-only -Zsanitizer: SanitizerCoverage
# instrumentation that libFuzzer's runtime (libfuzzer-sys) reads.
export RUSTFLAGS="--cfg fuzzing -Cpasses=sancov-module -Cllvm-args=-sanitizer-coverage-level=4 \
-Cllvm-args=-sanitizer-coverage-inline-8bit-counters -Cllvm-args=-sanitizer-coverage-pc-table \
-Cllvm-args=-sanitizer-coverage-trace-compares -Cdebug-assertions -Coverflow-checks"
# --target keeps RUSTFLAGS off build scripts and proc macros (as cargo-fuzz does).
triple="$(rustc -vV | sed -n 's/^host: //p')"
target="${1:?usage: run.sh build | TARGET [SECONDS]}"
if [ "$target" = build ]; then
  exec nice -n 19 cargo build --release --target "$triple" --bins
fi
secs="${2:-120}"
nice -n 19 cargo build --release --target "$triple" --bin "$target"
mkdir -p "corpus/$target" "artifacts/$target"
# Seeds: the small hand-written ones committed under seeds/TARGET, plus the real exports of
# tests/data (see tests/data/README.md) copied into a seed folder outside git at run time.
datasets="../tests/data"
real="seeds-real/$target"
mkdir -p "$real"
case "$target" in
  xes) cp -f "$datasets"/xes/*.xes "$real"/ 2>/dev/null || true ;;
  detect) cp -f "$datasets"/xes/*.xes "$datasets"/gitlab/*.derived.json "$datasets"/bugzilla/*.derived.json \
    "$datasets"/ocel/*.jsonocel "$real"/ 2>/dev/null || true ;;
  jira_json) cp -f "$datasets"/jira/*.json "$real"/ 2>/dev/null || true ;;
  jira_csv) cp -f "$datasets"/jira/*.csv "$real"/ 2>/dev/null || true ;;
  github) cp -f "$datasets"/github/pygithub_issue28*.json "$datasets"/github/pygithub_repo_issues_list.json "$real"/ 2>/dev/null || true ;;
  linear) cp -f "$datasets"/linear/*.csv "$real"/ 2>/dev/null || true ;;
  azure_devops) cp -f "$datasets"/azure_devops/*.json "$real"/ 2>/dev/null || true ;;
  trello) : ;; # the Trello board is 239 KB, above -max_len; the hand-written seed covers it
  gitlab) cp -f "$datasets"/gitlab/*.derived.json "$real"/ 2>/dev/null || true ;;
  bugzilla) cp -f "$datasets"/bugzilla/*.derived.json "$real"/ 2>/dev/null || true ;;
  ocel) cp -f "$datasets"/ocel/*.jsonocel "$real"/ 2>/dev/null || true ;;
esac
seeds=("$real")
[ -d "seeds/$target" ] && seeds+=("seeds/$target")
exec nice -n 19 "$CARGO_TARGET_DIR/$triple/release/$target" "corpus/$target" "${seeds[@]}" \
  -artifact_prefix="artifacts/$target/" -max_total_time="$secs" -max_len=65536 \
  -rss_limit_mb=2048 -timeout=10 -print_final_stats=1
