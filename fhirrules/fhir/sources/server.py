"""A FHIR R4 server as a data source, over httpx.

``FhirServer`` does the HTTP: search with paging through ``link[next]``, ``_count``,
bearer token, timeouts, retries with exponential backoff on 429/503 (``Retry-After``
honoured when it is a number of seconds), clear errors on 401/403/404.
``ServerRecord`` is the DataProvider for one patient: each retrieve becomes one search
(``patient=``, plus ``code=system|code,...`` when the retrieve names codes), then the
results go through the same PatientRecord filtering as file data so that every source
answers a retrieve identically.  Results are cached per search for the record's life."""
from __future__ import annotations

import time
from typing import Any, Optional

import orjson

from fhirrules.cql.types.clinical import ValueSetRef
from fhirrules.fhir.errors import FhirDataError, FhirSourceError
from fhirrules.fhir.record import PatientRecord
from fhirrules.fhir.sources.bundle import read_bundle
from fhirrules.fhir.terminology import codes_of
from fhirrules.fhir.modelinfo_table import TYPES
from fhirrules.fhir.typeinfo import patient_paths, primary_code_path, search_param

RETRY_STATUS = (429, 503)


class FhirServer:
    def __init__(self, base_url: str, *, token: Optional[str] = None, timeout: float = 30.0,
                 retries: int = 3, backoff: float = 0.5, page_size: int = 100,
                 max_pages: int = 1000, client: Any = None) -> None:
        import httpx
        self.base_url = base_url.rstrip("/")
        self.headers = {"Accept": "application/fhir+json"}
        if token:
            self.headers["Authorization"] = f"Bearer {token}"
        self._origin = _origin(self.base_url)
        self.client = client or httpx.Client(timeout=timeout)
        self.retries = retries
        self.backoff = backoff
        self.page_size = page_size
        self.max_pages = max_pages

    def get_json(self, url: str, params: Optional[dict] = None) -> dict:
        import httpx
        attempt = 0
        while True:
            try:
                r = self.client.get(url, params=params, headers=self._headers_for(url))
            except httpx.TimeoutException:
                if attempt >= self.retries:
                    raise FhirSourceError(f"FHIR server {url}: timed out after {attempt + 1} tries") from None
                self._sleep(attempt, None)
                attempt += 1
                continue
            except httpx.HTTPError as e:
                raise FhirSourceError(f"FHIR server {url}: {e}") from None
            if r.status_code in RETRY_STATUS and attempt < self.retries:
                self._sleep(attempt, r.headers.get("Retry-After"))
                attempt += 1
                continue
            if r.status_code == 401:
                raise FhirSourceError(f"FHIR server {url}: 401 Unauthorized (missing or invalid bearer token)")
            if r.status_code == 403:
                raise FhirSourceError(f"FHIR server {url}: 403 Forbidden (the token does not allow this read)")
            if r.status_code == 404:
                raise FhirSourceError(f"FHIR server {url}: 404 Not Found")
            if r.status_code >= 400:
                raise FhirSourceError(f"FHIR server {url}: HTTP {r.status_code}")
            try:
                return orjson.loads(r.content)
            except orjson.JSONDecodeError:
                raise FhirDataError(f"FHIR server {url}: the answer is not JSON") from None

    def _headers_for(self, url: str) -> dict:
        """The bearer token goes only to the server's own origin: a ``link[next]`` (or any
        URL) on another host must never receive it."""
        if _origin(url) == self._origin:
            return self.headers
        return {k: v for k, v in self.headers.items() if k != "Authorization"}

    def _sleep(self, attempt: int, retry_after: Optional[str]) -> None:
        delay = self.backoff * (2 ** attempt)
        if retry_after and retry_after.strip().isdigit():
            delay = min(float(retry_after), 60.0)
        time.sleep(delay)

    def search(self, resource_type: str, params: dict) -> list[tuple[dict, Optional[str]]]:
        """Every entry of a search, following ``link[next]`` pages."""
        url: Optional[str] = f"{self.base_url}/{resource_type}"
        query: Optional[dict] = {**params, "_count": self.page_size}
        out: list[tuple[dict, Optional[str]]] = []
        for _page in range(self.max_pages):
            if url is None:
                break
            bundle = self.get_json(url, query)
            loaded = read_bundle(bundle, f"search {resource_type}")
            out.extend(loaded.entries)
            links = bundle.get("link")
            url = next((link.get("url") for link in links if isinstance(link, dict)
                        and link.get("relation") == "next" and isinstance(link.get("url"), str)),
                       None) if isinstance(links, list) else None
            query = None      # the next link carries the whole query
        return out

    def read(self, resource_type: str, rid: str) -> dict:
        return self.get_json(f"{self.base_url}/{resource_type}/{rid}")

    def patient_ids(self) -> list[str]:
        return [res["id"] for res, _ in self.search("Patient", {"_elements": "id"}) if res.get("id")]


def _origin(url: str) -> tuple[str, str, Optional[int]]:
    import httpx
    u = httpx.URL(url)
    return (u.scheme, u.host, u.port)


def _patient_param(resource_type: str) -> Optional[str]:
    """The search parameter that selects one patient's resources of a type.  The model
    info names them (its Patient context relationships are search parameter names);
    'patient' is preferred where it exists because it needs no resource type prefix."""
    if resource_type == "Patient":
        return "_id"
    keys = TYPES.get(f"FHIR.{resource_type}", {}).get("contexts", {}).get("Patient", [])
    if "patient" in keys or "subject" in patient_paths(resource_type):
        return "patient"
    return next((k for k in keys if "(" not in k), None)


class ServerRecord:
    """DataProvider for one patient on a FHIR server (searches per retrieve)."""

    def __init__(self, server: FhirServer, patient_id: str, *, terminology: Any = None) -> None:
        self.server = server
        self.patient_id = patient_id
        self.terminology = terminology
        self.warnings: list[str] = []
        self.source = server.base_url
        self._cache: dict[tuple, PatientRecord] = {}
        self._patient: Optional[dict] = None

    @property
    def patient(self) -> dict:
        if self._patient is None:
            self._patient = self.server.read("Patient", self.patient_id)
        return self._patient

    def retrieve(self, data_type: str, *, context: Optional[str] = None, context_value: Any = None,
                 code_path: Optional[str] = None, codes: Any = None,
                 date_path: Optional[str] = None, date_range: Any = None, **_: Any) -> list:
        rt = data_type.split(".", 1)[-1]
        params: dict[str, Any] = {}
        pid = self.patient_id
        if isinstance(context_value, dict) and context_value.get("id"):
            pid = context_value["id"]
        pparam = _patient_param(rt) if context != "Unfiltered" else None
        if pparam is not None:
            params[pparam] = pid
        # a type with no tie to patients (Medication, Practitioner) is searched as a whole,
        # as CQL retrieves it in Patient context
        path = code_path or primary_code_path(rt)
        if codes is not None and not isinstance(codes, ValueSetRef) and path:
            sp = search_param(rt, path) or ("code" if path == primary_code_path(rt) else None)
            if sp:
                params[sp] = ",".join(f"{c.system}|{c.code}" if c.system else c.code
                                      for c in codes_of(codes))
        if rt == "MedicationRequest" and path == "medication":
            params["_include"] = "MedicationRequest:medication"
        key = (rt, tuple(sorted(params.items())))
        rec = self._cache.get(key)
        if rec is None:
            rec = PatientRecord(terminology=self.terminology, source=self.server.base_url)
            for res, full_url in self.server.search(rt, params):
                rec.add(res, full_url)
            self._cache[key] = rec
        return rec.retrieve(data_type, code_path=code_path, codes=codes,
                            date_path=date_path, date_range=date_range)
