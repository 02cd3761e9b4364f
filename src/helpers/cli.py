"""`evwatch`: the command line (extract, render, bench). A stable contract: tests and users call it."""

from __future__ import annotations

import argparse
import sys
import time
from contextlib import ExitStack
from pathlib import Path

from . import config

ENGINES = ("memory", "local", "dask", "auto")
# `--engine auto` streams (engine `local`, partitioned output) once the corpus is larger than this: below
# it the in-memory engine is faster and its tables fit comfortably in memory (~10-20x the input size).
AUTO_STREAMING_BYTES = 256 * 1024 * 1024


def _fail(message: str, code: int = 2) -> int:
    print(f"evwatch extract: {message}", file=sys.stderr)
    return code


def input_bytes(corpus: list[str], limit: int | None = None) -> int:
    """Total size of the corpus files (stops once past `limit`: `auto` only needs to know which side it is on)."""
    from .corpus_walk import iter_input_files

    total = 0
    for item in iter_input_files(corpus):
        if isinstance(item, Path):
            try:
                total += item.stat().st_size
            except OSError:
                continue
            if limit is not None and total > limit:
                break
    return total


def choose_engine(engine: str, corpus: list[str], csv: bool) -> str:
    """Resolve ``auto``: the streaming ``local`` engine past `AUTO_STREAMING_BYTES`, else ``memory``.

    ``--csv`` keeps ``auto`` on ``memory`` (CSV export is in-memory only), as before the engines existed.
    """
    if engine != "auto":
        return engine
    if csv:
        return "memory"
    big = input_bytes(corpus, limit=AUTO_STREAMING_BYTES) > AUTO_STREAMING_BYTES
    return "local" if big else "memory"


def _check_extract_args(args: argparse.Namespace) -> str | None:
    """Why these extract arguments cannot run (checked before any work), or None."""
    if args.encoding:
        import codecs

        try:
            codecs.lookup(args.encoding)
        except LookupError:
            return f"unknown encoding {args.encoding!r} (try cp1252 or latin-1)"
    if args.chunk_size < 1:
        return f"--chunk-size must be at least 1, not {args.chunk_size}"
    if args.workers is not None and args.workers < 1:
        return f"--workers must be at least 1, not {args.workers}"
    if args.engine != "dask":
        for flag, value in (("--workers", args.workers), ("--scheduler", args.scheduler)):
            if value is not None:
                return f"{flag} applies to --engine dask only (engine: {args.engine})"
    if args.workers is not None and args.scheduler:
        return "--workers sizes a new LocalCluster; it does not apply with --scheduler"
    if args.csv and args.engine in ("local", "dask"):
        return (
            f"--csv is not available with --engine {args.engine} (its partitioned tables can be large); "
            "use --engine memory for CSV files, or read the parquet parts"
        )
    if args.engine == "dask":
        try:
            import distributed  # noqa: F401
        except ImportError:
            return "--engine dask needs the 'distributed' package (pip install 'dask[distributed]')"
    return None


def _cmd_extract(args: argparse.Namespace) -> int:
    problem = _check_extract_args(args)
    if problem:
        return _fail(problem)
    started = time.perf_counter()
    engine = choose_engine(args.engine, args.corpus, args.csv)
    options = dict(
        max_bytes=args.max_bytes,
        encoding=args.encoding,
        fields=dict(item.split("=", 1) for item in args.field) if args.field else None,
        progress=None if not args.quiet else False,
    )
    if engine == "memory":
        from .pipeline import extract_corpus

        counts = extract_corpus(
            args.corpus, Path(args.out), csv=args.csv, chunk_size=args.chunk_size, **options
        )
    elif engine == "local":
        from .scale import extract_streaming

        counts = extract_streaming(args.corpus, args.out, "local", args.chunk_size, **options)
    else:
        from .scale import dask_client, extract_streaming

        with ExitStack() as stack:
            try:  # connect (or start the LocalCluster) before reading the corpus: fail fast
                client = stack.enter_context(dask_client(args.workers or 2, args.scheduler))
            except (OSError, ValueError) as exc:
                where = f"reach the Dask scheduler at {args.scheduler}" if args.scheduler else "start Dask"
                return _fail(f"cannot {where}: {exc}", code=1)
            counts = extract_streaming(
                args.corpus, args.out, "dask", args.chunk_size, client=client, **options
            )
    elapsed = time.perf_counter() - started
    n_dups = counts.get("duplicates", 0)
    print(
        f"extracted {counts.get('articles', 0)} articles ({n_dups} duplicates), "
        f"{counts.get('quarantine', 0)} quarantined, {counts.get('mentions', 0)} mentions, "
        f"{counts.get('figures', 0)} figures, {counts.get('timeline', 0)} time expressions, "
        f"{counts.get('alliances', 0)} alliance events -> {args.out} in {elapsed:.1f}s ({engine} engine)"
    )
    return 0


def _cmd_render(args: argparse.Namespace) -> int:
    from .render import RenderError, render_reports

    try:
        path = render_reports(
            date=args.date,
            corpus=args.corpus,
            focus=args.focus,
            since=args.since,
            until=args.until,
            out=Path(args.out) if args.out else None,
            force=args.force,
            jobs=args.jobs,
        )
    except RenderError as exc:
        print(f"evwatch render: {exc}", file=sys.stderr)
        return 2
    print(f"report written to {path}")
    return 0


def _cmd_bench(args: argparse.Namespace) -> int:
    from .bench import run_bench

    return run_bench(args)


def build_parser() -> argparse.ArgumentParser:
    """The argument parser (exposed so tests and docs can inspect the contract)."""
    parser = argparse.ArgumentParser(
        prog="evwatch", description="Follow automakers' EV alliances through the news."
    )
    sub = parser.add_subparsers(dest="command", required=True)

    ex = sub.add_parser("extract", help="load, clean, dedup and extract a corpus into parquet tables")
    ex.add_argument(
        "corpus", nargs="+", help="files, folders or glob patterns (txt, md, html, json, jsonl, csv)"
    )
    ex.add_argument("--out", required=True, help="output folder for the tables")
    ex.add_argument("--csv", action="store_true", help="also write spreadsheet-safe CSV files")
    ex.add_argument("--max-bytes", type=int, default=config.MAX_INPUT_BYTES, help="quarantine larger inputs")
    ex.add_argument("--encoding", default=None, help="fallback encoding for non-UTF-8 text (e.g. cp1252)")
    ex.add_argument(
        "--field", action="append", metavar="NAME=COLUMN", help="map an export column, e.g. text=content"
    )
    ex.add_argument("--quiet", action="store_true", help="no progress bar")
    ex.add_argument(
        "--engine",
        choices=ENGINES,
        default="auto",
        help="memory: all in memory, one <table>.parquet each; local / dask: streaming, partitioned "
        "<table>/part-NNNNN.parquet (dask maps the chunks over a cluster); auto (default): memory, or local "
        f"for inputs over {AUTO_STREAMING_BYTES // 2**20} MB",
    )
    ex.add_argument("--chunk-size", type=int, default=500, help="articles per chunk (default 500)")
    ex.add_argument("--workers", type=int, default=None, help="--engine dask: LocalCluster processes (2)")
    ex.add_argument(
        "--scheduler", default=None, help="--engine dask: an existing scheduler, e.g. tcp://host:8786"
    )
    ex.set_defaults(func=_cmd_extract)

    rd = sub.add_parser("render", help="render the dated report (all notebooks) into reports/<date>/")
    rd.add_argument("--date", default=None, help="report date YYYY-MM-DD (default: today)")
    rd.add_argument("--corpus", nargs="+", default=None, help="corpus paths (default: seeds/)")
    rd.add_argument("--focus", default=None, help="company to focus the analysis on, e.g. Honda")
    rd.add_argument("--since", default=None, help="only events on or after YYYY-MM-DD")
    rd.add_argument("--until", default=None, help="only events on or before YYYY-MM-DD")
    rd.add_argument("--out", default=None, help="reports folder (default: reports/)")
    rd.add_argument("--force", action="store_true", help="replace an existing report for that date")
    rd.add_argument("--jobs", type=int, default=2, help="notebooks to execute in parallel")
    rd.set_defaults(func=_cmd_render)

    bn = sub.add_parser("bench", help="measure throughput and memory on a synthetic corpus")
    bn.add_argument("--articles", type=int, default=2000)
    bn.add_argument("--engine", choices=("local", "dask"), default="local")
    bn.add_argument("--workers", type=int, default=2)
    bn.add_argument("--scheduler", default=None, help="address of an existing Dask scheduler")
    bn.add_argument("--baseline", action=argparse.BooleanOptionalAction, default=True, help="also time spaCy")
    bn.add_argument(
        "--lifecycles",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="include the alliance lifecycle step (it holds every alliance row in memory)",
    )
    bn.set_defaults(func=_cmd_bench)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Entry point of the `evwatch` console script."""
    args = build_parser().parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
