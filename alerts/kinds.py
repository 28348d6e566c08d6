"""The registry of alert kinds. Each detector registers its kind from its AppConfig.ready().

Kinds are data, not database choices, so a new detector needs no migration of this app.
"""

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Kind:
    code: str
    label: Any
    evidence_template: str | None = None


KINDS: dict[str, Kind] = {}


def register_kind(code: str, label: Any, evidence_template: str | None = None) -> None:
    KINDS[code] = Kind(code, label, evidence_template)


def kind_label(code: str) -> Any:
    kind = KINDS.get(code)
    return kind.label if kind else code


def kind_choices() -> list[tuple[str, Any]]:
    return [(k.code, k.label) for k in KINDS.values()]
