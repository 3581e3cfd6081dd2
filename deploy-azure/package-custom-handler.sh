#!/usr/bin/env bash
# Assembles the native Azure Functions app: the custom handler's host.json and function.json files
# (deploy-azure/custom-handler) with the native executable as `certfn`, zipped for
# `az functionapp deployment source config-zip`.
#   deploy-azure/package-custom-handler.sh [native executable] [output directory]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
runner=${1:-target/certfn-0.1.0-SNAPSHOT-runner}
out=${2:-target/azure-custom-handler}
if [ ! -f "$runner" ]; then
  echo "no native executable at $runner: build it with" >&2
  echo "  ./mvnw package -Pazure-handler -Dnative -Dquarkus.native.container-build=true -DskipTests" >&2
  exit 1
fi
rm -rf "$out" "$out.zip"
mkdir -p "$out"
cp -R "$here/custom-handler/." "$out/"
cp "$runner" "$out/certfn"
chmod 755 "$out/certfn"
(cd "$out" && zip -qr "$(pwd)/../$(basename "$out").zip" .)
echo "$out.zip: host.json, the api, healthz and renewals functions, and certfn ($(du -h "$out/certfn" | cut -f1))"
