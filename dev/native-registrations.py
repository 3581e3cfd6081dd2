#!/usr/bin/env python3
"""Checks that a native-sources build keeps what certfn looks up at run time.

native-check proves the image compiles; it cannot see a class Jackson reaches by reflection or a
file read with getResourceAsStream, which fail only when the binary runs. Quarkus writes what it
registers into the runner jar's META-INF/native-image/*.json: this reads those files and names
anything missing. Usage: dev/native-registrations.py target/native-sources
"""
import json
import re
import sys
import zipfile
from pathlib import Path

# Read or written with Jackson outside a JAX-RS method signature (store objects, Response entities,
# pre-rendered answers), acme4j's providers for acme:// directory URIs (ServiceLoader), and the
# message classes JBoss Logging looks up by name for smallrye-jwt's parser.
REFLECTION = [
    "io.certfn.certs.StoredCertificate",
    "io.certfn.acme.PendingOrder",
    "io.certfn.api.Problem",
    "io.certfn.api.PendingResponse",
    "io.certfn.api.CertificateResponse",
    "io.certfn.certs.RenewalSweep$Report",
    "io.certfn.certs.RenewalSweep$Failure",
    "io.certfn.certs.DeliveryRecord",  # certs/<id>/delivery.json
    "io.certfn.certs.DeliveryRecord$Entry",
    "io.certfn.certs.DeliveryStatus",  # the answer's delivery member
    "io.certfn.certs.CertificateDelivery$Undelivered",  # the sweep report's deliveryFailures
    "org.shredzone.acme4j.provider.letsencrypt.LetsEncryptAcmeProvider",
    "org.shredzone.acme4j.provider.zerossl.ZeroSSLAcmeProvider",
    "org.shredzone.acme4j.provider.google.GoogleAcmeProvider",
    "org.shredzone.acme4j.provider.pebble.PebbleAcmeProvider",
    # smallrye-jwt's messages and loggers, found by name (auth/token/SmallRyeJwtNativeSupport).
    "io.smallrye.jwt.auth.principal.PrincipalMessages_$bundle",
    "io.smallrye.jwt.auth.principal.PrincipalLogging_$logger",
]
RESOURCES = [
    "META-INF/services/org.shredzone.acme4j.provider.AcmeProvider",
    "org/shredzone/acme4j/version.properties",
    "org/shredzone/acme4j/provider/pebble/pebble.minica.pem",
    "META-INF/openapi.yaml",  # api/OpenApiDocument
]


def python_regex(java_pattern):
    """A resource pattern as GraalVM reads it (Java regex, where \\Q...\\E quotes) for Python's re."""
    return re.compile(re.sub(r"\\Q(.*?)\\E", lambda m: re.escape(m.group(1)), java_pattern))


def main(sources):
    runner = next(Path(sources).glob("*-runner.jar"))
    with zipfile.ZipFile(runner) as jar:
        reflect = json.loads(jar.read("META-INF/native-image/reflect-config.json"))
        resources = json.loads(jar.read("META-INF/native-image/resource-config.json"))
    registered = {entry["name"] for entry in reflect}
    patterns = [python_regex(p["pattern"]) for p in resources.get("resources", {}).get("includes", [])]
    missing = [f"reflection: {name}" for name in REFLECTION if name not in registered]
    missing += [f"resource: {path}" for path in RESOURCES if not any(p.fullmatch(path) for p in patterns)]
    if missing:
        print(f"{runner} does not keep what certfn needs at run time:", *missing, sep="\n  ", file=sys.stderr)
        return 1
    print(f"{runner.name}: {len(REFLECTION)} classes for reflection and {len(RESOURCES)} resources registered")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else "target/native-sources"))
