#!/usr/bin/env bash
# Keeps the promise of the README's two commands: `cargo test --release` reuses the polars that
# `cargo run --release` built. Two checks:
#   1. (always meaningful) cargo resolves the same features for every crate of the normal build
#      whether or not dev-dependencies take part: a dev-dependency that turns on a feature of a
#      crate polars also uses would give the test build a second copy of polars;
#   2. (given cargo's output of `cargo test --release --no-run` after `cargo build --release`,
#      as the file in $1) that output compiles no crate of polars' dependency tree.
# Usage: scripts/check_one_build.sh [TEST_BUILD_LOG]
set -euo pipefail
cd "$(dirname "$0")/.."
tree() { cargo tree --locked -f '{p} [{f}]' --prefix none -e "$1" | sed 's/ (\*)$//' | sort -u; }
normal="$(tree normal,build)"
# Every crate of the normal build, with its features, as the test build resolves it.
missing="$(comm -23 <(printf '%s\n' "$normal") <(tree normal,build,dev))"
if [ -n "$missing" ]; then
  echo "one-build check: these crates get other features in the test build (a dev-dependency" >&2
  echo "turns them on; name the feature on the normal dependency in Cargo.toml):" >&2
  printf '%s\n' "$missing" >&2
  exit 1
fi
echo "one-build check: the test build resolves the same features for all $(printf '%s\n' "$normal" | wc -l) crates of the release build"
if [ -n "${1:-}" ]; then
  # Crates of polars' tree (polars itself included), as "name vX.Y.Z".
  names="$(cargo tree --locked -p polars -e normal,build --prefix none -f '{p}' | awk '{print $1" "$2}' | sort -u)"
  rebuilt="$(grep -E '^\s*Compiling ' "$1" | awk '{print $2" "$3}' | sort -u | comm -12 - <(printf '%s\n' "$names") || true)"
  if [ -n "$rebuilt" ]; then
    echo "one-build check: the test build compiled crates the release build had already built:" >&2
    printf '%s\n' "$rebuilt" | sed 's/^/  /' >&2
    exit 1
  fi
  echo "one-build check: the test build compiled no crate of polars' tree"
fi
