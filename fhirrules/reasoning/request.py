"""What a caller asks ``$apply`` for (the operation's input parameters)."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class ApplyRequest:
    """Inputs of PlanDefinition/ActivityDefinition ``$apply``.

    ``subject`` is ``Patient/<id>`` or a bare id (then ``Patient`` is assumed); it may be
    left ``None`` when the data holds exactly one Patient.  ``data`` is any DataProvider
    (a ``PatientRecord`` from the FHIR binding, or ``ResourceData``); ``prefetch`` is a
    CDS Hooks prefetch object merged over it.  ``now`` is a CQL DateTime (or ISO string)
    fixing ``Now()``; ``parameters`` are CQL parameter values by name."""

    subject: str | None = None
    data: Any = None
    now: Any = None
    parameters: dict[str, Any] = field(default_factory=dict)
    encounter: str | None = None
    practitioner: str | None = None
    organization: str | None = None
    setting: Any = None
    setting_context: Any = None
    user_type: Any = None
    user_language: Any = None
    user_task_context: Any = None
    prefetch: dict[str, Any] | None = None
    terminology: Any = None
    # CarePlan/RequestGroup status: 'active' as the reference engine's goldens have it;
    # 'draft' for callers that treat every $apply result as not yet agreed
    status: str = "active"
