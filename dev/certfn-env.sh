# shellcheck shell=bash
# Sourced by dev/run.sh and dev/demo.sh: exports certfn's settings for the stack whose
# stack.env is $1, with a file store in $2 and the dev API key $3.
# shellcheck disable=SC1090
. "$1"
export CERTFN_ACME_DIRECTORY="$ACME_DIRECTORY"
export CERTFN_ACME_TRUST_STORE="$ACME_TRUST_STORE"
export CERTFN_DNS_PROVIDER=rfc2136
export CERTFN_DNS_RFC2136_SERVER="$DNS_SERVER"
export CERTFN_DNS_RFC2136_TSIG_KEY_NAME="$TSIG_KEY_NAME"
export CERTFN_DNS_RFC2136_TSIG_SECRET="$TSIG_SECRET"
export CERTFN_DNS_RFC2136_TSIG_ALGORITHM="$TSIG_ALGORITHM"
# Knot is the zone's only name server (ns.<zone> = 127.0.0.1), on a port picked at start.
export CERTFN_DNS_RESOLVER="$DNS_SERVER"
export CERTFN_DNS_NAMESERVER_PORT="${DNS_SERVER##*:}"
export CERTFN_STORE_TYPE=file
export CERTFN_STORE_FILE_PATH="$2"
export CERTFN_AUTH_API_KEYS="dev=$3"
