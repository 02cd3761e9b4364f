"""Near-duplicate detection for the streaming engine: compact keys per article, signatures on disk.

Pass 3 of `scale.extract_streaming`. Workers compute `dedup_keys` for their chunk (no bodies leave them);
the driver collects them in a `DedupIndex` and replays `dedup.find_duplicates` exactly, in bounded
memory: ~50 bytes of keys per article in arrays, the 256-byte MinHash signatures memory-mapped from disk.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from .dedup import NUM_PERM, signature_and_hash


def dedup_keys(article_rows: list[dict]) -> dict[str, np.ndarray]:
    """What `dedup.find_duplicates` needs of each article, in compact arrays (no bodies)."""
    n = len(article_rows)
    sig = np.empty((n, NUM_PERM), dtype=np.uint32)
    hashes = []
    for i, row in enumerate(article_rows):
        sig[i], digest = signature_and_hash(row["body"])  # the MinHash values, without a MinHash object
        hashes.append(bytes.fromhex(digest)[:16])
    return {
        "id": np.array([r["article_id"].encode("utf-8") for r in article_rows], dtype="S"),
        "published": np.array(  # find_duplicates sorts missing dates last (fillna("9999"))
            [
                (p if isinstance(p := r.get("published"), str) else "9999").encode("utf-8")
                for r in article_rows
            ],
            dtype="S",
        ),
        "length": np.array([len(r["body"]) for r in article_rows], dtype=np.int64),
        "hash": np.array(hashes, dtype="S16"),
        "sig": sig,
    }


class DedupIndex:
    """Exact replica of `dedup.find_duplicates` that holds keys in arrays and signatures on disk.

    find_duplicates walks articles by (published, longest body, id): an exact body-hash copy points to
    the canonical of its hash; otherwise the MinHash LSH index of canonicals inserted so far is queried,
    the most similar candidate at or above the threshold (ties: smallest id) wins, or the article becomes
    a canonical itself. Here the LSH buckets are computed for all first-of-hash articles at once (numpy);
    only articles sharing a bucket with another need the sequential walk.
    """

    def __init__(self, folder: Path):
        self.folder = Path(folder)
        self.folder.mkdir(parents=True, exist_ok=True)
        self.sig_path = self.folder / "signatures.u32"
        self._keys: dict[str, list[np.ndarray]] = {"id": [], "published": [], "length": [], "hash": []}
        self.n = 0

    def add(self, keys: dict[str, np.ndarray]) -> None:
        for name in self._keys:
            self._keys[name].append(keys[name])
        with open(self.sig_path, "ab") as fh:
            fh.write(np.ascontiguousarray(keys["sig"], dtype=np.uint32).tobytes())
        self.n += len(keys["id"])

    def find_duplicates(self, threshold: float = 0.8) -> pd.DataFrame:
        from datasketch import MinHashLSH

        cols = ["article_id", "duplicate_of", "kind", "similarity"]
        if self.n == 0:
            return pd.DataFrame(columns=cols)
        ids, pub, length, hashes = (
            np.concatenate(self._keys[k]) for k in ("id", "published", "length", "hash")
        )
        self._keys = {k: [] for k in self._keys}  # the concatenated arrays replace the pieces
        sigs = np.memmap(self.sig_path, dtype=np.uint32, mode="r", shape=(self.n, NUM_PERM))
        order = np.lexsort((ids, -length, pub))  # the walk order: published, longest body, id
        _, first_at, inverse = np.unique(hashes[order], return_index=True, return_inverse=True)
        firsts = order[np.sort(first_at)]  # first article of each body hash, in walk order
        rank_of_first = np.full(self.n, -1, dtype=np.int64)
        rank_of_first[firsts] = np.arange(len(firsts))
        # LSH buckets (datasketch's bands) of the first-of-hash articles; sorted by file row for locality
        lsh = MinHashLSH(threshold=threshold, num_perm=NUM_PERM)
        band_keys = self._band_keys(lsh.hashranges)[firsts]  # one 64-bit key per article and band
        band_groups: list[np.ndarray] = []
        band_sizes: list[np.ndarray] = []
        involved = np.zeros(len(firsts), dtype=bool)
        for b in range(band_keys.shape[1]):
            _, group, size = np.unique(band_keys[:, b], return_inverse=True, return_counts=True)
            group = group.ravel().astype(np.int32)
            band_groups.append(group)
            band_sizes.append(size)
            involved |= size[group] > 1
        del band_keys
        members: list[dict[int, list[int]]] = [{} for _ in band_groups]  # bucket -> canonicals in it
        near: dict[int, tuple[int, float]] = {}  # rank -> (rank of its canonical, similarity)
        id_str = [None] * len(firsts)

        def ident(rank: int) -> str:
            if id_str[rank] is None:
                id_str[rank] = ids[firsts[rank]].decode("utf-8")
            return id_str[rank]

        for rank in np.flatnonzero(involved).tolist():
            cands: set[int] = set()
            for b, group in enumerate(band_groups):
                g = int(group[rank])
                if band_sizes[b][g] > 1:
                    bucket = members[b].setdefault(g, [])
                    cands.update(bucket)
            best, best_sim = None, 0.0
            if cands:
                mine = np.asarray(sigs[firsts[rank]])
                for cand in cands:
                    sim = float(np.count_nonzero(mine == sigs[firsts[cand]])) / float(NUM_PERM)
                    if sim >= threshold and (
                        sim > best_sim
                        or (sim == best_sim and ident(cand) < (ident(best) if best is not None else "~"))
                    ):
                        best, best_sim = cand, sim
            if best is not None:
                near[rank] = (best, best_sim)
                continue
            for b, group in enumerate(band_groups):  # a new canonical: index it under each of its buckets
                g = int(group[rank])
                if band_sizes[b][g] > 1:
                    members[b][g].append(rank)
        rows: list[dict] = [
            {"article_id": ident(r), "duplicate_of": ident(c), "kind": "near", "similarity": round(s, 3)}
            for r, (c, s) in near.items()
        ]
        # exact copies: every later article of a body hash points to that hash's canonical
        is_first = np.zeros(self.n, dtype=bool)  # by position in walk order
        is_first[first_at] = True
        for pos in np.flatnonzero(~is_first).tolist():
            rank = int(rank_of_first[order[first_at[inverse[pos]]]])
            canonical = near[rank][0] if rank in near else rank
            rows.append(
                {
                    "article_id": ids[order[pos]].decode("utf-8"),
                    "duplicate_of": ident(canonical),
                    "kind": "exact",
                    "similarity": 1.0,
                }
            )
        del sigs
        return pd.DataFrame(rows, columns=cols).sort_values("article_id").reset_index(drop=True)

    def _band_keys(self, ranges: list[tuple[int, int]], block: int = 8192) -> np.ndarray:
        """Each article's LSH band as one 64-bit key (FNV-1a over the band's values), read in blocks.

        Grouping by these keys puts articles in the same bucket exactly when their bands are equal
        (a 64-bit collision among n articles has odds ~n^2/2^65). Reading the signature file block by
        block keeps memory at 8 bytes per article and band, not the whole signature matrix.
        """
        keys = np.empty((self.n, len(ranges)), dtype=np.uint64)
        with open(self.sig_path, "rb") as fh, np.errstate(over="ignore"):
            for row in range(0, self.n, block):
                count = min(block, self.n - row)
                sig = np.fromfile(fh, dtype=np.uint32, count=count * NUM_PERM).reshape(count, NUM_PERM)
                for b, (start, end) in enumerate(ranges):
                    h = np.full(count, 0xCBF29CE484222325, dtype=np.uint64)
                    for col in range(start, end):
                        h = (h ^ sig[:, col].astype(np.uint64)) * np.uint64(0x100000001B3)
                    keys[row : row + count, b] = h
        return keys
