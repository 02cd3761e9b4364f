"""Extraction scores (F1, precision, recall) on every hand-annotated set, as a Markdown table.

    .venv/bin/python tools/score_sets.py                 # seeds + tests/fixtures/*/gold.json
    .venv/bin/python tools/score_sets.py --errors final  # also list one set's misses and false alarms

The seeds' gold file lives beside the repository (../shared/gold/seeds.json); the other sets are folders of
articles with their gold.json in tests/fixtures/. The numbers are the ones tests/test_unseen.py guards.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import pandas as pd

from helpers import config
from helpers.evaluate import FIELDS, evaluate, load_gold
from helpers.pipeline import run_pipeline


def annotated_sets() -> dict[str, tuple[Path, Path]]:
    """Set name -> (corpus folder, gold file), the seeds first when their gold file is beside the repo."""
    sets = {}
    seeds_gold = config.PROJ_ROOT.parent / "shared" / "gold" / "seeds.json"
    if seeds_gold.exists():
        sets["seeds"] = (config.SEEDS_DIR, seeds_gold)
    for gold in sorted((config.PROJ_ROOT / "tests" / "fixtures").glob("*/gold.json")):
        sets[gold.parent.name] = (gold.parent, gold)
    return sets


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--errors", metavar="SET", help="also print the misses and false alarms of this set")
    args = parser.parse_args()
    rows = []
    for name, (folder, gold_path) in annotated_sets().items():
        gold = load_gold(gold_path)
        result = evaluate(run_pipeline([folder], progress=False), gold)
        scores = result["scores"].set_index("field")
        rows.append({"set": f"{name} ({len(gold)})", **{f: scores.loc[f, "f1"] for f in FIELDS}})
        if name == args.errors:
            with pd.option_context(
                "display.max_rows", None, "display.width", 200, "display.max_colwidth", 90
            ):
                print(scores, result["errors"], sep="\n\n", end="\n\n")
    table = pd.DataFrame(rows)
    print("| " + " | ".join(table.columns) + " |")
    print("|" + "---|" * len(table.columns))
    for row in table.itertuples(index=False):
        print("| " + " | ".join(f"{v:.3f}" if isinstance(v, float) else str(v) for v in row) + " |")


if __name__ == "__main__":
    main()
