"""What loading yields: `Article`, `Quarantined`, and the small records the walk and the readers share
(an input as reached, a refusal with its reason, the path as shown in tables, the content id).
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

from . import config


@dataclass
class Article:
    """One loaded article before cleaning: raw text plus whatever metadata the input carried."""

    article_id: str
    path: str
    raw: str
    fmt: str
    n_bytes: int
    meta: dict[str, str] = field(default_factory=dict)


@dataclass
class Quarantined:
    """An input that could not become an article, with a reason code and a human message."""

    path: str
    reason: str
    detail: str


class _Input(NamedTuple):
    path: str  # as reached (a symlink keeps its own name: its suffix and sidecar row apply)
    real: str  # resolved; the only path ever opened, always inside a corpus root
    shown: str  # display_path(path)


class _Refused(Exception):
    def __init__(self, reason: str, detail: str) -> None:
        super().__init__(detail)
        self.reason, self.detail = reason, detail


def display_path(path: Path | str) -> str:
    """Path as shown in tables: relative to the project root when inside it (no absolute paths in reports).

    Symlinks are not resolved (a link is shown under its own name); bytes that are not UTF-8 in a file name
    are shown as ``\\xNN`` so the tables can always be written.
    """
    shown = os.path.abspath(path)
    root = _PROJ_PREFIX
    if shown.startswith(root):
        shown = shown[len(root) :]
    if shown.isascii():
        return shown
    return shown.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")


_PROJ_PREFIX = os.path.join(str(config.PROJ_ROOT), "")


def content_id(data: bytes) -> str:
    """Stable article id: the first 16 hex digits of the SHA-256 of the raw bytes."""
    return hashlib.sha256(data).hexdigest()[:16]
