"""Render parameters: check every argument of a render before anything runs, and the errors a render raises.

``validate_params`` has no side effects: it turns the caller's date, corpus, focus, since/until, output
folder, jobs and kernel name into a frozen ``RenderParams`` or raises ``RenderError`` with a clear message.
``helpers.render`` re-exports these names; they are part of its API.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from helpers import config

ISO_DATE_RE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
NOTEBOOK_RE = re.compile(r"[0-9]{2}-[^/\\]+\.ipynb")


class RenderError(ValueError):
    """Invalid render parameters, a busy lock, or a failed render (the CLI exits non-zero)."""


@dataclass(frozen=True)
class RenderParams:
    date: str
    corpus: tuple[Path, ...]
    focus: str | None
    since: str | None
    until: str | None
    out: Path
    force: bool
    jobs: int
    notebooks_dir: Path
    notebooks: tuple[Path, ...]
    kernel_name: str
    kernel_language: str
    kernel_is_ipykernel: bool


def _iso_date(value: Any, name: str) -> str | None:
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        return value.isoformat()
    text = str(value)
    if not ISO_DATE_RE.fullmatch(text):
        raise RenderError(f"{name} must be an ISO date YYYY-MM-DD, got {text!r}")
    try:
        dt.date.fromisoformat(text)
    except ValueError as exc:
        raise RenderError(f"{name} {text!r} is not a real date ({exc})") from None
    return text


def _plain_name(focus: Any) -> str | None:
    if focus is None:
        return None
    text = str(focus).strip()
    bad = (
        not text
        or len(text) > 100
        or text in {".", ".."}
        or any(ch in text for ch in "/\\")
        or any(unicodedata.category(ch).startswith("C") for ch in text)
    )
    if bad:
        raise RenderError(
            f"focus must be a plain company name (no path separators or control characters): {focus!r}"
        )
    return text


def default_corpus() -> list[Path]:
    """seeds/ plus data/raw/ when a user has dropped articles there (its README does not count)."""
    corpus = [config.SEEDS_DIR]
    raw = config.RAW_DIR
    if raw.is_dir() and any(
        p.name.lower() != "readme.md" and not p.name.startswith(".") for p in raw.iterdir()
    ):
        corpus.append(raw)
    return corpus


def validate_params(
    date: Any = None,
    corpus: Sequence[str | os.PathLike] | None = None,
    focus: str | None = None,
    since: Any = None,
    until: Any = None,
    out: str | os.PathLike | None = None,
    force: bool = False,
    jobs: int = 1,
    notebooks_dir: str | os.PathLike | None = None,
    kernel_name: str = "python3",
) -> RenderParams:
    """Check every parameter without side effects; raise RenderError with a clear message."""
    day = _iso_date(date, "date") or dt.date.today().isoformat()
    since_s, until_s = _iso_date(since, "since"), _iso_date(until, "until")
    if since_s and until_s and since_s > until_s:
        raise RenderError(f"since ({since_s}) is after until ({until_s})")
    focus_s = _plain_name(focus)

    if isinstance(corpus, str | os.PathLike):
        corpus = [corpus]
    paths = [Path(p).expanduser() for p in (default_corpus() if corpus is None else corpus)]
    if not paths:
        raise RenderError("corpus is empty: give at least one file or folder")
    missing = [str(p) for p in paths if not p.exists()]
    if missing:
        raise RenderError(f"corpus path(s) not found: {', '.join(missing)}")

    out_dir = Path(out if out is not None else config.REPORTS_DIR).expanduser().resolve()
    if out_dir.exists() and not out_dir.is_dir():
        raise RenderError(f"out must be a directory: {out_dir}")
    if out_dir == Path(out_dir.anchor):
        raise RenderError(f"refusing to write reports into the filesystem root: {out_dir}")
    target = (out_dir / day).resolve()
    if target.parent != out_dir:
        raise RenderError(f"report folder {target} would escape {out_dir}")

    nb_dir = Path(notebooks_dir if notebooks_dir is not None else config.NOTEBOOKS_DIR).expanduser().resolve()
    if not nb_dir.is_dir():
        raise RenderError(f"notebooks folder not found: {nb_dir}")
    notebooks = tuple(sorted(p for p in nb_dir.iterdir() if p.is_file() and NOTEBOOK_RE.fullmatch(p.name)))
    if not notebooks:
        raise RenderError(f"no numbered notebooks (NN-name.ipynb) in {nb_dir}")

    if isinstance(jobs, bool) or not isinstance(jobs, int) or jobs < 1:
        raise RenderError(f"jobs must be a positive integer, got {jobs!r}")

    from jupyter_client.kernelspec import KernelSpecManager, NoSuchKernel

    try:
        spec = KernelSpecManager().get_kernel_spec(kernel_name)
    except NoSuchKernel:
        raise RenderError(
            f"no Jupyter kernel named {kernel_name!r} (see `jupyter kernelspec list`)"
        ) from None

    if target.exists() and not force:
        raise RenderError(f"a report for {day} already exists in {out_dir} (use --force to replace it)")
    return RenderParams(
        date=day,
        corpus=tuple(p.resolve() for p in paths),
        focus=focus_s,
        since=since_s,
        until=until_s,
        out=out_dir,
        force=bool(force),
        jobs=min(jobs, len(notebooks)),
        notebooks_dir=nb_dir,
        notebooks=notebooks,
        kernel_name=kernel_name,
        kernel_language=spec.language or "python",
        kernel_is_ipykernel=any("ipykernel" in str(arg) for arg in spec.argv),
    )
