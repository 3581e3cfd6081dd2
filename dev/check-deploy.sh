#!/usr/bin/env bash
# The clouds' own checkers over the deploy artefacts, and shellcheck over every script, run by
# `make test` after the build (the upload check needs target/quarkus-app).
#
#   cfn-lint   deploy-aws/template.yaml must have no error (where cfn-lint is installed;
#              otherwise one loud line says it was not checked)
#   scripts    every shell script through shellcheck -S warning (installed from Debian when missing)
#   gcloud     `gcloud meta list-files-for-upload` of the repository must hold the Dockerfile
#              deploy-gcp/deploy.sh copies there, target/quarkus-app and the AOT training script
#              the Dockerfile runs, nothing else (where gcloud exists)
set -euo pipefail
cd "$(dirname "$0")/.."

failed=0
note() { printf 'check-deploy: %s\n' "$*" >&2; }

if command -v cfn-lint >/dev/null 2>&1; then
  cfn-lint deploy-aws/template.yaml || { note "cfn-lint found errors in deploy-aws/template.yaml"; failed=1; }
else
  note "SKIPPED: cfn-lint is not installed, deploy-aws/template.yaml was NOT checked (pip install cfn-lint)"
fi

if ! command -v shellcheck >/dev/null 2>&1; then
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  { $sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq shellcheck; } >/dev/null 2>&1 || true
fi
if command -v shellcheck >/dev/null 2>&1; then
  mapfile -t scripts < <(git ls-files '*.sh' client/certfn-fetch .ci/run)
  shellcheck -S warning "${scripts[@]}" || { note "shellcheck found warnings"; failed=1; }
else
  note "shellcheck could not be installed (apt-get install shellcheck); scripts were not checked"
  failed=1
fi

if command -v gcloud >/dev/null 2>&1; then
  [ -d target/quarkus-app ] || { note "target/quarkus-app is missing: build first"; exit 1; }
  # deploy.sh copies the Dockerfile to the root for the build; stand one in if there is none.
  if [ ! -e Dockerfile ]; then
    cp src/main/docker/Dockerfile.jvm Dockerfile
    trap 'rm -f Dockerfile' EXIT
  fi
  files=$(gcloud meta list-files-for-upload . 2>/dev/null)
  if ! grep -q '^Dockerfile$' <<<"$files"; then
    note "gcloud would not upload the Dockerfile (see .gcloudignore)"; failed=1
  fi
  if ! grep -q '^target/quarkus-app/quarkus-run.jar$' <<<"$files"; then
    note "gcloud would not upload target/quarkus-app (see .gcloudignore)"; failed=1
  fi
  if ! grep -q '^src/main/docker/aot-train.sh$' <<<"$files"; then
    note "gcloud would not upload src/main/docker/aot-train.sh, which the Dockerfile runs (see .gcloudignore)"; failed=1
  fi
  extra=$(grep -v -e '^Dockerfile$' -e '^target/quarkus-app/' -e '^src/main/docker/aot-train.sh$' <<<"$files" || true)
  if [ -n "$extra" ]; then
    note "gcloud would upload more than the Dockerfile, the app and the training script: $(head -5 <<<"$extra" | tr '\n' ' ')"
    failed=1
  fi
else
  note "SKIPPED: gcloud is not installed, the Cloud Build upload list was NOT checked"
fi

[ "$failed" = 0 ] && echo "check-deploy: cfn-lint, shellcheck and the Cloud Build upload list are clean"
exit "$failed"
