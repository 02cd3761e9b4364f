"""What a few single primitives of the pipeline cost per article, against the 10 MB/s-per-core budget.

    .venv/bin/python benchmarks/floor.py /tmp/evwatch-bench/corpus-s0-n4000 [--articles 500]

Each row is one C-level primitive the pipeline calls on every article (a Unicode normalization pass, the
SHA-1 hashing of the MinHash shingles, the figure patterns' regex scans, the keyword automaton passes,
sentence splitting, building and writing one chunk's parquet tables), timed alone on the same bodies,
best of three runs. Their sum is a floor under any pipeline built from these pieces, before a single
line of binding logic runs. The last lines compare it with the budget of ``--target`` MB/s per core for
the corpus's mean article size.
"""

from __future__ import annotations

import argparse
import io
import time

import pandas as pd

from helpers import tables
from helpers.clean import repeated_lines
from helpers.corpus import Article, load_corpus
from helpers.dedup import signature
from helpers.figures import _PERCENT, _patterns
from helpers.knowledge import load_knowledge, lower_same_length
from helpers.pipeline import process_articles
from helpers.text import normalize_text, sentence_spans


def _best_us(fn, items: list, repeat: int = 3) -> float:
    """Best of `repeat` CPU-time runs of fn over all items, in microseconds per item."""
    best = float("inf")
    for _ in range(repeat):
        t = time.process_time()
        for item in items:
            fn(item)
        best = min(best, time.process_time() - t)
    return 1e6 * best / max(len(items), 1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus")
    parser.add_argument("--articles", type=int, default=500)
    parser.add_argument("--target", type=float, default=10.0, help="MB/s per core")
    args = parser.parse_args()
    kb = load_knowledge()
    articles = [a for a in load_corpus([args.corpus]) if isinstance(a, Article)][: args.articles]
    rows = process_articles(articles, repeated_lines(articles))
    bodies = [r["body"] for r in rows["articles"]]
    raws = [a.raw for a in articles]
    lowered = [lower_same_length(b) for b in bodies]
    pats = _patterns(kb)
    scanners = [kb.keyword_scanner, pats["qualifier_scanner"]]

    def serialize(_: object) -> None:
        for name, part in rows.items():
            buf = io.BytesIO()
            tables.conform(pd.DataFrame(part), name).to_parquet(buf, index=False)

    measured = [
        ("normalize_text (once per raw text; the pipeline needs it twice)", _best_us(normalize_text, raws)),
        ("MinHash signature (SHA-1 per word 5-shingle)", _best_us(signature, bodies)),
        (
            "figure patterns: money, percent, count regex scans",
            _best_us(
                lambda b: (
                    list(pats["money_sym"].finditer(b)),
                    list(pats["money_word"].finditer(b)),
                    list(_PERCENT.finditer(b)),
                    list(pats["count"].finditer(b)),
                ),
                bodies,
            ),
        ),
        (
            "keyword + qualifier automaton passes",
            _best_us(lambda t: [list(s._automaton.iter(t)) for s in scanners], lowered),
        ),
        ("sentence_spans", _best_us(sentence_spans, bodies)),
        (
            "parquet tables of the chunk (pandas + pyarrow), per article",
            _best_us(serialize, [0]) / len(bodies),
        ),
    ]
    mean_bytes = sum(a.n_bytes for a in articles) / len(articles)
    budget = mean_bytes / (args.target * 1e6) * 1e6
    print(f"{len(articles)} articles, mean {mean_bytes:,.0f} bytes; best of 3, CPU µs per article\n")
    print("| primitive | µs/article |\n|---|---|")
    for label, us in measured:
        print(f"| {label} | {us:.0f} |")
    total = sum(us for _, us in measured)
    print(f"| **sum** | **{total:.0f}** |")
    print(
        f"\nbudget at {args.target:g} MB/s per core: {budget:.0f} µs/article; floor / budget = {total / budget:.2f}"
    )


if __name__ == "__main__":
    main()
