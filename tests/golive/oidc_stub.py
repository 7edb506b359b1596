"""A small but real OpenID provider on 127.0.0.1 for single sign-on tests.

It speaks HTTP on an ephemeral port from a daemon thread, so mozilla-django-oidc's calls to
the token, JWKS and userinfo endpoints go over the network exactly as they would in production.
Only the browser leg (the provider's sign-in page) is skipped: a test hands the authorisation
URL the application redirected to to :meth:`OpenIDProviderStub.authorize`, which returns the
callback URL the provider would send the browser back to.

Each authorisation can bend the ID token (issuer, audience, subject, nonce, expiry), the
userinfo answer or the signing key, so a test can play a misbehaving or forged provider.
Codes are single-use and bound to their redirect URI and PKCE challenge, as a real provider's are.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import json
import secrets
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm


@functools.cache
def rsa_key(name: str) -> rsa.RSAPrivateKey:
    """A 2048-bit RSA key per name, generated once per test run (generation is slow-ish)."""
    del name  # only the cache key
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


@dataclass(frozen=True)
class TokenRequest:
    """One request the token endpoint received, as the provider saw it."""

    form: dict[str, str]
    authorization: str


@dataclass
class _Grant:
    """What the provider remembers about an authorisation code until it is redeemed."""

    redirect_uri: str
    code_challenge: str
    code_challenge_method: str
    id_token_claims: dict[str, Any]
    userinfo_claims: dict[str, Any]
    signing_key: rsa.RSAPrivateKey
    kid: str
    redeemed: bool = False


@dataclass
class OpenIDProviderStub:
    client_id: str = "golive-test-client"
    client_secret: str = "golive-test-client-secret"
    kid: str = "golive-stub-key-1"
    signing_key: rsa.RSAPrivateKey = field(default_factory=lambda: rsa_key("provider"))
    token_lifetime_seconds: int = 300
    token_requests: list[TokenRequest] = field(default_factory=list)
    _grants: dict[str, _Grant] = field(default_factory=dict)
    _access_tokens: dict[str, dict[str, Any]] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _server: ThreadingHTTPServer | None = None
    _thread: threading.Thread | None = None

    # --- lifecycle -------------------------------------------------------------------------

    def start(self) -> None:
        server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        server.daemon_threads = True
        server.provider = self  # type: ignore[attr-defined]
        self._server = server
        self._thread = threading.Thread(
            target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.start()

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._server = None
        self._thread = None

    @contextmanager
    def running(self) -> Iterator[OpenIDProviderStub]:
        self.start()
        try:
            yield self
        finally:
            self.stop()

    # --- addresses and relying-party settings ----------------------------------------------

    @property
    def issuer(self) -> str:
        assert self._server is not None, "start the provider first"
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    @property
    def authorization_endpoint(self) -> str:
        return f"{self.issuer}/authorize"

    @property
    def token_endpoint(self) -> str:
        return f"{self.issuer}/token"

    @property
    def userinfo_endpoint(self) -> str:
        return f"{self.issuer}/userinfo"

    @property
    def jwks_endpoint(self) -> str:
        return f"{self.issuer}/jwks"

    def relying_party_settings(self) -> dict[str, Any]:
        """The OIDC_* Django settings a relying party needs to use this provider."""
        return {
            "OIDC_ENABLED": True,
            "OIDC_RP_CLIENT_ID": self.client_id,
            "OIDC_RP_CLIENT_SECRET": self.client_secret,
            "OIDC_RP_SIGN_ALGO": "RS256",
            "OIDC_RP_SCOPES": "openid email profile",
            "OIDC_OP_ISSUER": self.issuer,
            "OIDC_OP_AUTHORIZATION_ENDPOINT": self.authorization_endpoint,
            "OIDC_OP_TOKEN_ENDPOINT": self.token_endpoint,
            "OIDC_OP_USER_ENDPOINT": self.userinfo_endpoint,
            "OIDC_OP_JWKS_ENDPOINT": self.jwks_endpoint,
            "OIDC_USE_NONCE": True,
            "OIDC_USE_PKCE": True,
            "OIDC_CREATE_USER": True,
            "OIDC_TIMEOUT": 5,
            # Never route loopback calls through a proxy, whatever the environment says.
            "OIDC_PROXY": {"http": None, "https": None, "all": None},
        }

    # --- the browser leg -------------------------------------------------------------------

    def authorize(
        self,
        authorization_url: str,
        *,
        sub: str,
        email: str = "",
        given_name: str = "Alex",
        family_name: str = "Morgan",
        id_token_claims: dict[str, Any] | None = None,
        userinfo_claims: dict[str, Any] | None = None,
        signing_key: rsa.RSAPrivateKey | None = None,
        kid: str | None = None,
    ) -> str:
        """Sign ``sub`` in at the provider; return the callback URL the browser is sent to.

        ``id_token_claims`` and ``userinfo_claims`` override what the provider would
        otherwise assert; ``signing_key``/``kid`` sign the ID token with another key.
        """
        parts = urlsplit(authorization_url)
        endpoint = f"{parts.scheme}://{parts.netloc}{parts.path}"
        if endpoint != self.authorization_endpoint:
            raise ValueError(f"Not this provider's authorisation endpoint: {endpoint}")
        query = {name: values[0] for name, values in parse_qs(parts.query).items()}
        problems = []
        if query.get("response_type") != "code":
            problems.append("response_type must be code")
        if query.get("client_id") != self.client_id:
            problems.append("unknown client_id")
        if "openid" not in query.get("scope", "").split():
            problems.append("scope must include openid")
        for required in ("redirect_uri", "state", "nonce", "code_challenge"):
            if not query.get(required):
                problems.append(f"{required} missing")
        if query.get("code_challenge_method") != "S256":
            problems.append("code_challenge_method must be S256")
        if problems:
            raise ValueError("Provider refused the authorisation request: " + "; ".join(problems))

        now = int(time.time())
        profile = {
            "sub": sub,
            "email": email,
            "given_name": given_name,
            "family_name": family_name,
            "preferred_username": email or sub,
        }
        code = secrets.token_urlsafe(24)
        grant = _Grant(
            redirect_uri=query["redirect_uri"],
            code_challenge=query["code_challenge"],
            code_challenge_method=query["code_challenge_method"],
            id_token_claims={
                "iss": self.issuer,
                "aud": self.client_id,
                "sub": sub,
                "nonce": query["nonce"],
                "iat": now,
                "exp": now + self.token_lifetime_seconds,
                "email": email,
                **(id_token_claims or {}),
            },
            userinfo_claims={**profile, **(userinfo_claims or {})},
            signing_key=signing_key or self.signing_key,
            kid=kid or self.kid,
        )
        with self._lock:
            self._grants[code] = grant
        return f"{query['redirect_uri']}?{urlencode({'code': code, 'state': query['state']})}"

    # --- endpoint behaviour (called from the server threads) -------------------------------

    def jwks(self) -> dict[str, Any]:
        jwk: dict[str, Any] = RSAAlgorithm.to_jwk(self.signing_key.public_key(), as_dict=True)
        return {"keys": [{**jwk, "kid": self.kid, "alg": "RS256", "use": "sig"}]}

    def exchange_code(
        self, form: dict[str, str], authorization: str
    ) -> tuple[HTTPStatus, dict[str, Any]]:
        with self._lock:
            self.token_requests.append(TokenRequest(form=dict(form), authorization=authorization))
            client_id, client_secret = _client_credentials(form, authorization)
            if (client_id, client_secret) != (self.client_id, self.client_secret):
                return HTTPStatus.UNAUTHORIZED, {"error": "invalid_client"}
            if form.get("grant_type") != "authorization_code":
                return HTTPStatus.BAD_REQUEST, {"error": "unsupported_grant_type"}
            grant = self._grants.get(form.get("code", ""))
            if grant is None or grant.redeemed:
                return HTTPStatus.BAD_REQUEST, {"error": "invalid_grant"}
            grant.redeemed = True
            if form.get("redirect_uri") != grant.redirect_uri:
                return HTTPStatus.BAD_REQUEST, {"error": "invalid_grant"}
            if _s256(form.get("code_verifier", "")) != grant.code_challenge:
                return HTTPStatus.BAD_REQUEST, {"error": "invalid_grant"}
            access_token = secrets.token_urlsafe(24)
            self._access_tokens[access_token] = grant.userinfo_claims
        id_token = jwt.encode(
            grant.id_token_claims,
            grant.signing_key,
            algorithm="RS256",
            headers={"kid": grant.kid},
        )
        return HTTPStatus.OK, {
            "access_token": access_token,
            "token_type": "Bearer",
            "expires_in": self.token_lifetime_seconds,
            "id_token": id_token,
        }

    def userinfo(self, authorization: str) -> tuple[HTTPStatus, dict[str, Any]]:
        scheme, _, token = authorization.partition(" ")
        with self._lock:
            claims = self._access_tokens.get(token) if scheme.lower() == "bearer" else None
        if claims is None:
            return HTTPStatus.UNAUTHORIZED, {"error": "invalid_token"}
        return HTTPStatus.OK, claims


def _s256(verifier: str) -> str:
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


def _client_credentials(form: dict[str, str], authorization: str) -> tuple[str, str]:
    """client_secret_post or client_secret_basic, whichever the client used."""
    scheme, _, encoded = authorization.partition(" ")
    if scheme.lower() == "basic":
        client_id, _, client_secret = base64.b64decode(encoded).decode().partition(":")
        return client_id, client_secret
    return form.get("client_id", ""), form.get("client_secret", "")


class _Handler(BaseHTTPRequestHandler):
    server: ThreadingHTTPServer

    @property
    def provider(self) -> OpenIDProviderStub:
        return self.server.provider  # type: ignore[attr-defined, no-any-return]

    def do_GET(self) -> None:
        path = urlsplit(self.path).path
        if path == "/jwks":
            self._send_json(HTTPStatus.OK, self.provider.jwks())
        elif path == "/userinfo":
            self._send_json(*self.provider.userinfo(self.headers.get("Authorization", "")))
        else:
            self._send_json(HTTPStatus.NOT_FOUND, {"error": "not_found"})

    def do_POST(self) -> None:
        if urlsplit(self.path).path != "/token":
            self._send_json(HTTPStatus.NOT_FOUND, {"error": "not_found"})
            return
        length = int(self.headers.get("Content-Length", "0"))
        body = self.rfile.read(length).decode()
        form = {name: values[0] for name, values in parse_qs(body).items()}
        self._send_json(*self.provider.exchange_code(form, self.headers.get("Authorization", "")))

    def _send_json(self, status: HTTPStatus, body: dict[str, Any]) -> None:
        payload = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: the tests assert on recorded requests, not on access logs."""
