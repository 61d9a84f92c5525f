"""What every file reader returns: resources (with the ``fullUrl`` they came with, for
``urn:uuid:`` references) and the warnings met while reading."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional


@dataclass
class Loaded:
    entries: list[tuple[dict, Optional[str]]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def extend(self, other: "Loaded") -> None:
        self.entries.extend(other.entries)
        self.warnings.extend(other.warnings)

    def __len__(self) -> int:
        return len(self.entries)
