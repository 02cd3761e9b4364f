"""Steps of one alliance (rules 4-8 of `lifecycle`'s module docstring): claims merged into a dated history.

Work is per alliance and per claim; a step keeps its sources' canonical articles, parties and first
article id up to date as claims join (`Step.add`), so placing a claim never re-reads a step's claims.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from .lifecycle_claims import FAR as _FAR
from .lifecycle_claims import GENERIC, Claim

DATE_CONFLICT_DAYS = 31
STAGE = {"exploring": 0, "planned": 1, "announced": 2, "signed": 3, "active": 4, "reduced": 5, "cancelled": 6}
AGREED = frozenset({"announced", "planned", "signed", "active"})
POINT_STATUSES = frozenset({"announced", "planned", "signed", "reduced", "cancelled"})
_BASIS_RANK = {"event": 0, "published": 1, "unknown": 2}
_MERGED_STATUS = ("signed", "announced", "active", "planned")  # the status a step of agreeing claims shows


@dataclass(slots=True)
class Step:
    type: str
    claims: list[Claim] = field(default_factory=list)
    # kept up to date by add()
    canons: set[str] = field(default_factory=set)
    parties: set[str] = field(default_factory=set)
    first_article: str = ""
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

    @classmethod
    def of(cls, c: Claim) -> Step:
        step = cls(c.type)
        step.add(c)
        return step

    def add(self, c: Claim) -> None:
        self.first_article = min(self.first_article, c.article_id) if self.claims else c.article_id
        self.claims.append(c)
        self.canons.add(c.canon)
        self.parties |= c.parties


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
        s.first_article,
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
    step once more at the end. A step's interim status and dates steer where later claims go, so this
    schedule is part of the rules: changing it can change outputs."""
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
            target.add(c)
            _resettle(target)
            return
        steps.append(Step.of(c))
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
            target.add(c)
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
            latest.add(c)
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
                target.add(c)
                _resettle(target)
                return
    steps.append(Step.of(c))
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
        nearest.add(c)
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
