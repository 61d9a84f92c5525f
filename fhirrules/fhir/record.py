"""``PatientRecord``: one patient's data, indexed once, behind the DataProvider protocol.

Resources are kept by type, by ``Type/id`` (and ``fullUrl``) for references, and, on the
first coded retrieve of a type, by the ``(system, code)`` pairs at the type's primary
code path, so ``[Observation: "Serum creatinine"]`` costs the number of matching codes,
not the size of the record.  A MedicationRequest that names its drug by
``medicationReference`` is indexed under the referenced Medication's codes too.

``Population`` groups several records for ``Unfiltered`` context and related-context
retrieves (``[Patient -> Observation]`` for another patient)."""
from __future__ import annotations

from typing import Any, Iterable, Optional

from fhirrules.cql.errors import CqlRuntimeError
from fhirrules.cql.types.clinical import Code, ValueSetRef
from fhirrules.fhir.codepaths import Key, codes_at, json_at
from fhirrules.fhir.dates import in_date_range
from fhirrules.fhir.model import get_property
from fhirrules.fhir.terminology import codes_of
from fhirrules.fhir.typeinfo import choice_of_key, element_info, patient_paths, primary_code_path


def _short(data_type: str) -> str:
    return data_type.split(".", 1)[1] if "." in data_type else data_type


class PatientRecord:
    """The DataProvider for one patient (or for a set of resources without a patient)."""

    def __init__(self, resources: Iterable[dict] = (), *, terminology: Any = None,
                 source: str = "", warnings: Optional[list[str]] = None) -> None:
        self.by_type: dict[str, list[dict]] = {}
        self.by_ref: dict[str, dict] = {}
        self._code_index: dict[tuple[str, str], dict[Key, list[dict]]] = {}
        self.terminology = terminology
        self.source = source
        self.warnings: list[str] = list(warnings or [])
        self.population: Optional["Population"] = None
        # resources tied to no patient (Medication, Practitioner ...) of a multi-patient
        # data set: one record shared by all, consulted after this one's own
        self.shared: Optional["PatientRecord"] = None
        for r in resources:
            self.add(r)

    # ------------------------------------------------------------------ building
    def add(self, resource: dict, full_url: Optional[str] = None) -> None:
        rt = resource["resourceType"]
        self.by_type.setdefault(rt, []).append(resource)
        rid = resource.get("id")
        if rid is not None:
            self.by_ref[f"{rt}/{rid}"] = resource
        if full_url:
            self.by_ref[full_url] = resource
        elif rid is not None:
            # data without fullUrls (NDJSON, folders) may still say urn:uuid:<id>
            self.by_ref.setdefault(f"urn:uuid:{rid}", resource)
        for contained in resource.get("contained") or ():
            if isinstance(contained, dict) and contained.get("id"):
                # '#id' is relative to the container; kept record-wide for simplicity
                self.by_ref.setdefault("#" + contained["id"], contained)
        if self._code_index:
            self._code_index = {}     # a late addition invalidates the lazy index

    @property
    def patient(self) -> Optional[dict]:
        pats = self.by_type.get("Patient")
        return pats[0] if pats else None

    @property
    def patient_id(self) -> Optional[str]:
        p = self.patient
        return p.get("id") if p else None

    def __len__(self) -> int:
        return sum(len(v) for v in self.by_type.values()) + (len(self.shared) if self.shared else 0)

    def resources(self) -> Iterable[dict]:
        """Every resource this patient's evaluation can see (own, then shared)."""
        for items in self.by_type.values():
            yield from items
        if self.shared is not None:
            yield from self.shared.resources()

    def resolve(self, reference: str) -> Optional[dict]:
        """A reference string ('Medication/1', '#m1', 'urn:uuid:..', absolute URL)."""
        hit = self.by_ref.get(reference)
        if hit is None and "/" in reference:
            parts = reference.rstrip("/").split("/")
            if len(parts) >= 2:
                hit = self.by_ref.get(f"{parts[-2]}/{parts[-1]}")
                if hit is None and len(parts) >= 4 and parts[-2] == "_history":
                    hit = self.by_ref.get(f"{parts[-4]}/{parts[-3]}")
        if hit is None and self.shared is not None:
            hit = self.shared.resolve(reference)
        return hit

    def _warn(self, message: str) -> None:
        if len(self.warnings) < 1000:
            self.warnings.append(message)

    def code_index(self, rt: str, path: str) -> dict[Key, list[dict]]:
        idx = self._code_index.get((rt, path))
        if idx is None:
            idx = {}
            for res in self.by_type.get(rt, ()):
                for key in set(codes_at(res, path, self.resolve, self._warn)):
                    idx.setdefault(key, []).append(res)
            self._code_index[(rt, path)] = idx
        return idx

    # ------------------------------------------------------------------ retrieve
    def retrieve(self, data_type: str, *, context: Optional[str] = None, context_value: Any = None,
                 code_path: Optional[str] = None, codes: Any = None,
                 date_path: Optional[str] = None, date_range: Any = None, **_: Any) -> list:
        rt = _short(data_type)
        if context_value is not None and self.population is not None:
            other = _context_id(context_value)
            if other is not None and other != self.patient_id:
                return self.population.retrieve_for(other, data_type, code_path=code_path, codes=codes,
                                                    date_path=date_path, date_range=date_range)
        if context == "Unfiltered" and self.population is not None:
            return self.population.retrieve(data_type, code_path=code_path, codes=codes,
                                            date_path=date_path, date_range=date_range)
        if codes is None:
            found = list(self.by_type.get(rt, ()))
        else:
            found = self._coded(rt, code_path, codes)
        if date_path and date_range is not None:
            found = [r for r in found if in_date_range(get_property(r, date_path), date_range)]
        if self.shared is not None and rt in self.shared.by_type:
            found += self.shared.retrieve(data_type, code_path=code_path, codes=codes,
                                          date_path=date_path, date_range=date_range)
        return found

    def _coded(self, rt: str, code_path: Optional[str], codes: Any) -> list[dict]:
        path = code_path or primary_code_path(rt)
        if code_path is not None and not _has_path(rt, code_path):
            # lenient: `[MedicationRequest: code in "X"]` names an element R4 does not have;
            # the author means the type's code, so use the primary code path and say so
            path = primary_code_path(rt)
            note = (f"{rt} has no element {code_path!r}; the retrieve used its primary code path "
                    f"{path!r}")
            if note not in self.warnings:
                self._warn(note)
        if path is None:
            raise CqlRuntimeError(f"{rt} has no primary code path; name one in the retrieve")
        index = self.code_index(rt, path)
        if isinstance(codes, ValueSetRef):
            # expanded even for an empty record, so a missing value set is reported for
            # every patient, not only for those who have data of this type
            return self._by_valueset(index, codes)
        wanted = {(c.system, c.code) for c in codes_of(codes)}
        return _collect(index, (k for k in wanted if k in index))

    def _by_valueset(self, index: dict[Key, list[dict]], vs: ValueSetRef) -> list[dict]:
        if self.terminology is None:
            raise CqlRuntimeError(f"retrieve by value set {vs.id} needs value sets (--valuesets)")
        keys_of = getattr(self.terminology, "code_keys", None)
        members = None
        if keys_of is not None:
            try:
                members = keys_of(vs)
            except CqlRuntimeError:
                if getattr(self.terminology, "remote", None) is None:
                    raise
        if members is None:
            # no hashed expansion (another provider, or a server that only validates):
            # ask per distinct code of the record
            return _collect(index, (k for k in index
                                    if self.terminology.in_valueset(Code(k[1], k[0]), vs)))
        # walk the smaller side: the record's codes or the value set's members
        if len(index) <= len(members):
            return _collect(index, (k for k in index if k in members))
        return _collect(index, (k for k in members if k in index))


def _has_path(rt: str, path: str) -> bool:
    head = path.split(".", 1)[0]
    return element_info("FHIR." + rt, head) is not None or choice_of_key("FHIR." + rt, head) is not None


def _collect(index: dict[Key, list[dict]], keys: Iterable[Key]) -> list[dict]:
    seen: set[int] = set()
    out: list[dict] = []
    for k in keys:
        for res in index[k]:
            if id(res) not in seen:
                seen.add(id(res))
                out.append(res)
    return out


def _context_id(value: Any) -> Optional[str]:
    if isinstance(value, dict):
        return value.get("id")
    if isinstance(value, str):
        return value.rsplit("/", 1)[-1]
    return None


def patient_refs(resource: dict) -> set[str]:
    """Patient ids a resource belongs to, by the model's Patient context paths."""
    rt = resource.get("resourceType")
    if rt == "Patient":
        return {resource.get("id")} if resource.get("id") else set()
    out = set()
    for path in patient_paths(rt):
        for node, _t in json_at(resource, path):
            ref = node.get("reference") if isinstance(node, dict) else None
            if isinstance(ref, str):
                parts = ref.rstrip("/").split("/")
                if len(parts) >= 2 and parts[-2] == "Patient":
                    out.add(parts[-1])
                elif ref.startswith("urn:uuid:"):
                    out.add(ref)
    return out


class Population:
    """All records of one data set: Unfiltered retrieves and other patients' data."""

    def __init__(self, records: list[PatientRecord]) -> None:
        self.records = records
        self._by_patient = {r.patient_id: r for r in records if r.patient_id}
        for r in records:
            r.population = self

    def retrieve(self, data_type: str, **kw: Any) -> list:
        seen: set[int] = set()
        out = []
        for rec in self.records:
            for res in rec.retrieve(data_type, context="Patient", **kw):
                if id(res) not in seen:     # shared resources appear in every record
                    seen.add(id(res))
                    out.append(res)
        return out

    def retrieve_for(self, patient_id: str, data_type: str, **kw: Any) -> list:
        rec = self._by_patient.get(patient_id)
        return [] if rec is None else rec.retrieve(data_type, context="Patient", **kw)
