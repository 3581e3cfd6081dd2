#!/usr/bin/env bash
# `make test-fresh`: README's two commands on a stock Debian 12, as a new user would run them.
#
# Builds a Debian 12 root from Debian's own packages (debootstrap), adds only what README lists as
# prerequisites (a JDK 17, make; git to clone), copies a clean clone of this checkout into it, and
# runs there: `make test`, then `make run` with README's quick start typed verbatim in a second
# shell. Nothing of this machine's own tools (another Python, Node, moto, a Maven cache) is visible
# inside. Needs root (debootstrap, chroot, mounts) and the package sources a new user has: Debian's
# mirror, Maven Central, the npm registry and pip's index (PIP_INDEX_URL is passed in when set).
# Takes long (a first Maven download and the whole suite); its last line says how it ended.
#
#   dev/fresh-machine.sh            FRESH_ROOT=<dir> (default /var/tmp/certfn-fresh-<pid>), KEEP_ROOT=1 keeps it
set -euo pipefail
cd "$(dirname "$0")/.."

[ "$(id -u)" -eq 0 ] || { echo "fresh-machine: run as root (debootstrap and chroot need it)" >&2; exit 2; }
root=${FRESH_ROOT:-/var/tmp/certfn-fresh-$$}
mirror=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
log() { printf 'fresh-machine: %s\n' "$*" >&2; }

command -v debootstrap >/dev/null || { apt-get update -qq >/dev/null; DEBIAN_FRONTEND=noninteractive apt-get install -y -qq debootstrap >/dev/null; }

mounted=()
cleanup() {
  local i
  for ((i = ${#mounted[@]} - 1; i >= 0; i--)); do umount -l "${mounted[i]}" 2>/dev/null || true; done
  [ "${KEEP_ROOT:-0}" = 1 ] || rm -rf --one-file-system "$root"
}
trap cleanup EXIT
mount_into() { mkdir -p "$root$2"; mount "${@:3}" "$1" "$root$2"; mounted+=("$root$2"); }

log "debootstrap bookworm into $root"
debootstrap --variant=minbase bookworm "$root" "$mirror" >"$root.debootstrap.log" 2>&1 \
  || { tail -20 "$root.debootstrap.log" >&2; exit 1; }
cp /etc/resolv.conf "$root/etc/resolv.conf"
mount_into proc /proc -t proc
mount_into sysfs /sys -t sysfs
mount_into /dev /dev --bind
mount_into devpts /dev/pts -t devpts
mount_into tmpfs /dev/shm -t tmpfs

# The network's own settings travel in, as a new user on this network has them: the local CAs of a
# TLS-inspecting proxy (without them npm, Maven and pip see "self-signed certificate in chain") and
# the variables that point tools at the system's CA bundle and pip at its index.
network_env=()
for v in NODE_EXTRA_CA_CERTS PIP_CERT REQUESTS_CA_BUNDLE SSL_CERT_FILE CURL_CA_BUNDLE PIP_INDEX_URL; do
  [ -z "${!v:-}" ] || network_env+=("$v=${!v}")
done
inside() { chroot "$root" /usr/bin/env -i HOME=/root LANG=C.UTF-8 TERM=dumb \
  PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin "${network_env[@]}" bash -c "$1"; }
mkdir -p "$root/usr/local/share/ca-certificates"
cp /usr/local/share/ca-certificates/*.crt "$root/usr/local/share/ca-certificates/" 2>/dev/null || true

log "README's prerequisites: JDK 17, make (and git, to clone)"
# ca-certificates first, so the JDK's trust store is made with the network's CAs in it.
inside 'apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends ca-certificates >/dev/null && update-ca-certificates >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends openjdk-17-jdk-headless make git >/dev/null'

log "a clean clone of $(git rev-parse --short HEAD)"
git clone -q "$PWD" "$root/root/certfn"

log "make test"
if ! inside 'cd /root/certfn && make test' > "$root.make-test.log" 2>&1; then
  tail -40 "$root.make-test.log" >&2
  echo "fresh-machine: FAILED: make test on a fresh Debian 12 (log: $root.make-test.log)"
  exit 1
fi

log "make run, and README's quick start in a second shell"
quickstart=$(awk '/^Fix its API key to follow along/ {on = 1} on && /^```sh$/ {block = 1; next} block && /^```$/ {exit} block' README.md \
  | grep -v '# terminal 1')
[ -n "$quickstart" ] || { echo "fresh-machine: FAILED: README's quick start was not found"; exit 1; }
inside 'cd /root/certfn && (CERTFN_DEV_KEY=dev-0123456789abcdef make run > /root/run.log 2>&1 &)
  for _ in $(seq 1 300); do curl -fs http://127.0.0.1:8080/healthz >/dev/null 2>&1 && break; sleep 1; done' || true
if ! inside "cd /root/certfn && set -e
$quickstart
openssl x509 -in www.crt -noout -subject | grep -q www.certfn.test && test -s www.key" > "$root.quickstart.log" 2>&1; then
  cat "$root.quickstart.log" >&2; tail -20 "$root/root/run.log" >&2
  echo "fresh-machine: FAILED: README's quick start on a fresh Debian 12"
  exit 1
fi
inside 'pkill -f quarkus-run.jar; pkill pebble; pkill knotd' || true
echo "fresh-machine: PASSED on a fresh Debian 12 ($(inside '. /etc/os-release; echo "$PRETTY_NAME"')): make test, then make run with README's quick start (www.certfn.test issued)"
