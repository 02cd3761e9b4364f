"""Duplicate detection: MinHash signatures (stable, sound Jaccard estimates) and the duplicate clusters."""

from __future__ import annotations

import os
import random
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest
from datasketch import MinHash

from helpers import config, dedup

VOCAB = [f"w{i}" for i in range(3000)]


def _sentence(rng: random.Random) -> str:
    return " ".join(rng.choice(VOCAB) for _ in range(rng.randint(10, 18))).capitalize() + "."


def _text(seed: int, n: int = 40) -> list[str]:
    rng = random.Random(seed)
    return [_sentence(rng) for _ in range(n)]


def _exact_jaccard(a: str, b: str) -> float:
    x, y = dedup._shingles(a), dedup._shingles(b)
    return len(x & y) / len(x | y)


def test_signature_is_uint32_of_num_perm_and_recomputes_identically():
    body = " ".join(_text(1))
    sig = dedup.minhash(body).hashvalues
    assert sig.dtype == np.uint32 and sig.shape == (dedup.NUM_PERM,)
    assert np.array_equal(sig, dedup.minhash(body).hashvalues)
    assert np.array_equal(sig, dedup.signature(body))


@pytest.mark.parametrize("seed", range(5))
def test_signature_equals_datasketch_over_the_same_shingles(seed):
    """Bit-identical to datasketch's MinHash, so stored signatures and duplicate decisions never drift."""
    body = " ".join(_text(seed)) + " Ünïcödé K\u212a İstanbul ab\udc80cd — 2024-03-15, 40%!"
    reference = MinHash(num_perm=dedup.NUM_PERM)
    reference.update_batch(list(dedup._shingles(body)))
    assert np.array_equal(dedup.minhash(body).hashvalues, reference.hashvalues)


@pytest.mark.parametrize("body", ["", "   ", "Two words", "one two three four", "one two three four five"])
def test_short_and_empty_bodies_match_datasketch(body):
    reference = MinHash(num_perm=dedup.NUM_PERM)
    reference.update_batch(list(dedup._shingles(body)))
    assert np.array_equal(dedup.minhash(body).hashvalues, reference.hashvalues)


def test_signature_is_the_same_in_another_process_with_another_hash_seed():
    """No salted str hash() anywhere: a signature computed elsewhere (stored, or on a Dask worker) matches."""
    body = " ".join(_text(7))
    code = (
        "import sys; from helpers import dedup; "
        "sys.stdout.write(','.join(map(str, dedup.minhash(sys.stdin.read()).hashvalues.tolist())))"
    )
    env = {**os.environ, "PYTHONHASHSEED": "12345", "PYTHONPATH": str(config.PROJ_ROOT / "src")}
    out = subprocess.run(
        [sys.executable, "-c", code], input=body, capture_output=True, text=True, env=env, check=True
    ).stdout
    assert [int(v) for v in out.split(",")] == dedup.minhash(body).hashvalues.tolist()


@pytest.mark.parametrize("seed", range(8))
def test_near_identical_texts_estimate_their_exact_jaccard(seed):
    sentences = _text(seed)
    edited = list(sentences)
    edited[random.Random(seed).randrange(len(edited))] = _sentence(random.Random(1000 + seed))
    a, b = " ".join(sentences), " ".join(edited)
    estimate = dedup.minhash(a).jaccard(dedup.minhash(b))
    assert abs(estimate - _exact_jaccard(a, b)) <= 0.15


@pytest.mark.parametrize("seed", range(5))
def test_unrelated_texts_estimate_about_zero(seed):
    a, b = " ".join(_text(seed)), " ".join(_text(100 + seed))
    assert _exact_jaccard(a, b) < 0.01
    assert dedup.minhash(a).jaccard(dedup.minhash(b)) <= 0.1


def test_body_hash_ignores_case_punctuation_and_spacing():
    assert dedup.body_hash("Honda and  Nissan, signed!") == dedup.body_hash("honda AND nissan signed")
    assert dedup.body_hash("Honda and Nissan signed") != dedup.body_hash("Honda and Nissan cancelled")


def test_find_duplicates_marks_exact_and_near_copies_of_the_earliest_article():
    story = _text(3)
    near = list(story)
    near[5] = _sentence(random.Random(99))
    articles = pd.DataFrame(
        {
            "article_id": ["orig", "copy", "near", "other"],
            "published": ["2024-03-01", "2024-03-02", "2024-03-03", "2024-03-01"],
            "body": [" ".join(story), " ".join(story).upper(), " ".join(near), " ".join(_text(4))],
        }
    )
    dups = dedup.find_duplicates(articles)
    assert dups[["article_id", "duplicate_of", "kind"]].values.tolist() == [
        ["copy", "orig", "exact"],
        ["near", "orig", "near"],
    ]
    assert dups["similarity"].iloc[0] == 1.0 and 0.8 <= dups["similarity"].iloc[1] <= 1.0
