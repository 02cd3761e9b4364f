"""`evwatch`: the command line (extract, render, bench). A stable contract: tests and users call it."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from . import config


def _cmd_extract(args: argparse.Namespace) -> int:
    from .pipeline import extract_corpus

    if args.encoding:
        import codecs

        try:
            codecs.lookup(args.encoding)
        except LookupError:
            print(
                f"evwatch extract: unknown encoding {args.encoding!r} (try cp1252 or latin-1)",
                file=sys.stderr,
            )
            return 2
    started = time.perf_counter()
    fields = dict(item.split("=", 1) for item in args.field) if args.field else None
    counts = extract_corpus(
        args.corpus,
        Path(args.out),
        csv=args.csv,
        max_bytes=args.max_bytes,
        encoding=args.encoding,
        fields=fields,
        progress=None if not args.quiet else False,
    )
    elapsed = time.perf_counter() - started
    n_dups = counts.get("duplicates", 0)
    print(
        f"extracted {counts.get('articles', 0)} articles ({n_dups} duplicates), "
        f"{counts.get('quarantine', 0)} quarantined, {counts.get('mentions', 0)} mentions, "
        f"{counts.get('figures', 0)} figures, {counts.get('timeline', 0)} time expressions, "
        f"{counts.get('alliances', 0)} alliance events -> {args.out} in {elapsed:.1f}s"
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
    bn.set_defaults(func=_cmd_bench)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Entry point of the `evwatch` console script."""
    args = build_parser().parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
