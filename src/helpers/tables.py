"""The processed tables: their column contract, atomic writing, and friendly loading.

Column names are a public contract (../shared/design.md): notebooks, tests and outside tools read them.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import shutil
import time
from collections.abc import Callable
from pathlib import Path

import pandas as pd

from .lifecycle import LIFECYCLE_COLUMNS, STEP_COLUMNS

COLUMNS: dict[str, list[str]] = {
    "articles": [
        "article_id", "path", "title", "subtitle", "author", "source", "url", "published",
        "published_precision", "published_basis", "body", "n_chars_raw", "n_chars_clean", "duplicate_of", "fmt",
    ],
    "removed_lines": ["article_id", "line_no", "text", "reason"],
    "quarantine": ["path", "reason", "detail"],
    "duplicates": ["article_id", "duplicate_of", "kind", "similarity"],
    "mentions": ["article_id", "kind", "text", "canonical", "start", "end", "sentence", "role", "org"],
    "figures": [
        "article_id", "kind", "value", "unit", "currency", "value_usd", "qualifier", "subject", "market",
        "market_kind", "is_ev_share", "period", "period_start", "period_end", "start", "end", "evidence",
    ],
    "timeline": [
        "article_id", "text", "normalized", "precision", "start_date", "end_date", "role", "start", "end",
        "evidence",
    ],
    "alliances": [
        "article_id", "party_a", "party_b", "type", "status", "when", "precision", "start_date", "end_date",
        "value_usd", "evidence", "confidence", "start", "end",
    ],
    "alliance_lifecycles": LIFECYCLE_COLUMNS,
    "alliance_steps": STEP_COLUMNS,
}  # fmt: skip
TABLES = tuple(COLUMNS)
# Cells starting with these are formulas (or become ones) in Excel, LibreOffice and Google Sheets; the
# full-width forms are included because some spreadsheet locales read them as their ASCII twins.
_FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r", "\n", "\uff1d", "\uff0b", "\uff0d", "\uff20")
# Temp files are ".<target name>.<pid>.<random>.tmp" beside their target: hidden, never matched by
# "*.parquet", and removable once their writer is dead. (Older versions wrote ".<name>.<8 chars>.tmp".)
_TMP_RE = re.compile(r"\.(?P<target>.+\.(?:parquet|csv|json))\.(?P<pid>[0-9]+)\.[0-9a-f]{8}\.tmp")
_LEGACY_TMP_RE = re.compile(r"\.(?P<target>.+\.(?:parquet|csv))\.[A-Za-z0-9_]{8}\.tmp")
_LEGACY_TMP_AGE_S = 3600
# The streaming engine's partitioned layout (``<out>/<table>/part-NNNNN.parquet``): its tables are built in a
# staging folder ".evwatch-staging-<pid>-<random>" inside the output folder, and `MANIFEST` is written last,
# so an output folder with a manifest is complete. `JOURNAL` in a staging folder means "every table in
# here is complete; move them into place" (see `commit_partitioned`).
MANIFEST = "_manifest.json"
STAGING_PREFIX = ".evwatch-staging-"
JOURNAL = "_commit.json"
_STAGING_RE = re.compile(re.escape(STAGING_PREFIX) + r"(?P<pid>[0-9]+)-[0-9a-f]{8}")
_LEGACY_STAGING_RE = re.compile(re.escape(STAGING_PREFIX) + r"[A-Za-z0-9_]{8}")


def empty(name: str) -> pd.DataFrame:
    """An empty table with the contract's columns (so an empty corpus still yields valid files)."""
    return pd.DataFrame(columns=COLUMNS[name])


def conform(df: pd.DataFrame, name: str) -> pd.DataFrame:
    """Order columns as in the contract (extra columns follow), adding missing ones as empty."""
    cols = COLUMNS[name]
    for col in cols:
        if col not in df.columns:
            df[col] = None
    return df[cols + [c for c in df.columns if c not in cols]]


def _pid_alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError):
        return True
    return True


def remove_stale_temp(folder: Path) -> list[str]:
    """Delete temp files left in `folder` by killed writers (their pid is gone); return their names.

    Temp files of live writers are left alone, so two runs writing into one folder do not collide.
    """
    removed: list[str] = []
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return removed
    now = time.time()
    for entry in entries:
        if not entry.name.startswith(".") or not entry.name.endswith(".tmp"):
            continue
        m = _TMP_RE.fullmatch(entry.name)
        try:
            stale = (
                not _pid_alive(int(m["pid"]))
                if m
                else bool(_LEGACY_TMP_RE.fullmatch(entry.name))
                and now - entry.stat(follow_symlinks=False).st_mtime > _LEGACY_TMP_AGE_S
            )
            if stale and entry.is_file(follow_symlinks=False):
                os.unlink(entry.path)
                removed.append(entry.name)
        except OSError:
            continue
    return removed


def _new_tmp(path: Path) -> Path:
    """Create an empty temp file beside `path` (mode 0666 minus umask, like any new file)."""
    while True:
        tmp = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp")
        try:
            os.close(os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, 0o666))
            return tmp
        except FileExistsError:
            continue


def _fsync(path: Path, directory: bool = False) -> None:
    try:
        fd = os.open(path, os.O_RDONLY | (os.O_DIRECTORY if directory else 0))
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _stage(path: Path, write: Callable[[Path], object]) -> Path:
    """Write through `write(tmp)` into a fresh temp file beside `path`, fsync it; return the temp path."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = _new_tmp(path)
    try:
        write(tmp)
        _fsync(tmp)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return tmp


def _commit(staged: list[tuple[Path, Path]]) -> None:
    """Rename every staged temp file over its target (a tight loop: no writing left to do), then fsync."""
    try:
        for tmp, path in staged:
            os.replace(tmp, path)
    finally:
        for tmp, _ in staged:
            tmp.unlink(missing_ok=True)
    for folder in {path.parent for _, path in staged}:
        _fsync(folder, directory=True)


def _atomic(path: Path, write: Callable[[Path], object]) -> None:
    _commit([(_stage(path, write), path)])


def write_table(df: pd.DataFrame, path: Path) -> None:
    """Write parquet via a temp file and rename: a crash never leaves a half-written table."""
    _atomic(Path(path), lambda tmp: df.to_parquet(tmp, index=False))


def csv_safe(df: pd.DataFrame) -> pd.DataFrame:
    """Neutralize spreadsheet formula injection: text cells starting with = + - @ (or a tab, a line break,
    or a full-width ＝ ＋ － ＠) get a leading quote, so a spreadsheet shows them as text.
    """
    out = df.copy()
    for col in out.columns:
        if out[col].dtype == object or pd.api.types.is_string_dtype(out[col]):
            out[col] = out[col].map(
                lambda v: "'" + v if isinstance(v, str) and v.startswith(_FORMULA_PREFIXES) else v
            )
    return out


def write_csv(df: pd.DataFrame, path: Path) -> None:
    """Write a spreadsheet-safe CSV atomically."""
    _atomic(Path(path), lambda tmp: csv_safe(df).to_csv(tmp, index=False))


def write_tables(out: dict[str, pd.DataFrame], out_dir: Path, csv: bool = False) -> dict[str, int]:
    """Write every table as parquet (and optionally spreadsheet-safe CSV) into `out_dir`; return row counts.

    All or nothing: every file is first written to a temp file (and fsynced); only when all are complete
    are they renamed over the old ones, in one tight loop. A run killed before that leaves the earlier
    tables byte for byte as they were; its temp files are removed by the next write into the folder.
    A partitioned output of the streaming engine in the same folder is retired once the new files are in
    place (its manifest first), so `load_tables` never reads a stale layout.
    """
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    remove_stale_temp(out_dir)
    remove_stale_staging(out_dir)
    staged: list[tuple[Path, Path]] = []
    try:
        for name, df in out.items():
            path = out_dir / f"{name}.parquet"
            staged.append((_stage(path, lambda tmp, df=df: df.to_parquet(tmp, index=False)), path))
            if csv:
                path = out_dir / f"{name}.csv"
                staged.append((_stage(path, lambda tmp, df=df: csv_safe(df).to_csv(tmp, index=False)), path))
    except BaseException:
        for tmp, _ in staged:
            tmp.unlink(missing_ok=True)
        raise
    _commit(staged)
    _retire_partitioned(out_dir)
    return {name: len(df) for name, df in out.items()}


# --------------------------------------------------------------------------------------------------
# The partitioned layout: all-or-nothing commit, recovery, retirement


def new_staging(out_dir: Path) -> Path:
    """Create this process's staging folder inside `out_dir` (hidden; its name carries our pid)."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    while True:
        staging = out_dir / f"{STAGING_PREFIX}{os.getpid()}-{secrets.token_hex(4)}"
        try:
            staging.mkdir()
            return staging
        except FileExistsError:
            continue


def commit_partitioned(staging: Path, out_dir: Path, manifest: dict) -> None:
    """Move the complete tables ``staging/<table>/`` (``manifest["tables"]``) into `out_dir`, all or nothing.

    Directories cannot be swapped as a group, so the manifest is the commit marker: the journal (the new
    manifest, in `staging`) is written first; then the old manifest is removed, the table folders are
    renamed into place (the old ones into `staging`) and the new manifest is written. A run killed before
    the journal leaves the earlier output as it was; one killed after it leaves a folder without a
    manifest (which readers refuse as incomplete) that the next write into `out_dir` completes
    (`remove_stale_staging` rolls the journal forward). Fsyncs every part first, like `write_tables`.
    """
    staging, out_dir = Path(staging), Path(out_dir)
    for name in manifest["tables"]:
        for part in (staging / name).iterdir():
            _fsync(part)
        _fsync(staging / name, directory=True)
    _atomic(staging / JOURNAL, lambda tmp: tmp.write_text(json.dumps(manifest, indent=2) + "\n"))
    _fsync(staging, directory=True)
    _roll_forward(staging, out_dir, manifest)


def _roll_forward(staging: Path, out_dir: Path, manifest: dict) -> None:
    """The moves of `commit_partitioned`; idempotent, so a killed commit can be finished by the next run."""
    (out_dir / MANIFEST).unlink(missing_ok=True)  # from here on the folder does not look complete
    _fsync(out_dir, directory=True)
    replaced = staging / "_replaced"
    replaced.mkdir(exist_ok=True)
    for name in manifest["tables"]:
        src, dest = staging / name, out_dir / name
        if not src.is_dir():
            continue  # moved in by the killed run
        if dest.is_dir() and not dest.is_symlink():
            os.replace(dest, replaced / name)
        elif dest.exists() or dest.is_symlink():
            dest.unlink()
        os.replace(src, dest)
    _fsync(out_dir, directory=True)
    _atomic(out_dir / MANIFEST, lambda tmp: tmp.write_text(json.dumps(manifest, indent=2) + "\n"))
    _fsync(out_dir, directory=True)
    for name in manifest["tables"]:  # single-file tables of an earlier in-memory run are stale now
        for suffix in (".parquet", ".csv"):
            (out_dir / f"{name}{suffix}").unlink(missing_ok=True)
    shutil.rmtree(staging, ignore_errors=True)


def remove_stale_staging(out_dir: Path) -> list[str]:
    """Clean up staging folders of killed streaming runs in `out_dir`; return their names.

    A folder whose writer is gone is deleted, unless it holds a commit journal: then the killed run had
    finished and was moving its tables into place, and the move is completed (rolled forward) first.
    Staging folders of live writers are left alone. (Older versions named them without a pid: those are
    removed after an hour.)
    """
    removed: list[str] = []
    try:
        entries = sorted(os.scandir(out_dir), key=lambda e: e.name)
    except OSError:
        return removed
    now = time.time()
    for entry in entries:
        if not entry.name.startswith(STAGING_PREFIX) or not entry.is_dir(follow_symlinks=False):
            continue
        m = _STAGING_RE.fullmatch(entry.name)
        try:
            stale = (
                not _pid_alive(int(m["pid"]))
                if m
                else bool(_LEGACY_STAGING_RE.fullmatch(entry.name))
                and now - entry.stat(follow_symlinks=False).st_mtime > _LEGACY_TMP_AGE_S
            )
        except OSError:
            continue
        if not stale:
            continue
        journal = Path(entry.path) / JOURNAL
        if journal.is_file():
            _roll_forward(Path(entry.path), Path(out_dir), json.loads(journal.read_text()))
        shutil.rmtree(entry.path, ignore_errors=True)
        removed.append(entry.name)
    return removed


def _retire_partitioned(out_dir: Path) -> None:
    """Remove a streaming-engine output (manifest first, then its table folders) from `out_dir`."""
    manifest = out_dir / MANIFEST
    if manifest.exists():
        manifest.unlink()
        _fsync(out_dir, directory=True)
    for name in dict.fromkeys([*TABLES, "duplicates"]):
        folder = out_dir / name
        if folder.is_dir() and not folder.is_symlink() and any(folder.glob("part-*.parquet")):
            shutil.rmtree(folder, ignore_errors=True)


class IncompleteOutput(FileNotFoundError):
    """A partitioned output folder without its manifest: a run was killed while moving tables in."""


def load_tables(path: str | Path) -> dict[str, pd.DataFrame]:
    """Load every processed table in a folder: {'articles': DataFrame, 'alliances': ..., ...}.

    Reads both layouts: ``<table>.parquet`` files (`write_tables`, the in-memory engine) and the streaming
    engine's ``<table>/part-NNNNN.parquet`` folders (recognized by their manifest; sorted the same way).
    Missing tables come back empty with their contract columns, so notebooks can always index them.
    Example::

        tables = load_tables("data/processed")
        tables["alliances"].query("party_a == 'Nissan'")
    """
    from . import scale  # lazy: scale imports this module

    folder = Path(path)
    if (folder / MANIFEST).is_file():
        return scale.read_tables(folder)
    pending = any(folder.glob(f"{STAGING_PREFIX}*/{JOURNAL}"))
    if not any(folder.glob("*.parquet")) and (pending or scale.is_partitioned(folder)):
        raise IncompleteOutput(
            f"{folder} holds partitioned tables but no {MANIFEST}: a run was killed while moving its "
            "tables into place; run `evwatch extract` into it again (that finishes or replaces it)"
        )
    out: dict[str, pd.DataFrame] = {}
    for name in TABLES:
        file = folder / f"{name}.parquet"
        out[name] = pd.read_parquet(file) if file.exists() else empty(name)
    for file in sorted(folder.glob("*.parquet")):
        out.setdefault(file.stem, pd.read_parquet(file))
    return out
