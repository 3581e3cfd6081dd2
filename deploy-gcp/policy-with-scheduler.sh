#!/usr/bin/env bash
# Prints certfn's policy as one line of JSON with the renewal scheduler's rule added: the policy
# file may be YAML or JSON, as certfn itself reads it (README "Policy").
#
#   deploy-gcp/policy-with-scheduler.sh POLICY_FILE SCHEDULER_EMAIL
#
# The scheduler may run the renewal sweep for every certificate and never receive a key
# (actions: [renew]), so whoever can mint its tokens gets no key either.
set -euo pipefail
file=${1:?usage: policy-with-scheduler.sh POLICY_FILE SCHEDULER_EMAIL}
email=${2:?usage: policy-with-scheduler.sh POLICY_FILE SCHEDULER_EMAIL}
[ -r "$file" ] || { echo "policy-with-scheduler: cannot read $file" >&2; exit 2; }
if jq -e . "$file" >/dev/null 2>&1; then
  json=$(jq -c . "$file")
else
  # Not JSON: YAML, read by PyYAML's safe loader (Debian: python3-yaml); its errors name the line.
  json=$(python3 -c 'import json, sys, yaml; print(json.dumps(yaml.safe_load(open(sys.argv[1]))))' "$file" 2>&1) || {
    echo "policy-with-scheduler: $file is neither JSON nor YAML that python3-yaml reads: $json" >&2
    echo "(apt-get install python3-yaml, or write the policy as JSON)" >&2
    exit 2
  }
fi
printf '%s' "$json" | jq -c --arg email "$email" '
  if (.rules | type) != "array" then error("the policy has no rules list") else . end
  | .rules += [{"name":"renewal-schedule","match":{"issuer":"google","email":$email},"domains":["*"],"actions":["renew"]}]'
