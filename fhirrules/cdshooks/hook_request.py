"""Validation of a CDS Hooks 2.0 service request; every problem is one clear sentence."""
from __future__ import annotations

import uuid
from typing import Any

# Context fields each hook must carry (CDS Hooks hook definitions, v1.0/v2.0 of each hook).
REQUIRED_CONTEXT = {
    "patient-view": ("userId", "patientId"),
    "order-select": ("userId", "patientId", "selections", "draftOrders"),
    "order-sign": ("userId", "patientId", "draftOrders"),
}


class BadRequest(ValueError):
    """The request is malformed; the message says what and where."""


def validate_hook_request(body: Any, hook: str) -> dict:
    if not isinstance(body, dict):
        raise BadRequest("the request body must be a JSON object")
    if body.get("hook") != hook:
        raise BadRequest(f"'hook' must be '{hook}' for this service, got {body.get('hook')!r}")
    instance = body.get("hookInstance")
    if not isinstance(instance, str):
        raise BadRequest("'hookInstance' is required and must be a UUID string")
    try:
        uuid.UUID(instance)
    except ValueError:
        raise BadRequest(f"'hookInstance' is not a UUID: {instance[:60]!r}") from None
    context = body.get("context")
    if not isinstance(context, dict):
        raise BadRequest("'context' is required and must be an object")
    for name in REQUIRED_CONTEXT.get(hook, ("patientId",)):
        if context.get(name) in (None, "", [], {}):
            raise BadRequest(f"context.{name} is required for {hook}")
    for name in ("userId", "patientId", "encounterId"):
        if name in context and not isinstance(context[name], str):
            raise BadRequest(f"context.{name} must be a string")
    if "selections" in context and not (isinstance(context["selections"], list)
                                        and all(isinstance(s, str) for s in context["selections"])):
        raise BadRequest("context.selections must be an array of strings")
    if "draftOrders" in context:
        orders = context["draftOrders"]
        if not isinstance(orders, dict) or orders.get("resourceType") != "Bundle":
            raise BadRequest("context.draftOrders must be a FHIR Bundle")
        for i, entry in enumerate(orders.get("entry") or []):
            res = entry.get("resource") if isinstance(entry, dict) else None
            if not isinstance(res, dict) or not isinstance(res.get("resourceType"), str):
                raise BadRequest(f"context.draftOrders.entry[{i}].resource has no resourceType")
    server = body.get("fhirServer")
    if server is not None and not (isinstance(server, str) and server.startswith(("http://", "https://"))):
        raise BadRequest("'fhirServer' must be an absolute http(s) URL")
    auth = body.get("fhirAuthorization")
    if auth is not None:
        if not isinstance(auth, dict) or not isinstance(auth.get("access_token"), str):
            raise BadRequest("'fhirAuthorization.access_token' must be a string")
        if str(auth.get("token_type", "Bearer")).lower() != "bearer":
            raise BadRequest("'fhirAuthorization.token_type' must be 'Bearer'")
        if not server:
            raise BadRequest("'fhirAuthorization' given without 'fhirServer'")
    prefetch = body.get("prefetch")
    if prefetch is not None and not isinstance(prefetch, dict):
        raise BadRequest("'prefetch' must be an object")
    for key, value in (prefetch or {}).items():
        if value is not None and not (isinstance(value, dict) and isinstance(value.get("resourceType"), str)):
            raise BadRequest(f"prefetch '{key}' must be a FHIR resource or null")
        if isinstance(value, dict) and value.get("resourceType") == "Bundle":
            entries = value.get("entry") or []
            if not isinstance(entries, list):
                raise BadRequest(f"prefetch '{key}': 'entry' must be an array")
            for i, entry in enumerate(entries):
                res = entry.get("resource") if isinstance(entry, dict) else None
                if res is not None and not (isinstance(res, dict) and isinstance(res.get("resourceType"), str)):
                    raise BadRequest(f"prefetch '{key}' entry[{i}].resource has no resourceType")
    return body
