"""Split loaded resources into one PatientRecord per patient.

A resource belongs to the patients its Patient-context elements reference (the model
info's context relationships: Observation.subject, Condition.subject, ...).  Resources
tied to no patient (Medication, Practitioner, Organization ...) go to one shared record
that every patient's record consults after its own (retrieves and references), so they
are stored once however many patients there are.  With no Patient at all the data is one record."""
from __future__ import annotations

import re
from typing import Any, Optional

from fhirrules.fhir.record import PatientRecord, Population, patient_refs
from fhirrules.fhir.sources.loaded import Loaded


def group_patients(loaded: Loaded, terminology: Optional[Any] = None,
                   source: str = "") -> list[PatientRecord]:
    patients: dict[str, list[tuple[dict, Optional[str]]]] = {}
    uuid_to_id: dict[str, str] = {}
    for res, full_url in loaded.entries:
        if res.get("resourceType") == "Patient":
            pid = res.get("id") or full_url or f"#{len(patients)}"
            patients.setdefault(pid, [])
            if full_url:
                uuid_to_id[full_url] = pid
            # Synthea-style data refers to patients as urn:uuid:<id> even without fullUrl
            uuid_to_id.setdefault(f"urn:uuid:{pid}", pid)
    if len(patients) <= 1:
        rec = PatientRecord(terminology=terminology, source=source, warnings=loaded.warnings)
        for res, full_url in loaded.entries:
            rec.add(res, full_url)
        Population([rec])
        return [rec]
    shared: list[tuple[dict, Optional[str]]] = []
    for entry in loaded.entries:
        res = entry[0]
        owners = {uuid_to_id.get(r, r) for r in patient_refs(res)}
        if res.get("resourceType") == "Patient":
            owners = {res.get("id") or entry[1]}
        owners &= patients.keys()
        if not owners:
            shared.append(entry)
        for pid in owners:
            patients[pid].append(entry)
    common = PatientRecord(terminology=terminology, source=source)
    for res, full_url in shared:
        common.add(res, full_url)
    records = []
    owner_of: dict[str, PatientRecord] = {}
    for pid, entries in patients.items():
        rec = PatientRecord(terminology=terminology, source=source)
        rec.shared = common if shared else None
        for res, full_url in entries:
            rec.add(res, full_url)
        for res, _ in entries:
            owner_of[f"{res.get('resourceType')}/{res.get('id')}"] = rec
        records.append(rec)
    _distribute(loaded.warnings, records, owner_of)
    Population(records)
    return records


_NAMED = re.compile(r"\(([A-Za-z]+/[^)]*)\)")


def _distribute(warnings: list[str], records: list[PatientRecord],
                owner_of: dict[str, PatientRecord]) -> None:
    """Each warning goes to the record of the resource it names; the rest to the first."""
    for w in warnings:
        m = _NAMED.search(w)
        rec = owner_of.get(m.group(1)) if m else None
        (rec or records[0]).warnings.append(w)
