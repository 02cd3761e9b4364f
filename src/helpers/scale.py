"""The data stage for corpora larger than memory: streaming chunks locally, or the same chunks on Dask.

`extract_streaming` gives the same tables as `pipeline.run_pipeline`, written as partitioned parquet
(``<out>/<table>/part-00000.parquet`` ...) so that memory does not grow with the corpus. It works in
four passes:

1. **scan**: the driver walks the inputs (`corpus.walk_inputs`: listing folders and reading sidecars,
   no article) and maps `corpus_scan.scan_inputs` over batches of ``chunk_size`` inputs: workers read
   and decode them and return, per article, its content id and the hashes of its distinct lines (no
   text). The driver, in corpus order, writes the quarantine parts, gives byte-identical copies their
   own ids (`corpus.SeenIds`, as `load_corpus` does), counts the line hashes per source on disk
   (`corpus_scan.RepeatedLineScan`, the exact rule of `clean.repeated_lines`) and cuts the articles into
   work units of ``chunk_size`` articles (slices of inputs, spilled to disk).
2. **process**: every unit goes through `process_unit` - in this process (``engine="local"``) or mapped
   over a Dask cluster (``engine="dask"``: a `LocalCluster` of ``workers`` single-threaded processes, or
   an existing scheduler). The worker reads the unit's inputs again, gives the articles their ids and runs
   `pipeline.process_articles` with the repeated-line hash set (broadcast once). Both engines run the
   very same functions, so the tables are identical. Workers return parquet bytes and the dedup keys of
   their unit (id, date, body length, body hash, MinHash signature); the driver writes the parts, with a
   bounded number of units in flight. An article that changed between the passes is left out with a
   quarantine row (``changed_during_run``). Workers therefore read the corpus themselves: on a cluster of
   several machines its paths must be visible to every worker (a shared file system), as for
   ``dask.dataframe.read_parquet``; no article text travels through the driver.
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

Apart from step 4 and the walk's own bookkeeping (`corpus.walk_inputs`, `corpus.SeenIds`), the driver
keeps per article ~50 bytes of dedup keys (the 256-byte signatures live on disk) and 24 bytes of
line-scan bookkeeping; everything else is bounded by ``chunk_size`` and the batches in flight
(``2 x workers`` by default).
"""

from __future__ import annotations

import io
import os
import pickle
import shutil
import sys
import time
import uuid
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import asdict
from pathlib import Path

import numpy as np
import pandas as pd

from . import config, tables
from .corpus import Article, Quarantined, SeenIds, check_encoding, field_map_for, load_input, walk_inputs
from .corpus_scan import LoadOptions, RepeatedHashes, RepeatedLineScan, scan_inputs
from .dedup_index import DedupIndex, dedup_keys
from .pipeline import process_articles, sort_tables
from .rss import peak_rss_mb

ENGINES = ("local", "dask")
PART = "part-{:05d}.parquet"
OUTPUT_TABLES = tuple(dict.fromkeys((*tables.TABLES, "duplicates")))


# --------------------------------------------------------------------------------------------------
# The per-chunk function (runs in this process or on a Dask worker)


def process_chunk(
    articles: list[Article], repeated: dict[str, set[str]] | RepeatedHashes | None
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
            fut = client.submit(fn, *args, key=f"{fn.__name__}-{run}-{i:05d}", pure=False, retries=1)
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
    check_encoding(encoding)
    options = LoadOptions(max_bytes, field_map_for(fields), encoding)
    started, cpu0 = time.perf_counter(), time.process_time()
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
        dedup = DedupIndex(spill / "dedup")
        with dask_client(workers, scheduler, client) if engine == "dask" else _nothing() as dask:
            if engine == "dask":
                in_flight = max_in_flight or 2 * (sum(dask.nthreads().values()) or workers)

                def mapper(fn, items):
                    return _dask_map(dask, fn, items, in_flight)
            else:
                mapper = _local_map
            n_chunks = _scan(inputs, staging, spill, scan, chunk_size, counts, options, mapper)
            final = frozenset(scan.finish())
            timings["scan_s"] = time.perf_counter() - started
            timings["scan_driver_cpu_s"] = time.process_time() - cpu0  # with Dask: the driver's share only
            timings["peak_rss_mb_after_scan"] = peak_rss_mb()  # where the peak is reached

            t0, cpu1 = time.perf_counter(), time.process_time()
            final_ref = dask.scatter([final], broadcast=True)[0] if engine == "dask" else final

            def units() -> Iterator[tuple]:
                for i in range(n_chunks):
                    path = spill / f"unit-{i:05d}.pkl"
                    with open(path, "rb") as fh:
                        slices, ids = pickle.load(fh)
                    path.unlink()
                    yield slices, ids, final_ref, options

            changed: list[dict] = []
            for i, (parts, keys, gone) in _progress(
                mapper(process_unit, units()), progress, total=n_chunks, desc="extract", unit="chunk"
            ):
                for name, (n_rows, data) in parts.items():
                    _write_bytes(staging / name / PART.format(i), data)
                    counts[name] = counts.get(name, 0) + n_rows
                dedup.add(keys)
                changed.extend(gone)
            if changed:  # inputs rewritten between the passes: accounted for in the quarantine table
                _write_quarantine(staging, changed, len(_parts(staging / "quarantine")), counts)
        timings["process_s"] = time.perf_counter() - t0
        timings["process_driver_cpu_s"] = time.process_time() - cpu1
        timings["peak_rss_mb_after_process"] = peak_rss_mb()  # where the peak is reached

        t0 = time.perf_counter()
        dups = tables.conform(dedup.find_duplicates(), "duplicates")
        if not dups.empty:
            tables.write_table(dups, staging / "duplicates" / PART.format(0))
            _mark_duplicates(staging / "articles", dups)
        counts["duplicates"] = len(dups)
        timings["dedup_s"] = time.perf_counter() - t0

        t0 = time.perf_counter()
        timings["peak_rss_mb_before_lifecycles"] = peak_rss_mb()
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


def _scan(inputs, staging, spill, scan, chunk_size, counts, options, mapper) -> int:
    """Pass 1: the workers read the inputs (`corpus_scan.scan_inputs`, batches of `chunk_size` inputs);
    the driver, in corpus order, writes quarantine parts, settles ids of byte-identical copies, feeds the
    line scan and cuts the articles into pass-2 work units of `chunk_size` articles (spilled to disk)."""
    spill.mkdir(parents=True, exist_ok=True)
    batches = ((batch, options) for batch in _batched(walk_inputs(inputs), chunk_size))
    seen_ids = SeenIds()
    unit = _Unit()
    quarantine: list[dict] = []
    n_units = n_quarantine_parts = 0
    for _, scanned in _in_order(mapper(scan_inputs, batches)):
        for entry, records in scanned:
            if records is None:  # the walk's own record (missing path, link loop, bad sidecar ...)
                records = [entry]
            k = 0  # articles of this input so far
            for rec in records:
                if isinstance(rec, Quarantined):
                    quarantine.append(asdict(rec))
                    if len(quarantine) >= chunk_size:
                        _write_quarantine(staging, quarantine, n_quarantine_parts, counts)
                        n_quarantine_parts += 1
                        quarantine = []
                    continue
                final_id = seen_ids.final_id(rec.article_id, lambda rec=rec: rec.renamed_id)
                scan.add_hashes(rec.source, rec.hashes)
                unit.add(entry, k, (rec.article_id, final_id))
                k += 1
                if len(unit.ids) >= chunk_size:
                    unit.spill(spill / f"unit-{n_units:05d}.pkl")
                    n_units += 1
    if unit.ids:
        unit.spill(spill / f"unit-{n_units:05d}.pkl")
        n_units += 1
    if quarantine:
        _write_quarantine(staging, quarantine, n_quarantine_parts, counts)
    return n_units


class _Unit:
    """Pass-2 work being assembled: article slices ``[entry, start, stop]`` of inputs, and their ids."""

    def __init__(self) -> None:
        self.slices: list[list] = []
        self.ids: list[tuple[str, str]] = []

    def add(self, entry: tuple, k: int, ids: tuple[str, str]) -> None:
        last = self.slices[-1] if self.slices else None
        if last is not None and last[0] is entry and last[2] == k:
            last[2] = k + 1
        else:
            self.slices.append([entry, k, k + 1])
        self.ids.append(ids)

    def spill(self, path: Path) -> None:
        with open(path, "wb") as fh:
            pickle.dump(([tuple(s) for s in self.slices], self.ids), fh, protocol=pickle.HIGHEST_PROTOCOL)
        self.slices, self.ids = [], []


def process_unit(
    slices: list[tuple[tuple, int, int]], ids: list[tuple[str, str]], final: frozenset[int], options
) -> tuple[dict[str, tuple[int, bytes]], dict[str, np.ndarray], list[dict]]:
    """Pass-2 work (on a worker): read the unit's articles again, give them their ids, clean and extract.

    Returns `process_chunk`'s parts and keys plus quarantine rows (reason ``changed_during_run``) for
    articles that are no longer what pass 1 read (a file rewritten or truncated in between): they are
    left out of this run and said so, and the run goes on. An export that gained records keeps the ones
    pass 1 counted; the new ones come with the next run. An export that spans several units is read
    again by each of them (bounded by the input size limit).
    """
    articles: list[Article] = []
    changed: list[dict] = []
    k = 0
    for (item, side), start, stop in slices:
        mine, k = ids[k : k + stop - start], k + stop - start
        loaded = [r for r in load_input(item, side, **options._asdict()) if isinstance(r, Article)]
        loaded = loaded[start:stop]
        for j, (content, final_id) in enumerate(mine):
            art = loaded[j] if j < len(loaded) else None
            if art is None or art.article_id != content:
                what = "is gone" if art is None else "has other content"
                changed.append(
                    {
                        "path": art.path if art is not None else item.shown,
                        "reason": "changed_during_run",
                        "detail": f"the article {what} since the first reading pass (the input changed "
                        "during the run); it is left out of this run: run again",
                    }
                )
                continue
            art.article_id = final_id
            articles.append(art)
    parts, keys = process_chunk(articles, RepeatedHashes(final))
    return parts, keys, changed


def _batched(items: Iterable, size: int) -> Iterator[list]:
    batch: list = []
    for item in items:
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def _in_order(results: Iterable[tuple[int, object]]) -> Iterator[tuple[int, object]]:
    """Results of a map in submission order (`_dask_map` yields them as they complete)."""
    pending: dict[int, object] = {}
    nxt = 0
    for i, result in results:
        pending[i] = result
        while nxt in pending:
            yield nxt, pending.pop(nxt)
            nxt += 1


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
