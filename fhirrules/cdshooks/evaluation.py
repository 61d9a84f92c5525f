"""One hook call, from the raw request bytes to the response, on the evaluation lane.

Why a dedicated lane: evaluation is CPU-bound Python, so in one process only one request
at a time makes progress (the GIL). Parsing the 0.5 MB JSON body of a waiting request
early buys nothing, but keeps tens of thousands of live dicts per waiting request that
every garbage collection must scan (measured: with 32 concurrent clients and bodies parsed
on arrival, throughput fell from 37 to 24 requests/s). So the body stays bytes until its
turn comes; the lane is a small FIFO thread pool, which also serves callers in arrival
order (fair tail latency). The only step that may wait on the network, asking the CDS
Client's FHIR server for missing prefetch, is done off the lane (``NeedsServer``)."""
from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, Callable, TypeVar

import orjson

from fhirrules.cdshooks.cards import CardSet
from fhirrules.cdshooks.hook_request import BadRequest, validate_hook_request
from fhirrules.cdshooks.prefetch import GatheredData, gather, is_operation_outcome

R = TypeVar("R")


class EvaluationLane:
    """At most ``width`` evaluations at a time, queued first come first served."""

    def __init__(self, width: int = 1) -> None:
        self.width = max(1, int(width))
        self._pool: ThreadPoolExecutor | None = None

    async def run(self, fn: Callable[..., R], *args: Any) -> R:
        if self._pool is None:      # started on first use, and again after close()
            self._pool = ThreadPoolExecutor(max_workers=self.width, thread_name_prefix="fhirrules-eval")
        return await asyncio.get_running_loop().run_in_executor(self._pool, fn, *args)

    def close(self) -> None:
        pool, self._pool = self._pool, None
        if pool is not None:
            pool.shutdown(wait=False, cancel_futures=True)


class EvaluationFailed(Exception):
    """The rules could not be evaluated (the cause is chained); the service answers 500."""


@dataclass
class NeedsServer:
    """The prefetch is incomplete: the FHIR server must be asked before evaluating."""
    body: dict


@dataclass
class Evaluated:
    """Cards for a valid request, already serialised (orjson)."""
    cards: CardSet
    payload: bytes


def parse_request(raw: bytes, hook: str) -> dict:
    """The validated request body; ``BadRequest`` names what is wrong."""
    try:
        body = orjson.loads(raw)
    except orjson.JSONDecodeError:
        raise BadRequest("the request body is not valid JSON") from None
    return validate_hook_request(body, hook)


def prefetch_complete(templates: dict[str, str], body: dict) -> bool:
    """True when every template's key came with the request (a ``null`` counts: the
    client ran the query and found nothing), so no network call is needed."""
    prefetch = body.get("prefetch") or {}
    for key in templates:
        if key not in prefetch:
            return False
        if prefetch[key] is not None and is_operation_outcome(prefetch[key]):
            return False
    return True


def evaluate_raw(raw: bytes, hook: str, templates: dict[str, str],
                 run: Callable[[dict, GatheredData], CardSet]) -> Evaluated | NeedsServer:
    """Parse, validate and (when the prefetch suffices) evaluate, on the lane.

    Raises ``BadRequest`` (400), ``PrefetchUnavailable`` (412) and ``EvaluationFailed``
    (500, wrapping whatever the engine raised)."""
    body = parse_request(raw, hook)
    if not prefetch_complete(templates, body):
        return NeedsServer(body)
    return evaluate_gathered(body, gather(templates, body), run)


def evaluate_gathered(body: dict, data: GatheredData,
                      run: Callable[[dict, GatheredData], CardSet]) -> Evaluated:
    try:
        cards = run(body, data)
    except Exception as exc:   # CqlError/KnowledgeError or a bug: the caller logs it, 500
        raise EvaluationFailed(f"{type(exc).__name__}: {exc}") from exc
    return Evaluated(cards, orjson.dumps(cards.body()))
