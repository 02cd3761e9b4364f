"""Alliance lifecycles: one record per alliance across many articles, with its history and its sources.

The ``alliances`` table holds one row per relationship a sentence states. This module merges those
events from every article into *alliances* (``alliance_lifecycles``) and orders each alliance's events
into a history of *steps* (``alliance_steps``), each step backed by one or more articles.

Rules, in the order they are applied (all deterministic):

1. **Claims.** Every alliance row becomes a claim: parties, type, status, a date, an article and its
   *canonical* article (``articles.duplicate_of`` when the article is a syndicated copy, else itself).
   A claim's date basis is ``event`` when the sentence dates the event (``when``), else ``published``
   (the article's publication date, an upper bound: the event happened by then), else ``unknown``.
2. **Parties.** Pairs stated in one sentence that form a clique over three or more companies (A-B,
   A-C, B-C) are one multi-party tie; so is a star (X-A, X-B) whose leaves (A, B) are already tied
   elsewhere in the corpus (X joins them). Other pairs stay pairs.
3. **Alliances.** Claims with the same set of parties belong to one alliance. A multi-party tie also
   absorbs one existing smaller alliance inside it - the star's leaves; else, among those sharing a
   specific type of tie with it (else among those first reported no later than it), the one with the
   most independent sources - so "a party joins" extends the existing alliance instead of starting a
   new one. ``alliance_id`` hashes the sorted parties.
4. **Steps.** Within an alliance, claims of the same type become one step when their periods overlap
   and their statuses agree (announced, planned, signed and active agree with one another; exploring,
   reduced and cancelled only with themselves; a step of agreeing claims shows signed, else announced,
   active, planned). Claims dated only by publication (or undated), and event-dated exploring or
   active claims, that restate the latest step of their type with no status change in between join
   that step. Claims are processed most precise first, so "2024-03" and "2024-03-15" reports of one
   signing are one step. Syndicated copies are extra sources; ``n_independent`` counts canonical
   articles only.
5. **Generic ties.** A claim of type ``other`` ("partnership", "alliance") that restates a tie
   already described precisely is folded into the nearest specific step at or before it, when their
   statuses agree and it names no party that step lacks; otherwise it is a step of its own.
6. **Conflicts are surfaced.** Independent sources that give one step incompatible statuses (one says
   signed, another exploring, for the same type in overlapping periods) or dates (two non-overlapping
   event dates no more than ``DATE_CONFLICT_DAYS`` apart for the same signing, announcement or end)
   make one step with ``conflict`` set and both claims in ``conflict_detail``. The step takes the
   claim backed by more independent sources (then event dates over publication dates, then the more
   precise date, then the further-along status).
7. **Order.** Steps are ordered by the latest day their date allows (a publication date bounds the
   event from above), then the earliest, then lifecycle stage (exploring < planned < announced <
   signed < active < reduced < cancelled); undated steps come last. Steps dated after the newest
   source are forecasts (``future``).
8. **Current status** is the status of the latest step that is neither a forecast nor undated (undated
   and forecast steps count only when there is nothing else). Steps whose periods overlap that latest
   step are equally late; among them the further stage wins: cancelled > reduced > active > signed >
   announced > planned > exploring, so "cancelled" reported in the same period as "signed" means the
   alliance ended. A step of type cancellation names no tie, so the whole alliance reads as ended.

Tables (column lists LIFECYCLE_COLUMNS and STEP_COLUMNS; the first columns are the contract):

- ``alliance_lifecycles``: alliance_id, parties ("Honda + Nissan"), first_seen (date of the first
  dated step, as written: "2024-03-13", "2024-03"), last_seen (date of the step that sets the current
  status), current_status, n_sources (articles), n_steps, summary (one line of prose), party_list
  (the sorted parties as a list), n_independent (canonical articles), n_conflicts.
- ``alliance_steps``: alliance_id, step_no (1..n in history order), date / precision as in
  ``alliances.when``, date_basis (event | published | unknown), type, status, sources (sorted article
  ids, ", "-joined, dissenting sources included), n_sources, evidence (one sentence), conflict,
  conflict_detail ("status: signed (ids) vs exploring (ids)"; "date: ... vs ..."), start_date /
  end_date (ISO, inclusive), parties (the alliance's), step_parties (who this step involves), joined
  (parties first seen at this step), n_independent, future (dated after the newest source).
"""

from __future__ import annotations

import hashlib
import math
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta

import pandas as pd

LIFECYCLE_COLUMNS = [
    "alliance_id", "parties", "first_seen", "last_seen", "current_status", "n_sources", "n_steps", "summary",
    "party_list", "n_independent", "n_conflicts",
]  # fmt: skip
STEP_COLUMNS = [
    "alliance_id", "step_no", "date", "precision", "date_basis", "type", "status", "sources", "n_sources",
    "evidence", "conflict", "conflict_detail",
    "start_date", "end_date", "parties", "step_parties", "joined", "n_independent", "future",
]  # fmt: skip
STORY_COLUMNS = ["step_no", "story", "sources"]

DATE_CONFLICT_DAYS = 31
GENERIC = "other"
STAGE = {"exploring": 0, "planned": 1, "announced": 2, "signed": 3, "active": 4, "reduced": 5, "cancelled": 6}
AGREED = frozenset({"announced", "planned", "signed", "active"})
POINT_STATUSES = frozenset({"announced", "planned", "signed", "reduced", "cancelled"})
_BASIS_RANK = {"event": 0, "published": 1, "unknown": 2}
_MERGED_STATUS = ("signed", "announced", "active", "planned")  # the status a step of agreeing claims shows
_FAR = 10**6


# --------------------------------------------------------------------------------------------- claims
@dataclass
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
        return (self.end - self.start).days if self.start and self.end else _FAR


@dataclass
class Step:
    type: str
    claims: list[Claim] = field(default_factory=list)
    # settled by _settle()
    status: str = ""
    basis: str = "unknown"
    date: str | None = None
    precision: str | None = None
    start: date | None = None
    end: date | None = None
    evidence: str = ""
    conflict: bool = False
    conflict_detail: str = ""

    @property
    def canons(self) -> set[str]:
        return {c.canon for c in self.claims}

    @property
    def parties(self) -> frozenset[str]:
        return frozenset().union(*(c.parties for c in self.claims))


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


def _iso(value: object) -> date | None:
    text = _text(value)
    if text is None:
        return None
    try:
        return date.fromisoformat(text[:10])
    except ValueError:
        return None


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


def _article_info(articles: pd.DataFrame | None) -> dict[str, dict]:
    """article_id -> canonical article, publication date string, span and precision."""
    info: dict[str, dict] = {}
    if articles is None or articles.empty:
        return info
    cols = {c: (articles[c] if c in articles.columns else [None] * len(articles))
            for c in ("article_id", "published", "published_precision", "duplicate_of")}  # fmt: skip
    for aid, pub, prec, dup in zip(*cols.values(), strict=True):
        aid = _text(aid)
        if aid is None:
            continue
        info[aid] = {"canon": _text(dup) or aid, "published": _text(pub), "precision": _text(prec)}
    for aid, rec in info.items():
        if rec["published"] is None and rec["canon"] in info:  # a copy without a date: its original's
            rec["published"] = info[rec["canon"]]["published"]
            rec["precision"] = info[rec["canon"]]["precision"]
        rec["span"] = _published_span(rec["published"], rec["precision"])
        rec.setdefault("canon", aid)
    return info


def _claims(alliances: pd.DataFrame, info: dict[str, dict]) -> list[Claim]:
    out = []
    for row in alliances.to_dict("records"):
        a, b = _text(row.get("party_a")), _text(row.get("party_b"))
        type_, status = _text(row.get("type")), _text(row.get("status"))
        if not a or not b or a == b or not type_ or not status:
            continue
        aid = _text(row.get("article_id")) or ""
        art = info.get(aid, {"canon": aid, "published": None, "precision": None, "span": None})
        start, end = _iso(row.get("start_date")), _iso(row.get("end_date"))
        when = _text(row.get("when"))
        if when and start and end:
            basis, when_text, precision = "event", when, _text(row.get("precision"))
        elif art["span"]:
            start, end, precision = art["span"]
            basis, when_text = "published", art["published"]
        else:
            basis, when_text, precision, start, end = "unknown", None, None, None, None
        offset = row.get("start")
        out.append(
            Claim(
                article_id=aid,
                canon=art["canon"],
                parties=frozenset((a, b)),
                type=type_,
                status=status,
                basis=basis,
                date=when_text,
                precision=precision,
                start=start,
                end=end,
                evidence=_text(row.get("evidence")) or "",
                confidence=0.0 if _missing(row.get("confidence")) else float(row["confidence"]),
                offset=-1 if _missing(offset) else int(offset),
            )
        )
    return out


# ------------------------------------------------------------------------------------ parties/alliances
def _group_parties(claims: list[Claim]) -> None:
    """Give claims of one sentence forming a clique (or a joining star) the whole group as parties."""
    by_sentence: dict[tuple[str, str], list[Claim]] = {}
    for c in claims:
        by_sentence.setdefault((c.article_id, c.evidence), []).append(c)
    stars: list[tuple[frozenset[str], frozenset[str], list[Claim], tuple[str, str]]] = []
    for key in sorted(by_sentence):
        for members, edges, group in _components(by_sentence[key]):
            n = len(members)
            if n < 3:
                continue
            if len(edges) == n * (n - 1) // 2:
                for c in group:
                    c.parties = members
                continue
            for center in sorted(members):
                leaves = members - {center}
                if all(frozenset((center, x)) in edges for x in leaves):
                    stars.append((members, leaves, group, key))
                    break
    sentences_of: dict[frozenset[str], set[tuple[str, str]]] = {}
    for c in claims:
        sentences_of.setdefault(frozenset(c.parties), set()).add((c.article_id, c.evidence))
    for members, leaves, group, key in stars:
        # X tied to A and to B in one sentence joins an A-B tie reported elsewhere (not a mere hub)
        if sentences_of.get(frozenset(leaves), set()) - {key}:
            for c in group:
                c.parties = members
                c.star_leaves = leaves


def _components(claims: list[Claim]) -> list[tuple[frozenset[str], set[frozenset[str]], list[Claim]]]:
    """Connected components of a sentence's pairs: (parties, distinct pair edges, claims)."""
    comps: list[tuple[set[str], set[frozenset[str]], list[Claim]]] = []
    for c in sorted(claims, key=lambda c: (c.offset, sorted(c.parties), c.type)):
        touching = [comp for comp in comps if comp[0] & c.parties]
        merged = (set(c.parties), {c.parties}, [c])
        for comp in touching:
            comps.remove(comp)
            merged[0].update(comp[0])
            merged[1].update(comp[1])
            merged[2].extend(comp[2])
        comps.append(merged)
    return [(frozenset(m), e, g) for m, e, g in comps]


def _alliances(claims: list[Claim]) -> dict[frozenset[str], list[Claim]]:
    """Party set of each alliance -> its claims (groups absorb the smaller alliance they extend)."""
    by_set: dict[frozenset[str], list[Claim]] = {}
    for c in claims:
        by_set.setdefault(c.parties, []).append(c)
    parent = {s: s for s in by_set}

    def find(s: frozenset[str]) -> frozenset[str]:
        while parent[s] != s:
            parent[s] = parent[parent[s]]
            s = parent[s]
        return s

    def specific(s: frozenset[str]) -> set[str]:
        return {c.type for c in by_set[s] if c.type != GENERIC}

    def first_start(s: frozenset[str]) -> date:
        return min((c.start for c in by_set[s] if c.start), default=date.max)

    groups = sorted((s for s in by_set if len(s) >= 3), key=lambda s: (-len(s), sorted(s)))
    for g in groups:
        inside = [s for s in by_set if s < g]
        star_leaves = sorted({c.star_leaves for c in by_set[g] if c.star_leaves} & set(inside), key=sorted)
        candidates = (
            star_leaves
            or [s for s in inside if specific(s) & specific(g)]
            or [s for s in inside if first_start(s) <= first_start(g)]  # reported no later: it was joined
        )
        if not candidates:
            continue
        best = min(
            candidates,
            key=lambda s: (-len({c.canon for c in by_set[s]}), -len(s), first_start(s), sorted(s)),
        )
        parent[find(best)] = find(g)
    merged: dict[frozenset[str], list[Claim]] = {}
    for s in sorted(by_set, key=lambda s: (len(s), sorted(s))):
        merged.setdefault(find(s), []).extend(by_set[s])
    out: dict[frozenset[str], list[Claim]] = {}
    for root, group_claims in merged.items():  # two roots with the same union of parties: one alliance
        parties = frozenset().union(*(c.parties for c in group_claims)) or root
        out.setdefault(parties, []).extend(group_claims)
    return out


def alliance_id(parties: Iterable[str]) -> str:
    """Stable id of an alliance: the first 12 hex digits of SHA-1 over its sorted, ' + '-joined parties."""
    return hashlib.sha1(" + ".join(sorted(parties)).encode("utf-8")).hexdigest()[:12]


# ------------------------------------------------------------------------------------------------ steps
def _overlap(a_start: date | None, a_end: date | None, b_start: date | None, b_end: date | None) -> bool:
    return bool(a_start and a_end and b_start and b_end and a_start <= b_end and b_start <= a_end)


def _gap_days(a: Step, c: Claim) -> int:
    if not (a.start and a.end and c.start and c.end):
        return _FAR
    if _overlap(a.start, a.end, c.start, c.end):
        return 0
    return (c.start - a.end).days if c.start > a.end else (a.start - c.end).days


def agree(a: str, b: str) -> bool:
    """Do two statuses describe the same state of a tie? (announced/planned/signed/active agree)."""
    return a == b or (a in AGREED and b in AGREED)


def _camp(status: str) -> str:
    return "agreed" if status in AGREED else status


def _claim_order(c: Claim) -> tuple:
    if c.basis == "event":
        return (0, c.width, c.start, STAGE.get(c.status, 9), c.type, c.article_id, c.offset)
    if c.basis == "published":
        return (1, c.start, c.width, STAGE.get(c.status, 9), c.type, c.article_id, c.offset)
    return (2, date.min, 0, STAGE.get(c.status, 9), c.type, c.article_id, c.offset)


def _step_order(s: Step) -> tuple:
    undated = s.basis == "unknown" or s.start is None
    return (
        undated,
        s.end or date.max,
        s.start or date.max,
        STAGE.get(s.status, 9),
        s.type,
        s.date or "",
        min(c.article_id for c in s.claims),
    )


def _settle(step: Step) -> None:
    """Status, date, evidence and conflicts of a step from its claims."""
    core = [c for c in step.claims if not c.folded] or step.claims
    camps: dict[str, list[Claim]] = {}
    for c in core:
        camps.setdefault(_camp(c.status), []).append(c)

    def camp_rank(item: tuple[str, list[Claim]]) -> tuple:
        name, members = item
        return (
            -len({c.canon for c in members}),
            min(_BASIS_RANK[c.basis] for c in members),
            min(c.width for c in members),
            -max(STAGE.get(c.status, 0) for c in members),
            name,
        )

    ranked = sorted(camps.items(), key=camp_rank)
    winners = ranked[0][1]
    step.status = _camp_status(winners)
    details = []
    if len(ranked) > 1 and len({c.canon for c in core}) > 1:
        details.append("status: " + " vs ".join(f"{_camp_status(m)} ({_ids(m)})" for _, m in ranked))
    dated = [c for c in winners if c.basis == "event"]
    if dated:
        clusters = _date_clusters(dated)
        best = clusters[0]
        if len(clusters) > 1 and len({c.canon for cl in clusters for c in cl}) > 1:
            details.append("date: " + " vs ".join(f"{cl[0].date} ({_ids(cl)})" for cl in clusters))
        anchor = min(best, key=lambda c: (c.width, c.start, c.article_id, c.offset))
    else:
        anchor = min(winners, key=lambda c: (_BASIS_RANK[c.basis], c.start or date.max, c.width,
                                            c.article_id, c.offset))  # fmt: skip
    step.basis, step.date, step.precision = anchor.basis, anchor.date, anchor.precision
    step.start, step.end = anchor.start, anchor.end
    voice = [c for c in winners if c.basis == anchor.basis and c.date == anchor.date] or winners
    step.evidence = min(voice, key=lambda c: (-c.confidence, c.article_id, c.offset)).evidence
    step.conflict = bool(details)
    step.conflict_detail = "; ".join(details)


def _resettle(step: Step) -> None:
    """Re-settle a step that gained a claim. Settling costs O(claims), so a step with many claims (a story
    repeated by hundreds of articles) is re-settled at doubling sizes only; `_build_steps` settles every
    step once more at the end, so outputs do not depend on this."""
    n = len(step.claims)
    if n <= 8 or n & (n - 1) == 0:
        _settle(step)


def _camp_status(claims: list[Claim]) -> str:
    """The status agreeing claims show together: signed, else announced, active, planned."""
    statuses = {c.status for c in claims}
    return next((s for s in _MERGED_STATUS if s in statuses), sorted(statuses)[0])


def _ids(claims: Iterable[Claim]) -> str:
    return ", ".join(sorted({c.article_id for c in claims}))


def _date_clusters(claims: list[Claim]) -> list[list[Claim]]:
    """Event-dated claims grouped by overlapping dates (most precise first); best-backed cluster first."""
    clusters: list[list[Claim]] = []
    for c in sorted(claims, key=lambda c: (c.width, c.start, c.article_id, c.offset)):
        home = next((cl for cl in clusters if _overlap(cl[0].start, cl[0].end, c.start, c.end)), None)
        if home is None:
            clusters.append([c])
        else:
            home.append(c)
    return sorted(
        clusters, key=lambda cl: (-len({c.canon for c in cl}), cl[0].width, cl[0].start, cl[0].article_id)
    )


def _changed_between(steps: list[Step], step: Step, until: date | None) -> bool:
    """Is there a status change (another status of the same type, or an end) after `step` up to `until`?"""
    if step.start is None:
        return False
    for other in steps:
        if other is step or other.start is None:
            continue
        if step.start < other.start and (until is None or other.start <= until):
            if other.status == "cancelled" or (
                other.type == step.type and not agree(other.status, step.status)
            ):
                return True
    return False


def _place(steps: list[Step], c: Claim) -> None:
    """Add one claim to the steps: join a matching step (restatement or conflict) or start a new one."""
    same_type = [s for s in steps if s.type == c.type]
    if c.basis == "unknown":
        fits = [s for s in same_type if agree(s.status, c.status)]
        if fits:
            target = max(fits, key=_step_order)
            target.claims.append(c)
            _resettle(target)
            return
        steps.append(Step(c.type, [c]))
        _settle(steps[-1])
        return
    dated = [s for s in same_type if s.basis != "unknown"]
    overlapping = [s for s in dated if _overlap(s.start, s.end, c.start, c.end)]
    if overlapping:
        target = min(
            overlapping,
            key=lambda s: (not agree(s.status, c.status), s.end - s.start, abs((s.start - c.start).days)),
        )
        if agree(target.status, c.status) or c.canon not in target.canons:
            target.claims.append(c)
            _resettle(target)
            return
    elif dated:
        before = [s for s in dated if s.start <= c.end]
        latest = max(before, key=_step_order) if before else None
        restates = c.basis == "published" or c.status not in POINT_STATUSES
        if (
            latest is not None
            and restates
            and agree(latest.status, c.status)
            and not _changed_between(steps, latest, c.end)
        ):
            latest.claims.append(c)
            _resettle(latest)
            return
        if c.basis == "event" and c.status in POINT_STATUSES:
            near = [
                s for s in dated
                if s.basis == "event" and agree(s.status, c.status) and c.canon not in s.canons
                and _gap_days(s, c) <= DATE_CONFLICT_DAYS
            ]  # fmt: skip
            if near:
                target = min(near, key=lambda s: (_gap_days(s, c), s.start))
                target.claims.append(c)
                _resettle(target)
                return
    steps.append(Step(c.type, [c]))
    _settle(steps[-1])


def _fold(steps: list[Step], c: Claim) -> bool:
    """Fold a generic 'other' claim into the nearest specific step at or before it whose status agrees."""
    specific = [s for s in steps if s.type != GENERIC]
    if c.basis == "unknown":
        before = specific
    else:
        before = [s for s in specific if s.start is not None and s.start <= c.end]
    if not before:
        return False
    nearest = max(before, key=_step_order)
    ok = c.parties <= nearest.parties and (  # a newcomer is news, never a restatement
        (c.status == "exploring" and nearest.status == "exploring")
        or (c.status != "exploring" and nearest.status not in ("exploring", "cancelled"))
    )
    if ok:
        c.folded = True
        nearest.claims.append(c)
    return ok


def _build_steps(claims: list[Claim]) -> list[Step]:
    steps: list[Step] = []
    specific = sorted((c for c in claims if c.type != GENERIC), key=_claim_order)
    generic = sorted((c for c in claims if c.type == GENERIC), key=_claim_order)
    for c in specific:
        _place(steps, c)
    for c in generic:
        if not _fold(steps, c):
            _place(steps, c)
    for s in steps:
        _settle(s)
    return sorted(steps, key=_step_order)


def _current(steps: list[Step], future: list[bool]) -> Step | None:
    """The step that sets the alliance's current status (see rule 8 of the module docstring)."""
    pool = [s for s, f in zip(steps, future, strict=True) if not f and s.basis != "unknown" and s.start]
    if not pool:
        pool = [s for s, f in zip(steps, future, strict=True) if not f] or list(steps)
    if not pool:
        return None
    latest = max(pool, key=_step_order)
    same_period = [s for s in pool if s is latest or _overlap(s.start, s.end, latest.start, latest.end)]
    return max(same_period, key=lambda s: (STAGE.get(s.status, -1), _step_order(s)))


# ---------------------------------------------------------------------------------------------- tables
def build_lifecycles(alliances: pd.DataFrame, articles: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Merge alliance events from all articles into (alliance_lifecycles, alliance_steps).

    ``alliances`` is the alliances table (article_id, party_a, party_b, type, status, when, precision,
    start_date, end_date, evidence, confidence, start, ...); ``articles`` gives publication dates and
    ``duplicate_of``. Returns two DataFrames with columns LIFECYCLE_COLUMNS and STEP_COLUMNS, sorted by
    parties and step number. See the module docstring for the merging, conflict and status rules.
    """
    if alliances is None or alliances.empty:
        return _empty_lifecycles(), _empty_steps()
    info = _article_info(articles)
    claims = _claims(alliances, info)
    _group_parties(claims)
    life_rows, step_rows = [], []
    for parties, group in sorted(_alliances(claims).items(), key=lambda kv: sorted(kv[0])):
        names = sorted(parties)
        aid, label = alliance_id(names), " + ".join(names)
        steps = _build_steps(group)
        newest = max((info[c.article_id]["span"][1] for c in group
                      if c.article_id in info and info[c.article_id]["span"]), default=None)  # fmt: skip
        future = [bool(newest and s.start and s.start > newest) for s in steps]
        seen: set[str] = set()
        for no, (s, fut) in enumerate(zip(steps, future, strict=True), start=1):
            joined = sorted(s.parties - seen) if seen else []
            seen |= s.parties
            step_rows.append(
                {
                    "alliance_id": aid,
                    "step_no": no,
                    "date": s.date,
                    "precision": s.precision,
                    "date_basis": s.basis,
                    "type": s.type,
                    "status": s.status,
                    "sources": _ids(s.claims),
                    "n_sources": len({c.article_id for c in s.claims}),
                    "evidence": s.evidence,
                    "conflict": s.conflict,
                    "conflict_detail": s.conflict_detail or None,
                    "start_date": s.start.isoformat() if s.start else None,
                    "end_date": s.end.isoformat() if s.end else None,
                    "parties": label,
                    "step_parties": " + ".join(sorted(s.parties)),
                    "joined": ", ".join(joined) or None,
                    "n_independent": len(s.canons),
                    "future": fut,
                }
            )
        current = _current(steps, future)
        dated = [s for s in steps if s.basis != "unknown" and s.start]
        life = {
            "alliance_id": aid,
            "parties": label,
            "first_seen": dated[0].date if dated else None,
            "last_seen": current.date if current and current.basis != "unknown" else None,
            "current_status": current.status if current else None,
            "n_sources": len({c.article_id for c in group}),
            "n_steps": len(steps),
            "party_list": names,
            "n_independent": len({c.canon for c in group}),
            "n_conflicts": sum(s.conflict for s in steps),
        }
        life["summary"] = _summary(life, steps, step_rows[-len(steps) :], current)
        life_rows.append(life)
    lifecycles = pd.DataFrame(life_rows, columns=LIFECYCLE_COLUMNS)
    steps_df = pd.DataFrame(step_rows, columns=STEP_COLUMNS)
    lifecycles = lifecycles.sort_values(["parties", "alliance_id"], kind="stable").reset_index(drop=True)
    steps_df = steps_df.sort_values(["parties", "step_no"], kind="stable").reset_index(drop=True)
    return lifecycles, steps_df


def _empty_lifecycles() -> pd.DataFrame:
    return pd.DataFrame(columns=LIFECYCLE_COLUMNS)


def _empty_steps() -> pd.DataFrame:
    return pd.DataFrame(columns=STEP_COLUMNS)


# ---------------------------------------------------------------------------------------------- prose
_NOUN = {
    "mou": "an MOU", "joint_development": "joint development", "investment": "an investment",
    "joint_venture": "a joint venture", "supply": "a supply deal", "platform_sharing": "platform sharing",
    "technology_sharing": "technology sharing", "merger_talks": "a merger", "acquisition": "an acquisition",
    "other": "a partnership", "scale_back": "their tie-up", "cancellation": "their tie-up",
}  # fmt: skip
_SHORT = {
    "mou": "MOU", "joint_development": "joint development", "investment": "investment",
    "joint_venture": "joint venture", "supply": "supply deal", "platform_sharing": "platform sharing",
    "technology_sharing": "technology sharing", "merger_talks": "merger", "acquisition": "acquisition",
    "other": "partnership", "scale_back": "tie-up", "cancellation": "tie-up",
}  # fmt: skip
_TALKS = re.compile(r"\b(?:talks|negotiations|discussions)\b", re.IGNORECASE)
_MERGER = re.compile(r"\b(?:merger|merge|business integration|holding company)\b", re.IGNORECASE)


def _ended_what(evidence: str) -> str:
    """What a cancellation ended, from its evidence: 'merger talks', 'talks' or 'tie-up'."""
    if _MERGER.search(evidence or ""):
        return "merger talks"
    if _TALKS.search(evidence or ""):
        return "talks"
    return "tie-up"


def _and(names: list[str]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def step_sentence(parties: list[str], type_: str, status: str, evidence: str = "") -> str:
    """'Honda and Nissan signed an MOU': one step as a plain sentence."""
    who = _and(sorted(parties))
    if type_ == "cancellation" or status == "cancelled":
        return f"{who} ended their {_ended_what(evidence)}"
    if type_ == "scale_back" or status == "reduced":
        return f"{who} scaled back their tie-up"
    noun = _NOUN.get(type_, type_.replace("_", " "))
    if type_ == "merger_talks":
        return {
            "exploring": f"{who} were in merger talks",
            "announced": f"{who} announced merger talks",
            "signed": f"{who} signed an agreement to start merger talks",
            "planned": f"{who} planned a merger",
            "active": f"{who} were in merger talks",
        }.get(status, f"{who}: merger ({status})")
    return {
        "exploring": f"{who} were exploring {noun}",
        "announced": f"{who} announced {noun}",
        "signed": f"{who} signed {noun}",
        "planned": f"{who} planned {noun}",
        "active": f"{who} had {noun} in force",
    }.get(status, f"{who}: {noun} ({status})")


def step_phrase(type_: str, status: str, evidence: str = "", previous_status: str | None = None) -> str:
    """A short lifecycle phrase for one step: 'MOU signed', 'merger talks', 'talks ended'."""
    if type_ == "cancellation" or status == "cancelled":
        what = _ended_what(evidence)
        if what == "tie-up" and previous_status == "exploring":
            what = "talks"
        return f"{what} ended"
    if type_ == "scale_back" or status == "reduced":
        return "tie-up scaled back"
    short = _SHORT.get(type_, type_.replace("_", " "))
    if type_ == "merger_talks":
        return {"exploring": "merger talks", "signed": "merger talks agreed", "active": "merger talks"}.get(
            status, f"merger talks {status}"
        )
    return {
        "exploring": f"{short} under discussion",
        "active": f"{short} in force",
    }.get(status, f"{short} {status}")


def _sources(n: int) -> str:
    return f"{n} source{'s' if n != 1 else ''}"


def _when(date_: object, precision: object, basis: object) -> str:
    if basis == "unknown" or _text(date_) is None:
        return "undated"
    label = _text(precision) or "date"
    if basis == "published":
        label += ", publication date"
    return f"{date_} ({label})"


def _story_line(row: dict) -> str:
    parties = str(_text(row.get("step_parties")) or _text(row.get("parties")) or "").split(" + ")
    text = step_sentence(parties, str(row["type"]), str(row["status"]), _text(row.get("evidence")) or "")
    if _text(row.get("joined")):
        text += f" ({row['joined']} joins)"
    line = f"{_when(row.get('date'), row.get('precision'), row.get('date_basis'))}: {text}"
    line += f" — {_sources(int(row['n_sources']))}"
    n_ind = row.get("n_independent")
    if not _missing(n_ind) and int(n_ind) != int(row["n_sources"]):
        line += f" ({int(n_ind)} independent)"
    if bool(row.get("future")):
        line += " [forecast]"
    if bool(row.get("conflict")):
        line += f"; disputed — {row.get('conflict_detail')}"
    return line


def _summary(life: dict, steps: list[Step], rows: list[dict], current: Step | None) -> str:
    parts = [f"{life['n_steps']} step{'s' if life['n_steps'] != 1 else ''}"]
    if life["first_seen"] and life["last_seen"] and life["first_seen"] != life["last_seen"]:
        parts[0] += f" from {life['first_seen']} to {life['last_seen']}"
    elif life["first_seen"]:
        parts[0] += f" ({life['first_seen']})"
    if current is not None:
        prev = _previous_status(steps, current)
        word = "ended" if current.status == "cancelled" else current.status
        parts.append(f"now {word} ({step_phrase(current.type, current.status, current.evidence, prev)})")
    joins = [f"{r['joined']} joined {r['date']}" for r in rows if r["joined"] and r["date"]]
    parts.extend(joins)
    parts.append(f"{_sources(life['n_sources'])} ({life['n_independent']} independent)")
    if life["n_conflicts"]:
        parts.append(f"{life['n_conflicts']} disputed step{'s' if life['n_conflicts'] != 1 else ''}")
    return "; ".join(parts)


def _previous_status(steps: list[Step], step: Step) -> str | None:
    i = steps.index(step)
    return steps[i - 1].status if i > 0 else None


def _select(lifecycles: pd.DataFrame, alliance: str | Iterable[str]) -> pd.Series:
    """An alliance by id, by ' + ' / '–' joined parties, or by an iterable of party names."""
    if isinstance(alliance, str):
        hit = lifecycles[lifecycles["alliance_id"] == alliance]
        if len(hit):
            return hit.iloc[0]
        names = {p.strip() for p in re.split(r"\s+\+\s+|\s*–\s*|\s*—\s*", alliance) if p.strip()}
    else:
        names = {str(p).strip() for p in alliance}
    sets = [set(str(p).split(" + ")) for p in lifecycles["parties"]]
    exact = [i for i, s in enumerate(sets) if s == names]
    if exact:
        return lifecycles.iloc[exact[0]]
    wider = sorted((i for i, s in enumerate(sets) if names <= s), key=lambda i: (len(sets[i]), i))
    if wider:
        return lifecycles.iloc[wider[0]]
    raise KeyError(f"no alliance with parties {sorted(names)}")


def story_table(steps: pd.DataFrame, lifecycles: pd.DataFrame, alliance: str | Iterable[str]) -> pd.DataFrame:
    """One alliance's history as prose rows, top to bottom.

    ``alliance`` is an alliance_id, parties joined by ' + ' or '–' ("Nissan–Honda"), or a list of
    party names; the alliance with exactly those parties is chosen, else the smallest one containing
    them. Rows: step_no, story ("2024-03-15 (day): Honda and Nissan signed an MOU — 2 sources"),
    sources (article ids).
    """
    life = _select(lifecycles, alliance)
    mine = steps[steps["alliance_id"] == life["alliance_id"]].sort_values("step_no")
    rows = [
        {"step_no": int(r["step_no"]), "story": _story_line(r), "sources": r["sources"]}
        for r in mine.to_dict("records")
    ]
    return pd.DataFrame(rows, columns=STORY_COLUMNS)


# ------------------------------------------------------------------------------------------- changes
def _alliance_label(parties: str) -> str:
    return "–".join(sorted(str(parties).split(" + ")))


def _rows_by_alliance(steps: pd.DataFrame | None) -> dict[str, list[dict]]:
    out: dict[str, list[dict]] = {}
    if steps is None or len(steps) == 0:
        return out
    for r in steps.sort_values(["alliance_id", "step_no"]).to_dict("records"):
        out.setdefault(str(r["alliance_id"]), []).append(r)
    return out


def _party_set(rows: list[dict]) -> frozenset[str]:
    return frozenset(str(rows[0]["parties"]).split(" + "))


def lifecycle_changes(previous_steps: pd.DataFrame | None, current_steps: pd.DataFrame) -> list[str]:
    """What changed between two ``alliance_steps`` tables, phrased in lifecycle terms.

    Lines like "Honda–Nissan: talks ended (2 sources)", "Honda–Nissan: new step MOU signed (1 source)",
    "Honda–Mitsubishi Motors–Nissan: Mitsubishi Motors joined (2024-08-01)", "Honda–Nissan: MOU signed
    (2024-03-15) now has 3 sources (was 2)", "... now disputed — status: signed (...) vs exploring (...)".
    Alliances are matched by id, else by parties (a party joining changes the id). Steps are matched on
    (type, status, date), then (type, date) for a changed status, then (type, status) for a changed
    date. Sorted by alliance, then step order. Empty when nothing changed, and when there is nothing
    earlier to compare with (``previous_steps`` is None); an empty earlier table makes every alliance new.
    """
    if previous_steps is None:
        return []
    before, after = _rows_by_alliance(previous_steps), _rows_by_alliance(current_steps)

    def label_of(rows: list[dict]) -> str:
        return _alliance_label(rows[0]["parties"])

    pairing = {aid: aid for aid in after if aid in before}
    taken = set(pairing.values())
    for aid in sorted(after, key=lambda a: label_of(after[a])):
        if aid in pairing:
            continue
        mine = _party_set(after[aid])
        options = [p for p in before if p not in taken and len(_party_set(before[p]) & mine) >= 2]
        options.sort(key=lambda p: (not _party_set(before[p]) <= mine, -len(_party_set(before[p]) & mine), p))
        if options:
            pairing[aid] = options[0]
            taken.add(options[0])
    lines: list[tuple[str, int, str]] = []
    for aid in after:
        rows, label = after[aid], label_of(after[aid])
        if aid not in pairing:
            last = len(rows) - 1
            n_steps = f"{len(rows)} step{'s' if len(rows) != 1 else ''}"
            latest = f"{_row_phrase(rows, last)} ({_sources(int(rows[last]['n_sources']))})"
            lines.append((label, 0, f"{label}: new alliance, {n_steps}; latest {latest}"))
            continue
        old = before[pairing[aid]]
        for party in sorted(_party_set(rows) - _party_set(old)):
            when = next((_text(r["date"]) for r in rows if party in _names(r.get("joined"))), None)
            lines.append((label, 0, f"{label}: {party} joined" + (f" ({when})" if when else "")))
        for party in sorted(_party_set(old) - _party_set(rows)):
            lines.append((label, 0, f"{label}: {party} no longer part of it"))
        lines.extend((label, n, f"{label}: {text}") for n, text in _step_changes(old, rows))
    for prev_id in sorted(set(before) - taken):
        label = label_of(before[prev_id])
        lines.append((label, 0, f"{label}: no longer reported in the corpus"))
    lines.sort(key=lambda t: (t[0], t[1]))
    return [text for _, _, text in lines]


def _names(value: object) -> list[str]:
    text = _text(value)
    return text.split(", ") if text else []


def _row_phrase(rows: list[dict], i: int) -> str:
    row = rows[i]
    prev = rows[i - 1]["status"] if i > 0 else None
    return step_phrase(str(row["type"]), str(row["status"]), str(_text(row.get("evidence")) or ""), prev)


def _step_changes(old: list[dict], new: list[dict]) -> list[tuple[int, str]]:
    """Changes between one alliance's old and new steps: (new step_no, phrase without the label)."""

    def key(r: dict, fields: tuple[str, ...]) -> tuple:
        return tuple(_text(r.get(f)) for f in fields)

    def when(r: dict) -> str:
        return _text(r.get("date")) or "undated"

    left = list(range(len(old)))
    matches: dict[str, list[tuple[int, int]]] = {"same": [], "status": [], "date": []}
    unmatched = list(range(len(new)))
    for kind, fields in (("same", ("type", "status", "date")), ("status", ("type", "date")),
                         ("date", ("type", "status"))):  # fmt: skip
        for j in list(unmatched):
            i = next((i for i in left if key(old[i], fields) == key(new[j], fields)), None)
            if i is not None:
                left.remove(i)
                unmatched.remove(j)
                matches[kind].append((i, j))
    out: list[tuple[int, str]] = []
    for i, j in matches["same"]:
        o, r = old[i], new[j]
        head = f"{_row_phrase(new, j)} ({when(r)})"
        if int(r["n_sources"]) != int(o["n_sources"]):
            out.append((j, f"{head} now has {_sources(int(r['n_sources']))} (was {int(o['n_sources'])})"))
        if bool(r.get("conflict")) and not bool(o.get("conflict")):
            out.append((j, f"{head} now disputed — {r['conflict_detail']}"))
        elif bool(o.get("conflict")) and not bool(r.get("conflict")):
            out.append((j, f"{head} no longer disputed"))
    for i, j in matches["status"]:
        out.append((j, f"{_row_phrase(old, i)} ({when(new[j])}) now reported as {_row_phrase(new, j)}"))
    for i, j in matches["date"]:
        out.append((j, f"{_row_phrase(new, j)} now dated {when(new[j])} (was {when(old[i])})"))
    for j in unmatched:
        r, phrase = new[j], _row_phrase(new, j)
        n = _sources(int(r["n_sources"]))
        ended = r["type"] == "cancellation" or r["status"] == "cancelled"
        out.append((j, f"{phrase} ({n})" if ended else f"new step {phrase} ({n})"))
    for i in left:
        out.append((_FAR + i, f"step {_row_phrase(old, i)} ({when(old[i])}) no longer reported"))
    return sorted(out, key=lambda t: t[0])
