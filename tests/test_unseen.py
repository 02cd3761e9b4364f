"""The extractor on hand-annotated articles beside the seeds, in tests/fixtures/<set>/ (gold.json each).

- ``unseen``: 19 articles written for an independent evaluation in session 1; later sessions improved the
  extractor while looking at its errors there, so it is now a development set.
- ``heldout``: 12 articles written by a second annotator in session 4 (2026-12-07) after the session's
  changes to figures and alliances; its first scores were measured before anything was tuned on it, and
  only its cleaning errors (boilerplate kept, story lines cut) were mended since.

The floors are regression guards set just under the measured scores (see the issue's closing notes); the
goal is to raise them, never to lower them to make a change pass.
"""

from __future__ import annotations

import json

import pytest

from helpers import config
from helpers.evaluate import evaluate, norm_text
from helpers.pipeline import run_pipeline

FIXTURES = config.PROJ_ROOT / "tests" / "fixtures"
FLOORS = {
    "unseen": {
        "companies": 0.95,
        "people": 0.95,
        "alliance_pairs": 0.85,
        "alliance_pairs_types": 0.7,
        "figures": 0.72,
        "dates": 0.88,
    },
    "heldout": {
        "companies": 0.9,
        "people": 0.83,
        "alliance_pairs": 0.55,
        "alliance_pairs_types": 0.38,
        "figures": 0.45,
        "dates": 0.87,
    },
}
SETS = sorted(FLOORS)


@pytest.fixture(scope="module", params=SETS)
def annotated(request):
    folder = FIXTURES / request.param
    gold = json.loads((folder / "gold.json").read_text(encoding="utf-8"))["articles"]
    return request.param, run_pipeline([folder]), gold


def test_extraction_scores(annotated):
    name, tables, gold = annotated
    scores = evaluate(tables, gold)["scores"].set_index("field")
    print(name, scores, sep="\n")
    for field, floor in FLOORS[name].items():
        assert scores.loc[field, "f1"] >= floor, f"{name} {field}: {scores.loc[field].to_dict()}"


def test_cleaning(annotated):
    name, tables, gold = annotated
    arts = tables["articles"]
    lost, kept_boiler = [], []
    for g in gold:
        body = norm_text(arts[arts["path"].str.endswith(g["file"])].iloc[0]["body"])
        lost += [sentence for sentence in g["must_keep"] if norm_text(sentence) not in body]
        kept_boiler += [line for line in g["boilerplate"] if norm_text(line) in body]
    assert lost == [], lost  # nothing of the story is ever cut
    assert kept_boiler == [], kept_boiler  # every annotated boilerplate line is removed


def test_metadata(annotated):
    name, tables, gold = annotated
    arts = tables["articles"]
    fields = ["title", "subtitle", "author", "source", "published", "published_precision", "published_basis"]
    right = total = 0
    for g in gold:
        row = arts[arts["path"].str.endswith(g["file"])].iloc[0]
        for field in fields:
            total += 1
            ours = row[field] if isinstance(row[field], str) else None
            expected = norm_text(g[field]) if isinstance(g.get(field), str) else None
            right += (norm_text(ours) if ours else None) == expected
    assert right / total >= 0.97, f"{name}: {right}/{total}"


def test_every_input_is_an_article_or_the_gold_file(annotated):
    name, tables, gold = annotated
    assert len(tables["articles"]) == len(gold)
    assert set(tables["quarantine"]["path"].str.replace(r"#\d+$", "", regex=True)) <= {
        f"tests/fixtures/{name}/gold.json"
    }
