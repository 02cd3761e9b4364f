"""The data stage end to end: load -> clean -> dedup -> extract -> processed tables.

`process_articles` is the per-chunk function: the local engine maps it over chunks of the corpus,
the Dask engine maps the very same function over partitions, so both give identical tables.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable, Sequence
from dataclasses import asdict
from pathlib import Path

import pandas as pd

from . import config, tables
from .clean import clean_article, repeated_lines, source_key
from .corpus import Article, Quarantined, load_corpus
from .dedup import find_duplicates
from .lifecycle import build_lifecycles


def process_articles(
    articles: Sequence[Article], repeated: dict[str, set[str]] | None = None
) -> dict[str, list[dict]]:
    """Clean and extract a chunk of articles; returns plain row lists per table (cheap to ship to workers)."""
    from .extract import extract_facts  # the extraction stage; imported here to keep start-up light

    rows: dict[str, list[dict]] = {
        name: [] for name in ("articles", "removed_lines", "mentions", "figures", "timeline", "alliances")
    }
    repeated = repeated or {}
    for art in articles:
        cleaned = clean_article(art, repeated.get(source_key(art)))
        record = {
            "article_id": art.article_id,
            "path": art.path,
            "fmt": art.fmt,
            "n_chars_raw": len(art.raw),
            "n_chars_clean": len(cleaned.body),
            "duplicate_of": None,
        }
        record.update({k: v for k, v in vars(cleaned).items() if k != "removed"})
        rows["articles"].append(record)
        rows["removed_lines"].extend(
            {"article_id": art.article_id, "line_no": n, "text": text, "reason": reason}
            for n, text, reason in cleaned.removed
        )
        facts = extract_facts(art.article_id, cleaned)
        for name, fact_rows in facts.items():
            rows[name].extend(fact_rows)
    return rows


def run_pipeline(
    inputs: Iterable[str | Path],
    *,
    max_bytes: int = config.MAX_INPUT_BYTES,
    encoding: str | None = None,
    fields: dict | None = None,
    progress: bool | None = None,
    chunk_size: int = 500,
) -> dict[str, pd.DataFrame]:
    """Run the data stage in memory and return every processed table as a DataFrame."""
    articles: list[Article] = []
    quarantine: list[dict] = []
    for rec in load_corpus(inputs, max_bytes=max_bytes, encoding=encoding, fields=fields):
        if isinstance(rec, Quarantined):
            quarantine.append(asdict(rec))
        else:
            articles.append(rec)
    repeated = repeated_lines(articles)
    rows: dict[str, list[dict]] = {}
    chunks = range(0, len(articles), chunk_size)
    for start in _progress(chunks, progress, total=len(chunks), desc="extract", unit="chunk"):
        for name, part in process_articles(articles[start : start + chunk_size], repeated).items():
            rows.setdefault(name, []).extend(part)
    out = {name: tables.conform(pd.DataFrame(part), name) for name, part in rows.items()}
    for name in tables.TABLES:
        out.setdefault(name, tables.empty(name))
    out["quarantine"] = tables.conform(pd.DataFrame(quarantine), "quarantine")
    dups = find_duplicates(out["articles"])
    out["duplicates"] = tables.conform(dups, "duplicates")
    if not dups.empty:
        dup_map = dict(zip(dups["article_id"], dups["duplicate_of"], strict=True))
        out["articles"]["duplicate_of"] = out["articles"]["article_id"].map(dup_map)
    out["alliance_lifecycles"], out["alliance_steps"] = build_lifecycles(out["alliances"], out["articles"])
    return sort_tables(out)


def sort_tables(out: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    """Deterministic row order for every table (nbval compares notebook outputs that show them)."""
    keys = {
        "articles": ["path", "article_id"],
        "removed_lines": ["article_id", "line_no"],
        "quarantine": ["path", "reason"],
        "duplicates": ["article_id"],
        "mentions": ["article_id", "start", "end", "kind"],
        "figures": ["article_id", "start", "end"],
        "timeline": ["article_id", "start", "end"],
        "alliances": ["article_id", "start", "party_a", "party_b", "type"],
        "alliance_lifecycles": ["parties", "alliance_id"],
        "alliance_steps": ["parties", "step_no"],
    }
    for name, cols in keys.items():
        df = out.get(name)
        if df is not None and not df.empty:
            out[name] = df.sort_values(cols, na_position="first", kind="stable").reset_index(drop=True)
    return out


def write_tables(out: dict[str, pd.DataFrame], out_dir: Path, csv: bool = False) -> dict[str, int]:
    """Write every table as parquet (and optionally spreadsheet-safe CSV); return row counts.

    All or nothing (`tables.write_tables`): a run killed while writing leaves the earlier tables intact.
    """
    return tables.write_tables(out, Path(out_dir), csv=csv)


def extract_corpus(paths: Iterable[str | Path], out_dir: Path, csv: bool = False, **kwargs) -> dict[str, int]:
    """Load, clean, dedup and extract a corpus into `out_dir` (parquet tables); return row counts."""
    return write_tables(run_pipeline(paths, **kwargs), out_dir, csv=csv)


def _progress(iterable, enabled: bool | None, **kwargs):
    """A tqdm bar on a terminal for large corpora; silent otherwise (schedulers, CI, notebooks)."""
    if enabled is None:
        enabled = sys.stderr.isatty() and kwargs.get("total", 0) > 1
    if not enabled:
        return iterable
    from tqdm import tqdm

    return tqdm(iterable, file=sys.stderr, **kwargs)


def load_or_run(
    processed_dir: str | Path | None = None, corpus: Iterable[str | Path] | None = None
) -> dict[str, pd.DataFrame]:
    """What a notebook needs: the tables the render's data stage wrote, or a fresh run on the corpus.

    With neither argument this processes seeds/ (the default corpus), so every notebook runs on its own
    in JupyterLab exactly as it does inside a rendered report.
    """
    if processed_dir:
        return tables.load_tables(processed_dir)
    paths = [
        Path(p) if Path(p).is_absolute() else config.PROJ_ROOT / p for p in (corpus or [config.SEEDS_DIR])
    ]
    return run_pipeline(paths, progress=False)
