"""CDS Hooks feedback: validation and a durable SQLite store with counts per rule.

The store also keeps the card registry (card uuid -> rule id), written when cards are
issued, because feedback names only the card uuid. Feedback is keyed by (card uuid,
outcome, outcomeTimestamp), so a client retrying the same feedback stores it once."""
from __future__ import annotations

import json
import sqlite3
import threading
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Iterable

from fhirrules.cdshooks.hook_request import BadRequest

_SCHEMA = """
CREATE TABLE IF NOT EXISTS cards (
    uuid TEXT PRIMARY KEY, rule_id TEXT NOT NULL, service_id TEXT, issued_at TEXT);
CREATE TABLE IF NOT EXISTS feedback (
    card TEXT NOT NULL, outcome TEXT NOT NULL, outcome_timestamp TEXT NOT NULL,
    service_id TEXT, rule_id TEXT, body TEXT NOT NULL,
    PRIMARY KEY (card, outcome, outcome_timestamp));
"""


def validate_feedback(body: Any) -> list[dict]:
    if not isinstance(body, dict) or not isinstance(body.get("feedback"), list) or not body["feedback"]:
        raise BadRequest("the body must be an object with a non-empty 'feedback' array")
    items = []
    for i, item in enumerate(body["feedback"]):
        where = f"feedback[{i}]"
        if not isinstance(item, dict):
            raise BadRequest(f"{where} must be an object")
        if not isinstance(item.get("card"), str) or not item["card"]:
            raise BadRequest(f"{where}.card (the card uuid) is required")
        outcome = item.get("outcome")
        if outcome not in ("accepted", "overridden"):
            raise BadRequest(f"{where}.outcome must be 'accepted' or 'overridden'")
        accepted = item.get("acceptedSuggestions")
        if outcome == "accepted":
            if not isinstance(accepted, list) or not accepted or not all(
                    isinstance(s, dict) and isinstance(s.get("id"), str) for s in accepted):
                raise BadRequest(f"{where}.acceptedSuggestions must list the accepted suggestions' ids")
        elif accepted is not None:
            raise BadRequest(f"{where}.acceptedSuggestions is only allowed with outcome 'accepted'")
        reason = item.get("overrideReason")
        if reason is not None:
            if outcome != "overridden" or not isinstance(reason, dict):
                raise BadRequest(f"{where}.overrideReason is only allowed with outcome 'overridden'")
            coding = reason.get("reason")
            if coding is not None and not (isinstance(coding, dict) and isinstance(coding.get("code"), str)):
                raise BadRequest(f"{where}.overrideReason.reason must be a Coding with a code")
            if "userComment" in reason and not isinstance(reason["userComment"], str):
                raise BadRequest(f"{where}.overrideReason.userComment must be a string")
        stamp = item.get("outcomeTimestamp")
        if not isinstance(stamp, str):
            raise BadRequest(f"{where}.outcomeTimestamp is required")
        try:
            datetime.fromisoformat(stamp.replace("Z", "+00:00"))
        except ValueError:
            raise BadRequest(f"{where}.outcomeTimestamp is not an ISO 8601 instant: {stamp[:40]!r}") from None
        items.append(item)
    return items


class FeedbackStore:
    """SQLite, one connection per call (safe across uvicorn's threads and workers)."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        with self._connect() as db:
            db.executescript(_SCHEMA)

    def _connect(self) -> sqlite3.Connection:
        db = sqlite3.connect(self.path, timeout=10)
        db.execute("PRAGMA journal_mode=WAL")
        return db

    def register_cards(self, service_id: str, cards: Iterable[tuple[str, str]]) -> None:
        """Remember which rule each issued card uuid belongs to."""
        rows = [(uuid, rule, service_id, datetime.now(timezone.utc).isoformat()) for uuid, rule in cards]
        if not rows:
            return
        with self._lock, self._connect() as db:
            db.executemany("INSERT OR IGNORE INTO cards VALUES (?, ?, ?, ?)", rows)

    def add(self, service_id: str, items: list[dict]) -> int:
        """Store validated feedback items; returns how many were new."""
        new = 0
        with self._lock, self._connect() as db:
            for item in items:
                row = db.execute("SELECT rule_id FROM cards WHERE uuid = ?", (item["card"],)).fetchone()
                cursor = db.execute(
                    "INSERT OR IGNORE INTO feedback VALUES (?, ?, ?, ?, ?, ?)",
                    (item["card"], item["outcome"], item["outcomeTimestamp"], service_id,
                     row[0] if row else None, json.dumps(item, sort_keys=True)))
                new += cursor.rowcount
        return new

    def counts(self) -> list[tuple[str, str, int]]:
        """(rule id, outcome, count), rules unknown to the registry as 'unknown'."""
        with self._connect() as db:
            rows = db.execute(
                "SELECT COALESCE(rule_id, 'unknown'), outcome, COUNT(*) FROM feedback "
                "GROUP BY 1, 2 ORDER BY 1, 2").fetchall()
        return [(r[0], r[1], int(r[2])) for r in rows]
