#!/usr/bin/env bash
# `make demo`: the `make run` stack without a terminal. Requests a certificate for a demo name
# through the HTTP API, verifies its chain against Pebble's root with openssl, prints one
# summary line, stops everything it started, and exits non-zero on any failure.
set -euo pipefail
cd "$(dirname "$0")/.."

dev/stack.sh install >/dev/null
command -v jq >/dev/null || { echo "demo: jq is needed" >&2; exit 1; }
[ -f target/quarkus-app/quarkus-run.jar ] || ./mvnw -q -B package -DskipTests

work=$(mktemp -d)
pid=""
cleanup() {
  [ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null || true
  dev/stack.sh stop "$work/stack"
  rm -rf "$work"
}
trap cleanup EXIT

env_file=$(dev/stack.sh start "$work/stack")
key="demo-$(openssl rand -hex 16)"
. dev/certfn-env.sh "$env_file" "$work/store" "$key"
port=$(dev/stack.sh port)
QUARKUS_HTTP_PORT=$port java -jar target/quarkus-app/quarkus-run.jar >"$work/certfn.log" 2>&1 &
pid=$!
for _ in $(seq 1 150); do
  curl -fs "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && break
  kill -0 "$pid" 2>/dev/null || { cat "$work/certfn.log" >&2; echo "demo: certfn exited" >&2; exit 1; }
  sleep 0.2
done

name="demo.$ZONE"
status=$(curl -s -o "$work/response.json" -w '%{http_code}' -X POST "http://127.0.0.1:$port/api/certificate" \
  -H "Authorization: APIKey $key" -H 'Content-Type: application/json' \
  -d "{\"domains\":[\"$name\",\"*.$name\"]}")
if [ "$status" != 200 ]; then
  echo "demo: certfn answered $status: $(cat "$work/response.json")" >&2
  exit 1
fi
jq -r .certificate "$work/response.json" >"$work/leaf.pem"
jq -r .issuerCert "$work/response.json" >"$work/chain.pem"
curl -fs --cacert "$ACME_TRUST_STORE" "$PEBBLE_MANAGEMENT/roots/0" >"$work/root.pem"
openssl verify -CAfile "$work/root.pem" -untrusted "$work/chain.pem" "$work/leaf.pem" >/dev/null
sans=$(openssl x509 -in "$work/leaf.pem" -noout -ext subjectAltName | tail -n +2 | tr -d ' ')
echo "demo: OK — certificate for $sans, serial $(jq -r .serial "$work/response.json"), valid until $(jq -r .notAfter "$work/response.json"), chain verified against Pebble's root"
