"""The kinds of background export, registered by the apps that own the data (in their
``AppConfig.ready``): ``export_kind("signin_days", build)``. ``build(user, params)`` returns
the ``Build`` of the file for that user's scope; it is called in the job, never trusting
anything of the request but the validated parameters."""

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from daodao.excel import Sheet


@dataclass(frozen=True)
class Build:
    filename: str  # without the extension; the time of writing is added
    sheets: Sequence[Sheet]


Builder = Callable[[Any, dict[str, Any]], Build]
_KINDS: dict[str, Builder] = {}


def export_kind(kind: str, build: Builder) -> None:
    _KINDS[kind] = build


def builder(kind: str) -> Builder | None:
    return _KINDS.get(kind)
