"""JWT bearer authentication of CDS Clients (CDS Hooks 2.0, "Trusting CDS Clients").

Checked, in order: ``alg`` (ES384/RS384 unless configured otherwise; ``none`` and HMAC
never), ``kid`` present, ``iss`` on the allow list, the key (the issuer's configured JWKS,
or an allow-listed ``jku``), the signature, ``aud`` = the exact URL called, ``exp``,
``iat`` (not in the future beyond the leeway), and ``jti`` not seen before. Every failure
raises ``AuthError`` whose message never contains the token."""
from __future__ import annotations

import logging
import threading
import time
from typing import Callable
from urllib.parse import urlsplit

import jwt

from fhirrules.cdshooks.config import FORBIDDEN_ALGORITHMS, ServiceConfig
from fhirrules.cdshooks.jwks import JwksCache, KeyNotFound

log = logging.getLogger("fhirrules.cdshooks.auth")


class AuthError(Exception):
    """Authentication failed; the message is safe to log (no token)."""


class ReplayCache:
    """``jti`` values seen, kept until their token expires (per process: with several
    workers a replay reaching a different worker is caught only by ``exp``)."""

    def __init__(self, clock: Callable[[], float] = time.time) -> None:
        self.clock = clock
        self._seen: dict[tuple[str, str], float] = {}
        self._lock = threading.Lock()

    def check_and_add(self, issuer: str, jti: str, expires_at: float) -> bool:
        now = self.clock()
        with self._lock:
            if len(self._seen) > 10_000:
                self._seen = {k: v for k, v in self._seen.items() if v > now}
            key = (issuer, jti)
            if key in self._seen and self._seen[key] > now:
                return False
            self._seen[key] = expires_at
            return True


class JwtVerifier:
    def __init__(self, config: ServiceConfig, jwks: JwksCache | None = None,
                 clock: Callable[[], float] = time.time) -> None:
        self.config = config
        self.jwks = jwks or JwksCache(ttl_seconds=config.jwks_cache_seconds)
        self.replay = ReplayCache(clock)
        self.clock = clock
        self.algorithms = tuple(a for a in config.algorithms if a not in FORBIDDEN_ALGORITHMS)

    def verify(self, authorization: str | None, audience: str) -> dict:
        """Return the verified claims of the bearer token in ``authorization``."""
        scheme, _, token = (authorization or "").strip().partition(" ")
        if scheme.lower() != "bearer" or not token.strip():     # the scheme is case-insensitive
            raise AuthError("no bearer token")
        token = token.strip()
        try:
            header = jwt.get_unverified_header(token)
            unverified = jwt.decode(token, options={"verify_signature": False})
        except jwt.PyJWTError as exc:
            raise AuthError(f"malformed token: {type(exc).__name__}") from None
        alg = header.get("alg")
        if alg not in self.algorithms:
            raise AuthError(f"algorithm {alg!r} not accepted")
        kid = header.get("kid")
        if not kid or not isinstance(kid, str):
            raise AuthError("token header has no kid")
        issuer = unverified.get("iss")
        issuer_config = self.config.issuers.get(issuer) if isinstance(issuer, str) else None
        if issuer_config is None:
            raise AuthError(f"issuer {issuer!r} is not trusted")
        key = self._key(header, issuer_config, kid)
        try:
            claims = jwt.decode(
                token, key=key, algorithms=[alg], audience=audience, issuer=issuer,
                leeway=self.config.jwt_leeway_seconds,
                options={"require": ["iss", "aud", "exp", "iat", "jti"]})
        except (jwt.PyJWTError, TypeError, ValueError) as exc:
            # PyJWT raises TypeError, not a PyJWTError, when the key does not fit the
            # alg (kid of an RSA key, alg ES384): still a rejected token, not a 500
            raise AuthError(f"token rejected: {type(exc).__name__}: {exc}") from None
        if float(claims["iat"]) > self.clock() + self.config.jwt_leeway_seconds:
            raise AuthError("iat is in the future")
        if not self.replay.check_and_add(issuer, str(claims["jti"]),
                                         float(claims["exp"]) + self.config.jwt_leeway_seconds):
            raise AuthError("jti replayed")
        return claims

    def _key(self, header: dict, issuer_config, kid: str):
        jku = header.get("jku")
        try:
            if jku:
                parts = urlsplit(str(jku))
                if parts.scheme != "https" or parts.hostname not in self.config.allowed_jku_hosts:
                    raise AuthError(f"jku host {parts.hostname!r} is not allowed")
                jwk = self.jwks.key_from_url(str(jku), kid)
            elif issuer_config.jwks_url:
                jwk = self.jwks.key_from_url(issuer_config.jwks_url, kid)
            elif issuer_config.jwks_file:
                jwk = self.jwks.key_from_file(issuer_config.jwks_file, kid)
            else:
                raise AuthError("issuer has no key source")
        except KeyNotFound as exc:
            raise AuthError(str(exc)) from None
        # The signature check below uses the token's (allow-listed) alg with this key; a key
        # of the wrong type for that alg fails there (as AuthError, see verify).
        return jwk.key
