#!/usr/bin/env bash
# aot-train.sh APP_DIR JAVA [JVM flag ...]
#
# Writes APP_DIR/app.aot, the JDK's AOT cache (JDK 25: JEP 483 classes loaded and linked, JEP 515
# method profiles), from one training run of certfn (an aot-jar build: `-Pgcp`) doing what a cold start
# does before its first answer: start-up with every check, /healthz, a request without credentials
# (401), requests with an API key for a name whose CA cannot be reached (the order path up to the
# directory read: 502, then 429 while the back-off holds) and readiness.
#
# It needs no CA, DNS server or cloud, so the Cloud Run image build runs it (src/main/docker/Dockerfile.jvm)
# and `make bench` measures the cache this script writes. A cache loads only into the JVM that wrote it,
# launched the same way (-jar quarkus-run.jar from APP_DIR, the same GC): run certfn with
#   cd APP_DIR && JAVA -XX:AOTCache=app.aot [the same JVM flags] -jar quarkus-run.jar
# The training's store, key and port are thrown away; nothing of them is in the cache but classes and profiles.
set -euo pipefail
[ $# -ge 2 ] || { echo "usage: aot-train.sh APP_DIR JAVA [JVM flag ...]" >&2; exit 2; }
app=$1; java=$2; shift 2
[ -f "$app/quarkus-run.jar" ] || { echo "aot-train.sh: no quarkus-run.jar in $app" >&2; exit 2; }
command -v curl >/dev/null || { echo "aot-train.sh: needs curl" >&2; exit 2; }

work=$(mktemp -d)
pid=""
cleanup() { [ -z "$pid" ] || kill "$pid" 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
# The log's errors without the JDK's own archiving notes, else its end.
why() { grep -v -e '\[cds\]' -e '\[aot\]' "$work/certfn.log" | grep -m5 -e ERROR -e '^Caused' || tail -20 "$work/certfn.log"; }
port=${AOT_TRAIN_PORT:-$((20000 + RANDOM % 40000))}
key="train-$(od -An -N12 -tx1 /dev/urandom | tr -d ' \n')"
rm -f "$app/app.aot"

(
  cd "$app"
  # Discard port 9: the CA is refused at once, so the order path fails fast and the same way every run
  # (the DNS server is never reached: no order gets that far).
  CERTFN_STORE_TYPE=file CERTFN_STORE_FILE_PATH="$work/store" CERTFN_ACME_DIRECTORY=http://127.0.0.1:9/dir \
    CERTFN_DNS_PROVIDER=rfc2136 CERTFN_DNS_RFC2136_SERVER=127.0.0.1:9 \
    CERTFN_AUTH_API_KEYS="train=$key" QUARKUS_HTTP_HOST=127.0.0.1 QUARKUS_HTTP_PORT="$port" \
    exec "$java" "$@" -XX:AOTCacheOutput=app.aot -jar quarkus-run.jar
) > "$work/certfn.log" 2>&1 &
pid=$!

base="http://127.0.0.1:$port"
for _ in $(seq 1 600); do
  curl -fs -o /dev/null "$base/healthz" && break
  kill -0 "$pid" 2>/dev/null || { echo "aot-train.sh: certfn stopped while starting:" >&2; why >&2; exit 1; }
  sleep 0.1
done
curl -fs -o /dev/null "$base/healthz" || { echo "aot-train.sh: certfn did not answer /healthz within 60 s" >&2; exit 1; }

body='{"domain":"train.certfn.invalid"}'
for _ in 1 2 3 4 5; do
  curl -s -o /dev/null "$base/healthz"
  curl -s -o /dev/null -X POST -H 'Content-Type: application/json' -d "$body" "$base/api/certificate"
  curl -s -o /dev/null -X POST -H 'Content-Type: application/json' -H "Authorization: APIKey $key" -d "$body" "$base/api/certificate"
  curl -s -o /dev/null "$base/q/health/ready"
done

# The cache is written when the JVM exits (the JDK assembles it in a second JVM before this one ends).
kill "$pid"
wait "$pid" 2>/dev/null || true
pid=""
[ -s "$app/app.aot" ] || { echo "aot-train.sh: the JVM wrote no $app/app.aot:" >&2; grep -v -e "\[cds\]" -e "\[aot\]" "$work/certfn.log" | grep -m5 -e ERROR -e Exception -e "^Caused" >&2 || tail -20 "$work/certfn.log" >&2; exit 1; }
echo "aot-train.sh: wrote $app/app.aot ($(du -h "$app/app.aot" | cut -f1))"
