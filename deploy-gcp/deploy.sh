#!/usr/bin/env bash
# Deploys certfn to Google Cloud Run: a GCS bucket as its store and lock, Cloud DNS for DNS-01,
# a service account with just those rights, the data key in Secret Manager, and a Cloud
# Scheduler job that renews what is due with an OIDC token. Re-running it updates in place.
#
#   PROJECT=my-project MANAGED_ZONE=example-com POLICY_FILE=policy.yaml ALERT_EMAIL=ops@example.com deploy-gcp/deploy.sh
#
# Environment:
#   PROJECT        the Google Cloud project (required)
#   MANAGED_ZONE   the Cloud DNS managed zone's resource name (required)
#   POLICY_FILE    certfn's policy, YAML or JSON (required); the scheduler's renew-only rule is added to it
#   ALERT_EMAIL    where the alerts (failed renewals, overdue or expiring certificates, 5xx) are mailed;
#                  without it the alert policies are created with no notification channel
#   REGION         default europe-west1
#   PRODUCTION     1: Let's Encrypt's production directory; default its staging directory (try there first)
#   ACME_DIRECTORY another CA's directory URL (wins over PRODUCTION)
#   ACME_EMAIL     the ACME account's contact (optional)
#   IMAGE          an image already built and pushed; default: built from src/main/docker/Dockerfile.jvm with Cloud Build
#   IMAGE_TAG      the tag of the built image; default: the git commit, or the time when not in a git checkout
#   BUCKET         the store bucket; default <PROJECT>-certfn
#   KEY_VERSION    the Secret Manager version of the data key to use; default: the one the service uses
#                  now (the newest enabled one at the first deploy), pinned
#   PREVIOUS_KEY_VERSION  during a key rotation: the version being rotated out (certfn.store.encryption-key-previous)
#   DELIVER_CERTIFICATE_MANAGER  1: certfn may create and update Certificate Manager certificates in the project, for
#                  policy rules with a certificateManager target (deliver: [{certificateManager: {project: ...}}])
set -euo pipefail
cd "$(dirname "$0")/.."

: "${PROJECT:?set PROJECT}" "${MANAGED_ZONE:?set MANAGED_ZONE}" "${POLICY_FILE:?set POLICY_FILE}"
REGION=${REGION:-europe-west1}
if [ "${PRODUCTION:-0}" = 1 ]; then
  ACME_DIRECTORY=${ACME_DIRECTORY:-https://acme-v02.api.letsencrypt.org/directory}
else
  ACME_DIRECTORY=${ACME_DIRECTORY:-https://acme-staging-v02.api.letsencrypt.org/directory}
fi
ALERT_EMAIL=${ALERT_EMAIL:-}
ACME_EMAIL=${ACME_EMAIL:-}
SERVICE=certfn
BUCKET=${BUCKET:-$PROJECT-certfn}
SA="certfn@$PROJECT.iam.gserviceaccount.com"
SCHEDULER_SA="certfn-scheduler@$PROJECT.iam.gserviceaccount.com"
BUILD_SA="certfn-build@$PROJECT.iam.gserviceaccount.com"
gc() { gcloud --project "$PROJECT" --quiet "$@"; }
# IAM is eventually consistent: a binding on an account created a moment ago may be refused at first.
retry() { local n; for n in 1 2 3 4 5; do "$@" && return 0; [ "$n" = 5 ] || sleep $((n * 5)); done; return 1; }

# The policy first: a mistake in it stops the script before anything is created.
POLICY=$(deploy-gcp/policy-with-scheduler.sh "$POLICY_FILE" "$SCHEDULER_SA")

gc services enable run.googleapis.com dns.googleapis.com storage.googleapis.com secretmanager.googleapis.com \
  cloudscheduler.googleapis.com cloudbuild.googleapis.com artifactregistry.googleapis.com \
  iam.googleapis.com cloudresourcemanager.googleapis.com logging.googleapis.com monitoring.googleapis.com

# Identities: certfn's own, and the scheduler's (it only calls certfn).
gc iam service-accounts describe "$SA" >/dev/null 2>&1 || gc iam service-accounts create certfn --display-name "certfn"
gc iam service-accounts describe "$SCHEDULER_SA" >/dev/null 2>&1 || \
  gc iam service-accounts create certfn-scheduler --display-name "certfn renewal schedule"

# Store: a private bucket; certfn may read, write, delete and list objects in it, nothing else.
gc storage buckets describe "gs://$BUCKET" >/dev/null 2>&1 || \
  gc storage buckets create "gs://$BUCKET" --location "$REGION" --uniform-bucket-level-access --public-access-prevention
retry gc storage buckets add-iam-policy-binding "gs://$BUCKET" --member "serviceAccount:$SA" --role roles/storage.objectUser >/dev/null

# DNS: the rights certfn uses on the configured zone's records (Cloud DNS checks the record
# permissions of each addition and deletion in a change), as a custom role bound on that one
# managed zone, not the project (every zone).
DNS_PERMISSIONS=dns.resourceRecordSets.list,dns.resourceRecordSets.create,dns.resourceRecordSets.update,dns.resourceRecordSets.delete,dns.changes.create
if gc iam roles describe certfnDns --project "$PROJECT" >/dev/null 2>&1; then
  gc iam roles update certfnDns --project "$PROJECT" --permissions "$DNS_PERMISSIONS" >/dev/null
else
  gc iam roles create certfnDns --project "$PROJECT" --title "certfn DNS-01" --permissions "$DNS_PERMISSIONS"
fi
# Every temporary file is removed on exit; the Dockerfile only if this run put it there.
zone_policy=$(mktemp) env_file=$(mktemp) alert_file=$(mktemp) copied_dockerfile=""
cleanup() { rm -f "$zone_policy" "$zone_policy.new" "$env_file" "$alert_file" ${copied_dockerfile:+"$copied_dockerfile"}; }
trap cleanup EXIT
gc dns managed-zones get-iam-policy "$MANAGED_ZONE" --format json > "$zone_policy"
jq --arg member "serviceAccount:$SA" --arg role "projects/$PROJECT/roles/certfnDns" '
  .bindings = ((.bindings // []) | map(select(.role != $role)) + [{role: $role, members: [$member]}])' "$zone_policy" > "$zone_policy.new"
gc dns managed-zones set-iam-policy "$MANAGED_ZONE" --policy-file "$zone_policy.new" >/dev/null
rm -f "$zone_policy.new"
# Deployments before 2026-11-30 bound the role on the whole project: take that back.
gc projects remove-iam-policy-binding "$PROJECT" --member "serviceAccount:$SA" \
  --role "projects/$PROJECT/roles/certfnDns" --condition None >/dev/null 2>&1 || true

# Delivery to Certificate Manager: exactly the calls certfn makes (create, patch, read back, await the
# operation), as a custom role on the project (Certificate Manager has no narrower scope); off by default.
if [ "${DELIVER_CERTIFICATE_MANAGER:-0}" = 1 ]; then
  gc services enable certificatemanager.googleapis.com
  DELIVERY_PERMISSIONS=certificatemanager.certs.create,certificatemanager.certs.update,certificatemanager.certs.get,certificatemanager.operations.get
  if gc iam roles describe certfnDelivery --project "$PROJECT" >/dev/null 2>&1; then
    gc iam roles update certfnDelivery --project "$PROJECT" --permissions "$DELIVERY_PERMISSIONS" >/dev/null
  else
    gc iam roles create certfnDelivery --project "$PROJECT" --title "certfn delivery" --permissions "$DELIVERY_PERMISSIONS"
  fi
  retry gc projects add-iam-policy-binding "$PROJECT" --member "serviceAccount:$SA" --role "projects/$PROJECT/roles/certfnDelivery" \
    --condition None >/dev/null
fi

# The data key that seals private keys in the bucket, readable by certfn only.
if ! gc secrets describe certfn-encryption-key >/dev/null 2>&1; then
  openssl rand -base64 32 | tr -d '\n' | gc secrets create certfn-encryption-key --data-file=-
fi
retry gc secrets add-iam-policy-binding certfn-encryption-key --member "serviceAccount:$SA" \
  --role roles/secretmanager.secretAccessor >/dev/null
# Pinned, not :latest: every instance of a revision must seal with the same key. A re-run keeps the
# version the service uses, whatever versions were added since: only KEY_VERSION changes it. To
# rotate, add a version, then deploy with KEY_VERSION=<new> PREVIOUS_KEY_VERSION=<old>; once every
# key was read again (each certificate at its next request or renewal, README Stores: "To rotate"),
# deploy with KEY_VERSION=<new> alone.
if [ -z "${KEY_VERSION:-}" ]; then
  KEY_VERSION=$(gc run services describe "$SERVICE" --region "$REGION" --format json 2>/dev/null | jq -r '
    [.spec.template.spec.containers[0].env[]? | select(.name == "CERTFN_STORE_ENCRYPTION_KEY") | .valueFrom.secretKeyRef.key][0] // empty' || true)
fi
if [ -z "${KEY_VERSION:-}" ]; then
  KEY_VERSION=$(gc secrets versions list certfn-encryption-key --filter 'state=enabled' \
    --sort-by '~createTime' --limit 1 --format 'value(name.basename())')
fi
secrets="CERTFN_STORE_ENCRYPTION_KEY=certfn-encryption-key:$KEY_VERSION"
if [ -n "${PREVIOUS_KEY_VERSION:-}" ]; then
  secrets="$secrets,CERTFN_STORE_ENCRYPTION_KEY_PREVIOUS=certfn-encryption-key:$PREVIOUS_KEY_VERSION"
fi

# The image: the JVM build in a container (Cloud Run listens on $PORT; the image binds 0.0.0.0).
# The repository exists whether or not this script builds: a native image given as IMAGE is pushed there too.
gc artifacts repositories describe certfn --location "$REGION" >/dev/null 2>&1 || \
  gc artifacts repositories create certfn --location "$REGION" --repository-format docker
if [ -z "${IMAGE:-}" ]; then
  ./mvnw -B -q package -Pgcp -DskipTests
  IMAGE_TAG=${IMAGE_TAG:-$(git rev-parse --short HEAD 2>/dev/null || date -u +%Y%m%d%H%M%S)}
  IMAGE="$REGION-docker.pkg.dev/$PROJECT/certfn/certfn:$IMAGE_TAG"
  # Cloud Build runs as an account of its own with just what a build needs: projects created since
  # 2024 give builds the Compute Engine default account, often without those rights.
  gc iam service-accounts describe "$BUILD_SA" >/dev/null 2>&1 || \
    gc iam service-accounts create certfn-build --display-name "certfn image build"
  gc storage buckets describe "gs://$BUCKET-build" >/dev/null 2>&1 || \
    gc storage buckets create "gs://$BUCKET-build" --location "$REGION" --uniform-bucket-level-access --public-access-prevention
  retry gc storage buckets add-iam-policy-binding "gs://$BUCKET-build" --member "serviceAccount:$BUILD_SA" \
    --role roles/storage.objectUser >/dev/null
  retry gc artifacts repositories add-iam-policy-binding certfn --location "$REGION" --member "serviceAccount:$BUILD_SA" \
    --role roles/artifactregistry.writer >/dev/null
  retry gc projects add-iam-policy-binding "$PROJECT" --member "serviceAccount:$BUILD_SA" --role roles/logging.logWriter \
    --condition None >/dev/null
  # .gcloudignore (repository root) uploads just the Dockerfile and target/quarkus-app; without it
  # gcloud would follow .gitignore, which leaves target/ out. An existing ./Dockerfile is not ours to replace.
  [ ! -e Dockerfile ] || { echo "deploy.sh: ./Dockerfile exists; move it away (the build copies src/main/docker/Dockerfile.jvm there)" >&2; exit 1; }
  copied_dockerfile=Dockerfile
  cp src/main/docker/Dockerfile.jvm Dockerfile
  gc builds submit --tag "$IMAGE" --region "$REGION" --service-account "projects/$PROJECT/serviceAccounts/$BUILD_SA" \
    --gcs-source-staging-dir "gs://$BUCKET-build/source" --gcs-log-dir "gs://$BUCKET-build/logs" .
fi

# certfn checks every caller itself (API keys, Google/Azure/AWS/OIDC tokens, the policy), so the
# service runs without Cloud Run's invoker check (--no-invoker-iam-check: allowed where an
# organisation's domain-restricted sharing refuses allUsers). Google ID tokens are accepted for
# both of the service's URLs: the deterministic https://<service>-<project number>.<region>.run.app
# and the one status.url reports (known once the service exists).
NUMBER=$(gc projects describe "$PROJECT" --format 'value(projectNumber)')
URL=$(gc run services describe "$SERVICE" --region "$REGION" --format 'value(status.url)' 2>/dev/null || true)
STABLE_URL="https://$SERVICE-$NUMBER.$REGION.run.app"
audiences() { if [ -n "$1" ] && [ "$1" != "$STABLE_URL" ]; then echo "$STABLE_URL,$1"; else echo "$STABLE_URL"; fi; }
jq -rn --arg dir "$ACME_DIRECTORY" --arg email "$ACME_EMAIL" --arg bucket "$BUCKET" --arg project "$PROJECT" \
  --arg zone "$MANAGED_ZONE" --arg policy "$POLICY" --arg audience "$(audiences "$URL")" '{
    CERTFN_ACME_DIRECTORY: $dir, CERTFN_ACME_EMAIL: $email,
    CERTFN_STORE_TYPE: "gcs", CERTFN_STORE_GCS_BUCKET: $bucket, CERTFN_STORE_GCS_PREFIX: "certfn",
    CERTFN_DNS_PROVIDER: "gcp", CERTFN_DNS_GCP_PROJECT: $project, CERTFN_DNS_GCP_MANAGED_ZONE: $zone,
    CERTFN_POLICY: $policy, CERTFN_AUTH_GOOGLE_AUDIENCE: $audience }
  | with_entries(select(.value != "")) | to_entries[] | "\(.key): \(.value | @json)"' > "$env_file"
# --no-cpu-throttling: an order goes on after a 202 answer; throttled, it would starve between requests.
# Probes on /q/health/live (open to anyone, README "Health"): the JVM may take some seconds at a cold start.
gc run deploy "$SERVICE" --image "$IMAGE" --region "$REGION" --service-account "$SA" \
  --no-invoker-iam-check --no-cpu-throttling --memory 1Gi --cpu 1 --timeout 300 --max-instances 10 \
  --startup-probe "httpGet.path=/q/health/live,initialDelaySeconds=0,periodSeconds=2,timeoutSeconds=2,failureThreshold=30" \
  --liveness-probe "httpGet.path=/q/health/live,periodSeconds=30,timeoutSeconds=5,failureThreshold=3" \
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

# Alerts: nothing else tells of a failed renewal (Let's Encrypt sends no expiry mail). Log-based
# metrics count the sweep's "event=sweep ... failed=N ... overdue=N expiring=N" lines; the alert
# policies (deploy-gcp/alerts/) watch them and Cloud Run's 5xx count. Updated in place by a re-run.
channel=""
if [ -n "$ALERT_EMAIL" ]; then
  channel=$(gcloud beta monitoring channels list --project "$PROJECT" --filter "labels.email_address=\"$ALERT_EMAIL\"" \
    --format 'value(name)' | head -n 1)
  [ -n "$channel" ] || channel=$(gcloud beta monitoring channels create --project "$PROJECT" --type email \
    --display-name "certfn alerts" --channel-labels "email_address=$ALERT_EMAIL" --format 'value(name)')
fi
jq -c '.[]' deploy-gcp/alerts/log-metrics.json | while read -r metric; do
  name=$(jq -r .name <<< "$metric")
  verb=create
  gc logging metrics describe "$name" >/dev/null 2>&1 && verb=update
  gc logging metrics "$verb" "$name" --description "$(jq -r .description <<< "$metric")" --log-filter "$(jq -r .filter <<< "$metric")" >/dev/null
done
jq -c '.[]' deploy-gcp/alerts/policies.json | while read -r policy; do
  jq --arg channel "$channel" '.notificationChannels = (if $channel == "" then [] else [$channel] end)' <<< "$policy" > "$alert_file"
  display=$(jq -r .displayName "$alert_file")
  existing=$(gcloud alpha monitoring policies list --project "$PROJECT" --filter "displayName=\"$display\"" --format 'value(name)' | head -n 1)
  if [ -n "$existing" ]; then
    gcloud alpha monitoring policies update "$existing" --project "$PROJECT" --quiet --policy-from-file "$alert_file" >/dev/null
  else
    gcloud alpha monitoring policies create --project "$PROJECT" --quiet --policy-from-file "$alert_file" >/dev/null
  fi
done

echo "certfn is at $URL"
[ -n "$ALERT_EMAIL" ] || echo "No ALERT_EMAIL: the alert policies notify no one; run again with ALERT_EMAIL=<address>, or add a channel to them"
case $ACME_DIRECTORY in *staging*) echo "Ordering from Let's Encrypt's staging CA (untrusted certificates); PRODUCTION=1 deploy-gcp/deploy.sh when it works" ;; esac
