#!/usr/bin/env python3
"""A test CA that answers like a production one: an HTTPS reverse proxy in front of Pebble.

Pebble 2.4 never rate-limits, never refuses an order and has no ARI. This proxy forwards every
ACME request to Pebble unchanged, keeping the client's Host header (Pebble builds its URLs from
Host and checks each JWS "url" against it, so every later request comes back through the proxy
without any rewriting), and can be told by the test to answer a resource itself the way a
production CA does (RFC 8555 problem documents, Retry-After). It records the payload of every
newOrder so tests can see what reached the CA.

Control (plain JSON over the same HTTPS port, under /ca-proxy/):
  POST /ca-proxy/fail    {"resource": "newOrder", "status": 429, "type": "rateLimited",
                          "detail": "...", "retryAfter": 3600, "times": 1, "when": "replaces"}
                         ("when": "replaces" matches only a newOrder that carries `replaces`)
  POST /ca-proxy/fail    {"resource": "challenge", "hold": 20, "when": "trigger", "times": 1}
                         forwards the request, then holds Pebble's answer for 20 s (a client that
                         dies meanwhile has triggered the challenge but never heard back);
                         "when": "trigger" matches only a challenge's trigger (payload {}), not a poll
  GET  /ca-proxy/held    how many answers have been held so far
  POST /ca-proxy/echo-profile {"profile": "classic"}: newOrder answers name this profile (as a CA
                         with profiles does; Pebble 2.4 names none); {} stops it; reset too
  POST /ca-proxy/eab-single-use {}: external account binding keys work as Google Trust Services'
                         do: a key binds the first account key registered with it; newAccount
                         with it for another account key is 403 unauthorized "Unknown external
                         account binding (EAB) key..." (GTS' answer as lego-based clients logged it,
                         e.g. certimate-go/certimate#588; single use and the 7-day expiry per Google's
                         public-ca-tutorial, cloud.google.com/certificate-manager/docs/public-ca-tutorial);
                         GET /ca-proxy/new-accounts counts the newAccount requests that arrived
  POST /ca-proxy/ari-boulder {"lifetimes": {"shortlived": 576000}, "retryAfter": 21600}
                         turns ARI on as Let's Encrypt serves it (boulder.py): each certificate's
                         window computed from the leaf the CA issued, by Boulder's RenewalInfoSimple;
                         a certificate ordered with a profile named in "lifetimes" is treated as
                         living that many seconds (Pebble 2.4 issues 5-year certificates only). A
                         certID that is not two base64url parts is 400 malformed, an unknown one 404,
                         as Boulder answers (GET /ca-proxy/renewal-info-errors lists them); a fail
                         rule for resource "renewalInfo" answers its status, or with "garbage": true
                         a 200 that is not JSON. newOrder then echoes the requested profile, and a
                         profile the directory does not list is 400 invalidProfile.
  POST /ca-proxy/forget-accounts {}: every account the CA has seen so far is refused on every
                         later request with 400 accountDoesNotExist (as a CA that lost or
                         deactivated it); GET /ca-proxy/new-accounts counts newAccount requests
  POST /ca-proxy/reset   forget every rule
  GET  /ca-proxy/orders  the newOrder payloads seen, oldest first
  POST /ca-proxy/profiles {"classic": "description", "shortlived": "..."}: the directory's meta.profiles
  POST /ca-proxy/ari     {"start": RFC 3339, "end": RFC 3339, "explanationURL": "...", "retryAfter": 21600}
                         turns ARI on (RFC 9773): the directory gains renewalInfo, and every
                         certificate's renewal info is this window; GET /ca-proxy/renewal-info-fetches
                         lists the certificate ids asked for; null turns it off again (the directory
                         as Pebble 2.4 serves it: RFC 9773 section 3 makes renewalInfo an optional
                         directory field, and a CA without ARI leaves it out)

Usage: ca_proxy.py --port N --upstream https://127.0.0.1:PEBBLE --cert tls.pem --key tls.key
Standard library only: it runs wherever `make test` runs.
"""
import argparse
import datetime
import base64
import http.client
import http.server
import json
import ssl
import sys
import threading
import time
import urllib.parse

import boulder

HOP_BY_HOP = {"connection", "keep-alive", "transfer-encoding", "te", "trailer", "upgrade", "content-length"}


class State:
    def __init__(self, upstream):
        self.upstream = urllib.parse.urlsplit(upstream)
        self.lock = threading.Lock()
        self.rules = []
        self.orders = []
        self.paths = {}  # path -> directory resource name (newOrder, newAccount, ...)
        self.ari = None  # the suggested window every certificate gets, once a test turns ARI on
        self.profiles = None  # meta.profiles of the directory, once a test sets them
        self.ari_fetches = []
        self.held = 0
        self.echo_profile = None
        self.eab_bound = None  # EAB kid -> the account key it bound, once a test makes keys single-use
        self.new_accounts = 0
        self.boulder = None  # {"lifetimes": {profile: seconds}, "retryAfter": s} once a test asks for Boulder's windows
        self.order_profiles = {}  # order id -> the profile its newOrder named
        self.cert_profiles = {}  # certificate path -> the profile of its order
        self.issued = {}  # certID -> {"notBefore", "notAfter"} (the lifetime the windows use)
        self.renewal_info_errors = []
        self.accounts_seen = set()
        self.forgotten = set()

    def upstream_connection(self):
        context = ssl._create_unverified_context()  # Pebble's own listener certificate; localhost only
        return http.client.HTTPSConnection(self.upstream.hostname, self.upstream.port, context=context, timeout=60)

    def learn_directory(self, host):
        conn = self.upstream_connection()
        conn.putrequest("GET", "/dir", skip_host=True)
        conn.putheader("Host", host)
        conn.endheaders()
        directory = json.loads(conn.getresponse().read())
        conn.close()
        with self.lock:
            for name, url in directory.items():
                if isinstance(url, str) and url.startswith("https://"):
                    self.paths[urllib.parse.urlsplit(url).path] = name

    def resource(self, path):
        with self.lock:
            if path in self.paths:
                return self.paths[path]
        for prefix, name in (("/finalize-order/", "finalize"), ("/chalZ/", "challenge"), ("/authZ/", "authorization"),
                             ("/certZ/", "certificate"), ("/my-order/", "order")):
            if path.startswith(prefix):
                return name
        return path

    def take_rule(self, resource, order=None, inner=None):
        with self.lock:
            for rule in self.rules:
                if rule.get("when") == "replaces" and not (order and "replaces" in order):
                    continue
                if rule.get("when") == "trigger" and inner != {}:
                    continue
                if rule["resource"] == resource and rule.get("times", 1) != 0:
                    if rule.get("times", 1) > 0:
                        rule["times"] = rule.get("times", 1) - 1
                    return dict(rule)
        return None


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    state = None

    def log_message(self, fmt, *args):
        sys.stderr.write("ca-proxy: " + (fmt % args) + "\n")

    def body(self):
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    def answer(self, status, body, headers=()):
        self.send_response(status)
        for name, value in headers:
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def control(self, payload):
        state = self.state
        if self.path == "/ca-proxy/fail":
            with state.lock:
                state.rules.append(json.loads(payload))
        elif self.path == "/ca-proxy/reset":
            with state.lock:
                state.rules.clear()
                state.echo_profile = None
        elif self.path == "/ca-proxy/echo-profile":
            with state.lock:
                state.echo_profile = json.loads(payload).get("profile")
        elif self.path == "/ca-proxy/orders":
            with state.lock:
                return self.answer(200, json.dumps(state.orders).encode(), [("Content-Type", "application/json")])
        elif self.path == "/ca-proxy/ari":
            with state.lock:
                state.ari = json.loads(payload)
        elif self.path == "/ca-proxy/profiles":
            with state.lock:
                state.profiles = json.loads(payload)
        elif self.path == "/ca-proxy/ari-boulder":
            with state.lock:
                state.boulder = json.loads(payload)
                state.ari = state.ari or {}
        elif self.path == "/ca-proxy/forget-accounts":
            with state.lock:
                state.forgotten |= state.accounts_seen
        elif self.path == "/ca-proxy/renewal-info-errors":
            with state.lock:
                return self.answer(200, json.dumps(state.renewal_info_errors).encode(), [("Content-Type", "application/json")])
        elif self.path == "/ca-proxy/eab-single-use":
            with state.lock:
                state.eab_bound = {}
        elif self.path == "/ca-proxy/new-accounts":
            with state.lock:
                return self.answer(200, json.dumps(state.new_accounts).encode(), [("Content-Type", "application/json")])
        elif self.path == "/ca-proxy/held":
            with state.lock:
                return self.answer(200, json.dumps(state.held).encode(), [("Content-Type", "application/json")])
        elif self.path == "/ca-proxy/renewal-info-fetches":
            with state.lock:
                return self.answer(200, json.dumps(state.ari_fetches).encode(), [("Content-Type", "application/json")])
        elif self.path.startswith("/ca-proxy/renewal-info/"):
            return self.renewal_info(self.path[len("/ca-proxy/renewal-info/"):])
        else:
            return self.answer(404, b"unknown control path")
        self.answer(204, b"")

    def problem(self, status, type_, detail, headers=()):
        body = json.dumps({"type": "urn:ietf:params:acme:error:" + type_, "detail": detail, "status": status}).encode()
        return self.answer(status, body, [("Content-Type", "application/problem+json")] + list(headers))

    def renewal_info(self, cert_id):
        state = self.state
        with state.lock:
            ari = state.ari
            state.ari_fetches.append(cert_id)
            modelled = state.boulder
        if ari is None:
            return self.answer(404, b"")
        rule = state.take_rule("renewalInfo")
        if rule:
            if rule.get("garbage"):
                return self.answer(200, b"<html>Service Unavailable</html>", [("Content-Type", "text/html")])
            return self.problem(rule["status"], rule.get("type", "serverInternal"), rule.get("detail", "refused by the test CA"))
        if modelled is not None:
            return self.boulder_renewal_info(cert_id, modelled)
        info = {"suggestedWindow": {"start": ari["start"], "end": ari["end"]}}
        if ari.get("explanationURL"):
            info["explanationURL"] = ari["explanationURL"]
        self.answer(200, json.dumps(info).encode(), [("Content-Type", "application/json"),
                                                      ("Retry-After", str(ari.get("retryAfter", 21600)))])

    @staticmethod
    def eab_binding(payload, inner):
        """(EAB kid, the account key's JWK) of a newAccount request that carries a binding (RFC 8555 7.3.4)."""
        if not isinstance(inner, dict) or "externalAccountBinding" not in inner:
            return None
        def decode(part):
            return json.loads(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4)))
        try:
            kid = decode(inner["externalAccountBinding"]["protected"]).get("kid")
            jwk = decode(json.loads(payload)["protected"]).get("jwk")
        except (ValueError, KeyError, TypeError):
            return None
        return (kid, json.dumps(jwk, sort_keys=True)) if kid and jwk else None

    def boulder_renewal_info(self, cert_id, modelled):
        state = self.state
        if not boulder.well_formed(cert_id):
            with state.lock:
                state.renewal_info_errors.append([cert_id, 400])
            return self.problem(400, "malformed", "Invalid certificate identifier %r" % cert_id)
        with state.lock:
            facts = state.issued.get(cert_id)
            if facts is None:
                state.renewal_info_errors.append([cert_id, 404])
        if facts is None:
            return self.problem(404, "malformed", "Certificate %r not found" % cert_id)
        start, end = boulder.window(facts["notBefore"], facts["notAfter"])
        info = {"suggestedWindow": {"start": start.strftime("%Y-%m-%dT%H:%M:%SZ"), "end": end.strftime("%Y-%m-%dT%H:%M:%SZ")}}
        self.answer(200, json.dumps(info).encode(), [("Content-Type", "application/json"),
                                                      ("Retry-After", str(modelled.get("retryAfter", 21600)))])

    def remember_issued(self, path, body):
        """A certificate chain the CA served: its leaf, for the windows of Boulder mode."""
        facts = boulder.leaf_facts(boulder.pem_leaf(body))
        with self.state.lock:
            lifetime = (self.state.boulder or {}).get("lifetimes", {}).get(self.state.cert_profiles.get(path))
            if lifetime:
                facts["notAfter"] = facts["notBefore"] + datetime.timedelta(seconds=lifetime)
            # An alternate chain holds the same leaf, fetched without its order's profile: the first look counts.
            self.state.issued.setdefault(facts["certID"], facts)

    @staticmethod
    def account_of(payload):
        """The account URL (JWS "kid") a signed request names, if any."""
        if not payload:
            return None
        try:
            protected = json.loads(payload)["protected"]
            return json.loads(base64.urlsafe_b64decode(protected + "=" * (-len(protected) % 4))).get("kid")
        except (ValueError, KeyError, TypeError):
            return None

    def learn_order(self, resource, inner, response, body):
        """Which profile each order, then its certificate, was asked with; and each leaf the CA serves."""
        state = self.state
        path = urllib.parse.urlsplit(self.path).path
        if resource == "newOrder" and response.status == 201:
            location = urllib.parse.urlsplit(response.getheader("Location") or "").path
            with state.lock:
                state.order_profiles[location.rsplit("/", 1)[-1]] = (inner or {}).get("profile")
            return
        content_type = response.getheader("Content-Type") or ""
        if response.status == 200 and content_type.startswith("application/json") and b'"certificate"' in body:
            certificate = json.loads(body).get("certificate")
            if certificate:
                with state.lock:
                    profile = state.order_profiles.get(path.rsplit("/", 1)[-1])
                    state.cert_profiles[urllib.parse.urlsplit(certificate).path] = profile
        elif response.status == 200 and content_type.startswith("application/pem-certificate-chain"):
            self.remember_issued(path, body)

    def fresh_nonce(self):
        conn = self.state.upstream_connection()
        conn.putrequest("HEAD", "/nonce-plz", skip_host=True)
        conn.putheader("Host", self.headers.get("Host"))
        conn.endheaders()
        response = conn.getresponse()
        response.read()
        conn.close()
        return response.getheader("Replay-Nonce")

    def handle_any(self):
        payload = self.body()
        if self.path.startswith("/ca-proxy/"):
            return self.control(payload)
        state = self.state
        if not state.paths:
            state.learn_directory(self.headers.get("Host"))
        resource = state.resource(urllib.parse.urlsplit(self.path).path)
        order = None
        inner = None  # the JWS payload: None for a POST-as-GET
        if payload:
            try:
                encoded = json.loads(payload).get("payload", "")
                inner = json.loads(base64.urlsafe_b64decode(encoded + "=" * (-len(encoded) % 4))) if encoded else None
            except ValueError:
                pass
        if resource == "newOrder" and inner is not None:
            order = inner
            with state.lock:
                state.orders.append(order)
        account = self.account_of(payload)
        if account:
            with state.lock:
                state.accounts_seen.add(account)
                forgotten = account in state.forgotten
            if forgotten:
                return self.problem(400, "accountDoesNotExist", "No account exists with the provided key",
                                    [("Replay-Nonce", self.fresh_nonce())])
        if resource == "newOrder" and isinstance(inner, dict) and state.boulder is not None and "profile" in inner:
            with state.lock:
                offered = state.profiles or {}
            if inner["profile"] not in offered:
                return self.problem(400, "invalidProfile", "profile name %r not recognized" % inner["profile"],
                                    [("Replay-Nonce", self.fresh_nonce())])
        binding = None
        if resource == "newAccount":
            with state.lock:
                state.new_accounts += 1
            binding = self.eab_binding(payload, inner)
            if binding and state.eab_bound is not None:
                with state.lock:
                    bound = state.eab_bound.get(binding[0])
                if bound is not None and bound != binding[1]:
                    problem = {"type": "urn:ietf:params:acme:error:unauthorized", "status": 403,
                               "detail": "Unknown external account binding (EAB) key. This may be due to the EAB key expiring "
                                         "which occurs 7 days after creation. You can generate a new key by following "
                                         "https://cloud.google.com/certificate-manager/docs/public-ca-tutorial#request-key-hmac"}
                    return self.answer(403, json.dumps(problem).encode(), [("Content-Type", "application/problem+json"),
                                                                          ("Replay-Nonce", self.fresh_nonce())])
        rule = state.take_rule(resource, order, inner)
        if rule and "hold" not in rule:
            problem = {"type": "urn:ietf:params:acme:error:" + rule.get("type", "serverInternal"),
                       "detail": rule.get("detail", "refused by the test CA"), "status": rule["status"]}
            headers = [("Content-Type", "application/problem+json"), ("Replay-Nonce", self.fresh_nonce())]
            if "retryAfter" in rule:
                headers.append(("Retry-After", str(rule["retryAfter"])))
            return self.answer(rule["status"], json.dumps(problem).encode(), headers)
        conn = state.upstream_connection()
        conn.putrequest(self.command, self.path, skip_host=True, skip_accept_encoding=True)
        for name, value in self.headers.items():
            if name.lower() not in HOP_BY_HOP:
                conn.putheader(name, value)
        if payload or self.command in ("POST", "PUT"):
            conn.putheader("Content-Length", str(len(payload)))
        conn.endheaders(payload if payload else None)
        response = conn.getresponse()
        body = response.read()
        conn.close()
        headers = [(n, v) for n, v in response.getheaders() if n.lower() not in HOP_BY_HOP]
        if rule and "hold" in rule:
            with state.lock:
                state.held += 1
            time.sleep(rule["hold"])
            try:
                return self.answer(response.status, body, headers)
            except (BrokenPipeError, ConnectionResetError):
                return None  # the client is gone, as the test wanted
        if binding and response.status in (200, 201):
            with state.lock:
                if state.eab_bound is not None:
                    state.eab_bound.setdefault(binding[0], binding[1])
        self.learn_order(resource, inner, response, body)
        if resource == "newOrder" and response.status == 201 and state.boulder is not None and isinstance(inner, dict) \
                and "profile" in inner and state.echo_profile is None:
            created = json.loads(body)
            created["profile"] = inner["profile"]
            return self.answer(response.status, json.dumps(created).encode(), headers)
        if resource == "newOrder" and response.status == 201 and state.echo_profile is not None:
            created = json.loads(body)
            created["profile"] = state.echo_profile
            return self.answer(response.status, json.dumps(created).encode(), headers)
        if urllib.parse.urlsplit(self.path).path != "/dir" or self.command == "HEAD" or response.status != 200:
            return self.answer(response.status, body if self.command != "HEAD" else b"", headers)
        directory = json.loads(body)
        # As a production CA does (RFC 8555 section 9.7.6), so that a caa refusal can name them.
        directory.setdefault("meta", {}).setdefault("caaIdentities", ["testca.certfn.test"])
        if state.ari is not None:
            directory["renewalInfo"] = "https://%s/ca-proxy/renewal-info" % self.headers.get("Host")
        if state.profiles is not None:
            directory.setdefault("meta", {})["profiles"] = state.profiles
        self.answer(response.status, json.dumps(directory).encode(), headers)

    do_GET = do_POST = do_HEAD = do_PUT = do_DELETE = handle_any


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--upstream", required=True)
    parser.add_argument("--cert", required=True)
    parser.add_argument("--key", required=True)
    args = parser.parse_args()
    Handler.state = State(args.upstream)
    server = http.server.ThreadingHTTPServer(("127.0.0.1", args.port), Handler)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(args.cert, args.key)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    print("ca-proxy listening on 127.0.0.1:%d in front of %s" % (args.port, args.upstream), flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
