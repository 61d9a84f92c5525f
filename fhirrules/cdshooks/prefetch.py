"""Gather the patient's data for one hook call: the prefetch that came with the request,
and for absent (or failed) keys the CDS Client's FHIR server, with its bearer token.

Semantics (CDS Hooks 2.0 "Providing FHIR Resources to a CDS Service"):
* a key present with a resource or Bundle: use it;
* a key present with ``null``: the client ran the query and there is no data;
* a key absent, or holding an OperationOutcome (a failed query): fetch it from
  ``fhirServer`` if the client gave one, else the data is missing -> 412.

The access token goes only to URLs under ``fhirServer`` (paging links elsewhere are not
followed) and is never logged."""
from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urljoin

import httpx

from fhirrules.cdshooks.pipeline import bundle_resources

log = logging.getLogger("fhirrules.cdshooks.prefetch")

MAX_PAGES = 50
_TOKEN = re.compile(r"\{\{\s*context\.([A-Za-z]+)\s*\}\}")


class PrefetchUnavailable(Exception):
    """Required data could be obtained neither from the prefetch nor from the FHIR server."""

    def __init__(self, key: str, reason: str) -> None:
        super().__init__(f"prefetch '{key}': {reason}")
        self.key = key
        self.reason = reason


@dataclass
class GatheredData:
    resources: list[dict] = field(default_factory=list)
    fetched_keys: list[str] = field(default_factory=list)    # keys filled from the FHIR server

    @property
    def patient(self) -> dict | None:
        return next((r for r in self.resources if r.get("resourceType") == "Patient"), None)


def fill_template(template: str, context: dict) -> str:
    def replace(match: re.Match) -> str:
        value = context.get(match.group(1))
        if not isinstance(value, str):
            raise PrefetchUnavailable(template, f"context.{match.group(1)} is not available")
        return value
    return _TOKEN.sub(replace, template)


def is_operation_outcome(value: Any) -> bool:
    return isinstance(value, dict) and value.get("resourceType") == "OperationOutcome"


def gather(templates: dict[str, str], request: dict, *, timeout: float = 10.0,
           client: httpx.Client | None = None) -> GatheredData:
    """Resolve every prefetch template for ``request``; raise ``PrefetchUnavailable``."""
    prefetch = request.get("prefetch") or {}
    context = request.get("context") or {}
    server = request.get("fhirServer")
    token = ((request.get("fhirAuthorization") or {}).get("access_token")) or None
    out = GatheredData()
    seen: set[tuple[str, str]] = set()
    owned = client is None
    http = client
    try:
        for key, template in templates.items():
            if key in prefetch and prefetch[key] is None:
                continue                                   # ran, no data
            value = prefetch.get(key)
            if value is not None and not is_operation_outcome(value):
                _add(out, seen, bundle_resources(value))
                continue
            if not server:
                reason = "the client's query failed and no fhirServer was given" if value is not None \
                    else "absent from the prefetch and no fhirServer was given"
                raise PrefetchUnavailable(key, reason)
            if http is None:
                http = httpx.Client(timeout=timeout, follow_redirects=False)
            _add(out, seen, _fetch(http, server, fill_template(template, context), token, key))
            out.fetched_keys.append(key)
    finally:
        if owned and http is not None:
            http.close()
    if out.patient is None and "patient" in templates:
        raise PrefetchUnavailable("patient", "no Patient resource was supplied or found")
    return out


def _add(out: GatheredData, seen: set[tuple[str, str]], resources: list[dict]) -> None:
    for res in resources:
        if not isinstance(res, dict) or is_operation_outcome(res):
            continue
        key = (str(res.get("resourceType")), str(res.get("id")))
        if res.get("id") is not None and key in seen:
            continue
        seen.add(key)
        out.resources.append(res)


def _fetch(http: httpx.Client, server: str, query: str, token: str | None, key: str) -> list[dict]:
    base = server.rstrip("/") + "/"
    url = urljoin(base, query.lstrip("/"))
    headers = {"Accept": "application/fhir+json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    if not _under(url, base):
        # e.g. a patientId with '../' in it: refuse rather than treat the data as empty
        raise PrefetchUnavailable(key, "the query leads outside fhirServer")
    resources: list[dict] = []
    for _ in range(MAX_PAGES):
        if not _under(url, base):
            # Never follow it (the token stays with fhirServer), and never answer on the
            # pages read so far as if they were the whole record: the data is incomplete.
            log.warning("prefetch %s: a paging link leads outside fhirServer", key)
            raise PrefetchUnavailable(key, "a paging link leads outside fhirServer: the data would be incomplete")
        try:
            response = http.get(url, headers=headers)
        except httpx.HTTPError as exc:
            raise PrefetchUnavailable(key, f"FHIR server unreachable ({type(exc).__name__})") from None
        if response.status_code == 404 and "?" not in query:
            return []                                  # a read of something that is not there
        if response.status_code != 200:
            raise PrefetchUnavailable(key, f"FHIR server answered {response.status_code}")
        try:
            body = response.json()
        except ValueError:
            raise PrefetchUnavailable(key, "FHIR server answered with something that is not JSON") from None
        if not isinstance(body, dict):   # a JSON array/string is no FHIR resource: 412, not a crash
            raise PrefetchUnavailable(key, "FHIR server answered with something that is not a FHIR resource")
        if is_operation_outcome(body):
            raise PrefetchUnavailable(key, "FHIR server answered with an OperationOutcome")
        resources.extend(bundle_resources(body))
        next_url = next((link.get("url") for link in (body.get("link") or [])
                         if isinstance(link, dict) and link.get("relation") == "next"), None) \
            if body.get("resourceType") == "Bundle" else None
        if not next_url or not isinstance(next_url, str):
            break
        url = next_url
    return resources


def _under(url: str, base: str) -> bool:
    """True when ``url`` is on the same origin as ``base`` and under its path.

    Compared as httpx will send them: httpx removes ``..`` segments, so a raw prefix test
    would let ``<fhirServer>/../admin`` (and the token) out from under ``fhirServer``."""
    try:
        u, b = httpx.URL(url), httpx.URL(base)
    except (httpx.InvalidURL, TypeError, ValueError):
        return False
    return (u.scheme, u.host, u.port) == (b.scheme, b.host, b.port) and u.path.startswith(b.path)
