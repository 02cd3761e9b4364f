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

Code: rules 1-3 live in `lifecycle_claims` (rows as compact integer codes, grouped into alliances),
rules 4-8 in `lifecycle_steps` (one alliance at a time); this module builds the tables, the prose
(`step_sentence`, `story_table`) and the report-to-report changes (`lifecycle_changes`).

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
import re
from collections.abc import Iterable
from datetime import date
from functools import cache

import pandas as pd

from .lifecycle_claims import ClaimTable, _missing, _text
from .lifecycle_steps import Step, _build_steps, _current, _ids

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

_FAR = 10**6


# ---------------------------------------------------------------------------------------------- tables
def alliance_id(parties: Iterable[str]) -> str:
    """Stable id of an alliance: the first 12 hex digits of SHA-1 over its sorted, ' + '-joined parties."""
    return hashlib.sha1(" + ".join(sorted(parties)).encode("utf-8")).hexdigest()[:12]


def build_lifecycles(alliances: pd.DataFrame, articles: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Merge alliance events from all articles into (alliance_lifecycles, alliance_steps).

    ``alliances`` is the alliances table (article_id, party_a, party_b, type, status, when, precision,
    start_date, end_date, evidence, confidence, start, ...); ``articles`` gives publication dates and
    ``duplicate_of``. Returns two DataFrames with columns LIFECYCLE_COLUMNS and STEP_COLUMNS, sorted by
    parties and step number. See the module docstring for the merging, conflict and status rules.

    Rows are held as integer codes (`ClaimTable`) and turned into claims one alliance at a time; output
    rows go straight into column lists. Memory stays near the size of the input table.
    """
    if alliances is None or alliances.empty:
        return _empty_lifecycles(), _empty_steps()
    table = ClaimTable(alliances, articles)
    life_cols: dict[str, list] = {c: [] for c in LIFECYCLE_COLUMNS}
    step_cols: dict[str, list] = {c: [] for c in STEP_COLUMNS}
    for parties, rows in table.alliances():
        group = table.claims(rows)
        names = sorted(parties)
        aid, label = alliance_id(names), " + ".join(names)
        steps = _build_steps(group)
        newest = table.newest(rows)
        future = [bool(newest and s.start and s.start > newest) for s in steps]
        seen: set[str] = set()
        joins: list[dict] = []
        for no, (s, fut) in enumerate(zip(steps, future, strict=True), start=1):
            joined = ", ".join(sorted(s.parties - seen)) if seen else ""
            seen |= s.parties
            joins.append({"joined": joined or None, "date": s.date})
            row = {
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
                "start_date": _isoformat(s.start),
                "end_date": _isoformat(s.end),
                "parties": label,
                "step_parties": label if len(s.parties) == len(names) else " + ".join(sorted(s.parties)),
                "joined": joined or None,
                "n_independent": len(s.canons),
                "future": fut,
            }
            for col, value in row.items():
                step_cols[col].append(value)
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
        life["summary"] = _summary(life, steps, joins, current)
        for col in LIFECYCLE_COLUMNS:
            life_cols[col].append(life[col])
    lifecycles = _frame(life_cols, LIFECYCLE_COLUMNS)
    del life_cols
    steps_df = _frame(step_cols, STEP_COLUMNS)
    del step_cols
    # alliances came sorted by their party lists, which is nearly always the order of their labels too
    if not lifecycles["parties"].is_monotonic_increasing:
        lifecycles = lifecycles.sort_values(["parties", "alliance_id"], kind="stable").reset_index(drop=True)
        steps_df = steps_df.sort_values(["parties", "step_no"], kind="stable").reset_index(drop=True)
    return lifecycles, steps_df


@cache
def _isoformat(day: date | None) -> str | None:
    """ISO text of a day, one shared string per day (a big table repeats few distinct days)."""
    return day.isoformat() if day else None


def _frame(columns: dict[str, list], names: list[str]) -> pd.DataFrame:
    """A table from column lists; with no rows, object columns (as a table built from no records has)."""
    if not columns[names[0]]:
        return pd.DataFrame([], columns=names)
    return pd.DataFrame(columns, columns=names)


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
