#!/usr/bin/env bash
# `make bench`: builds certfn and the bare Quarkus baseline in this run, starts Pebble and BIND,
# and runs the sections under bench/java (built with the tests, on their harness: src/test/java/io/certfn/testing);
# results land in bench/results/<date>-<commit>.json.
set -euo pipefail
cd "$(dirname "$0")/.."

# BIND rather than Knot: Knot 3.2 answers some RFC 2136 updates up to a second late (bench/README.md),
# which drowned what the issuance and stampede rounds measure. STACK_DNS=knot to compare.
export STACK_DNS=${STACK_DNS:-bind}
dev/stack.sh install
# wrk loads the warm path; lego (le-cert-server's ACME client) is the issuance section's peer.
missing=()
command -v wrk >/dev/null || missing+=(wrk)
command -v lego >/dev/null || missing+=(lego)
if [ ${#missing[@]} -gt 0 ]; then
  sudo=""; [ "$(id -u)" -eq 0 ] || sudo=sudo
  $sudo apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
fi
# The Cloud Run image's packaging (aot-jar, -Pgcp's) kept aside: the cold start section trains a JDK 25
# AOT cache on it with src/main/docker/aot-train.sh, as the image build does, and starts certfn with it.
./mvnw -q -B package -DskipTests -Dquarkus.package.jar.type=aot-jar
rm -rf target/bench-aot-app && cp -r target/quarkus-app target/bench-aot-app
./mvnw -q -B package -DskipTests
./mvnw -q -B -f bench/bare-app/pom.xml package
# The bench shares the tests' harness (stack, certfn processes, token issuer, stores, waits) and
# certfn's own classes (the sweep section writes the store as certfn does): the build compiles
# bench/java with the tests, and the bench runs on the test class path.
./mvnw -q -B dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/bench.classpath
commit=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)
git diff --quiet HEAD 2>/dev/null || commit="$commit+uncommitted"
# BENCH_OPTS holds several -D flags, split on spaces.
read -r -a opts <<< "${BENCH_OPTS:-}"
exec java ${opts[@]+"${opts[@]}"} -Dbench.commit="$commit" -cp "target/test-classes:target/classes:$(cat target/bench.classpath)" io.certfn.bench.Bench "$PWD"
