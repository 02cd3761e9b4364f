"""Exact and near-duplicate detection: syndicated copies become one cluster with one canonical article.

Exact duplicates share the hash of their normalized body. Near-duplicates (the same wire story
with another intro or footer) are found with MinHash over word 5-shingles and an LSH index
(datasketch), then confirmed with the estimated Jaccard similarity.
"""

from __future__ import annotations

import hashlib
import re

import pandas as pd
from datasketch import MinHash, MinHashLSH

NUM_PERM = 64
SHINGLE = 5
_WORD = re.compile(r"[a-z0-9]+")


def _shingles(body: str) -> set[bytes]:
    words = _WORD.findall(body.lower())
    if len(words) < SHINGLE:
        return {" ".join(words).encode()} if words else set()
    return {" ".join(words[i : i + SHINGLE]).encode() for i in range(len(words) - SHINGLE + 1)}


def body_hash(body: str) -> str:
    """Hash of the body with case, punctuation and spacing removed: equal for exact copies."""
    return hashlib.sha256(" ".join(_WORD.findall(body.lower())).encode()).hexdigest()


_TEMPLATE = MinHash(num_perm=NUM_PERM)  # permutations are costly to draw (0.15 ms): draw them once


def minhash(body: str) -> MinHash:
    """MinHash signature of a body (deterministic: datasketch's default seed)."""
    mh = MinHash(num_perm=NUM_PERM, permutations=_TEMPLATE.permutations, scheme=_TEMPLATE.scheme)
    mh.update_batch(list(_shingles(body)))
    return mh


def find_duplicates(articles: pd.DataFrame, threshold: float = 0.8) -> pd.DataFrame:
    """Cluster duplicate articles; return rows (article_id, duplicate_of, kind, similarity) for non-canonicals.

    The canonical article of a cluster is the earliest published one, then the longest body, then the
    smallest id, so the choice is stable from run to run.
    """
    cols = ["article_id", "duplicate_of", "kind", "similarity"]
    if articles.empty:
        return pd.DataFrame(columns=cols)
    order = articles.assign(
        _pub=articles["published"].fillna("9999"), _len=-articles["body"].str.len()
    ).sort_values(["_pub", "_len", "article_id"])
    rows: list[dict] = []
    canonical_of_hash: dict[str, str] = {}
    lsh = MinHashLSH(threshold=threshold, num_perm=NUM_PERM)
    signatures: dict[str, MinHash] = {}
    for art_id, body in zip(order["article_id"], order["body"], strict=True):
        h = body_hash(body)
        if h in canonical_of_hash:
            rows.append(
                {
                    "article_id": art_id,
                    "duplicate_of": canonical_of_hash[h],
                    "kind": "exact",
                    "similarity": 1.0,
                }
            )
            continue
        canonical_of_hash[h] = art_id
        mh = minhash(body)
        best, best_sim = None, 0.0
        for cand in lsh.query(mh):
            sim = mh.jaccard(signatures[cand])
            if sim >= threshold and (sim > best_sim or (sim == best_sim and cand < (best or "~"))):
                best, best_sim = cand, sim
        if best is not None:
            rows.append(
                {"article_id": art_id, "duplicate_of": best, "kind": "near", "similarity": round(best_sim, 3)}
            )
            canonical_of_hash[h] = best
            continue
        lsh.insert(art_id, mh)
        signatures[art_id] = mh
    return pd.DataFrame(rows, columns=cols).sort_values("article_id").reset_index(drop=True)
