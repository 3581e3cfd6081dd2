#!/usr/bin/env bash
# Starts and stops the local ACME test stack: Pebble (Let's Encrypt's test CA) and Knot or BIND
# (an authoritative DNS server that accepts RFC 2136 updates signed with TSIG).
#
# One script serves `make run`, `make demo` and the Java tests, so the stack is configured in
# exactly one place. Everything binds to 127.0.0.1 on ports picked free at start.
#
#   dev/stack.sh install          install pebble, knot, openssl, curl, dig, jq, python3 (with PyYAML) when missing (Debian)
#   dev/stack.sh start DIR        start the stack; writes DIR/stack.env (KEY=value lines)
#   dev/stack.sh stop DIR         stop what `start DIR` started (by PID)
#   dev/stack.sh port             print a free 127.0.0.1 port
#
# Environment for `start`:
#   STACK_DNS              knot (default; the tests) or bind (the benchmarks: Knot 3.2 answers some
#                          updates up to a second late, BIND 9.18 does not; `install` adds bind9)
#   STACK_ZONE             the DNS zone the DNS server serves (default certfn.test)
#   STACK_PEBBLE_DNS       DNS server Pebble's validation uses (default: the one just started)
#   STACK_NONCE_REJECT     share of nonces Pebble rejects, percent (default 0)
#   STACK_EAB              KID=MACKEY[,KID=MACKEY...]: Pebble requires external account binding, with these
#                          keys (the MAC key base64url, as ZeroSSL and Google Trust Services hand them out)
set -euo pipefail

cmd=${1:-}
dir=${2:-}

die() { echo "stack: $*" >&2; exit 1; }

install_packages() {
  local missing=()
  command -v pebble >/dev/null || missing+=(pebble)
  command -v knotd >/dev/null || missing+=(knot)
  [ "${STACK_DNS:-knot}" != bind ] || command -v named >/dev/null || missing+=(bind9)
  command -v openssl >/dev/null || missing+=(openssl)
  command -v curl >/dev/null || missing+=(curl)
  command -v dig >/dev/null || missing+=(bind9-dnsutils)
  command -v ss >/dev/null || missing+=(iproute2)
  command -v jq >/dev/null || missing+=(jq)
  command -v python3 >/dev/null || missing+=(python3)
  # PyYAML: deploy-gcp/policy-with-scheduler.sh reads a YAML policy with it (GcpDeployScriptTest).
  python3 -c 'import yaml' 2>/dev/null || missing+=(python3-yaml)
  [ ${#missing[@]} -eq 0 ] && return 0
  echo "stack: installing ${missing[*]}" >&2
  local sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

# A port no socket uses, TCP or UDP, in any state. Below the kernel's ephemeral range, so a client
# connection (or its TIME_WAIT after a benchmark's thousands of requests) cannot hold it when the
# server binds. Random to keep parallel runs apart; the short window between this check and the
# bind is accepted (a clash makes start fail loudly, never silently).
free_port() {
  local port low=32768
  [ -r /proc/sys/net/ipv4/ip_local_port_range ] && read -r low _ < /proc/sys/net/ipv4/ip_local_port_range
  [ "$low" -gt 12000 ] || low=32768
  for _ in $(seq 1 100); do
    port=$(( (RANDOM << 15 | RANDOM) % (low - 11000) + 10000 ))
    if ! ss -Hantu "( sport = :$port )" | grep -q .; then echo "$port"; return 0; fi
  done
  die "no free port found"
}

wait_tcp() { # host port seconds
  local deadline=$((SECONDS + $3))
  until (exec 3<>"/dev/tcp/$1/$2") 2>/dev/null; do
    [ $SECONDS -lt $deadline ] || return 1
    sleep 0.1
  done
}

# Knot serving $zone from $dir/knot on $dns_port (variables of start).
start_knot() {
  cat > "$dir/knot/knot.conf" <<CONF
server:
    rundir: "$dir/knot"
    pidfile: "$dir/knot/knot.pid"
    listen: 127.0.0.1@$dns_port

control:
    listen: "$dir/knot/knot.sock"

log:
  - target: stderr
    any: warning

database:
    storage: "$dir/knot/db"

key:
  - id: $tsig_name
    algorithm: hmac-sha256
    secret: $tsig_secret

acl:
  - id: certfn-update
    key: $tsig_name
    action: update

zone:
  - domain: $zone
    storage: "$dir/knot"
    file: "$zone.zone"
    zonefile-sync: -1
    journal-content: changes
    acl: certfn-update
CONF
  knotd -c "$dir/knot/knot.conf" >"$dir/knot/knot.log" 2>&1 &
  echo $! > "$dir/knot/pid"
  wait_tcp 127.0.0.1 "$dns_port" 10 || { cat "$dir/knot/knot.log" >&2; die "knot did not start"; }
}

# BIND serving $zone on $dns_port, same zone and key as Knot; run as the current user.
start_bind() {
  mkdir -p "$dir/bind"
  cp "$dir/knot/$zone.zone" "$dir/bind/$zone.zone"
  cat > "$dir/bind/named.conf" <<CONF
options {
    directory "$dir/bind";
    pid-file "$dir/bind/named.pid";
    listen-on port $dns_port { 127.0.0.1; };
    listen-on-v6 { none; };
    recursion no;
    dnssec-validation no;
    notify no;
};
controls { };
key "$tsig_name" { algorithm hmac-sha256; secret "$tsig_secret"; };
zone "$zone" { type primary; file "$dir/bind/$zone.zone"; allow-update { key "$tsig_name"; }; };
CONF
  named -g -c "$dir/bind/named.conf" >"$dir/bind/named.log" 2>&1 &
  echo $! > "$dir/bind/pid"
  wait_tcp 127.0.0.1 "$dns_port" 10 || { cat "$dir/bind/named.log" >&2; die "named did not start"; }
}

start() {
  [ -n "$dir" ] || die "usage: stack.sh start DIR"
  mkdir -p "$dir/knot/db" "$dir/pebble"
  dir=$(cd "$dir" && pwd)
  # A start that fails half-way stops what it started (a leftover server would hold its port).
  trap 'stop >/dev/null 2>&1' EXIT
  local zone=${STACK_ZONE:-certfn.test}
  local dns_port acme_port mgmt_port
  dns_port=$(free_port); acme_port=$(free_port); mgmt_port=$(free_port)

  # TSIG key for RFC 2136 updates: 32 random bytes.
  local tsig_name="certfn-key" tsig_secret
  tsig_secret=$(openssl rand -base64 32)

  cat > "$dir/knot/$zone.zone" <<ZONE
\$ORIGIN $zone.
\$TTL 60
@   SOA ns.$zone. hostmaster.$zone. 1 3600 600 86400 60
@   NS  ns.$zone.
ns  A   127.0.0.1
ZONE
  case "${STACK_DNS:-knot}" in
    knot) start_knot ;;
    bind) start_bind ;;
    *) die "STACK_DNS must be knot or bind, not ${STACK_DNS}" ;;
  esac

  # Pebble's listener certificate for 127.0.0.1 and localhost; certfn trusts it by PEM.
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 30 \
    -subj "/CN=localhost" -addext "subjectAltName=IP:127.0.0.1,DNS:localhost" \
    -keyout "$dir/pebble/key.pem" -out "$dir/pebble/cert.pem" 2>/dev/null
  local eab_required=false eab_keys=""
  if [ -n "${STACK_EAB:-}" ]; then
    eab_required=true
    local pair pairs=""
    for pair in ${STACK_EAB//,/ }; do
      pairs="${pairs:+$pairs, }\"${pair%%=*}\": \"${pair#*=}\""
    done
    eab_keys=", \"externalAccountMACKeys\": {$pairs}"
  fi
  cat > "$dir/pebble/pebble.json" <<JSON
{"pebble": {
  "listenAddress": "127.0.0.1:$acme_port",
  "managementListenAddress": "127.0.0.1:$mgmt_port",
  "certificate": "$dir/pebble/cert.pem",
  "privateKey": "$dir/pebble/key.pem",
  "httpPort": 5002, "tlsPort": 5001, "ocspResponderURL": "",
  "externalAccountBindingRequired": $eab_required$eab_keys
}}
JSON
  PEBBLE_VA_NOSLEEP=1 PEBBLE_WFE_NONCEREJECT=${STACK_NONCE_REJECT:-0} PEBBLE_AUTHZREUSE=0 \
    pebble -config "$dir/pebble/pebble.json" -dnsserver "${STACK_PEBBLE_DNS:-127.0.0.1:$dns_port}" \
    >"$dir/pebble/pebble.log" 2>&1 &
  echo $! > "$dir/pebble/pid"
  wait_tcp 127.0.0.1 "$acme_port" 15 || { cat "$dir/pebble/pebble.log" >&2; die "pebble did not start"; }
  wait_tcp 127.0.0.1 "$mgmt_port" 5 || die "pebble management port did not open"

  cat > "$dir/stack.env" <<ENV
ZONE=$zone
DNS_SERVER=127.0.0.1:$dns_port
TSIG_KEY_NAME=$tsig_name
TSIG_SECRET=$tsig_secret
TSIG_ALGORITHM=hmac-sha256
ACME_DIRECTORY=https://127.0.0.1:$acme_port/dir
ACME_TRUST_STORE=$dir/pebble/cert.pem
PEBBLE_MANAGEMENT=https://127.0.0.1:$mgmt_port
PEBBLE_LOG=$dir/pebble/pebble.log
ENV
  trap - EXIT
  echo "$dir/stack.env"
}

# All are signalled at once and awaited together, each until it has exited (see running).
stop() {
  [ -n "$dir" ] || die "usage: stack.sh stop DIR"
  local pidfile pids=()
  for pidfile in "$dir/pebble/pid" "$dir/knot/pid" "$dir/bind/pid"; do
    [ -f "$pidfile" ] || continue
    pids+=("$(cat "$pidfile")")
    rm -f "$pidfile"
  done
  [ "${#pids[@]}" -gt 0 ] || return 0
  kill "${pids[@]}" 2>/dev/null || true
  for _ in $(seq 1 50); do running "${pids[@]}" || break; sleep 0.05; done
  kill -9 "${pids[@]}" 2>/dev/null || true
}

# True while one of the PIDs runs. An exited server whose parent (the start's shell, gone) left it
# for init to reap is a zombie until then — on these machines up to ~2 s, which every stop waited
# out (kill -0 succeeds on a zombie): it holds no port and counts as stopped.
running() {
  local pid state
  for pid in "$@"; do
    state=$(sed -E 's/^.*\) ([A-Z]).*$/\1/' "/proc/$pid/stat" 2>/dev/null) || continue
    [ "$state" = Z ] || return 0
  done
  return 1
}

case "$cmd" in
  install) install_packages ;;
  start) start ;;
  stop) stop ;;
  port) free_port ;;
  *) die "usage: stack.sh install | start DIR | stop DIR | port" ;;
esac
