"""JWKS sources for JWT verification: fetched over httpx (issuer URL or allow-listed
``jku``) or read from a file, cached, and refreshed when a token names an unknown ``kid``."""
from __future__ import annotations

import json
import threading
import time
from pathlib import Path
from typing import Callable

import httpx
import jwt

# An unknown kid triggers a refetch, but not more often than this: a flood of tokens with
# random kids must not turn the service into a request amplifier against the key server.
MIN_REFRESH_SECONDS = 5.0


class KeyNotFound(Exception):
    """No usable key: the JWKS cannot be fetched or holds no key with that ``kid``."""


class JwksCache:
    def __init__(self, ttl_seconds: float = 300.0, timeout: float = 5.0,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.ttl = ttl_seconds
        self.timeout = timeout
        self.clock = clock
        self._lock = threading.Lock()
        self._entries: dict[str, tuple[float, dict[str, jwt.PyJWK]]] = {}
        self._files: dict[Path, tuple[float, dict[str, jwt.PyJWK]]] = {}

    def key_from_url(self, url: str, kid: str) -> jwt.PyJWK:
        now = self.clock()
        with self._lock:
            entry = self._entries.get(url)
        if entry is not None and now - entry[0] < self.ttl and kid in entry[1]:
            return entry[1][kid]
        if entry is not None and kid not in entry[1] and now - entry[0] < MIN_REFRESH_SECONDS:
            raise KeyNotFound(f"kid {kid!r} not in the JWKS at {url}")
        keys = _parse_jwks(self._fetch(url), url)
        with self._lock:
            self._entries[url] = (now, keys)
        if kid not in keys:
            raise KeyNotFound(f"kid {kid!r} not in the JWKS at {url}")
        return keys[kid]

    def key_from_file(self, path: Path, kid: str) -> jwt.PyJWK:
        """Keys of a JWKS file, parsed again only when the file changes (key rotation)."""
        path = Path(path)
        try:
            mtime = path.stat().st_mtime
        except OSError as exc:
            raise KeyNotFound(f"cannot read the JWKS file {path}: {exc.strerror}") from exc
        cached = self._files.get(path)
        if cached is not None and cached[0] == mtime:
            keys = cached[1]
        else:
            try:
                data = json.loads(path.read_text(encoding="utf-8"))
            except (OSError, ValueError) as exc:
                raise KeyNotFound(f"cannot read the JWKS file {path}: {exc}") from exc
            keys = _parse_jwks(data, str(path))
            with self._lock:
                self._files[path] = (mtime, keys)
        if kid not in keys:
            raise KeyNotFound(f"kid {kid!r} not in the JWKS file {path}")
        return keys[kid]

    def _fetch(self, url: str) -> dict:
        try:
            response = httpx.get(url, timeout=self.timeout, follow_redirects=False)
            response.raise_for_status()
            return response.json()
        except (httpx.HTTPError, ValueError) as exc:
            raise KeyNotFound(f"cannot fetch the JWKS at {url}: {exc}") from exc


def _parse_jwks(data: object, where: str) -> dict[str, jwt.PyJWK]:
    if not isinstance(data, dict) or not isinstance(data.get("keys"), list):
        raise KeyNotFound(f"{where} is not a JWKS (no 'keys' list)")
    keys: dict[str, jwt.PyJWK] = {}
    for jwk in data["keys"]:
        if not isinstance(jwk, dict) or not jwk.get("kid"):
            continue
        try:
            keys[jwk["kid"]] = jwt.PyJWK(jwk)
        except (jwt.PyJWKError, jwt.InvalidKeyError, ValueError, TypeError):
            continue   # a key type we cannot use (e.g. a symmetric 'oct' key): never trusted
    return keys
