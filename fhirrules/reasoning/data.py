"""Patient data as ``$apply`` sees it.

The FHIR binding (``fhirrules.fhir.sources``) owns real data sources; this module only
adds what ``$apply`` needs on top of any ``DataProvider``: finding one resource by type
and id (the subject, encounter, practitioner for FHIRPath variables), merging a CDS
Hooks prefetch into the request data, and a small in-memory provider used when the
caller hands over plain resources (prefetch only, tests) or when the binding is absent."""
from __future__ import annotations

from typing import Any, Iterable, Iterator

# Where a resource points at its patient; enough for the patient compartment of the
# resources clinical rules read.
_PATIENT_REFS = ("subject", "patient", "for", "beneficiary", "individual")


def split_reference(ref: str, default_type: str) -> tuple[str, str]:
    """``'Patient/1'`` -> ('Patient', '1'); a bare ``'1'`` takes ``default_type``."""
    ref = ref.strip()
    if "/" in ref and not ref.startswith("http"):
        head, _, tail = ref.partition("/")
        if head[:1].isupper():
            return head, tail
    if ref.startswith("http") and "/" in ref:
        parts = ref.rstrip("/").split("/")
        if len(parts) >= 2 and parts[-2][:1].isupper():
            return parts[-2], parts[-1]
    return default_type, ref


def iter_resources(doc: Any) -> Iterator[dict]:
    """Resources of a JSON document: a Bundle's entries (recursively), a list, or one resource."""
    if isinstance(doc, list):
        for item in doc:
            yield from iter_resources(item)
    elif isinstance(doc, dict):
        if doc.get("resourceType") == "Bundle":
            for entry in doc.get("entry") or ():
                res = entry.get("resource") if isinstance(entry, dict) else None
                if res is not None:
                    yield from iter_resources(res)
        elif "resourceType" in doc:
            yield doc


def _same_id(resource_id: str | None, wanted: str, rtype: str) -> bool:
    # Some fixtures carry ids like "Patient/TEST_PATIENT"; compare both spellings.
    if resource_id is None:
        return False
    return resource_id == wanted or resource_id == f"{rtype}/{wanted}" or f"{rtype}/{resource_id}" == wanted


class ResourceData:
    """A ``DataProvider`` over in-memory resource dicts, indexed by type."""

    def __init__(self, resources: Iterable[dict] = (), terminology: Any = None) -> None:
        self.terminology = terminology
        self._by_type: dict[str, list[dict]] = {}
        self._seen: set[tuple[str, str]] = set()
        for r in resources:
            self.add(r)

    def add(self, resource: dict) -> None:
        rtype = resource.get("resourceType")
        if not rtype:
            return
        key = (rtype, str(resource.get("id")))
        if resource.get("id") is not None and key in self._seen:
            return
        self._seen.add(key)
        self._by_type.setdefault(rtype, []).append(resource)

    def all(self, rtype: str) -> list[dict]:
        return list(self._by_type.get(rtype, ()))

    def get(self, rtype: str, rid: str) -> dict | None:
        for r in self._by_type.get(rtype, ()):
            if _same_id(r.get("id"), rid, rtype):
                return r
        return None

    def retrieve(self, data_type: str, *, context: str | None = None, context_value: Any = None,
                 code_path: str | None = None, codes: Any = None, date_path: str | None = None,
                 date_range: Any = None) -> list:
        found = self._by_type.get(data_type.split(".")[-1], [])
        if context == "Patient" and context_value is not None:
            pid = context_value.get("id") if isinstance(context_value, dict) else str(context_value)
            found = [r for r in found if _in_patient(r, data_type, pid)]
        if codes is not None and code_path:
            if isinstance(codes, list):
                wanted = {(c.system, c.code) for c in codes}
                found = [r for r in found if _codes_of(r.get(code_path)) & wanted]
            elif self.terminology is not None:   # a ValueSetRef: ask the terminology per code
                from fhirrules.cql.types.clinical import Code
                found = [r for r in found
                         if any(self.terminology.in_valueset(Code(c, s), codes)
                                for s, c in _codes_of(r.get(code_path)))]
            else:
                raise ValueError(f"retrieve of {data_type} by value set needs a terminology provider")
        return list(found)

    def resources(self) -> Iterator[dict]:
        for items in self._by_type.values():
            yield from items


def _in_patient(resource: dict, rtype: str, pid: str) -> bool:
    if rtype.split(".")[-1] == "Patient":
        return _same_id(resource.get("id"), pid, "Patient")
    for key in _PATIENT_REFS:
        ref = resource.get(key)
        if isinstance(ref, dict) and isinstance(ref.get("reference"), str):
            t, i = split_reference(ref["reference"], "Patient")
            if t == "Patient" and (_same_id(i, pid, "Patient") or _same_id(pid, i, "Patient")):
                return True
    return False


def _codes_of(element: Any) -> set[tuple[str | None, str | None]]:
    out: set[tuple[str | None, str | None]] = set()
    for cc in element if isinstance(element, list) else [element]:
        if isinstance(cc, dict):
            for c in cc.get("coding") or ():
                out.add((c.get("system"), c.get("code")))
    return out


class MergedData:
    """A prefetch (or any extra resources) layered over another provider; duplicates by
    type and id are dropped so that prefetch and server data never double count."""

    def __init__(self, base: Any, extra: ResourceData) -> None:
        self.base = base
        self.extra = extra

    def retrieve(self, data_type: str, **kwargs: Any) -> list:
        first = self.extra.retrieve(data_type, **kwargs)
        seen = {(r.get("resourceType"), r.get("id")) for r in first if isinstance(r, dict)}
        rest = [r for r in self.base.retrieve(data_type, **kwargs)
                if not (isinstance(r, dict) and (r.get("resourceType"), r.get("id")) in seen)]
        return first + rest


def merge_prefetch(data: Any, extra: list[dict], terminology: Any) -> Any:
    """One provider over ``data`` plus prefetch resources.  With the FHIR binding this is
    a fresh ``PatientRecord`` (so coded retrieves keep its index); a resource present in
    both (same type and id) is taken once, from ``data``."""
    try:
        from fhirrules.fhir.record import PatientRecord
    except ImportError:
        PatientRecord = None  # noqa: N806
    listing = getattr(data, "resources", None) if data is not None else None
    if PatientRecord is not None and (data is None or callable(listing)):
        base = list(listing()) if callable(listing) else []
        seen = {(r.get("resourceType"), r.get("id")) for r in base}
        merged = base + [r for r in extra if (r.get("resourceType"), r.get("id")) not in seen]
        return PatientRecord(merged, terminology=terminology if terminology is not None
                             else getattr(data, "terminology", None))
    extra_data = ResourceData(extra, terminology)
    return extra_data if data is None else MergedData(data, extra_data)


def prefetch_resources(prefetch: dict[str, Any] | None) -> list[dict]:
    """Resources of a CDS Hooks prefetch object (each value a resource, a Bundle or null)."""
    out: list[dict] = []
    for value in (prefetch or {}).values():
        if value:
            out.extend(iter_resources(value))
    return out


def find_resource(data: Any, rtype: str, rid: str) -> dict | None:
    """One resource by type and id from any provider (``None`` when it is not there)."""
    if data is None:
        return None
    for getter in ("get", "get_resource", "resource"):
        fn = getattr(data, getter, None)
        if callable(fn):
            try:
                hit = fn(rtype, rid)
            except TypeError:
                continue
            if hit is not None:
                return hit
    resolve = getattr(data, "resolve", None)      # the binding's PatientRecord
    if callable(resolve):
        try:
            hit = resolve(f"{rtype}/{rid}")
        except Exception:  # a provider whose resolve needs more than a reference
            hit = None
        if hit is not None:
            return hit
    if isinstance(data, MergedData):
        return find_resource(data.extra, rtype, rid) or find_resource(data.base, rtype, rid)
    try:
        candidates = data.retrieve(rtype, context=None, context_value=None, code_path=None, codes=None)
    except Exception:  # a provider that cannot list a type simply has no such resource
        return None
    for r in candidates:
        if isinstance(r, dict) and _same_id(r.get("id"), rid, rtype):
            return r
    return None


def only_patient_id(data: Any) -> str | None:
    """The id of the only Patient in the data, or ``None`` when there are none or several."""
    try:
        patients = data.retrieve("Patient", context=None, context_value=None, code_path=None, codes=None)
    except Exception:
        patients = getattr(data, "all", lambda t: [])("Patient")
    ids = {p.get("id") for p in patients if isinstance(p, dict)}
    return next(iter(ids)) if len(ids) == 1 else None
