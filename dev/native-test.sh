#!/usr/bin/env bash
# make native-test: builds the real native executables of a release (Cloud Run, Azure custom handler,
# Lambda) and runs the packaged integration tests against the Cloud Run and custom-handler binaries,
# as @QuarkusIntegrationTest does for a native artifact. Needs GraalVM's native-image (Mandrel or
# GraalVM 21+) on PATH, or a container engine (docker or podman) for Quarkus' builder image; says so
# and stops where neither is present (this project's CI machines: there `make native-check` proves
# the code native-ready instead).
set -euo pipefail
cd "$(dirname "$0")/.."

build=(-Dquarkus.native.enabled=true)
if command -v native-image >/dev/null; then
  echo "native-test: building with $(native-image --version 2>/dev/null | head -n 1)"
elif command -v docker >/dev/null && docker info >/dev/null 2>&1; then
  build+=(-Dquarkus.native.container-build=true -Dquarkus.native.container-runtime=docker)
elif command -v podman >/dev/null; then
  build+=(-Dquarkus.native.container-build=true -Dquarkus.native.container-runtime=podman)
else
  echo "make native-test: needs GraalVM's native-image on PATH or a container engine (docker, podman); neither is here." >&2
  echo "make native-test: make native-check proves the code native-ready without them (where ../shared/native-check exists)." >&2
  exit 2
fi

# The integration tests that start certfn as a process; each runs once per binary.
its='LeCertServerClientsIT,KeyCustodyIT,ProductionCaIT,RevocationIT,FileClusterIT,S3ClusterIT,StartupIT'

runner() {
  local found
  found=$(find target -maxdepth 1 -name '*-runner' -type f -perm -u+x | head -n 1)
  [ -n "$found" ] || { echo "native-test: no native executable in target/ after the build" >&2; exit 1; }
  echo "$found"
}

echo "native-test: Cloud Run (-Pgcp)"
./mvnw -B clean package -Pgcp -DskipTests "${build[@]}"
cloud_run=$(runner)
cp "$cloud_run" target/certfn-cloud-run
# The tests compile against the default build; certfn itself is the native executable.
./mvnw -B verify -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false -Dit.test="$its" -Dcertfn.app.native=target/certfn-cloud-run
dev/check-skips.py

echo "native-test: Azure custom handler (-Pazure-handler)"
./mvnw -B package -Pazure-handler -DskipTests "${build[@]}"
cp "$(runner)" target/certfn-custom-handler
./mvnw -B verify -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false -Dit.test='CustomHandlerIT' -Dcertfn.app.native=target/certfn-custom-handler
dev/check-skips.py

echo "native-test: AWS Lambda (-Paws): target/function.zip with bootstrap"
./mvnw -B package -Paws -DskipTests "${build[@]}"
unzip -l target/function.zip | grep -q ' bootstrap$' || { echo "native-test: target/function.zip holds no bootstrap" >&2; exit 1; }
echo "native-test: passed"
