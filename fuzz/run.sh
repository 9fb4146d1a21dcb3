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
seeds=()
[ -d "seeds/$target" ] && seeds+=("seeds/$target")
exec nice -n 19 "$CARGO_TARGET_DIR/$triple/release/$target" "corpus/$target" "${seeds[@]}" \
  -artifact_prefix="artifacts/$target/" -max_total_time="$secs" -max_len=65536 \
  -rss_limit_mb=2048 -timeout=10 -print_final_stats=1
