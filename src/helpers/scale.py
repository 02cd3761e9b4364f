"""The data stage for corpora larger than memory: streaming chunks locally, or the same chunks on Dask.

`extract_streaming` gives the same tables as `pipeline.run_pipeline`, written as partitioned parquet
(``<out>/<table>/part-00000.parquet`` ...) so that memory does not grow with the corpus. It works in
three passes:

1. **scan** (driver): `load_corpus` once. Quarantined inputs are written as they come; articles are
   spilled in chunks to a staging folder; per source, each article's distinct line hashes go to
   hash-partitioned spill files. The corpus-level boilerplate evidence of `clean.repeated_lines` is then
   computed bucket by bucket from hashes and counts only (`RepeatedLineScan`, exact same rule).
2. **process**: every chunk goes through `pipeline.process_articles` - in this process (``engine="local"``)
   or mapped over a Dask cluster (``engine="dask"``: a `LocalCluster` of ``workers`` single-threaded
   processes, or an existing scheduler). Both engines run the very same function (`process_chunk`), so
   the tables are identical. Workers return parquet bytes and the dedup keys of their chunk (id, date,
   body length, body hash, MinHash signature); the driver writes the parts, with a bounded number of
   chunks in flight.
3. **dedup** (driver): an exact replica of `dedup.find_duplicates` over the keys, with the signatures
   memory-mapped from disk (`DedupIndex`); ``duplicate_of`` is then written into the article parts
   that hold a duplicate.
4. **lifecycles** (driver): `lifecycle.build_lifecycles` over the alliances table read back from its
   parts, as `run_pipeline` does. It holds every alliance row in memory (``lifecycles=False`` skips it).

Output is all or nothing, like `tables.write_tables`: tables are built in a staging folder inside
``out_dir`` (``.evwatch-staging-<pid>-<random>``) and moved into place by `tables.commit_partitioned`,
with ``_manifest.json`` written last. A run killed before that commit leaves an earlier output as it was;
the next run into ``out_dir`` removes staging folders of dead runs (or finishes a commit that was cut
short). Read a table back with `read_partitioned`, or all of them with `read_tables` (sorted exactly like
`run_pipeline`'s tables); `tables.load_tables` reads either layout.

Apart from step 4 and `load_corpus`'s own bookkeeping, the driver keeps per article ~50 bytes of dedup
keys (the 256-byte signatures live on disk) and 24 bytes of line-scan bookkeeping; everything else is
bounded by ``chunk_size`` and the chunks in flight (``2 x workers`` by default).
"""

from __future__ import annotations

import io
import os
import pickle
import shutil
import sys
import time
import uuid
from array import array
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import asdict
from pathlib import Path

import numpy as np
import pandas as pd

from . import config, tables
from .clean import _is_paragraph_like_fact
from .corpus import Article, Quarantined, load_corpus
from .dedup import NUM_PERM, body_hash, minhash
from .pipeline import process_articles, sort_tables
from .text import normalize_text

ENGINES = ("local", "dask")
PART = "part-{:05d}.parquet"
OUTPUT_TABLES = tuple(dict.fromkeys((*tables.TABLES, "duplicates")))
_MIN_LEN, _MAX_LEN = 3, 300  # line lengths `clean.repeated_lines` considers


# --------------------------------------------------------------------------------------------------
# The per-chunk function (runs in this process or on a Dask worker)


def process_chunk(
    articles: list[Article], repeated: dict[str, set[str]] | None
) -> tuple[dict[str, tuple[int, bytes]], dict[str, np.ndarray]]:
    """`process_articles` on one chunk, its tables as parquet bytes, plus the chunk's dedup keys.

    Returns ``({table: (n_rows, parquet bytes)}, keys)``. Serializing on the worker keeps the driver's
    share of the work to writing bytes.
    """
    rows = process_articles(articles, repeated)
    out: dict[str, tuple[int, bytes]] = {}
    for name, part in rows.items():
        if part:
            buf = io.BytesIO()
            tables.conform(pd.DataFrame(part), name).to_parquet(buf, index=False)
            out[name] = (len(part), buf.getvalue())
    return out, dedup_keys(rows["articles"])


def dedup_keys(article_rows: list[dict]) -> dict[str, np.ndarray]:
    """What `dedup.find_duplicates` needs of each article, in compact arrays (no bodies)."""
    n = len(article_rows)
    sig = np.empty((n, NUM_PERM), dtype=np.uint32)
    for i, row in enumerate(article_rows):
        sig[i] = minhash(row["body"]).hashvalues
    return {
        "id": np.array([r["article_id"].encode("utf-8") for r in article_rows], dtype="S"),
        "published": np.array(  # find_duplicates sorts missing dates last (fillna("9999"))
            [
                (p if isinstance(p := r.get("published"), str) else "9999").encode("utf-8")
                for r in article_rows
            ],
            dtype="S",
        ),
        "length": np.array([len(r["body"]) for r in article_rows], dtype=np.int64),
        "hash": np.array([bytes.fromhex(body_hash(r["body"]))[:16] for r in article_rows], dtype="S16"),
        "sig": sig,
    }


# --------------------------------------------------------------------------------------------------
# Pass 1: corpus-level boilerplate evidence from line hashes


class RepeatedLineScan:
    """Streaming, exact equivalent of `clean.repeated_lines` that keeps only hashes and counts.

    `add` every article once; `finish` returns the hashes of the repeated lines; `lines_for` then turns
    them back into the ``{source: {line, ...}}`` mapping `process_articles` expects, restricted to the
    lines of the given articles (all that `clean_article` ever looks up). Line hashes are Python's
    ``hash`` of ``(source number, line)``: stable within this process, which does all three steps.
    Spill files hold 16 bytes per distinct line per article, split into ``n_buckets`` files so that
    `finish` holds one bucket at a time; per article it keeps 24 bytes in memory.
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

    @staticmethod
    def source_key(article: Article) -> str:
        return (article.meta.get("source") or "").strip().lower()

    def add(self, article: Article) -> None:
        source = self.source_key(article)
        if not source:
            return
        sid = self.sources.setdefault(source, len(self.sources))
        hashes = sorted(
            {
                hash((sid, line))
                for line in normalize_text(article.raw).split("\n")
                if _MIN_LEN <= len(line) <= _MAX_LEN
            }
        )
        doc = len(self._doc_source)
        self._doc_source.append(sid)
        self._doc_key.append(hash(tuple(hashes)))  # identifies the article's set of lines
        self._doc_lines.append(len(hashes))
        mask = self.n_buckets - 1
        for h in hashes:
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
        """The repeated lines of these articles' sources that occur in these articles."""
        out: dict[str, set[str]] = {}
        if not self.final:
            return out
        for art in articles:
            source = self.source_key(art)
            sid = self.sources.get(source)
            if sid is None:
                continue
            for line in set(normalize_text(art.raw).split("\n")):
                if (
                    _MIN_LEN <= len(line) <= _MAX_LEN
                    and hash((sid, line)) in self.final
                    and not _is_paragraph_like_fact(line)
                ):
                    out.setdefault(source, set()).add(line)
        return out


# --------------------------------------------------------------------------------------------------
# Pass 3: near-duplicate detection from keys and signatures


class DedupIndex:
    """Exact replica of `dedup.find_duplicates` that holds keys in arrays and signatures on disk.

    find_duplicates walks articles by (published, longest body, id): an exact body-hash copy points to
    the canonical of its hash; otherwise the MinHash LSH index of canonicals inserted so far is queried,
    the most similar candidate at or above the threshold (ties: smallest id) wins, or the article becomes
    a canonical itself. Here the LSH buckets are computed for all first-of-hash articles at once (numpy);
    only articles sharing a bucket with another need the sequential walk.
    """

    def __init__(self, folder: Path):
        self.folder = Path(folder)
        self.folder.mkdir(parents=True, exist_ok=True)
        self.sig_path = self.folder / "signatures.u32"
        self._keys: dict[str, list[np.ndarray]] = {"id": [], "published": [], "length": [], "hash": []}
        self.n = 0

    def add(self, keys: dict[str, np.ndarray]) -> None:
        for name in self._keys:
            self._keys[name].append(keys[name])
        with open(self.sig_path, "ab") as fh:
            fh.write(np.ascontiguousarray(keys["sig"], dtype=np.uint32).tobytes())
        self.n += len(keys["id"])

    def find_duplicates(self, threshold: float = 0.8) -> pd.DataFrame:
        from datasketch import MinHashLSH

        cols = ["article_id", "duplicate_of", "kind", "similarity"]
        if self.n == 0:
            return pd.DataFrame(columns=cols)
        ids, pub, length, hashes = (
            np.concatenate(self._keys[k]) for k in ("id", "published", "length", "hash")
        )
        self._keys = {k: [] for k in self._keys}  # the concatenated arrays replace the pieces
        sigs = np.memmap(self.sig_path, dtype=np.uint32, mode="r", shape=(self.n, NUM_PERM))
        order = np.lexsort((ids, -length, pub))  # the walk order: published, longest body, id
        _, first_at, inverse = np.unique(hashes[order], return_index=True, return_inverse=True)
        firsts = order[np.sort(first_at)]  # first article of each body hash, in walk order
        rank_of_first = np.full(self.n, -1, dtype=np.int64)
        rank_of_first[firsts] = np.arange(len(firsts))
        # LSH buckets (datasketch's bands) of the first-of-hash articles; sorted by file row for locality
        lsh = MinHashLSH(threshold=threshold, num_perm=NUM_PERM)
        band_keys = self._band_keys(lsh.hashranges)[firsts]  # one 64-bit key per article and band
        band_groups: list[np.ndarray] = []
        band_sizes: list[np.ndarray] = []
        involved = np.zeros(len(firsts), dtype=bool)
        for b in range(band_keys.shape[1]):
            _, group, size = np.unique(band_keys[:, b], return_inverse=True, return_counts=True)
            group = group.ravel().astype(np.int32)
            band_groups.append(group)
            band_sizes.append(size)
            involved |= size[group] > 1
        del band_keys
        members: list[dict[int, list[int]]] = [{} for _ in band_groups]  # bucket -> canonicals in it
        near: dict[int, tuple[int, float]] = {}  # rank -> (rank of its canonical, similarity)
        id_str = [None] * len(firsts)

        def ident(rank: int) -> str:
            if id_str[rank] is None:
                id_str[rank] = ids[firsts[rank]].decode("utf-8")
            return id_str[rank]

        for rank in np.flatnonzero(involved).tolist():
            cands: set[int] = set()
            for b, group in enumerate(band_groups):
                g = int(group[rank])
                if band_sizes[b][g] > 1:
                    bucket = members[b].setdefault(g, [])
                    cands.update(bucket)
            best, best_sim = None, 0.0
            if cands:
                mine = np.asarray(sigs[firsts[rank]])
                for cand in cands:
                    sim = float(np.count_nonzero(mine == sigs[firsts[cand]])) / float(NUM_PERM)
                    if sim >= threshold and (
                        sim > best_sim
                        or (sim == best_sim and ident(cand) < (ident(best) if best is not None else "~"))
                    ):
                        best, best_sim = cand, sim
            if best is not None:
                near[rank] = (best, best_sim)
                continue
            for b, group in enumerate(band_groups):  # a new canonical: index it under each of its buckets
                g = int(group[rank])
                if band_sizes[b][g] > 1:
                    members[b][g].append(rank)
        rows: list[dict] = [
            {"article_id": ident(r), "duplicate_of": ident(c), "kind": "near", "similarity": round(s, 3)}
            for r, (c, s) in near.items()
        ]
        # exact copies: every later article of a body hash points to that hash's canonical
        is_first = np.zeros(self.n, dtype=bool)  # by position in walk order
        is_first[first_at] = True
        for pos in np.flatnonzero(~is_first).tolist():
            rank = int(rank_of_first[order[first_at[inverse[pos]]]])
            canonical = near[rank][0] if rank in near else rank
            rows.append(
                {
                    "article_id": ids[order[pos]].decode("utf-8"),
                    "duplicate_of": ident(canonical),
                    "kind": "exact",
                    "similarity": 1.0,
                }
            )
        del sigs
        return pd.DataFrame(rows, columns=cols).sort_values("article_id").reset_index(drop=True)

    def _band_keys(self, ranges: list[tuple[int, int]], block: int = 8192) -> np.ndarray:
        """Each article's LSH band as one 64-bit key (FNV-1a over the band's values), read in blocks.

        Grouping by these keys puts articles in the same bucket exactly when their bands are equal
        (a 64-bit collision among n articles has odds ~n^2/2^65). Reading the signature file block by
        block keeps memory at 8 bytes per article and band, not the whole signature matrix.
        """
        keys = np.empty((self.n, len(ranges)), dtype=np.uint64)
        with open(self.sig_path, "rb") as fh, np.errstate(over="ignore"):
            for row in range(0, self.n, block):
                count = min(block, self.n - row)
                sig = np.fromfile(fh, dtype=np.uint32, count=count * NUM_PERM).reshape(count, NUM_PERM)
                for b, (start, end) in enumerate(ranges):
                    h = np.full(count, 0xCBF29CE484222325, dtype=np.uint64)
                    for col in range(start, end):
                        h = (h ^ sig[:, col].astype(np.uint64)) * np.uint64(0x100000001B3)
                    keys[row : row + count, b] = h
        return keys


# --------------------------------------------------------------------------------------------------
# Engines


def _local_map(fn, items: Iterable[tuple]) -> Iterator[tuple[int, object]]:
    for i, args in enumerate(items):
        yield i, fn(*args)


def _dask_map(client, fn, items: Iterable[tuple], max_in_flight: int) -> Iterator[tuple[int, object]]:
    """Map fn over items on the cluster, at most `max_in_flight` chunks submitted but not yet collected."""
    from distributed import as_completed

    run = uuid.uuid4().hex[:8]
    feed = enumerate(items)
    index: dict[str, int] = {}
    done = as_completed()

    def submit() -> None:
        nxt = next(feed, None)
        if nxt is not None:
            i, args = nxt
            fut = client.submit(fn, *args, key=f"process_chunk-{run}-{i:05d}", pure=False, retries=1)
            index[fut.key] = i
            done.add(fut)

    for _ in range(max_in_flight):
        submit()
    for fut in done:
        i = index.pop(fut.key)
        result = fut.result()
        fut.release()
        submit()  # keep the workers busy while the driver writes this result
        yield i, result


@contextmanager
def dask_client(workers: int = 2, scheduler: str | None = None, client=None):
    """A Dask client: the one given, one connected to `scheduler`, or a fresh LocalCluster of processes."""
    if client is not None:
        yield client
        return
    from distributed import Client, LocalCluster

    if scheduler:
        with Client(scheduler) as own:
            yield own
        return
    with (
        LocalCluster(
            n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None
        ) as cluster,
        Client(cluster) as own,
    ):
        yield own


# --------------------------------------------------------------------------------------------------
# The driver


def extract_streaming(
    inputs: Iterable[str | Path],
    out_dir: str | Path,
    engine: str = "local",
    chunk_size: int = 500,
    workers: int = 2,
    scheduler: str | None = None,
    *,
    client=None,
    max_bytes: int = config.MAX_INPUT_BYTES,
    encoding: str | None = None,
    fields: dict | None = None,
    progress: bool | None = None,
    max_in_flight: int | None = None,
    lifecycles: bool = True,
    timings: dict | None = None,
) -> dict[str, int]:
    """Load, clean, dedup and extract a corpus of any size into ``out_dir/<table>/part-NNNNN.parquet``.

    ``engine="local"`` processes chunk after chunk in this process; ``engine="dask"`` maps the same
    per-chunk function over a Dask cluster: the given `client`, the scheduler at `scheduler`
    (``tcp://host:8786``; workers need this package installed), or a new ``LocalCluster`` of `workers`
    single-threaded processes. Returns row counts per table; `timings`, if given, receives seconds per pass.

    Chunks are spilled to a staging folder inside `out_dir` during the run: it needs free disk space of
    about the corpus size plus the output. The output replaces an earlier one in `out_dir` all or nothing
    (see the module docstring). ``lifecycles=False`` skips `lifecycle.build_lifecycles` (empty
    alliance_lifecycles / alliance_steps): it is the one step that holds every alliance row in memory
    (~0.5 kB per row above the table itself; 1.5M rows: 80 CPU-s, 1.5 GB peak).
    """
    if engine not in ENGINES:
        raise ValueError(f"engine must be one of {ENGINES}, not {engine!r}")
    if chunk_size < 1:
        raise ValueError("chunk_size must be at least 1")
    started = time.perf_counter()
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    tables.remove_stale_temp(out_dir)
    tables.remove_stale_staging(out_dir)
    staging = tables.new_staging(out_dir)
    timings = timings if timings is not None else {}
    try:
        counts = dict.fromkeys(OUTPUT_TABLES, 0)
        spill = staging / "_spill"
        scan = RepeatedLineScan(spill / "lines")
        n_chunks = _scan(inputs, staging, spill, scan, chunk_size, counts, max_bytes, encoding, fields)
        scan.finish()
        timings["scan_s"] = time.perf_counter() - started
        timings["peak_rss_mb_after_scan"] = _peak_rss_mb()  # where the peak is reached

        def chunks() -> Iterator[tuple[list[Article], dict[str, set[str]]]]:
            for i in range(n_chunks):
                path = spill / f"chunk-{i:05d}.pkl"
                with open(path, "rb") as fh:
                    articles = pickle.load(fh)
                path.unlink()
                yield articles, scan.lines_for(articles)

        dedup = DedupIndex(spill / "dedup")
        t0 = time.perf_counter()
        with dask_client(workers, scheduler, client) if engine == "dask" else _nothing() as dask:
            if engine == "dask":
                in_flight = max_in_flight or 2 * (sum(dask.nthreads().values()) or workers)
                results = _dask_map(dask, process_chunk, chunks(), in_flight)
            else:
                results = _local_map(process_chunk, chunks())
            for i, (parts, keys) in _progress(
                results, progress, total=n_chunks, desc="extract", unit="chunk"
            ):
                for name, (n_rows, data) in parts.items():
                    _write_bytes(staging / name / PART.format(i), data)
                    counts[name] = counts.get(name, 0) + n_rows
                dedup.add(keys)
        timings["process_s"] = time.perf_counter() - t0
        timings["peak_rss_mb_after_process"] = _peak_rss_mb()  # where the peak is reached

        t0 = time.perf_counter()
        dups = tables.conform(dedup.find_duplicates(), "duplicates")
        if not dups.empty:
            tables.write_table(dups, staging / "duplicates" / PART.format(0))
            _mark_duplicates(staging / "articles", dups)
        counts["duplicates"] = len(dups)
        timings["dedup_s"] = time.perf_counter() - t0

        t0 = time.perf_counter()
        timings["peak_rss_mb_before_lifecycles"] = _peak_rss_mb()
        for name, df in (_lifecycles(staging) if lifecycles else {}).items():
            if not df.empty:
                tables.write_table(df, staging / name / PART.format(0))
            counts[name] = len(df)
        timings["lifecycles_s"] = time.perf_counter() - t0
        _finalize(staging, out_dir, counts, engine, chunk_size, n_chunks)
    finally:
        if not (staging / tables.JOURNAL).exists():  # once journaled, the next run finishes the commit
            shutil.rmtree(staging, ignore_errors=True)
    timings["total_s"] = time.perf_counter() - started
    return counts


@contextmanager
def _nothing():
    yield None


def _scan(inputs, staging, spill, scan, chunk_size, counts, max_bytes, encoding, fields) -> int:
    """Pass 1: read the corpus once; write quarantine parts, spill article chunks, feed the line scan."""
    spill.mkdir(parents=True, exist_ok=True)
    chunk: list[Article] = []
    quarantine: list[dict] = []
    n_chunks = n_quarantine_parts = 0
    for rec in load_corpus(inputs, max_bytes=max_bytes, encoding=encoding, fields=fields):
        if isinstance(rec, Quarantined):
            quarantine.append(asdict(rec))
            if len(quarantine) >= chunk_size:
                _write_quarantine(staging, quarantine, n_quarantine_parts, counts)
                n_quarantine_parts += 1
                quarantine = []
            continue
        scan.add(rec)
        chunk.append(rec)
        if len(chunk) >= chunk_size:
            _spill_chunk(spill, n_chunks, chunk)
            n_chunks += 1
            chunk = []
    if chunk:
        _spill_chunk(spill, n_chunks, chunk)
        n_chunks += 1
    if quarantine:
        _write_quarantine(staging, quarantine, n_quarantine_parts, counts)
    return n_chunks


def _spill_chunk(spill: Path, i: int, chunk: list[Article]) -> None:
    with open(spill / f"chunk-{i:05d}.pkl", "wb") as fh:
        pickle.dump(chunk, fh, protocol=pickle.HIGHEST_PROTOCOL)


def _write_quarantine(staging: Path, rows: list[dict], part: int, counts: dict[str, int]) -> None:
    tables.write_table(
        tables.conform(pd.DataFrame(rows), "quarantine"), staging / "quarantine" / PART.format(part)
    )
    counts["quarantine"] += len(rows)


def _write_bytes(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)


def _mark_duplicates(articles_dir: Path, dups: pd.DataFrame) -> None:
    """Write `duplicate_of` into the article parts that hold a duplicate (others keep their nulls)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    dup_map = dict(zip(dups["article_id"], dups["duplicate_of"], strict=True))
    for path in _parts(articles_dir):
        article_ids = pq.read_table(path, columns=["article_id"]).column("article_id").to_pylist()
        if not any(a in dup_map for a in article_ids):
            continue
        table = pq.read_table(path)
        col = pa.array([dup_map.get(a) for a in article_ids], type=pa.string())
        table = table.set_column(table.schema.get_field_index("duplicate_of"), "duplicate_of", col)
        tmp = path.with_name(f".{path.name}.tmp")
        pq.write_table(table, tmp)
        os.replace(tmp, path)


def _lifecycles(staging: Path) -> dict[str, pd.DataFrame]:
    """`lifecycle.build_lifecycles` over the whole alliances table, as `run_pipeline` calls it.

    The one corpus-level step that holds a whole table in memory: every alliance row (not the bodies).
    Rows come in part order, which is `run_pipeline`'s order (corpus order).
    """
    from .lifecycle import build_lifecycles

    if not _parts(staging / "alliances"):
        return {}
    articles = read_partitioned(
        staging,
        "articles",
        columns=["article_id", "published", "published_precision", "duplicate_of"],
        sort=False,
    )
    lifecycles, steps = build_lifecycles(read_partitioned(staging, "alliances", sort=False), articles)
    return {"alliance_lifecycles": lifecycles, "alliance_steps": steps}


def _peak_rss_mb() -> float:
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux reports KiB


def _finalize(
    staging: Path, out_dir: Path, counts: dict, engine: str, chunk_size: int, n_chunks: int
) -> None:
    """Move the staged tables into place (replacing an earlier run, all or nothing), with an empty part
    for empty tables."""
    names = list(dict.fromkeys([*OUTPUT_TABLES, *counts]))
    for name in names:
        folder = staging / name
        if not any(folder.glob("part-*.parquet")):
            empty = tables.empty(name) if name in tables.COLUMNS else pd.DataFrame()
            tables.write_table(empty, folder / PART.format(0))
    shutil.rmtree(staging / "_spill", ignore_errors=True)
    manifest = {"layout": "partitioned", "engine": engine, "chunk_size": chunk_size, "chunks": n_chunks}
    manifest["tables"] = names
    manifest["rows"] = {name: counts.get(name, 0) for name in names}
    tables.commit_partitioned(staging, out_dir, manifest)


def _progress(iterable, enabled: bool | None, **kwargs):
    if enabled is None:
        enabled = sys.stderr.isatty() and kwargs.get("total", 0) > 1
    if not enabled:
        return iterable
    from tqdm import tqdm

    return tqdm(iterable, file=sys.stderr, **kwargs)


# --------------------------------------------------------------------------------------------------
# Reading back


def _parts(folder: Path) -> list[Path]:
    return sorted(folder.glob("part-*.parquet"), key=lambda p: int(p.stem.split("-", 1)[1]))


def read_partitioned(
    out_dir: str | Path, table: str, columns: list[str] | None = None, sort: bool = True
) -> pd.DataFrame:
    """One table of a partitioned output as a DataFrame (sorted like `run_pipeline`'s unless sort=False).

    Parts are concatenated with type promotion (a column that is all null in one chunk takes the type
    it has in the others), so dtypes match a table built in one piece.
    """
    import pyarrow as pa
    import pyarrow.parquet as pq

    parts = _parts(Path(out_dir) / table)
    if not parts:
        df = tables.empty(table) if table in tables.COLUMNS else pd.DataFrame()
        return df[columns] if columns else df
    pieces = [pq.read_table(p, columns=columns) for p in parts]
    pieces = [t for t in pieces if t.num_rows] or pieces[:1]
    df = pa.concat_tables(pieces, promote_options="permissive").to_pandas()
    if not len(df) and table in tables.COLUMNS and not columns:
        return tables.empty(table)
    return sort_tables({table: df})[table] if sort else df


def read_tables(out_dir: str | Path) -> dict[str, pd.DataFrame]:
    """Every table of a partitioned output, sorted exactly like `run_pipeline`'s.

    Refuses (`tables.IncompleteOutput`) table folders without their manifest: a killed run's leftovers.
    """
    if not (Path(out_dir) / tables.MANIFEST).exists() and is_partitioned(out_dir):
        raise tables.IncompleteOutput(f"{out_dir}: partitioned tables without {tables.MANIFEST}")
    return {name: read_partitioned(out_dir, name) for name in OUTPUT_TABLES}


def is_partitioned(out_dir: str | Path) -> bool:
    """True when `out_dir` holds `extract_streaming` output (``<table>/part-*.parquet``), complete or not."""
    folder = Path(out_dir)
    return (folder / tables.MANIFEST).exists() or any(_parts(folder / name) for name in OUTPUT_TABLES)
