"""What changed between two dated reports: alliances and figures, new / vanished / changed.

A report keeps the data stage's tables in ``<report>/data/``. Two reports are compared on keys that
ignore provenance (article ids, offsets, evidence), so re-wording or re-ordering the corpus does not
show up as change; only the facts do:

- alliances: (sorted party pair, type, status, when); the same (pair, type) with another status or
  ``when`` is a *changed* alliance rather than one new plus one vanished.
- figures: (kind, market, value, qualifier, period); the same (kind, market, period) with another
  value or qualifier is a *changed* figure.
"""

from __future__ import annotations

import json
import math
import re
from collections import defaultdict
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

DATE_DIR_RE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")

ALLIANCE_FIELDS = ("party_a", "party_b", "type", "status", "when")
FIGURE_FIELDS = ("kind", "market", "value", "qualifier", "period")


def _norm(value: Any) -> Any:
    """A hashable, JSON-friendly scalar: NaN/None/NaT -> None, floats rounded, the rest as str."""
    if value is None:
        return None
    try:
        import pandas as pd

        if pd.isna(value):
            return None
    except (TypeError, ValueError):
        pass
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float):
        f = float(value)
        if math.isnan(f):
            return None
        return int(f) if f.is_integer() else round(f, 6)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)


def _read_table(path: Path, columns: Iterable[str]) -> list[dict[str, Any]]:
    """Rows of a parquet table restricted to ``columns`` (missing file or columns -> empty / None)."""
    if not path.is_file():
        return []
    import pandas as pd

    df = pd.read_parquet(path)
    cols = list(columns)
    for col in cols:
        if col not in df.columns:
            df[col] = None
    return [{c: _norm(v) for c, v in zip(cols, row, strict=True)} for row in df[cols].itertuples(index=False)]


def alliance_keys(rows: Iterable[dict[str, Any]]) -> set[tuple]:
    keys = set()
    for r in rows:
        a, b = sorted([r["party_a"] or "", r["party_b"] or ""])
        keys.add((a, b, r["type"], r["status"], r["when"]))
    return keys


def figure_keys(rows: Iterable[dict[str, Any]]) -> set[tuple]:
    return {tuple(r[f] for f in FIGURE_FIELDS) for r in rows}


def _sort_key(key: tuple) -> tuple:
    return tuple((v is None, str(v) if v is not None else "") for v in key)


def diff_keys(
    old: set[tuple], new: set[tuple], identity: Callable[[tuple], tuple], fields: tuple[str, ...]
) -> dict[str, list]:
    """new / vanished / changed between two key sets; ``identity`` pairs a vanished key with a new one."""
    added = sorted(new - old, key=_sort_key)
    removed = sorted(old - new, key=_sort_key)
    by_id_added: dict[tuple, list[tuple]] = defaultdict(list)
    by_id_removed: dict[tuple, list[tuple]] = defaultdict(list)
    for k in added:
        by_id_added[identity(k)].append(k)
    for k in removed:
        by_id_removed[identity(k)].append(k)
    changed = []
    for ident in sorted(set(by_id_added) & set(by_id_removed), key=_sort_key):
        for before, after in zip(by_id_removed[ident], by_id_added[ident], strict=False):
            changed.append(
                {
                    "before": dict(zip(fields, before, strict=True)),
                    "after": dict(zip(fields, after, strict=True)),
                }
            )
            added.remove(after)
            removed.remove(before)
    return {
        "new": [dict(zip(fields, k, strict=True)) for k in added],
        "vanished": [dict(zip(fields, k, strict=True)) for k in removed],
        "changed": changed,
    }


def find_previous_report(out: Path, date: str) -> Path | None:
    """The newest dated report folder in ``out`` strictly before ``date`` (ISO dates sort as strings)."""
    if not out.is_dir():
        return None
    earlier = sorted(
        p.name for p in out.iterdir() if p.is_dir() and DATE_DIR_RE.fullmatch(p.name) and p.name < date
    )
    return out / earlier[-1] if earlier else None


def summarize(changes: dict[str, Any]) -> str:
    prev = changes.get("previous")
    if not prev:
        return "First report: nothing earlier to compare with."
    parts = []
    for table, noun in (("alliances", "alliance"), ("figures", "figure")):
        d = changes[table]
        n, v, c = len(d["new"]), len(d["vanished"]), len(d["changed"])
        parts.append(f"{n} new {noun}{'s' if n != 1 else ''}, {v} vanished, {c} changed")
    n_life = len(changes.get("lifecycles") or [])
    parts.append(f"{n_life} alliance lifecycle change{'s' if n_life != 1 else ''}")
    return f"Since {prev}: " + "; ".join(parts) + "."


def compute_changes(data_dir: Path, previous_report: Path | None) -> dict[str, Any]:
    """Compare ``data_dir``'s alliances/figures with those of ``previous_report`` (a dated report folder)."""
    result: dict[str, Any] = {"previous": previous_report.name if previous_report else None}
    empty = {"new": [], "vanished": [], "changed": []}
    if previous_report is None:
        result["alliances"] = dict(empty)
        result["figures"] = dict(empty)
    else:
        prev_data = previous_report / "data"
        result["alliances"] = diff_keys(
            alliance_keys(_read_table(prev_data / "alliances.parquet", ALLIANCE_FIELDS)),
            alliance_keys(_read_table(data_dir / "alliances.parquet", ALLIANCE_FIELDS)),
            identity=lambda k: (k[0], k[1], k[2]),
            fields=ALLIANCE_FIELDS,
        )
        result["figures"] = diff_keys(
            figure_keys(_read_table(prev_data / "figures.parquet", FIGURE_FIELDS)),
            figure_keys(_read_table(data_dir / "figures.parquet", FIGURE_FIELDS)),
            identity=lambda k: (k[0], k[1], k[4]),
            fields=FIGURE_FIELDS,
        )
    result["lifecycles"] = _lifecycle_changes(data_dir, previous_report)
    result["summary"] = summarize(result)
    return result


def _steps_of(data: Path):
    """A report's alliance steps; reports made before lifecycles existed are rebuilt from their events."""
    import pandas as pd

    from .lifecycle import build_lifecycles

    steps = data / "alliance_steps.parquet"
    if steps.exists():
        return pd.read_parquet(steps)
    alliances, articles = data / "alliances.parquet", data / "articles.parquet"
    if alliances.exists() and articles.exists():
        return build_lifecycles(pd.read_parquet(alliances), pd.read_parquet(articles))[1]
    return None


def _lifecycle_changes(data_dir: Path, previous_report: Path | None) -> list[str]:
    """What changed, in lifecycle terms ("Nissan–Honda: talks ended (2 sources)")."""
    from .lifecycle import lifecycle_changes

    if previous_report is None:
        return []
    current = _steps_of(data_dir)
    if current is None:
        return []
    return lifecycle_changes(_steps_of(previous_report / "data"), current)


def load_changes(report_dir: Path) -> dict[str, Any] | None:
    try:
        return json.loads((report_dir / "changes.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
