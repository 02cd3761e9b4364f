"""CPU seconds per stage of the streaming engine on a corpus: where the time goes.

    .venv/bin/python benchmarks/profile_stages.py /tmp/evwatch-bench/corpus-s0-n4000

Wraps each stage function with a `time.process_time` timer (CPU time, so other work on the machine
matters less than for wall-clock numbers), runs `scale.extract_streaming` once into a temporary folder
and prints a Markdown table (stage, CPU s, share). Nested timers are reported separately; "other" is
what no timer covers.
"""

from __future__ import annotations

import argparse
import collections
import shutil
import tempfile
import time
from pathlib import Path

import helpers.corpus_scan as corpus_scan
import helpers.extract as extract
import helpers.pipeline as pipeline
import helpers.scale as scale
from helpers.knowledge import load_knowledge

ACC: collections.Counter[str] = collections.Counter()


def _wrap(owner: object, name: str, label: str) -> None:
    """Time every call of owner.name under label (skipped quietly if the function does not exist)."""
    fn = getattr(owner, name, None)
    if fn is None:
        return

    def timed(*args, **kwargs):
        t = time.process_time()
        try:
            return fn(*args, **kwargs)
        finally:
            ACC[label] += time.process_time() - t

    setattr(owner, name, timed)


def _wrap_generator(owner: object, name: str, label: str) -> None:
    """Time each step of a generator function (the loader yields articles one by one)."""
    fn = getattr(owner, name)

    def timed(*args, **kwargs):
        it = fn(*args, **kwargs)
        while True:
            t = time.process_time()
            try:
                item = next(it)
            except StopIteration:
                ACC[label] += time.process_time() - t
                return
            ACC[label] += time.process_time() - t
            yield item

    setattr(owner, name, timed)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus")
    parser.add_argument("--chunk-size", type=int, default=500)
    args = parser.parse_args()
    load_knowledge()
    _wrap_generator(corpus_scan, "load_input", "pass 1: load_input (read, decode)")
    _wrap(corpus_scan, "article_line_hashes", "pass 1: line hashes")
    _wrap_generator(scale, "load_input", "pass 2: load_input again")
    _wrap(corpus_scan.RepeatedLineScan, "add_hashes", "repeated lines: scan")
    _wrap(corpus_scan.RepeatedLineScan, "finish", "repeated lines: counts")
    _wrap(corpus_scan._SourceLines, "__contains__", "repeated lines: lookups while cleaning")
    _wrap(pipeline, "clean_article", "clean_article")
    _wrap(extract, "sentence_spans", "extract: sentence_spans")
    _wrap(extract, "extract_timeline", "extract: timeline")
    _wrap(extract, "find_mentions", "extract: mentions (gazetteer, people, defined names)")
    _wrap(extract, "extract_figures", "extract: figures")
    _wrap(extract, "extract_alliances", "extract: alliances")
    _wrap(extract, "extract_facts", "_extract_facts")
    _wrap(scale, "dedup_keys", "dedup: MinHash + body hash per article")
    _wrap(scale.DedupIndex, "find_duplicates", "dedup: LSH walk")
    _wrap(scale, "_lifecycles", "lifecycles")
    out = tempfile.mkdtemp(prefix="evwatch-profile-")
    try:
        t = time.process_time()
        counts = scale.extract_streaming([args.corpus], out, chunk_size=args.chunk_size)
        total = time.process_time() - t
    finally:
        shutil.rmtree(out, ignore_errors=True)
    mb = sum(p.stat().st_size for p in Path(args.corpus).rglob("*.txt")) / 1e6
    inner = sum(v for k, v in ACC.items() if k.startswith("extract:"))
    ACC["extract: rows (dicts, evidence strings)"] = ACC.pop("_extract_facts") - inner
    ACC["other (chunk records, parquet, bookkeeping)"] = total - sum(ACC.values())
    print(
        f"corpus {args.corpus}: {mb:.1f} MB, {counts['articles']} articles, {total:.1f} CPU-s, "
        f"{mb / total:.3f} MB/CPU-s, {1000 * total / max(counts['articles'], 1):.2f} ms/article"
    )
    print("| stage | CPU s | share |\n|---|---|---|")
    for label, seconds in sorted(ACC.items(), key=lambda kv: -kv[1]):
        print(f"| {label} | {seconds:.1f} | {100 * seconds / total:.1f} % |")


if __name__ == "__main__":
    main()
