#!/usr/bin/env bash
# `make run`: a local Pebble CA and Knot DNS server on 127.0.0.1, and certfn against them with a
# file store under .run/. Prints a dev API key and a curl line; Ctrl-C stops everything.
set -euo pipefail
cd "$(dirname "$0")/.."

dev/stack.sh install
[ -f target/quarkus-app/quarkus-run.jar ] || ./mvnw -q -B package -DskipTests

mkdir -p .run
stack_dir=$(mktemp -d .run/stack.XXXXXX)
trap 'dev/stack.sh stop "$stack_dir"; rm -rf "$stack_dir"' EXIT
env_file=$(dev/stack.sh start "$stack_dir")

port=${CERTFN_PORT:-8080}
key=${CERTFN_DEV_KEY:-dev-$(openssl rand -hex 16)}
. dev/certfn-env.sh "$env_file" "$PWD/.run/store" "$key"
export QUARKUS_HTTP_PORT=$port

cat <<MSG

certfn on http://127.0.0.1:$port — CA: Pebble ($CERTFN_ACME_DIRECTORY), DNS: Knot ($DNS_SERVER, zone $ZONE)
Dev API key: $key
Try:
  curl -s -X POST http://127.0.0.1:$port/api/certificate -H 'Authorization: APIKey $key' \\
       -H 'Content-Type: application/json' -d '{"domains":["www.$ZONE","*.$ZONE"]}'

MSG
java -jar target/quarkus-app/quarkus-run.jar
