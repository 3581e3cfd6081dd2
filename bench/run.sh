#!/usr/bin/env bash
# `make bench`: builds certfn and the bare Quarkus baseline in this run, starts Pebble and Knot,
# and runs bench/Bench.java; results land in bench/results/<date>.json.
set -euo pipefail
cd "$(dirname "$0")/.."

# BIND rather than Knot: Knot 3.2 answers some RFC 2136 updates up to a second late (bench/README.md),
# which drowned what the issuance and stampede rounds measure. STACK_DNS=knot to compare.
export STACK_DNS=${STACK_DNS:-bind}
dev/stack.sh install
if ! command -v wrk >/dev/null; then
  sudo=""; [ "$(id -u)" -eq 0 ] || sudo=sudo
  $sudo apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq wrk >/dev/null
fi
./mvnw -q -B package -DskipTests
./mvnw -q -B -f bench/bare-app/pom.xml package
# certfn's own classes too: the sweep section writes the store as certfn does (due index, checksummed objects).
commit=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)
git diff --quiet HEAD 2>/dev/null || commit="$commit+uncommitted"
exec java ${BENCH_OPTS:-} -Dbench.commit="$commit" -cp "target/quarkus-app/lib/main/*:target/quarkus-app/lib/boot/*:target/quarkus-app/app/*" bench/Bench.java "$PWD"
