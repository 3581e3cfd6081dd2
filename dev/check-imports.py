#!/usr/bin/env python3
"""The house's import rule, checked: certfn's packages form layers, and a class may use only
packages of a lower layer (never its own layer's neighbours, never one above). That rules out
import cycles too. Run by `make test`; exits 1 naming every arrow that breaks the rule.

A package's layer is the first prefix of it found in LAYERS (io.certfn.dns.route53 is `dns.*`).
A package no entry names is an error: put a new room where it belongs before using it.
Both imports and fully qualified names in the code (io.certfn.x.Y) count.
"""
import os
import re
import sys

# Top to bottom. Packages on one line are one layer: they may not use each other.
LAYERS = [
    ["app", "cloud.aws", "cloud.azure", "health"],   # entry points: start-up checks, cloud adapters, probes
    ["api"],                                          # the JAX-RS resources
    ["auth", "policy"],                               # who is calling, and what it may have
    ["auth.token", "certs"],                          # token verification; serving and renewing certificates
    ["acme", "quota"],                                # the CA; quotas shared through the store
    ["dns.*", "store.*", "delivery.*"],               # each DNS provider, each store backend, each delivery target's cloud
    ["dns", "store", "delivery"],                     # their contracts and shared machinery
    ["cloud.sdk"],                                    # what the clouds' SDK clients share (credentials)
    ["identity", "crypto", "metrics", "time"],        # the caller's identity, keys and PEM, meters, clock and sleeper
    ["error"],                                        # the error root
]
ROOTS = ["src/main/java", "src/aws/java", "src/azure/java"]
PACKAGE = re.compile(r"^package io\.certfn\.([\w.]+);", re.M)
USE = re.compile(r"\bio\.certfn\.((?:[a-z]\w*\.)*[a-z]\w*)\.[A-Z]")


def layer_of(package):
    best = None
    for rank, layer in enumerate(LAYERS):
        for entry in layer:
            if entry.endswith(".*"):
                if package.startswith(entry[:-1]) and package != entry[:-2]:
                    match = (len(entry) - 1, rank, entry)
                else:
                    continue
            elif package == entry:
                match = (len(entry) + 1, rank, entry)
            else:
                continue
            if best is None or match[0] > best[0]:
                best = match
    return None if best is None else (best[1], best[2])


def main():
    os.chdir(os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
    problems = []
    arrows = set()
    for root in ROOTS:
        for folder, _, files in os.walk(root):
            for name in files:
                if not name.endswith(".java"):
                    continue
                path = os.path.join(folder, name)
                text = open(path, encoding="utf-8").read()
                declared = PACKAGE.search(text)
                if not declared:
                    continue
                source = declared.group(1)
                for used in sorted(set(USE.findall(text))):
                    if used != source:
                        arrows.add((source, used, path))
    for source, target, path in sorted(arrows):
        a, b = layer_of(source), layer_of(target)
        if a is None or b is None:
            problems.append(f"{path}: package io.certfn.{source if a is None else target} is in no layer of dev/check-imports.py")
        elif a[0] >= b[0]:
            where = "its own layer" if a[0] == b[0] else "a layer above"
            problems.append(f"{path}: {source} ({a[1]}) uses {target} ({b[1]}), which is in {where}")
    for p in problems:
        print("check-imports: " + p, file=sys.stderr)
    if problems:
        print(f"check-imports: {len(problems)} arrow(s) against the layers", file=sys.stderr)
        return 1
    print(f"check-imports: {len({(a, b) for a, b, _ in arrows})} package arrows, all downward")
    return 0


if __name__ == "__main__":
    sys.exit(main())
