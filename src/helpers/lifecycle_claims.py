"""Claims and alliances for `lifecycle.build_lifecycles` (rules 1-3 of its module docstring), kept lean.

A corpus yields millions of alliance rows, so rows are not turned into Python objects up front: every
usable row becomes a handful of integer codes in numpy arrays (`ClaimTable`, ~60 bytes a row; the
strings live once in a shared pool). Party grouping (rule 2) looks only at sentences that state more
than one pair, alliance grouping (rule 3) only at the subsets of each multi-party tie, and `Claim`
objects are built one alliance at a time (`ClaimTable.claims`), so memory stays near the size of the
input table and time near linear in it.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache
from itertools import combinations

import numpy as np
import pandas as pd

GENERIC = "other"
FAR = 10**6  # the width of an undated claim: wider than any dated one
_BASES = ("event", "published", "unknown")
_MAX_SUBSET_PARTIES = 16  # a tie with more parties looks for the alliances inside it by scanning them all


@dataclass(slots=True)
class Claim:
    """One alliance event as a dated statement by one article."""

    article_id: str
    canon: str
    parties: frozenset[str]
    type: str
    status: str
    basis: str
    date: str | None
    precision: str | None
    start: date | None
    end: date | None
    evidence: str
    confidence: float
    offset: int
    folded: bool = False  # a generic claim folded into a specific step: a source, not a voice
    star_leaves: frozenset[str] | None = None  # the existing tie this claim's newcomer joins

    @property
    def width(self) -> int:
        return (self.end - self.start).days if self.start and self.end else FAR


# ----------------------------------------------------------------------------------------- cell values
def _missing(value: object) -> bool:
    if value is None:
        return True
    if isinstance(value, str | bool | int):
        return False
    if isinstance(value, float):
        return math.isnan(value)
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def _text(value: object) -> str | None:
    return None if _missing(value) or str(value).strip() == "" else str(value).strip()


def _iso_ordinal(text: str | None) -> int:
    """Day number of an ISO date's first 10 characters; 0 when there is none."""
    if text is None:
        return 0
    try:
        return date.fromisoformat(text[:10]).toordinal()
    except ValueError:
        return 0


def _published_span(published: str | None, precision: str | None) -> tuple[date, date, str] | None:
    """'2024', '2024-03' or '2024-03-15' -> (first day, last day, precision)."""
    if not published:
        return None
    m = re.fullmatch(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?", published[:10])
    if not m:
        return None
    year, month, day = int(m.group(1)), m.group(2), m.group(3)
    try:
        if day:
            d = date(year, int(month), int(day))
            return d, d, precision or "day"
        if month:
            first = date(year, int(month), 1)
            nxt = date(year + (first.month == 12), first.month % 12 + 1, 1)
            return first, nxt - timedelta(days=1), precision or "month"
        return date(year, 1, 1), date(year, 12, 31), precision or "year"
    except ValueError:
        return None


class _Pool:
    """Distinct strings (code 0 is None): a row holds a 4-byte code instead of its own string object."""

    def __init__(self) -> None:
        self.values: list[str | None] = [None]
        self._code: dict[str | None, int] = {None: 0}

    def code(self, value: str | None) -> int:
        code = self._code.get(value)
        if code is None:
            code = self._code[value] = len(self.values)
            self.values.append(value)
        return code

    def codes(self, df: pd.DataFrame, column: str) -> np.ndarray:
        """Codes of a column's cleaned values (`_text`), computed once per distinct cell value."""
        if column not in df.columns:
            return np.zeros(len(df), dtype=np.int32)
        raw, uniques = pd.factorize(df[column], use_na_sentinel=True)
        remap = np.array([self.code(_text(u)) for u in uniques] + [0], dtype=np.int32)
        return remap[raw]  # the NA sentinel -1 picks the trailing 0 (None)


def _numbers(df: pd.DataFrame, column: str, default: float, kind: type) -> np.ndarray:
    """A numeric column with missing cells as `default` (``float(x)`` / ``int(x)`` of each value)."""
    if column not in df.columns:
        return np.full(len(df), default, dtype=kind)
    col = df[column]
    if pd.api.types.is_numeric_dtype(col.dtype) and not pd.api.types.is_bool_dtype(col.dtype):
        values = col.to_numpy(dtype=np.float64, na_value=np.nan)
        missing = np.isnan(values)
        if kind is float:
            return np.where(missing, default, values)
        out = np.full(len(df), default, dtype=np.int64)
        out[~missing] = col.to_numpy()[~missing].astype(np.int64)  # exact for int64 columns
        return out
    return np.array([default if _missing(v) else kind(v) for v in col], dtype=kind)


# ----------------------------------------------------------------------------------------- claim table
class ClaimTable:
    """Every usable alliance row (rule 1) as integer codes, in row order.

    Per row: article, canonical article, party set (after rule 2), star leaves, type, status, basis,
    date text, precision, first/last day (ordinals, 0 = none), evidence, confidence, offset, and the
    last day of its article's publication date (for forecasts). Strings are codes into ``pool``, party
    sets codes into ``party_sets``.
    """

    def __init__(self, alliances: pd.DataFrame, articles: pd.DataFrame | None):
        pool = self.pool = _Pool()
        a, b = pool.codes(alliances, "party_a"), pool.codes(alliances, "party_b")
        type_, status = pool.codes(alliances, "type"), pool.codes(alliances, "status")
        keep = np.flatnonzero((a != 0) & (b != 0) & (a != b) & (type_ != 0) & (status != 0))
        a, b, self.type, self.status = a[keep], b[keep], type_[keep], status[keep]
        # every column is coded whole and then filtered: filtering the frame first would copy it all
        df = alliances
        self.article = pool.codes(df, "article_id")[keep]  # None reads as "" (code 0) in claims
        self.evidence = pool.codes(df, "evidence")[keep]  # likewise
        self.confidence = _numbers(df, "confidence", 0.0, float)[keep]
        self.offset = _numbers(df, "start", -1, int)[keep]
        when, precision = pool.codes(df, "when")[keep], pool.codes(df, "precision")[keep]
        start, end = self._days(df, "start_date")[keep], self._days(df, "end_date")[keep]

        art = _ArticleInfo(articles, pool)
        idx = art.lookup(self.article)
        self.canon = np.where(art.canon[idx] != 0, art.canon[idx], self.article)
        event = (when != 0) & (start != 0) & (end != 0)
        published = ~event & (art.first[idx] != 0)
        self.basis = np.where(event, 0, np.where(published, 1, 2)).astype(np.int8)
        self.date = np.where(event, when, np.where(published, art.published[idx], 0))
        self.precision = np.where(event, precision, np.where(published, art.precision[idx], 0))
        self.start = np.where(event, start, np.where(published, art.first[idx], 0))
        self.end = np.where(event, end, np.where(published, art.last[idx], 0))
        self.article_end = art.last[idx]
        self.party_set, self.party_sets = self._pairs(a, b)
        self.star = np.full(len(keep), -1, dtype=np.int32)  # code into party_sets of the star's leaves
        self._group_parties()

    def __len__(self) -> int:
        return len(self.type)

    def _days(self, df: pd.DataFrame, column: str) -> np.ndarray:
        """Day ordinals of a date column (0 = none), parsed once per distinct value."""
        codes, uniques = pd.factorize(self.pool.codes(df, column))
        ordinals = np.array([_iso_ordinal(self.pool.values[c]) for c in uniques.tolist()], dtype=np.int32)
        return ordinals[codes]

    def _pairs(self, a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, list[frozenset[str]]]:
        """Party set code of each row (its pair, for now) and the distinct pairs."""
        names = self.pool.values
        n = len(names)
        lo, hi = np.minimum(a, b).astype(np.int64), np.maximum(a, b).astype(np.int64)
        codes, uniques = pd.factorize(lo * n + hi)
        sets = [frozenset((names[k // n], names[k % n])) for k in uniques.tolist()]
        self._set_codes = {s: i for i, s in enumerate(sets)}
        return codes.astype(np.int32), sets

    def _set_code(self, parties: frozenset[str]) -> int:
        code = self._set_codes.get(parties)
        if code is None:
            code = self._set_codes[parties] = len(self.party_sets)
            self.party_sets.append(parties)
        return code

    # ------------------------------------------------------------------------------------- rule 2
    def _group_parties(self) -> None:
        """Give rows of one sentence forming a clique (or a joining star) the whole group as parties.

        Only sentences with two or more rows can form a group; they are few, and only they are visited.
        """
        if not len(self):
            return
        sentence, _ = pd.factorize(
            self.article.astype(np.int64) * (len(self.pool.values) + 1) + self.evidence
        )
        multi = np.flatnonzero(np.bincount(sentence)[sentence] > 1)
        by_sentence: dict[tuple[str, str], list[int]] = {}
        names = self.pool.values
        for row in multi.tolist():
            key = (names[self.article[row]] or "", names[self.evidence[row]] or "")
            by_sentence.setdefault(key, []).append(row)
        stars: list[tuple[frozenset[str], frozenset[str], list[int], int]] = []
        for key in sorted(by_sentence):
            for members, edges, group in self._components(by_sentence[key]):
                n = len(members)
                if n < 3:
                    continue
                if len(edges) == n * (n - 1) // 2:
                    self.party_set[group] = self._set_code(members)
                    continue
                for center in sorted(members):
                    leaves = members - {center}
                    if all(frozenset((center, x)) in edges for x in leaves):
                        stars.append((members, leaves, group, int(sentence[group[0]])))
                        break
        if not stars:
            return
        # sentences stating each star's leaves as their party set (after cliques, before stars)
        wanted = {self._set_code(leaves) for _, leaves, _, _ in stars}
        rows = np.flatnonzero(np.isin(self.party_set, np.array(sorted(wanted), dtype=np.int32)))
        sentences_of: dict[int, set[int]] = {}
        for code, sent in zip(self.party_set[rows].tolist(), sentence[rows].tolist(), strict=True):
            sentences_of.setdefault(code, set()).add(sent)
        for members, leaves, group, sent in stars:
            # X tied to A and to B in one sentence joins an A-B tie reported elsewhere (not a mere hub)
            leaves_code = self._set_code(leaves)
            if sentences_of.get(leaves_code, set()) - {sent}:
                self.party_set[group] = self._set_code(members)
                self.star[group] = leaves_code

    def _components(self, rows: list[int]) -> list[tuple[frozenset[str], set[frozenset[str]], list[int]]]:
        """Connected components of a sentence's pairs: (parties, distinct pair edges, rows)."""
        names = self.pool.values
        comps: list[tuple[set[str], set[frozenset[str]], list[int]]] = []
        keyed = [
            (int(self.offset[r]), sorted(self.party_sets[self.party_set[r]]), names[self.type[r]], r)
            for r in rows
        ]
        for _, _, _, r in sorted(keyed, key=lambda k: k[:3]):
            pair = self.party_sets[self.party_set[r]]
            touching = [comp for comp in comps if comp[0] & pair]
            merged = (set(pair), {pair}, [r])
            for comp in touching:
                comps.remove(comp)
                merged[0].update(comp[0])
                merged[1].update(comp[1])
                merged[2].extend(comp[2])
            comps.append(merged)
        return [(frozenset(m), e, g) for m, e, g in comps]

    # ------------------------------------------------------------------------------------- rule 3
    def alliances(self) -> Iterator[tuple[frozenset[str], np.ndarray]]:
        """(parties, row numbers) of each alliance, sorted by parties (groups absorb the tie they extend).

        Rows of an alliance come in the order claims were always handed to the step builder: party
        sets by (size, sorted names), rows of one set in table order.
        """
        if not len(self):
            return
        order = np.argsort(self.party_set, kind="stable")
        codes, first = np.unique(self.party_set[order], return_index=True)
        by_set = {
            self.party_sets[c]: order[lo:hi]
            for c, lo, hi in zip(
                codes.tolist(), first.tolist(), [*first[1:].tolist(), len(order)], strict=True
            )
        }
        parent = {s: s for s in by_set}
        names = self.pool.values

        def find(s: frozenset[str]) -> frozenset[str]:
            while parent[s] != s:
                parent[s] = parent[parent[s]]
                s = parent[s]
            return s

        @cache
        def specific(s: frozenset[str]) -> frozenset[str]:
            return frozenset(names[t] for t in np.unique(self.type[by_set[s]]).tolist()) - {GENERIC}

        @cache
        def first_start(s: frozenset[str]) -> int:
            starts = self.start[by_set[s]]
            starts = starts[starts != 0]
            return int(starts.min()) if len(starts) else date.max.toordinal()

        def n_canon(s: frozenset[str]) -> int:
            return len(np.unique(self.canon[by_set[s]]))

        groups = sorted((s for s in by_set if len(s) >= 3), key=lambda s: (-len(s), sorted(s)))
        for g in groups:
            inside = self._subsets_in(g, by_set)
            star_codes = np.unique(self.star[by_set[g]]).tolist()
            leaves = {self.party_sets[c] for c in star_codes if c >= 0}
            star_leaves = sorted(leaves & set(inside), key=sorted)
            candidates = (
                star_leaves
                or [s for s in inside if specific(s) & specific(g)]
                or [s for s in inside if first_start(s) <= first_start(g)]  # reported no later: it was joined
            )
            if not candidates:
                continue
            best = min(candidates, key=lambda s: (-n_canon(s), -len(s), first_start(s), sorted(s)))
            parent[find(best)] = find(g)
        merged: dict[frozenset[str], list[frozenset[str]]] = {}
        for s in sorted(by_set, key=lambda s: (len(s), sorted(s))):
            merged.setdefault(find(s), []).append(s)
        out: dict[frozenset[str], list[np.ndarray]] = {}
        for root, sets in merged.items():  # two roots with the same union of parties: one alliance
            parties = frozenset().union(*sets) or root
            out.setdefault(parties, []).extend(by_set[s] for s in sets)
        for parties in sorted(out, key=sorted):
            yield parties, np.concatenate(out[parties])

    @staticmethod
    def _subsets_in(g: frozenset[str], by_set: dict[frozenset[str], np.ndarray]) -> list[frozenset[str]]:
        """Party sets that are proper subsets of g (by enumerating g's subsets: g is small, by_set is not)."""
        if len(g) > _MAX_SUBSET_PARTIES:
            return [s for s in by_set if s < g]
        members = sorted(g)
        return [
            s
            for k in range(2, len(members))
            for combo in combinations(members, k)
            if (s := frozenset(combo)) in by_set
        ]

    # ----------------------------------------------------------------------------------- claims
    def claims(self, rows: np.ndarray) -> list[Claim]:
        """The claims of some rows, in their order (built on demand: one alliance at a time)."""
        names, sets, day = self.pool.values, self.party_sets, _day
        cols = (
            self.article, self.canon, self.party_set, self.type, self.status, self.basis, self.date,
            self.precision, self.start, self.end, self.evidence, self.confidence, self.offset, self.star,
        )  # fmt: skip
        out = []
        for art, canon, ps, t, st, basis, dt, prec, start, end, ev, conf, off, star in zip(
            *(col[rows].tolist() for col in cols), strict=True
        ):
            out.append(
                Claim(
                    article_id=names[art] or "",
                    canon=names[canon] or "",
                    parties=sets[ps],
                    type=names[t],
                    status=names[st],
                    basis=_BASES[basis],
                    date=names[dt],
                    precision=names[prec],
                    start=day(start),
                    end=day(end),
                    evidence=names[ev] or "",
                    confidence=conf,
                    offset=off,
                    star_leaves=sets[star] if star >= 0 else None,
                )
            )
        return out

    def newest(self, rows: np.ndarray) -> date | None:
        """The last day of the newest publication date among the rows' articles (None if none is dated)."""
        last = int(self.article_end[rows].max()) if len(rows) else 0
        return date.fromordinal(last) if last else None


@cache
def _day(ordinal: int) -> date | None:
    """The date of a day ordinal (0: none); one shared object per day."""
    return date.fromordinal(ordinal) if ordinal else None


# --------------------------------------------------------------------------------------- articles
class _ArticleInfo:
    """Per distinct article: canonical article, publication date text, precision and span (as codes).

    A copy without a date takes its original's. `lookup` maps article codes of the claim table to rows
    here; an article absent from the articles table is its own canonical and undated.
    """

    def __init__(self, articles: pd.DataFrame | None, pool: _Pool):
        info: dict[int, list[int]] = {}  # article code -> [canon, published, precision]
        if articles is not None and not articles.empty:
            aid = pool.codes(articles, "article_id")
            pub, prec = pool.codes(articles, "published"), pool.codes(articles, "published_precision")
            dup = pool.codes(articles, "duplicate_of")
            for a, p, pr, d in zip(aid.tolist(), pub.tolist(), prec.tolist(), dup.tolist(), strict=True):
                if a:
                    info[a] = [d or a, p, pr]
            for rec in info.values():
                if rec[1] == 0 and rec[0] in info:  # a copy without a date: its original's
                    rec[1], rec[2] = info[rec[0]][1], info[rec[0]][2]
        self._row = {a: i + 1 for i, a in enumerate(info)}  # row 0: an unknown article
        n = len(info) + 1
        self.canon = np.zeros(n, dtype=np.int32)
        self.published = np.zeros(n, dtype=np.int32)
        self.precision = np.zeros(n, dtype=np.int32)
        self.first = np.zeros(n, dtype=np.int32)
        self.last = np.zeros(n, dtype=np.int32)
        spans: dict[tuple[int, int], tuple[int, int, int]] = {}
        for i, (canon, pub, prec) in enumerate(info.values(), start=1):
            self.canon[i], self.published[i] = canon, pub
            span = spans.get((pub, prec))
            if span is None:
                found = _published_span(pool.values[pub], pool.values[prec])
                span = spans[(pub, prec)] = (
                    (found[0].toordinal(), found[1].toordinal(), pool.code(found[2])) if found else (0, 0, 0)
                )
            self.first[i], self.last[i], self.precision[i] = span

    def lookup(self, article_codes: np.ndarray) -> np.ndarray:
        codes, uniques = pd.factorize(article_codes)
        return np.array([self._row.get(a, 0) for a in uniques.tolist()], dtype=np.int64)[codes]
