"""What a report's manifest.json records about its inputs: corpus fingerprint, table counts, headline, versions.

Pure bookkeeping for ``helpers.render``: reads the corpus and the data stage's parquet tables, writes nothing.
"""

from __future__ import annotations

import hashlib
import os
import platform
from collections.abc import Sequence
from importlib import metadata
from pathlib import Path
from typing import Any

from helpers import config
from helpers.render_params import ISO_DATE_RE

TABLES = ("articles", "removed_lines", "quarantine", "mentions", "figures", "timeline", "alliances")
VERSIONED = ("ev-alliance-watch", "pandas", "pyarrow", "matplotlib", "seaborn", "networkx", "papermill",
             "nbconvert", "nbformat", "ipykernel", "nh3")  # fmt: skip


def display_path(p: Path) -> str:
    try:
        shown = str(p.relative_to(config.PROJ_ROOT))
    except ValueError:
        shown = str(p)
    # a file name that is not UTF-8 (surrogate escapes) would make the manifest unwritable
    return shown.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def _tree(root: Path) -> list[Path]:
    """Every path below `root`, sorted, like ``sorted(root.rglob("*"))`` (symlinked folders are not
    entered) but without recursion: rglob fails with RecursionError below ~1,000 nested folders."""
    found, stack = [], [root]
    while stack:
        try:
            with os.scandir(stack.pop()) as entries:
                for entry in entries:
                    found.append(Path(entry.path))
                    if entry.is_dir(follow_symlinks=False):
                        stack.append(Path(entry.path))
        except OSError:
            continue
    return sorted(found)


def corpus_fingerprint(corpus: Sequence[Path], data_dir: Path) -> dict[str, Any]:
    """sha256 of every input file; the overall digest covers names relative to each corpus root and
    contents, so it does not change when the project folder moves."""
    files, lines = [], []
    for root in corpus:
        found = [root] if root.is_file() else _tree(root)
        for f in found:
            rel = f.relative_to(root) if f != root else Path(f.name)
            # symlinks inside a corpus folder are not followed: one may lead outside the corpus (the
            # loader refuses those) and one inside it is an alias of a file fingerprinted under its own name
            inner_link = f != root and f.is_symlink()
            if not inner_link and f.is_file() and not any(part.startswith(".") for part in rel.parts):
                sha = _sha256(f)
                files.append({"path": display_path(f), "sha256": sha, "bytes": f.stat().st_size})
                lines.append(f"{rel.as_posix()}\t{sha}")
    article_ids: list[str] = []
    articles = data_dir / "articles.parquet"
    if articles.is_file():
        import pandas as pd

        df = pd.read_parquet(articles)
        if "article_id" in df.columns:
            article_ids = sorted(str(a) for a in df["article_id"].dropna())
    digest = hashlib.sha256("\n".join(lines).encode("utf-8", "surrogateescape")).hexdigest()
    return {"sha256": digest, "files": files, "article_ids": article_ids}


def table_counts(data_dir: Path) -> dict[str, int]:
    import pyarrow.parquet as pq

    return {
        t: pq.read_metadata(data_dir / f"{t}.parquet").num_rows
        for t in TABLES
        if (data_dir / f"{t}.parquet").is_file()
    }


def data_headline(data_dir: Path, counts: dict[str, int]) -> str:
    """'N alliances, newest event YYYY-MM-DD, M figures from K articles' from the data stage's tables."""
    newest = None
    path = data_dir / "alliances.parquet"
    if path.is_file():
        import pandas as pd

        df = pd.read_parquet(path)
        for col in ("start_date", "end_date", "when"):
            if col in df.columns:
                vals = sorted(str(v)[:10] for v in df[col].dropna() if ISO_DATE_RE.fullmatch(str(v)[:10]))
                if vals:
                    newest = vals[-1]
                    break
    n_all, n_fig, n_art = (counts.get(t, 0) for t in ("alliances", "figures", "articles"))
    return (
        f"{n_all} alliance{'s' if n_all != 1 else ''}"
        + (f", newest event {newest}" if newest else "")
        + f", {n_fig} figure{'s' if n_fig != 1 else ''} from {n_art} article{'s' if n_art != 1 else ''}"
    )


def package_versions() -> dict[str, str | None]:
    versions: dict[str, str | None] = {"python": platform.python_version()}
    for dist in VERSIONED:
        try:
            versions[dist] = metadata.version(dist)
        except metadata.PackageNotFoundError:
            versions[dist] = None
    return versions
