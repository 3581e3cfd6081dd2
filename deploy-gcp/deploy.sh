#!/usr/bin/env bash
# Deploys certfn to Google Cloud Run: a GCS bucket as its store and lock, Cloud DNS for DNS-01,
# a service account with just those rights, the data key in Secret Manager, and a Cloud
# Scheduler job that renews what is due with an OIDC token. Re-running it updates in place.
#
#   PROJECT=my-project MANAGED_ZONE=example-com POLICY_FILE=policy.json deploy-gcp/deploy.sh
#
# Environment:
#   PROJECT        the Google Cloud project (required)
#   MANAGED_ZONE   the Cloud DNS managed zone's resource name (required)
#   POLICY_FILE    certfn's policy as JSON (required); the scheduler's renew-only rule is added to it
#   REGION         default europe-west1
#   ACME_DIRECTORY default Let's Encrypt production
#   ACME_EMAIL     the ACME account's contact (optional)
#   IMAGE          an image already built and pushed; default: built from src/main/docker/Dockerfile.jvm with Cloud Build
#   IMAGE_TAG      the tag of the built image; default: the git commit, or the time when not in a git checkout
#   BUCKET         the store bucket; default <PROJECT>-certfn
#   KEY_VERSION    the Secret Manager version of the data key to use; default: the newest enabled one, pinned
#   PREVIOUS_KEY_VERSION  during a key rotation: the version being rotated out (certfn.store.encryption-key-previous)
set -euo pipefail
cd "$(dirname "$0")/.."

: "${PROJECT:?set PROJECT}" "${MANAGED_ZONE:?set MANAGED_ZONE}" "${POLICY_FILE:?set POLICY_FILE}"
REGION=${REGION:-europe-west1}
ACME_DIRECTORY=${ACME_DIRECTORY:-https://acme-v02.api.letsencrypt.org/directory}
ACME_EMAIL=${ACME_EMAIL:-}
SERVICE=certfn
BUCKET=${BUCKET:-$PROJECT-certfn}
SA="certfn@$PROJECT.iam.gserviceaccount.com"
SCHEDULER_SA="certfn-scheduler@$PROJECT.iam.gserviceaccount.com"
gc() { gcloud --project "$PROJECT" --quiet "$@"; }

gc services enable run.googleapis.com dns.googleapis.com storage.googleapis.com secretmanager.googleapis.com \
  cloudscheduler.googleapis.com cloudbuild.googleapis.com artifactregistry.googleapis.com \
  iam.googleapis.com cloudresourcemanager.googleapis.com

# Identities: certfn's own, and the scheduler's (it only calls certfn).
gc iam service-accounts describe "$SA" >/dev/null 2>&1 || gc iam service-accounts create certfn --display-name "certfn"
gc iam service-accounts describe "$SCHEDULER_SA" >/dev/null 2>&1 || \
  gc iam service-accounts create certfn-scheduler --display-name "certfn renewal schedule"

# Store: a private bucket; certfn may read, write, delete and list objects in it, nothing else.
gc storage buckets describe "gs://$BUCKET" >/dev/null 2>&1 || \
  gc storage buckets create "gs://$BUCKET" --location "$REGION" --uniform-bucket-level-access --public-access-prevention
gc storage buckets add-iam-policy-binding "gs://$BUCKET" --member "serviceAccount:$SA" --role roles/storage.objectUser >/dev/null

# DNS: the rights certfn uses on the configured zone's records (Cloud DNS checks the record
# permissions of each addition and deletion in a change), as a custom role bound on that one
# managed zone, not the project (every zone).
DNS_PERMISSIONS=dns.resourceRecordSets.list,dns.resourceRecordSets.create,dns.resourceRecordSets.update,dns.resourceRecordSets.delete,dns.changes.create
if gc iam roles describe certfnDns --project "$PROJECT" >/dev/null 2>&1; then
  gc iam roles update certfnDns --project "$PROJECT" --permissions "$DNS_PERMISSIONS" >/dev/null
else
  gc iam roles create certfnDns --project "$PROJECT" --title "certfn DNS-01" --permissions "$DNS_PERMISSIONS"
fi
zone_policy=$(mktemp)
trap 'rm -f "$zone_policy"' EXIT
gc dns managed-zones get-iam-policy "$MANAGED_ZONE" --format json > "$zone_policy"
jq --arg member "serviceAccount:$SA" --arg role "projects/$PROJECT/roles/certfnDns" '
  .bindings = ((.bindings // []) | map(select(.role != $role)) + [{role: $role, members: [$member]}])' "$zone_policy" > "$zone_policy.new"
gc dns managed-zones set-iam-policy "$MANAGED_ZONE" --policy-file "$zone_policy.new" >/dev/null
rm -f "$zone_policy.new"
# Deployments before 2026-11-30 bound the role on the whole project: take that back.
gc projects remove-iam-policy-binding "$PROJECT" --member "serviceAccount:$SA" \
  --role "projects/$PROJECT/roles/certfnDns" --condition None >/dev/null 2>&1 || true

# The data key that seals private keys in the bucket, readable by certfn only.
if ! gc secrets describe certfn-encryption-key >/dev/null 2>&1; then
  openssl rand -base64 32 | tr -d '\n' | gc secrets create certfn-encryption-key --data-file=-
fi
gc secrets add-iam-policy-binding certfn-encryption-key --member "serviceAccount:$SA" \
  --role roles/secretmanager.secretAccessor >/dev/null
# Pinned, not :latest: every instance of a revision must seal with the same key. To rotate, add a
# version, then deploy with KEY_VERSION=<new> PREVIOUS_KEY_VERSION=<old>; once every key was read
# again (each certificate at its next request, README Stores: "To rotate"), deploy without PREVIOUS_KEY_VERSION.
KEY_VERSION=${KEY_VERSION:-$(gc secrets versions list certfn-encryption-key --filter 'state=enabled' \
  --sort-by '~createTime' --limit 1 --format 'value(name.basename())')}
secrets="CERTFN_STORE_ENCRYPTION_KEY=certfn-encryption-key:$KEY_VERSION"
if [ -n "${PREVIOUS_KEY_VERSION:-}" ]; then
  secrets="$secrets,CERTFN_STORE_ENCRYPTION_KEY_PREVIOUS=certfn-encryption-key:$PREVIOUS_KEY_VERSION"
fi

# The image: the JVM build in a container (Cloud Run listens on $PORT; the image binds 0.0.0.0).
if [ -z "${IMAGE:-}" ]; then
  ./mvnw -B -q package -Pgcp -DskipTests
  gc artifacts repositories describe certfn --location "$REGION" >/dev/null 2>&1 || \
    gc artifacts repositories create certfn --location "$REGION" --repository-format docker
  IMAGE_TAG=${IMAGE_TAG:-$(git rev-parse --short HEAD 2>/dev/null || date -u +%Y%m%d%H%M%S)}
  IMAGE="$REGION-docker.pkg.dev/$PROJECT/certfn/certfn:$IMAGE_TAG"
  # .gcloudignore (repository root) uploads just the Dockerfile and target/quarkus-app; without it
  # gcloud would follow .gitignore, which leaves target/ out.
  cp src/main/docker/Dockerfile.jvm Dockerfile
  trap 'rm -f Dockerfile "$zone_policy"' EXIT
  gc builds submit --tag "$IMAGE" .
fi

# The policy, plus the scheduler's rule: it may run the renewal sweep for every certificate and
# never receive a key (actions: [renew]), so whoever can mint its tokens gets no key either.
POLICY=$(jq -c --arg email "$SCHEDULER_SA" \
  '.rules += [{"name":"renewal-schedule","match":{"issuer":"google","email":$email},"domains":["*"],"actions":["renew"]}]' "$POLICY_FILE")

# certfn checks every caller itself (API keys, Google/Azure/AWS/OIDC tokens, the policy), so the
# service runs without Cloud Run's invoker check (--no-invoker-iam-check: allowed where an
# organisation's domain-restricted sharing refuses allUsers). Google ID tokens are accepted for
# both of the service's URLs: the deterministic https://<service>-<project number>.<region>.run.app
# and the one status.url reports (known once the service exists).
NUMBER=$(gc projects describe "$PROJECT" --format 'value(projectNumber)')
URL=$(gc run services describe "$SERVICE" --region "$REGION" --format 'value(status.url)' 2>/dev/null || true)
STABLE_URL="https://$SERVICE-$NUMBER.$REGION.run.app"
audiences() { if [ -n "$1" ] && [ "$1" != "$STABLE_URL" ]; then echo "$STABLE_URL,$1"; else echo "$STABLE_URL"; fi; }
env_file=$(mktemp)
trap 'rm -f "$env_file" Dockerfile "$zone_policy"' EXIT
jq -rn --arg dir "$ACME_DIRECTORY" --arg email "$ACME_EMAIL" --arg bucket "$BUCKET" --arg project "$PROJECT" \
  --arg zone "$MANAGED_ZONE" --arg policy "$POLICY" --arg audience "$(audiences "$URL")" '{
    CERTFN_ACME_DIRECTORY: $dir, CERTFN_ACME_EMAIL: $email,
    CERTFN_STORE_TYPE: "gcs", CERTFN_STORE_GCS_BUCKET: $bucket, CERTFN_STORE_GCS_PREFIX: "certfn",
    CERTFN_DNS_PROVIDER: "gcp", CERTFN_DNS_GCP_PROJECT: $project, CERTFN_DNS_GCP_MANAGED_ZONE: $zone,
    CERTFN_POLICY: $policy, CERTFN_AUTH_GOOGLE_AUDIENCE: $audience }
  | with_entries(select(.value != "")) | to_entries[] | "\(.key): \(.value | @json)"' > "$env_file"
# --no-cpu-throttling: an order goes on after a 202 answer; throttled, it would starve between requests.
gc run deploy "$SERVICE" --image "$IMAGE" --region "$REGION" --service-account "$SA" \
  --no-invoker-iam-check --no-cpu-throttling --memory 1Gi --cpu 1 --timeout 300 --max-instances 10 \
  --env-vars-file "$env_file" --set-secrets "$secrets"
if [ -z "$URL" ]; then
  URL=$(gc run services describe "$SERVICE" --region "$REGION" --format 'value(status.url)')
  if [ "$URL" != "$STABLE_URL" ]; then
    gc run services update "$SERVICE" --region "$REGION" --update-env-vars "^|^CERTFN_AUTH_GOOGLE_AUDIENCE=$(audiences "$URL")"
  fi
fi
# Should the invoker check ever be turned on, the scheduler may still call.
gc run services add-iam-policy-binding "$SERVICE" --region "$REGION" --member "serviceAccount:$SCHEDULER_SA" \
  --role roles/run.invoker >/dev/null

# Renewal: twice a day, POST /api/renewals with an OIDC token of the scheduler's account.
job_args=(--location "$REGION" --schedule "17 */12 * * *" --uri "$URL/api/renewals" --http-method POST
  --oidc-service-account-email "$SCHEDULER_SA" --oidc-token-audience "$URL" --attempt-deadline 300s)
if gc scheduler jobs describe certfn-renewals --location "$REGION" >/dev/null 2>&1; then
  gc scheduler jobs update http certfn-renewals "${job_args[@]}"
else
  gc scheduler jobs create http certfn-renewals "${job_args[@]}"
fi

echo "certfn is at $URL"
