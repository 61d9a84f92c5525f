"""Render CDS Hooks cards for people: rich panels (terminal) and a Markdown report."""
from __future__ import annotations

from typing import Iterable

from rich.console import Console, Group
from rich.markdown import Markdown
from rich.panel import Panel
from rich.text import Text

COLOURS = {"critical": "red", "warning": "dark_orange", "info": "blue"}
ICONS = {"critical": "CRITICAL", "warning": "WARNING", "info": "INFO"}


def _citation_lines(card: dict) -> list[str]:
    source = card.get("source") or {}
    lines = []
    label = source.get("label")
    if label:
        lines.append(f"{label} <{source['url']}>" if source.get("url") else label)
    for link in card.get("links") or []:
        lines.append(f"{link['label']} <{link['url']}>")
    return lines


def card_panel(card: dict, meta: dict | None = None) -> Panel:
    meta = meta or {}
    indicator = card.get("indicator", "info")
    parts: list = [Text(card.get("summary", ""), style="bold")]
    if card.get("detail"):
        parts.append(Markdown(card["detail"]))
    suggestions = card.get("suggestions") or []
    if suggestions:
        behaviour = "choose at most one" if card.get("selectionBehavior") == "at-most-one" else "choose any"
        text = Text(f"Suggestions ({behaviour}):\n", style="bold")
        for s in suggestions:
            text.append(f"  • {s['label']}" + ("  (recommended)" if s.get("isRecommended") else "") + "\n")
        parts.append(text)
    citation = _citation_lines(card)
    if citation:
        parts.append(Text("Source: " + "; ".join(citation), style="dim"))
    rule = meta.get("rule") or ((card.get("source") or {}).get("topic") or {}).get("code", "")
    evidence = f" · evidence {meta['evidence']}" if meta.get("evidence") else ""
    title = f"[bold]{ICONS.get(indicator, indicator)}[/bold] {rule}{evidence}"
    return Panel(Group(*parts), title=title, title_align="left",
                 border_style=COLOURS.get(indicator, "white"))


def print_text(console: Console, patient: str, body: dict, meta: list[dict]) -> None:
    cards = body.get("cards") or []
    console.rule(f"[bold]{patient}[/bold] — {len(cards)} card(s)")
    if not cards:
        console.print("No cards: no rule fired for this patient.")
    for i, card in enumerate(cards):
        console.print(card_panel(card, meta[i] if i < len(meta) else None))


def markdown_report(patient: str, body: dict, meta: list[dict]) -> str:
    """A readable report: one section per card, most urgent first."""
    cards = body.get("cards") or []
    out = [f"## Patient {patient}", ""]
    if not cards:
        out += ["No rule fired for this patient.", ""]
    for i, card in enumerate(cards):
        m = meta[i] if i < len(meta) else {}
        rule = m.get("rule") or ((card.get("source") or {}).get("topic") or {}).get("code", "")
        out.append(f"### {card.get('indicator', 'info').upper()} · {rule}: {card.get('summary', '')}")
        out.append("")
        if card.get("detail"):
            out += [card["detail"], ""]
        if card.get("suggestions"):
            out.append("**Suggestions** (" + ("choose at most one" if card.get("selectionBehavior") == "at-most-one"
                                              else "choose any") + "):")
            out += [f"- {s['label']}" + (" *(recommended)*" if s.get("isRecommended") else "")
                    for s in card["suggestions"]]
            out.append("")
        citation = _citation_lines(card)
        if citation:
            out += ["**Sources:** " + "; ".join(citation), ""]
        if m.get("evidence"):
            out += [f"**Evidence grade:** {m['evidence']}", ""]
    return "\n".join(out)


def summary_rows(results: Iterable) -> tuple[int, int, dict[tuple[str, str], int], list[str]]:
    """(patients evaluated, errors, cards per (rule, indicator), error lines)."""
    patients, errors, per_rule, lines = 0, 0, {}, []
    for r in results:
        if r.error:
            errors += 1
            lines.append(r.error)
            continue
        patients += 1
        for m in r.meta:
            key = (m["rule"], m["indicator"])
            per_rule[key] = per_rule.get(key, 0) + 1
    return patients, errors, per_rule, lines


def print_summary(console: Console, results: list, seconds: float) -> None:
    from rich.table import Table

    from fhirrules.cdshooks.cards import INDICATOR_RANK, natural_key
    patients, errors, per_rule, lines = summary_rows(results)
    rate = patients / seconds if seconds > 0 else 0.0
    console.print(f"{patients} patient(s) evaluated, {errors} error(s), {seconds:.1f} s "
                  f"({rate:.1f} patients/s)", soft_wrap=True)
    table = Table(title="Cards per rule and indicator")
    table.add_column("rule")
    table.add_column("indicator")
    table.add_column("cards", justify="right")
    for (rule, indicator), count in sorted(per_rule.items(),
                                           key=lambda kv: (natural_key(kv[0][0]), INDICATOR_RANK.get(kv[0][1], 3))):
        table.add_row(rule, Text(indicator, style=COLOURS.get(indicator, "")), str(count))
    console.print(table)
    for line in lines:
        console.print(Text(f"error: {line}", style="red"), soft_wrap=True)
