"""Pass 1 of the streaming engine: read the corpus on the workers, keep only line hashes on the driver.

`clean.repeated_lines` needs the whole corpus before any article can be cleaned: per source, the lines
that recur across different articles (templates, taglines). At scale that evidence is gathered without
holding text: each worker loads a batch of inputs (`scan_inputs`) and returns, per article, its ids and
the 64-bit hashes of its distinct lines; the driver feeds them to `RepeatedLineScan`, which counts them
bucket by bucket on disk. In pass 2 each worker turns the final hash set back into the
``{source: {line, ...}}`` mapping `clean_article` expects, for its own articles only (`repeated_for`).

Line hashes must agree between processes and machines, so they are BLAKE2b digests of the source and
the line, not Python's per-process salted ``hash()``.
"""

from __future__ import annotations

from array import array
from collections.abc import Iterable, Iterator
from hashlib import blake2b
from pathlib import Path
from typing import NamedTuple

import numpy as np

from .clean import REPEATED_MAX_LEN, REPEATED_MIN_LEN, _is_paragraph_like_fact, candidate_lines, source_key
from .corpus import Article, Quarantined, load_input, renamed_id


class LoadOptions(NamedTuple):
    """How inputs are read; the same on the driver and on every worker."""

    max_bytes: int
    field_map: dict[str, tuple[str, ...]]
    encoding: str | None


class ScannedArticle(NamedTuple):
    """What the driver needs of one article in pass 1 (no text)."""

    article_id: str  # content id, as loaded
    renamed_id: str  # the id it takes if an earlier article has the same content id
    source: str  # `clean.source_key`
    hashes: np.ndarray  # sorted distinct line hashes (int64); empty without a source


def line_hash(source: str, line: str) -> int:
    """A signed 64-bit hash of (source, line), the same in every process."""
    digest = blake2b(f"{source}\x00{line}".encode("utf-8", "surrogatepass"), digest_size=8).digest()
    return int.from_bytes(digest, "little", signed=True)


def article_line_hashes(article: Article) -> np.ndarray:
    """Sorted distinct line hashes of an article (empty when it has no source: nothing to compare)."""
    source = source_key(article)
    if not source:
        return np.empty(0, dtype=np.int64)
    hashes = np.fromiter((line_hash(source, ln) for ln in candidate_lines(article.raw)), dtype=np.int64)
    return np.unique(hashes)


def scan_inputs(entries: list, options: LoadOptions) -> list[tuple]:
    """Pass-1 work on one batch of `corpus.walk_inputs` entries (runs on a worker).

    Per entry, in order: ``(entry, None)`` for a walk-level `Quarantined`, else ``(entry, records)`` with
    that input's records, each a `Quarantined` or a `ScannedArticle`.
    """
    out: list[tuple] = []
    for entry in entries:
        if isinstance(entry, Quarantined):
            out.append((entry, None))
            continue
        records: list[ScannedArticle | Quarantined] = []
        for rec in load_input(*entry, **options._asdict()):
            if isinstance(rec, Quarantined):
                records.append(rec)
            else:
                records.append(
                    ScannedArticle(rec.article_id, renamed_id(rec), source_key(rec), article_line_hashes(rec))
                )
        out.append((entry, records))
    return out


def repeated_for(articles: Iterable[Article], final: set[int] | frozenset[int]) -> dict[str, set[str]]:
    """The repeated lines (hashes in `final`) that occur in these articles, by source: what
    `clean_article` looks up for them, exactly the part of `clean.repeated_lines` they need."""
    out: dict[str, set[str]] = {}
    if not final:
        return out
    for art in articles:
        source = source_key(art)
        if not source:
            continue
        for line in candidate_lines(art.raw):
            if line_hash(source, line) in final and not _is_paragraph_like_fact(line):
                out.setdefault(source, set()).add(line)
    return out


class RepeatedHashes:
    """The final hash set as the ``{source: lines}`` lookup `pipeline.process_articles` expects.

    ``repeated.get(source)`` answers ``line in ...`` by hashing the line: `clean_article` only asks about
    the lines no other rule removed, so this is cheaper than `repeated_for`, which normalizes every
    article again to list its lines. The answers are the same: a line is in ``repeated_for(...)[source]``
    exactly when it passes this test.
    """

    def __init__(self, final: set[int] | frozenset[int]) -> None:
        self.final = final

    def __bool__(self) -> bool:
        return bool(self.final)

    def get(self, source: str) -> _SourceLines | None:
        return _SourceLines(source, self.final) if source and self.final else None


class _SourceLines:
    __slots__ = ("source", "final")

    def __init__(self, source: str, final: set[int] | frozenset[int]) -> None:
        self.source, self.final = source, final

    def __contains__(self, line: object) -> bool:
        return (
            isinstance(line, str)
            and REPEATED_MIN_LEN <= len(line) <= REPEATED_MAX_LEN
            and line_hash(self.source, line) in self.final
            and not _is_paragraph_like_fact(line)
        )


class RepeatedLineScan:
    """Streaming, exact equivalent of `clean.repeated_lines` that keeps only hashes and counts.

    `add` (or `add_hashes`, with what a worker computed) every article once; `finish` returns the hashes
    of the repeated lines, which `repeated_for` turns back into lines for a chunk of articles. Spill files
    hold 16 bytes per distinct line per article, split into ``n_buckets`` files so that `finish` holds
    one bucket at a time; per article it keeps 24 bytes in memory.
    """

    def __init__(self, folder: Path, n_buckets: int = 64, min_articles: int = 2, max_share: float = 0.5):
        if n_buckets & (n_buckets - 1):
            raise ValueError("n_buckets must be a power of two")
        self.folder = Path(folder)
        self.folder.mkdir(parents=True, exist_ok=True)
        self.n_buckets, self.min_articles, self.max_share = n_buckets, min_articles, max_share
        self.sources: dict[str, int] = {}
        self._doc_source, self._doc_key, self._doc_lines = array("q"), array("q"), array("q")
        self._pend_doc = [array("q") for _ in range(n_buckets)]
        self._pend_hash = [array("q") for _ in range(n_buckets)]
        self._pending = 0
        self.final: set[int] | None = None

    def add(self, article: Article) -> None:
        self.add_hashes(source_key(article), article_line_hashes(article))

    def add_hashes(self, source: str, hashes: np.ndarray) -> None:
        """One article: its source key and sorted distinct line hashes (`article_line_hashes`)."""
        if not source:
            return
        sid = self.sources.setdefault(source, len(self.sources))
        doc = len(self._doc_source)
        self._doc_source.append(sid)
        self._doc_key.append(hash(hashes.tobytes()))  # identifies the article's set of lines
        self._doc_lines.append(len(hashes))
        mask = self.n_buckets - 1
        for h in hashes.tolist():
            self._pend_doc[h & mask].append(doc)
            self._pend_hash[h & mask].append(h)
        self._pending += len(hashes)
        if self._pending >= 1_000_000:
            self._flush()

    def _flush(self) -> None:
        for b in range(self.n_buckets):
            if self._pend_doc[b]:
                with open(self.folder / f"bucket-{b:03d}.doc", "ab") as fh:
                    self._pend_doc[b].tofile(fh)
                with open(self.folder / f"bucket-{b:03d}.hash", "ab") as fh:
                    self._pend_hash[b].tofile(fh)
                self._pend_doc[b], self._pend_hash[b] = array("q"), array("q")
        self._pending = 0

    def _buckets(self) -> Iterator[tuple[np.ndarray, np.ndarray]]:
        for b in range(self.n_buckets):
            path = self.folder / f"bucket-{b:03d}.doc"
            if path.exists():
                yield (
                    np.fromfile(path, dtype=np.int64),
                    np.fromfile(self.folder / f"bucket-{b:03d}.hash", dtype=np.int64),
                )

    def finish(self) -> set[int]:
        """Hashes of the lines `repeated_lines` would return (before its paragraph-like-fact filter)."""
        self._flush()
        n = len(self._doc_source)
        self.final = set()
        if n == 0:
            return self.final
        src = np.frombuffer(self._doc_source, dtype=np.int64)
        key = np.frombuffer(self._doc_key, dtype=np.int64)
        n_lines = np.frombuffer(self._doc_lines, dtype=np.int64)
        # distinct documents per source ({frozenset(d) for d in docs}): the first of each (source, line set)
        order = np.lexsort((np.arange(n), key, src))
        first = np.ones(n, dtype=bool)
        first[1:] = (src[order][1:] != src[order][:-1]) | (key[order][1:] != key[order][:-1])
        distinct = np.zeros(n, dtype=bool)
        distinct[order[first]] = True
        # lines in >= min_articles distinct documents are "common"; count them per document
        common_count = np.zeros(n, dtype=np.int64)
        has_common = np.zeros(len(self.sources), dtype=bool)
        for doc, h in self._buckets():
            values, counts = np.unique(h[distinct[doc]], return_counts=True)
            common = values[counts >= self.min_articles]
            if len(common):
                hit = np.isin(h, common)
                common_count += np.bincount(doc[hit], minlength=n)
                has_common[src[doc[hit]]] = True
        # template documents (not syndicated copies); their lines recurring in >= min_articles documents
        with np.errstate(divide="ignore", invalid="ignore"):
            share = common_count / n_lines
        template = (n_lines > 0) & (share <= self.max_share) & has_common[src]
        for doc, h in self._buckets():
            values, counts = np.unique(h[template[doc]], return_counts=True)
            self.final.update(values[counts >= self.min_articles].tolist())
        return self.final

    def lines_for(self, articles: Iterable[Article]) -> dict[str, set[str]]:
        """The repeated lines of these articles' sources that occur in these articles (after `finish`)."""
        return repeated_for(articles, self.final or set())
