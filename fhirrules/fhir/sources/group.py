"""Split loaded resources into one PatientRecord per patient.

A resource belongs to the patients its Patient-context elements reference (the model
info's context relationships: Observation.subject, Condition.subject, ...).  Resources
tied to no patient (Medication, Practitioner, Organization ...) are shared: every record
gets them, so references resolve.  With no Patient at all the data is one record."""
from __future__ import annotations

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
    records = []
    for pid, entries in patients.items():
        rec = PatientRecord(terminology=terminology, source=source)
        for res, full_url in entries + shared:
            rec.add(res, full_url)
        records.append(rec)
    if records:
        records[0].warnings.extend(loaded.warnings)
    Population(records)
    return records
