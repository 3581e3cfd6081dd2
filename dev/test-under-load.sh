#!/usr/bin/env bash
# make test-under-load: `make test` N times in a row while stress-ng keeps every core busy.
# A test that depends on timing must pass here before it is trusted (README: Development).
set -euo pipefail
runs=${1:-3}
cd "$(dirname "$0")/.."
if ! command -v stress-ng >/dev/null; then
  echo "test-under-load: installing stress-ng (Debian)" >&2
  { apt-get update -qq && apt-get install -y -qq stress-ng; } >/dev/null 2>&1 \
    || sudo sh -c 'apt-get update -qq && apt-get install -y -qq stress-ng' >/dev/null 2>&1 \
    || { echo "test-under-load: stress-ng is missing and could not be installed: apt-get install stress-ng" >&2; exit 1; }
fi
mkdir -p .run
stress-ng --cpu "$(nproc)" --quiet &
stress=$!
trap 'kill "$stress" 2>/dev/null || true' EXIT
for i in $(seq 1 "$runs"); do
  start=$(date +%s)
  if make test >".run/under-load-$i.log" 2>&1; then
    echo "test-under-load: run $i of $runs passed in $(( $(date +%s) - start )) s"
  else
    echo "test-under-load: run $i of $runs FAILED after $(( $(date +%s) - start )) s; see .run/under-load-$i.log" >&2
    grep -E "Tests run:.*(Failures: [1-9]|Errors: [1-9])|<<< (FAILURE|ERROR)" ".run/under-load-$i.log" | head -20 >&2 || true
    exit 1
  fi
done
echo "test-under-load: $runs of $runs runs passed with stress-ng --cpu $(nproc) beside them"
