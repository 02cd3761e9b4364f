"""The extractor on hand-annotated articles beside the seeds, in tests/fixtures/<set>/ (gold.json each).

Four sets, each written by a different annotator pass, never special-cased by the code:

- ``unseen`` (19 articles, session 1): an independent evaluation at first; later sessions improved the
  extractor while looking at its errors, so it is a development set now.
- ``heldout`` (12 articles, session 4): first scored before anything was tuned on it (figures 0.472, pairs
  0.571, pairs+type 0.409); session 4 then mended what its errors showed, so it is a development set too.
- ``final`` (10 articles, session 4): scored once as a held-out set (before: the code at the session's start;
  after: the session's extraction changes); session 4 then mended only its cleaning and metadata errors
  (page furniture, mastheads), never its extraction errors.
- ``fresh`` (10 articles, session 4, ten different kinds of page: wire, trade press, regional paper, press
  release, blog, financial site, aggregator, British paper, translated Korean site, newsletter): scored once
  after everything above (boilerplate lines kept 37 -> 29 of 107, metadata 33 -> 35 of 70 against the
  session's start); session 4 then mended its cleaning and metadata errors (header date lines, cookie and
  ticker lines, newsletter furniture), not its extraction errors.

A later session should write a new set before tuning on any of these again.

The floors are regression guards set just under the measured scores (`tools/score_sets.py` prints them); the
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
        "alliance_pairs": 0.87,
        "alliance_pairs_types": 0.74,
        "figures": 0.74,
        "dates": 0.89,
    },
    "heldout": {
        "companies": 0.92,
        "people": 0.97,
        "alliance_pairs": 0.78,
        "alliance_pairs_types": 0.62,
        "figures": 0.58,
        "dates": 0.9,
    },
    "fresh": {
        "companies": 0.92,
        "people": 0.78,
        "alliance_pairs": 0.56,
        "alliance_pairs_types": 0.36,
        "figures": 0.49,
        "dates": 0.85,
    },
    "final": {
        "companies": 0.95,
        "people": 0.83,
        "alliance_pairs": 0.68,
        "alliance_pairs_types": 0.44,
        "figures": 0.65,
        "dates": 0.84,
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
        raw_body = arts[arts["path"].str.endswith(g["file"])].iloc[0]["body"]
        body, body_lines = norm_text(raw_body), {norm_text(line) for line in raw_body.split("\n")}
        lost += [sentence for sentence in g["must_keep"] if norm_text(sentence) not in body]
        # a furniture line is kept when it is still a line of the body ("Autos Asia Wire" may stay in a dateline)
        kept_boiler += [line for line in g["boilerplate"] if norm_text(line) in body_lines]
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
