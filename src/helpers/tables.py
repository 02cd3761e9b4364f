"""The processed tables: their column contract, atomic writing, and friendly loading.

Column names are a public contract (../shared/design.md): notebooks, tests and outside tools read them.
"""

from __future__ import annotations

import os
import tempfile
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
_FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


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


def _atomic(path: Path, write) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(fd)
    try:
        write(tmp)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_table(df: pd.DataFrame, path: Path) -> None:
    """Write parquet via a temp file and rename: a crash never leaves a half-written table."""
    _atomic(Path(path), lambda tmp: df.to_parquet(tmp, index=False))


def csv_safe(df: pd.DataFrame) -> pd.DataFrame:
    """Neutralize spreadsheet formula injection: text cells starting with = + - @ get a leading quote."""
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


def load_tables(path: str | Path) -> dict[str, pd.DataFrame]:
    """Load every processed table in a folder: {'articles': DataFrame, 'alliances': ..., ...}.

    Missing tables come back empty with their contract columns, so notebooks can always index them.
    Example::

        tables = load_tables("data/processed")
        tables["alliances"].query("party_a == 'Nissan'")
    """
    folder = Path(path)
    out: dict[str, pd.DataFrame] = {}
    for name in TABLES:
        file = folder / f"{name}.parquet"
        out[name] = pd.read_parquet(file) if file.exists() else empty(name)
    for file in sorted(folder.glob("*.parquet")):
        out.setdefault(file.stem, pd.read_parquet(file))
    return out
