"""Text rendering of rule explanations."""
from __future__ import annotations

from rich.console import Console
from rich.text import Text

from fhirrules.cdshooks.explain import RuleExplanation, describe


def print_explanations(console: Console, report: list[tuple[str, RuleExplanation]]) -> None:
    current = None
    for patient, e in report:
        if patient != current:
            console.rule(f"[bold]{patient}[/bold]")
            current = patient
        status = Text("FIRED", style="bold green") if e.fired else Text("did not fire", style="bold")
        line = Text(f"{e.rule_id} ")
        line.append(status)
        line.append(f"  {e.title}  [{', '.join(e.hooks)}]", style="dim")
        console.print(line, soft_wrap=True)
        if not e.fired:
            failing = e.first_failing
            if failing is not None:
                why = failing.error or describe(failing.value)
                console.print(f"  first failing condition: {failing.expression} = {why}", soft_wrap=True,
                              markup=False)
            elif e.conditions:
                console.print("  every condition holds: the rule is for another hook or needs draft orders",
                              soft_wrap=True)
        for c in e.conditions:
            value = f"error: {c.error}" if c.error else describe(c.value)
            console.print(f"  condition {c.expression} = {value}", soft_wrap=True, markup=False)
        for name, value in e.defines.items():
            console.print(f"    define {name} = {describe(value)}", soft_wrap=True, markup=False)
