"""Container health check for the web service: exit 0 when gunicorn answers /healthz.

It asks the way the TLS-terminating proxy does: with ``X-Forwarded-Proto: https`` (so
SECURE_SSL_REDIRECT does not answer with a redirect) and a Host taken from ALLOWED_HOSTS (so
host validation does not answer 400). /healthz is liveness only; /readyz (database, broker,
worker heartbeat) is for the proxy or load balancer, not a reason to restart this container.
"""

from __future__ import annotations

import http.client
import os
import sys

PORT = 8000
TIMEOUT_SECONDS = 3


def host_header(allowed_hosts: str) -> str:
    """A Host the app accepts: the first ALLOWED_HOSTS entry, made concrete."""
    for entry in allowed_hosts.split(","):
        host = entry.strip()
        if host and host != "*":
            return host.lstrip(".")  # ".trust.nhs.uk" also allows "trust.nhs.uk" itself
    return "localhost"


def main() -> int:
    host = host_header(os.environ.get("ALLOWED_HOSTS", ""))
    connection = http.client.HTTPConnection("127.0.0.1", PORT, timeout=TIMEOUT_SECONDS)
    try:
        connection.request("GET", "/healthz", headers={"Host": host, "X-Forwarded-Proto": "https"})
        status = connection.getresponse().status
    except OSError as error:
        sys.stderr.write(f"healthz unreachable: {error}\n")
        return 1
    finally:
        connection.close()
    if status != 200:
        sys.stderr.write(f"healthz answered {status} for Host {host}\n")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
