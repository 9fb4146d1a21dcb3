#!/usr/bin/env bash
# Every output folder of a fixed set of audits, for a before/after comparison of a change that
# must not change outputs (a refactor): sample-data, every `generate --scenario`, and the real
# logs and exports of tests/data.
# Usage: scripts/outputs.sh BINARY OUT_DIR     then: diff -r OUT_BEFORE OUT_AFTER
set -euo pipefail
bin="$(realpath "$1")"; out="$2"
cd "$(dirname "$0")/.."
# The organisations are generated at a fixed path: the reports name their input files.
orgs="${TMPDIR:-/tmp}/flowaudit-outputs-orgs"
rm -rf "$out" "$orgs"; mkdir -p "$out" "$orgs"
"$bin" audit sample-data --out "$out/sample-data" --quiet
for s in realistic healthy queues ping-pong rework divergent sprawl stale small middling sprawling; do
  "$bin" generate --scenario "$s" --out "$orgs/$s" 2>/dev/null
  "$bin" audit "$orgs/$s" --out "$out/scenario-$s" --quiet
done
rm -rf "$orgs"
for f in tests/data/xes/* tests/data/csv/running-example.csv tests/data/csv/sepsis_val_EXCERPT_first13cases.csv; do
  "$bin" audit "$f" --out "$out/$(basename "$f")" --quiet
done
for d in jira github linear azure_devops trello gitlab bugzilla github_workflow ocel; do
  "$bin" audit "tests/data/$d" --out "$out/$d" --quiet
done
echo "wrote $(find "$out" -type f | wc -l) files under $out"
