#!/usr/bin/env python3
"""moto_server with one request handled at a time.

moto_server serves requests on many threads, and its S3 backend checks a conditional write
(If-None-Match: *, If-Match) and then stores it without a lock: under load two of a hundred
racing creates can both win, which real S3 never allows (seen in a loaded `make test`). The
tests prove certfn's locking on the store, so the emulator must be atomic: this runs the same
moto application as moto_server, behind one lock. Usage: moto_serialized.py HOST PORT
"""
import os
import sys
import threading

from moto.moto_server.werkzeug_app import DomainDispatcherApplication, create_backend_app
from werkzeug.serving import run_simple

app = DomainDispatcherApplication(create_backend_app)
lock = threading.Lock()


def serialized(environ, start_response):
    with lock:
        # The whole answer is made inside the lock, so no other request sees a half-done change.
        return list(app(environ, start_response))


if __name__ == "__main__":
    os.environ.setdefault("MOTO_PORT", sys.argv[2])  # as moto_server does
    run_simple(sys.argv[1], int(sys.argv[2]), serialized, threaded=True)
