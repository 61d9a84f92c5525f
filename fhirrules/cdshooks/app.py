"""The CDS Hooks 2.0 service (FastAPI).

``create_app(config)`` loads and compiles the knowledge once, builds the discovery
document, and serves:

* ``GET  /cds-services``                 discovery
* ``POST /cds-services/{id}``            a hook call -> cards
* ``POST /cds-services/{id}/feedback``   card feedback -> SQLite

Every endpoint requires a verified JWT when issuers are configured (``auth.py``); an
auth failure is a bare 401. Bad input is a 4xx OperationOutcome, an evaluation failure a
500 OperationOutcome: no traceback ever leaves the process."""
from __future__ import annotations

import logging
import time
from datetime import datetime, timezone
from typing import Any

import orjson
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.concurrency import run_in_threadpool
from starlette.middleware.cors import CORSMiddleware
from starlette.responses import Response

from fhirrules.cdshooks.auth import AuthError, JwtVerifier
from fhirrules.cdshooks.cards import CardSet
from fhirrules.cdshooks.config import ServiceConfig
from fhirrules.cdshooks.discovery import (ServiceDefinition, build_services, reasoner_requirements,
                                          valueset_expander)
from fhirrules.cdshooks.gcpolicy import settle_long_lived
from fhirrules.cdshooks.feedback import FeedbackStore, validate_feedback
from fhirrules.cdshooks.evaluation import (EvaluationFailed, EvaluationLane, NeedsServer, evaluate_gathered,
                                           evaluate_raw)
from fhirrules.cdshooks.hook_request import BadRequest
from fhirrules.cdshooks.pipeline import run_hook_cards
from fhirrules.cdshooks.prefetch import GatheredData, PrefetchUnavailable, gather
from fhirrules.cdshooks.reasoner import Reasoner, load_reasoner
from fhirrules.cdshooks.responses import error_response, json_response, unauthorized

log = logging.getLogger("fhirrules.cdshooks")

INSECURE_WARNING = ("authentication is DISABLED (--insecure-no-auth): any caller can use this "
                    "service; for local development only")
# Without public_base_url the expected JWT 'aud' is built from the request's Host header,
# which the caller chooses: a token issued for another service could then be accepted.
AUDIENCE_FROM_HOST_WARNING = ("public_base_url is not set: the JWT 'aud' check trusts each "
                              "request's Host header; set it to this service's public URL")


class ServiceState:
    """Everything built once at start-up and read by every request."""

    def __init__(self, config: ServiceConfig, reasoner: Reasoner) -> None:
        self.config = config
        self.reasoner = reasoner
        self.verifier = JwtVerifier(config) if config.auth_enabled else None
        self.feedback = FeedbackStore(config.feedback_db)
        # evaluations run here, first come first served (see evaluation.py for why)
        self.lane = EvaluationLane(config.max_concurrent_evaluations)
        valuesets = _valuesets(reasoner)
        self.services: dict[str, ServiceDefinition] = {
            s.id: s for s in build_services(reasoner.plan_definitions(),
                                            reasoner_requirements(reasoner),
                                            valueset_expander(valuesets))}

    def now(self) -> datetime:
        if self.config.evaluation_time:
            return datetime.fromisoformat(self.config.evaluation_time.replace("Z", "+00:00"))
        return datetime.now(timezone.utc)


def _valuesets(reasoner: Any) -> list[dict]:
    kb = getattr(reasoner, "kb", None)
    of_type = getattr(kb, "of_type", None)
    return list(of_type("ValueSet")) if callable(of_type) else []


def create_app(config: ServiceConfig, reasoner: Reasoner | None = None) -> FastAPI:
    started = time.perf_counter()
    if reasoner is None:
        reasoner = load_reasoner(config.knowledge_dirs, knowledge_only=config.knowledge_only)
    state = ServiceState(config, reasoner)
    settle_long_lived()   # gcpolicy.py: knowledge frozen, fewer young collections
    log.info("knowledge loaded and compiled in %.2f s: %d service(s)",
             time.perf_counter() - started, len(state.services))
    if not config.auth_enabled:
        log.warning(INSECURE_WARNING if config.insecure_no_auth
                    else "no trusted issuers configured: " + INSECURE_WARNING)
    elif not config.public_base_url:
        log.warning(AUDIENCE_FROM_HOST_WARNING)

    app = FastAPI(title="fhirrules CDS Hooks service", docs_url=None, redoc_url=None,
                  openapi_url=None)
    app.state.fhirrules = state
    app.router.on_shutdown.append(state.lane.close)   # let the evaluation thread go with the app
    if config.cors_origins:
        app.add_middleware(CORSMiddleware, allow_origins=list(config.cors_origins),
                           allow_methods=["GET", "POST", "OPTIONS"],
                           allow_headers=["Authorization", "Content-Type"])

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError) -> Response:
        return error_response(400, "malformed request")

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> Response:
        return error_response(exc.status_code, str(exc.detail), "not-found" if exc.status_code == 404 else "invalid")

    @app.exception_handler(Exception)
    async def _crash(request: Request, exc: Exception) -> Response:
        log.error("unhandled %s on %s: %s", type(exc).__name__, request.url.path, exc)
        return error_response(500, "internal error", "exception")

    def authenticate(request: Request) -> bool:
        if state.verifier is None:
            return True
        audience = (config.public_base_url + request.url.path) if config.public_base_url \
            else str(request.url.replace(query=""))
        try:
            state.verifier.verify(request.headers.get("authorization"), audience)
        except AuthError as exc:
            log.warning("401 on %s: %s", request.url.path, exc)
            return False
        return True

    async def authenticated(request: Request) -> bool:
        # off the event loop: a JWKS fetch (cache miss, unknown kid) may wait up to its
        # timeout, and must not stall every other request of this worker meanwhile
        return state.verifier is None or await run_in_threadpool(authenticate, request)

    @app.get("/cds-services")
    def discovery(request: Request) -> Response:
        if not authenticate(request):
            return unauthorized()
        if not config.auth_enabled:
            log.warning(INSECURE_WARNING)
        return json_response({"services": [s.as_json() for s in state.services.values()]})

    @app.post("/cds-services/{service_id}")
    async def call_service(service_id: str, request: Request) -> Response:
        if not await authenticated(request):
            return unauthorized()
        service = state.services.get(service_id)
        if service is None:
            return error_response(404, f"unknown service '{service_id}'", "not-found")
        raw = await request.body()
        return await _hook_call(state, service, raw)

    @app.post("/cds-services/{service_id}/feedback")
    async def feedback(service_id: str, request: Request) -> Response:
        if not await authenticated(request):
            return unauthorized()
        if service_id not in state.services:
            return error_response(404, f"unknown service '{service_id}'", "not-found")
        try:
            items = validate_feedback(_parse(await request.body()))
        except BadRequest as exc:
            return error_response(400, str(exc))
        stored = await run_in_threadpool(state.feedback.add, service_id, items)
        return json_response({"received": len(items), "stored": stored})

    return app


def _parse(raw: bytes) -> Any:
    try:
        return orjson.loads(raw)
    except orjson.JSONDecodeError:
        raise BadRequest("the request body is not valid JSON") from None


async def _hook_call(state: ServiceState, service: ServiceDefinition, raw: bytes) -> Response:
    """Parse, gather and evaluate on the evaluation lane; ask the FHIR server (when the
    prefetch is incomplete) and record the issued cards off it."""

    def run(body: dict, data: GatheredData) -> CardSet:
        return _run_rules(state, service, body, data.resources)
    try:
        outcome = await state.lane.run(evaluate_raw, raw, service.hook, service.prefetch, run)
        if isinstance(outcome, NeedsServer):
            data = await run_in_threadpool(gather, service.prefetch, outcome.body,
                                           timeout=state.config.fhir_timeout_seconds)
            outcome = await state.lane.run(evaluate_gathered, outcome.body, data, run)
    except BadRequest as exc:
        return error_response(400, str(exc))
    except PrefetchUnavailable as exc:
        return error_response(412, str(exc), "not-found")
    except EvaluationFailed as exc:   # the engine's errors: log them, do not leak them
        log.error("evaluation of %s failed: %s", service.id, exc)
        cause = type(exc.__cause__).__name__ if exc.__cause__ is not None else "error"
        return error_response(500, f"evaluation failed: {cause}", "exception")
    rows = [(c.card["uuid"], c.rule_id) for c in outcome.cards.cards]
    if rows:
        try:
            await run_in_threadpool(state.feedback.register_cards, service.id, rows)
        except Exception as exc:   # the cards matter more than the registry
            log.error("could not register cards: %s", exc)
    return Response(outcome.payload, media_type="application/json")


def _run_rules(state: ServiceState, service: ServiceDefinition, body: dict, resources: list[dict]) -> CardSet:
    """Index the patient's data and run the service's rules (the CPU-bound part)."""
    context = body["context"]
    record = state.reasoner.record_from_resources(resources, context.get("patientId"))
    return run_hook_cards(state.reasoner, service.hook, record, now=state.now(),
                          draft_orders=context.get("draftOrders"), enable_ex=state.config.enable_ex,
                          ex_rules=state.config.ex_rules or None,
                          context={**context, "hookInstance": body["hookInstance"]},
                          plan_ids=[service.plan.get("id") or service.plan.get("url")],
                          seed=body["hookInstance"])
