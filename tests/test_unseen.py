"""The extractor on articles it was not developed on: 19 hand-annotated articles in tests/fixtures/unseen.

The floors are regression guards set just under the measured scores (see the issue's closing note);
the goal is to raise them, never to lower them to make a change pass.
"""

from __future__ import annotations

import json

import pytest

from helpers import config
from helpers.evaluate import evaluate, norm_text
from helpers.pipeline import run_pipeline

UNSEEN = config.PROJ_ROOT / "tests" / "fixtures" / "unseen"
FLOORS = {
    "companies": 0.93,
    "people": 0.85,
    "alliance_pairs": 0.85,
    "alliance_pairs_types": 0.7,
    "figures": 0.7,
    "dates": 0.85,
}


@pytest.fixture(scope="module")
def unseen():
    gold = json.loads((UNSEEN / "gold.json").read_text(encoding="utf-8"))["articles"]
    return run_pipeline([UNSEEN]), gold


def test_extraction_scores_on_unseen_articles(unseen):
    tables, gold = unseen
    scores = evaluate(tables, gold)["scores"].set_index("field")
    print(scores)
    for field, floor in FLOORS.items():
        assert scores.loc[field, "f1"] >= floor, f"{field}: {scores.loc[field].to_dict()}"


def test_cleaning_on_unseen_articles(unseen):
    tables, gold = unseen
    arts = tables["articles"]
    lost, kept_boiler, total_keep, total_boiler = [], [], 0, 0
    for g in gold:
        body = norm_text(arts[arts["path"].str.endswith(g["file"])].iloc[0]["body"])
        for sentence in g["must_keep"]:
            total_keep += 1
            if norm_text(sentence) not in body:
                lost.append(sentence)
        for line in g["boilerplate"]:
            total_boiler += 1
            if norm_text(line) in body:
                kept_boiler.append(line)
    assert lost == [], lost  # nothing of the story is ever cut
    assert kept_boiler == [], kept_boiler  # 106 annotated boilerplate lines, all removed


def test_metadata_on_unseen_articles(unseen):
    tables, gold = unseen
    arts = tables["articles"]
    fields = ["title", "subtitle", "author", "source", "published", "published_precision", "published_basis"]
    right = total = 0
    for g in gold:
        row = arts[arts["path"].str.endswith(g["file"])].iloc[0]
        for field in fields:
            total += 1
            ours = row[field] if isinstance(row[field], str) else None
            expected = norm_text(g[field]).replace("\u2014", "-") if isinstance(g.get(field), str) else None
            right += (norm_text(ours) if ours else None) == expected
    assert right / total >= 0.97, f"{right}/{total}"
