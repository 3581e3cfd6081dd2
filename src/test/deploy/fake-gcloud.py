#!/usr/bin/env python3
"""A stand-in for the gcloud CLI that remembers what deploy-gcp/deploy.sh made, so the script can be
run twice offline (no Google Cloud account exists where the tests run).

It reproduces only what the script reads back, as gcloud and the APIs document it:
- `describe` of a resource that does not exist fails (exit 1, "NOT_FOUND"), as gcloud does;
- `secrets versions list --filter state=enabled --sort-by ~createTime --limit 1 --format
  value(name.basename())` prints the newest enabled version number (Secret Manager numbers
  versions 1, 2, ... in creation order);
- `run services describe --format json` prints the Cloud Run Admin API v1 Service
  (cloud.google.com/run/docs/reference/rest/v1/namespaces.services): a secret passed with
  --set-secrets NAME=SECRET:VERSION appears as spec.template.spec.containers[0].env[] with
  valueFrom.secretKeyRef {name: SECRET, key: VERSION}; `--format value(status.url)` prints the URL;
- `projects describe --format value(projectNumber)` prints a project number;
- `logging metrics describe/create/update`, `beta monitoring channels list/create` and
  `alpha monitoring policies list/create/update` keep what they are given (list filters on the
  displayName or email the script asks for);
- everything else (enabling services, IAM bindings, the scheduler job) succeeds; the test's shim
  answers those itself, without starting Python.
Every call that reaches this script is appended to the state's "calls" list. The state is the JSON
file named by FAKE_GCLOUD_STATE.
"""
import json
import os
import re
import sys

STATE = os.environ["FAKE_GCLOUD_STATE"]


def load():
    try:
        with open(STATE) as f:
            return json.load(f)
    except FileNotFoundError:
        return {"calls": [], "exists": [], "secretVersions": 0, "service": None, "metrics": {}, "channels": [], "policies": {}}


def flag(args, name):
    for i, a in enumerate(args):
        if a == name and i + 1 < len(args):
            return args[i + 1]
        if a.startswith(name + "="):
            return a[len(name) + 1:]
    return None


def positional(args, skip):
    """The arguments that are neither flags nor flag values, after the first `skip` words."""
    out, i = [], 0
    takes_value = {"--project", "--region", "--location", "--format", "--filter", "--sort-by", "--limit", "--member",
                   "--role", "--condition", "--policy-file", "--policy-from-file", "--description", "--log-filter",
                   "--type", "--display-name", "--channel-labels", "--image", "--service-account", "--env-vars-file",
                   "--set-secrets", "--memory", "--cpu", "--timeout", "--max-instances", "--startup-probe",
                   "--liveness-probe", "--data-file", "--permissions", "--title", "--repository-format", "--schedule",
                   "--uri", "--http-method", "--oidc-service-account-email", "--oidc-token-audience", "--attempt-deadline",
                   "--update-env-vars", "--tag", "--gcs-source-staging-dir", "--gcs-log-dir"}
    while i < len(args):
        a = args[i]
        if a.startswith("--"):
            i += 2 if (a in takes_value and "=" not in a) else 1
            continue
        out.append(a)
        i += 1
    return out[skip:]


def main():
    args = sys.argv[1:]
    state = load()
    state["calls"].append(args)
    words = positional(args, 0)
    fmt = flag(args, "--format") or ""
    code, out = 0, ""
    key = " ".join(words[:2]) + ":" + (words[-1] if words else "")

    if words[:3] == ["secrets", "versions", "list"]:
        out = str(state["secretVersions"]) if state["secretVersions"] else ""
    elif words[:2] == ["secrets", "create"]:
        sys.stdin.read()
        state["secretVersions"] = 1
        state["exists"].append("secrets describe:" + words[2])
    elif words[:3] == ["run", "services", "describe"]:
        service = state["service"]
        if service is None:
            code, out = 1, "ERROR: (gcloud.run.services.describe) Cannot find service [certfn]"
        elif fmt == "json":
            out = json.dumps(service)
        else:
            out = service["status"]["url"]
    elif words[:2] == ["run", "deploy"]:
        env = [{"name": k, "value": json.loads(v)} for k, v in (line.split(": ", 1) for line in open(flag(args, "--env-vars-file")).read().splitlines())]
        for pair in flag(args, "--set-secrets").split(","):
            name, ref = pair.split("=", 1)
            secret, version = ref.split(":")
            env.append({"name": name, "valueFrom": {"secretKeyRef": {"name": secret, "key": version}}})
        state["service"] = {"apiVersion": "serving.knative.dev/v1", "kind": "Service",
                            "spec": {"template": {"spec": {"containers": [{"image": flag(args, "--image"), "env": env}]}}},
                            "status": {"url": "https://certfn-abcdefghij-ew.a.run.app"}}
        state.setdefault("deploys", []).append({"args": args, "env": env})
    elif words[:3] == ["dns", "managed-zones", "get-iam-policy"]:
        out = json.dumps({"bindings": [], "etag": "BwX", "version": 1})
    elif words[:2] == ["projects", "describe"]:
        out = "123456789012"
    elif words[:3] == ["logging", "metrics", "describe"]:
        code = 0 if words[3] in state["metrics"] else 1
    elif words[:2] == ["logging", "metrics"] and words[2] in ("create", "update"):
        state["metrics"][words[3]] = {"verb": words[2], "filter": flag(args, "--log-filter")}
    elif words[:4] == ["beta", "monitoring", "channels", "list"]:
        wanted = re.search(r'"(.*)"', flag(args, "--filter") or "")
        out = "\n".join(c["name"] for c in state["channels"] if wanted and c["email"] == wanted.group(1))
    elif words[:4] == ["beta", "monitoring", "channels", "create"]:
        name = "projects/p/notificationChannels/%d" % (len(state["channels"]) + 1)
        state["channels"].append({"name": name, "email": flag(args, "--channel-labels").split("=", 1)[1]})
        out = name
    elif words[:4] == ["alpha", "monitoring", "policies", "list"]:
        wanted = re.search(r'"(.*)"', flag(args, "--filter") or "")
        out = "\n".join(n for n, p in state["policies"].items() if wanted and p["policy"]["displayName"] == wanted.group(1))
    elif words[:3] == ["alpha", "monitoring", "policies"] and words[3] in ("create", "update"):
        policy = json.load(open(flag(args, "--policy-from-file")))
        name = words[4] if words[3] == "update" else "projects/p/alertPolicies/%d" % (len(state["policies"]) + 1)
        if words[3] == "update" and name not in state["policies"]:
            code, out = 1, "NOT_FOUND: " + name
        else:
            state["policies"][name] = {"verb": words[3], "policy": policy}
    elif len(words) >= 2 and words[-2] == "describe" or (len(words) >= 3 and "describe" in words):
        i = words.index("describe")
        target = " ".join(words[:i]) + " describe:" + (words[i + 1] if i + 1 < len(words) else "")
        code = 0 if target in state["exists"] else 1
        if code:
            out = "ERROR: NOT_FOUND"
    elif "create" in words:
        i = words.index("create")
        state["exists"].append(" ".join(words[:i]) + " describe:" + (words[i + 1] if i + 1 < len(words) else ""))
    with open(STATE, "w") as f:
        json.dump(state, f)
    if out:
        print(out, file=sys.stderr if code else sys.stdout)
    sys.exit(code)


main()
