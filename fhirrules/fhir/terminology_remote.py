"""A FHIR terminology server for value sets not available locally."""
from __future__ import annotations

from typing import Any, Optional

import orjson

from fhirrules.cql.errors import CqlRuntimeError
from fhirrules.cql.types.clinical import Code
from fhirrules.fhir.expansion import Expansion, walk_contains


class RemoteTerminology:
    """A FHIR terminology server: ``ValueSet/$expand`` (paged by ``offset``) and
    ``ValueSet/$validate-code``, results cached for the life of the object."""

    def __init__(self, base_url: str, *, token: Optional[str] = None, timeout: float = 20.0,
                 client: Any = None, page_size: int = 1000) -> None:
        import httpx
        self.base_url = base_url.rstrip("/")
        headers = {"Accept": "application/fhir+json"}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        self.client = client or httpx.Client(timeout=timeout, headers=headers)
        self._headers = headers
        self.page_size = page_size
        self._validated: dict[tuple, bool] = {}

    def _get(self, path: str, params: dict) -> dict:
        import httpx
        url = f"{self.base_url}/{path}"
        try:
            r = self.client.get(url, params=params, headers=self._headers)
        except httpx.HTTPError as e:
            raise CqlRuntimeError(f"terminology server {self.base_url}: {e}") from None
        if r.status_code != 200:
            raise CqlRuntimeError(f"terminology server {url} answered HTTP {r.status_code}")
        try:
            return orjson.loads(r.content)
        except orjson.JSONDecodeError:
            raise CqlRuntimeError(f"terminology server {url}: not JSON") from None

    def expand(self, url: str, version: Optional[str] = None) -> Expansion:
        exp = Expansion()
        offset = 0
        while True:
            params: dict[str, Any] = {"url": url, "count": self.page_size, "offset": offset}
            if version:
                params["valueSetVersion"] = version
            vs = self._get("ValueSet/$expand", params)
            contains = (vs.get("expansion") or {}).get("contains") or []
            walk_contains(contains, exp)
            total = (vs.get("expansion") or {}).get("total")
            offset += len(contains)
            if not contains or total is None or offset >= total:
                return exp

    def validate_code(self, url: str, code: Code) -> bool:
        key = (url, code.system, code.code, code.version)
        if key not in self._validated:
            params = {"url": url, "code": code.code}
            if code.system:
                params["system"] = code.system
            if code.version:
                params["systemVersion"] = code.version
            res = self._get("ValueSet/$validate-code", params)
            result = False
            for p in res.get("parameter") or ():
                if p.get("name") == "result":
                    result = bool(p.get("valueBoolean"))
            self._validated[key] = result
        return self._validated[key]
