"""The pipeline measured against the hand annotations of the seeds (../shared/gold/seeds.json)."""

from __future__ import annotations

import re

import pandas as pd
import pytest

from helpers import config
from helpers.evaluate import evaluate, norm_text


def _article(tables, file):
    arts = tables["articles"]
    return arts[arts["path"].str.endswith(file)].iloc[0]


def _value(v):
    return None if v is None or (isinstance(v, float) and pd.isna(v)) else v


@pytest.mark.parametrize(
    "field", ["title", "subtitle", "author", "source", "published", "published_precision", "published_basis"]
)
def test_metadata_recovered_as_annotated(seed_tables, gold, field):
    for g in gold:
        art = _article(seed_tables, g["file"])
        assert _value(art[field]) == g.get(field), f"{g['file']}: {field}"


def test_every_boilerplate_line_removed_and_must_keep_kept(seed_tables, gold):
    removed = kept = 0
    for g in gold:
        body = norm_text(_article(seed_tables, g["file"])["body"])
        for line in g["boilerplate"]:
            assert norm_text(line) not in body, f"{g['file']}: boilerplate kept: {line!r}"
            removed += 1
        for sentence in g["must_keep"]:
            assert norm_text(sentence) in body, f"{g['file']}: sentence lost: {sentence!r}"
            kept += 1
    assert removed == 24 and kept == 9


def test_removed_lines_are_audited_with_reasons(seed_tables):
    removed = seed_tables["removed_lines"]
    assert removed["reason"].notna().all() and (removed["text"].str.len() > 0).all()
    assert {
        "reading_time",
        "image_placeholder",
        "related_links",
        "author_bio",
        "comments_widget",
        "breadcrumb",
    } <= set(removed["reason"])


THRESHOLDS = {
    "companies": 0.95,
    "alliance_pairs": 0.9,
    "alliance_pairs_types": 0.8,
    "figures": 0.9,
    "dates": 0.9,
}


def test_extraction_scores_on_the_seeds(seed_tables, gold):
    scores = evaluate(seed_tables, gold)["scores"].set_index("field")
    for field, minimum in THRESHOLDS.items():
        assert scores.loc[field, "f1"] >= minimum, f"{field}: {scores.loc[field].to_dict()}"
    # dates: the share of annotated time expressions found and normalized as annotated
    assert scores.loc["dates", "recall"] >= 0.9


def test_every_fact_carries_provenance(seed_tables):
    arts = seed_tables["articles"].set_index("article_id")
    for name in ("mentions", "figures", "alliances"):
        df = seed_tables[name]
        assert df["article_id"].isin(arts.index).all()
        for row in df.itertuples():
            body = arts.loc[row.article_id, "body"]
            assert 0 <= row.start < row.end <= len(body)
            text = getattr(row, "sentence", None) if name == "mentions" else row.evidence
            assert text and text in body


def test_no_seed_is_special_cased():
    """No file name, article id or sentence of the seeds appears in the code or the reference tables."""
    needles = set()
    for path in sorted(config.SEEDS_DIR.glob("*.txt")):
        needles.add(path.stem)
        needles.update(re.findall(r"[0-9a-f]{16}", path.name))
        text = path.read_text(encoding="utf-8")
        needles.update(s.strip() for s in re.split(r"(?<=[.!?])\s+", text) if len(s.strip()) > 60)
    haystacks = list((config.PROJ_ROOT / "src").rglob("*.py")) + list(config.REFERENCE_DIR.glob("*.csv"))
    for path in haystacks:
        content = path.read_text(encoding="utf-8")
        for needle in needles:
            assert needle not in content, f"{path.name} contains seed text {needle[:40]!r}"
