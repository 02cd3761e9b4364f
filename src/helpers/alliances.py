"""Alliance events: who ties up with whom, how (type), how far along (status), when, for how much.

Each sentence is split into clauses; trigger phrases for the alliance types (data/reference/
alliance_types.csv) are found in each clause, and each trigger's parties are read from the clause's
shape: "between A and B", "A and B <verb>", "A ... <trigger> with B", "A's platform". Status comes from
cue words near the trigger (alliance_statuses.csv), with hedges ("potential", "would") and negations
("has no plans to", negations.csv) handled. A generic "partnership" is kept only for pairs that the
article does not describe more precisely.
"""

from __future__ import annotations

import re
from bisect import bisect_left

from .entities import Mention, constituent_companies
from .knowledge import Knowledge, lower_same_length
from .text import COMPANY_NOUN, sentence_at

_CLAUSE_SPLIT = re.compile(
    r";\s+|,\s+(?:and|but|while|whereas)\s+(?=[A-Z]|the\b|it\b|its\b|they\b|he\b|she\b)|:\s+"
)
_GROUP_JOIN = re.compile(r"^(?:\s*(?:,|and|&|,\s*and|as well as)\s*)$")
_LINK_AFTER = re.compile(r"\b(?:with|between|to|from|in|into|by|of|for|on|and)\s+(?:\w+\s+){0,3}?$")
_COREF = re.compile(rf"\b(?:the (?:\w+ )?{COMPANY_NOUN}(?:'s)?)(?=\W)", re.IGNORECASE)
# Words between a company and a group after it that make the group a subject of its own, not an object
_OBJECT_GAP_STOP = re.compile(
    r"[,;:(\u2013\u2014]|\b(?:said|says|say|told|tells|announced|announces|reported|reports|added|confirmed|"
    r"according|expects?|believes?|thinks?|while|whereas|but|and|or|that|which|who|when|after|before|as)\b",
    re.IGNORECASE,
)
_APPOSITIVE_ITS = re.compile(
    r",\s+(?:its|their|(?:with|in|through) which (?:it|they)(?: \w+)?)\s+[^,;()]*$", re.IGNORECASE
)
_OWN_BEFORE = re.compile(r"\b(?:its|their|our|his|her) own\s(?:[\w-]+\s){0,2}$", re.IGNORECASE)
_DIRECTED_TAIL = re.compile(r"\b(?:from|to)\s+(?:[\w'-]+\s+){0,2}?$|\b(?:from|to)\s*$")
_OPENING_PRONOUN = re.compile(r"\s*(?:It|Its|It's)\b")
_PRONOUN = re.compile(r"\b(?:it|its|it's)\b", re.IGNORECASE)
_THE_TWO = re.compile(
    r"\b(?:the two(?: \w+)?|both (?:companies|automakers|carmakers|firms|groups|partners|sides)|the partners|the pair)\b",
    re.IGNORECASE,
)
_ANAPHORIC = re.compile(r"\b(?:similar|likewise|also|followed|too|as well)\b", re.IGNORECASE)
_VENTURE_APPOSITIVE = re.compile(
    r"^,\s(?:its|their|the|a|an|[A-Z][\w.&-]*(?: [A-Z][\w.&-]*)?'s)\s(?:[\w:/.-]+\s){0,3}?(?:joint[- ]venture|JV)\b"
)
_VENTURE_AFTER = re.compile(
    r"^\s*(?:(?:battery|cell|EV|electric|software|engine|charging|production|manufacturing|powertrain)\s)?"
    r"(?:joint[- ]venture|JV)\b",
    re.IGNORECASE,
)
_COMPETITION = re.compile(
    r"\b(?:compet\w*|rival\w*|dominated by|heavyweights?|outsell\w*|overtak\w*|versus|vs\.?)\b", re.I
)
_ANNOUNCE_VERB = re.compile(
    r"\b(?:announced|signed|unveiled|agreed|inked|confirmed|revealed)\b", re.IGNORECASE
)
_GENERIC = "other"
_TYPE_CONFIDENCE = {"between": 0.9, "coordination": 0.85, "link": 0.85, "pair": 0.6, "coref": 0.6}


def extract_alliances(
    body: str,
    kb: Knowledge,
    mentions: list[Mention],
    sentences: list[tuple[int, int]],
    timeline: list[dict],
    figures: list[dict],
    published: str | None,
    published_precision: str | None,
    article_id: str = "",
) -> list[dict]:
    """Alliance events with parties, type, status, time, money, evidence sentence and confidence."""
    parties_all = [m for m in mentions if m.kind == "company" or (m.kind == "product" and m.company)]
    salience = _salience(parties_all)
    rows: list[dict] = []
    # trigger phrases and status cues are found once per article, then read clause by clause
    found = kb.keyword_scanner.scan(lower_same_length(body))  # types, then statuses, in table order
    n_types = len(kb.alliance_types)
    context = {
        "last_pair": None,
        "triggers": [
            (t, m.start(), m.end()) for (t, _), ms in zip(kb.alliance_types, found, strict=False) for m in ms
        ],
        "cues": [
            (status, m.start(), m.end())
            for (status, _prio, _), ms in zip(kb.statuses, found[n_types:], strict=True)
            if status not in ("cancelled", "reduced")
            for m in ms
        ],
    }
    trigger_starts = sorted(start for _, start, _ in context["triggers"])
    for s_start, s_end in sentences:
        if bisect_left(trigger_starts, s_start) == bisect_left(trigger_starts, s_end):
            continue  # no trigger phrase in this sentence: no clause of it can hold an event
        in_sentence = [m for m in parties_all if s_start <= m.start < s_end and not _is_venture_name(body, m)]
        if (
            not in_sentence
            and not _COREF.search(body, s_start, s_end)
            and not _THE_TWO.search(body, s_start, s_end)
        ):
            continue
        context["sentence_start"] = s_start
        for c_start, c_end in _clauses(body, s_start, s_end):
            clause_parties = [m for m in in_sentence if c_start <= m.start < c_end]
            events = _clause_events(
                body,
                kb,
                c_start,
                c_end,
                (s_start, s_end),
                clause_parties,
                in_sentence,
                salience,
                article_id,
                context,
            )
            rows.extend(events)
            if events:
                context["last_pair"] = (events[-1]["party_a"], events[-1]["party_b"])
        context["prev_subject"] = _name(in_sentence[0]) if in_sentence else None
    rows.extend(_named_ventures(body, kb, parties_all, sentences, article_id))
    product_ends = [m.end for m in mentions if m.kind == "product"]
    for row in rows:
        _attach_time_and_money(row, timeline, figures, published, published_precision, product_ends)
    return _consolidate(rows)


def _is_parent_of_venture(kb: Knowledge, parent: str, venture: str) -> bool:
    return parent in constituent_companies(venture, kb)


def _named_ventures(
    body: str, kb: Knowledge, parties: list[Mention], sentences: list[tuple[int, int]], article_id: str
) -> list[dict]:
    """A company whose name joins two others ("FAW Toyota", "Sony Honda Mobility") is their joint venture."""
    rows, seen = [], set()
    for m in parties:
        name = _name(m)
        if name in seen or m.kind != "company":
            continue
        seen.add(name)
        owners = constituent_companies(name, kb) or constituent_companies(m.text, kb)
        if len(owners) < 2:
            continue
        s, e = sentence_at(body, sentences, m.start)
        for i in range(len(owners)):
            for j in range(i + 1, len(owners)):
                rows.append(
                    {
                        "article_id": article_id,
                        "party_a": owners[i],
                        "party_b": owners[j],
                        "type": "joint_venture",
                        "status": "active",
                        "evidence": body[s:e],
                        "confidence": 0.7,
                        "start": m.start,
                        "end": m.end,
                        "_sentence": (s, e),
                    }
                )
    return rows


def _is_venture_name(body: str, m: Mention) -> bool:
    """'the Ultium Cells battery joint venture', 'L-H Battery, its joint venture with LG Energy Solution',
    'BlueOval SK, Ford's joint venture with SK On': the venture itself, not one of the partners."""
    after = body[m.end : m.end + 80]
    return bool(_VENTURE_AFTER.match(after) or _VENTURE_APPOSITIVE.match(after))


def _salience(parties: list[Mention]) -> list[tuple[int, str]]:
    """Running 'most mentioned company so far' used to resolve 'the company' / 'the Japanese automaker'."""
    counts: dict[str, int] = {}
    first: dict[str, int] = {}
    out = []
    for m in sorted(parties, key=lambda m: m.start):
        name = m.company or m.canonical
        counts[name] = counts.get(name, 0) + 1
        first.setdefault(name, m.start)
        best = max(counts, key=lambda n: (counts[n], -first[n]))
        out.append((m.start, best))
    return out


def _salient_at(salience: list[tuple[int, str]], pos: int) -> str | None:
    best = None
    for start, name in salience:
        if start >= pos:
            break
        best = name
    return best


def _clauses(body: str, s_start: int, s_end: int) -> list[tuple[int, int]]:
    out = []
    start = s_start
    for m in _CLAUSE_SPLIT.finditer(body, s_start, s_end):
        out.append((start, m.start()))
        start = m.end()
    out.append((start, s_end))
    return [(a, b) for a, b in out if b > a]


def _name(m: Mention) -> str:
    return m.company or m.canonical


def _groups(body: str, parties: list[Mention]) -> list[list[Mention]]:
    """Coordinated company groups: 'Nissan and Honda', 'Renault, Geely and Volvo'."""
    groups: list[list[Mention]] = []
    for m in sorted(parties, key=lambda m: m.start):
        if groups and _GROUP_JOIN.match(body[groups[-1][-1].end : m.start]):
            groups[-1].append(m)
        else:
            groups.append([m])
    return groups


def _clause_events(
    body: str,
    kb: Knowledge,
    c_start: int,
    c_end: int,
    sentence: tuple[int, int],
    parties: list[Mention],
    sentence_parties: list[Mention],
    salience: list[tuple[int, str]],
    article_id: str,
    context: dict,
) -> list[dict]:
    clause = body[c_start:c_end]
    triggers = [t for t in context["triggers"] if c_start <= t[1] < c_end]
    if not triggers:
        return []
    negation = kb.negation.search(clause) if kb.negation else None
    groups = _groups(body, parties)
    coref = [c_start + m.start() for m in _COREF.finditer(clause)]
    competitive = bool(_COMPETITION.search(clause))
    events: dict[tuple[str, str], dict] = {}
    previous: tuple[int, list[tuple[str, str]]] | None = None
    for type_, t_start, t_end in sorted(triggers, key=lambda t: t[1]):
        if negation and c_start + negation.start() < t_start:
            continue
        if _OWN_BEFORE.search(body, max(c_start, t_start - 40), t_start):
            continue  # "pressing ahead with its own battery supply": nobody else's
        pairs, how = _parties_for(
            body, t_start, t_end, groups, parties, sentence_parties, coref, salience, c_end
        )
        if not pairs:
            pairs, how = _implicit_parties(
                body, c_start, t_start, t_end, parties, salience, context, previous
            )
        if how in ("pair", "coordination") and competitive:
            continue
        if pairs:
            previous = (t_end, pairs)
        for a, b in pairs:
            if _is_parent_of_venture(kb, a, b) or _is_parent_of_venture(kb, b, a):
                continue  # "FAW and FAW Toyota": ownership, not an alliance
            key = (a, b) if a <= b else (b, a)
            status = _status(body, type_, context["cues"], c_start, c_end, t_start, t_end)
            event = {
                "article_id": article_id,
                "party_a": a,
                "party_b": b,
                "type": type_,
                "status": status,
                "evidence": body[sentence[0] : sentence[1]],
                "confidence": round(_TYPE_CONFIDENCE[how] - (0.1 if status == "exploring" else 0.0), 2),
                "start": t_start,
                "end": t_end,
                "_sentence": (
                    c_start,
                    c_end,
                ),  # the clause: a date elsewhere in the sentence dates another event
            }
            current = events.get(key)
            if current is None or _priority(kb, type_) < _priority(kb, current["type"]):
                events[key] = event
    return list(events.values())


def _implicit_parties(
    body: str,
    c_start: int,
    t_start: int,
    t_end: int,
    parties: list[Mention],
    salience: list[tuple[int, str]],
    context: dict,
    previous: tuple[int, list[tuple[str, str]]] | None,
) -> tuple[list[tuple[str, str]], str]:
    """Parties a clause implies: 'to co-develop' after 'partnership with Honda', 'the two said', 'its stake'."""
    if previous and t_start - previous[0] <= 40:  # "partnership with Honda to co-develop ..."
        return previous[1], "link"
    before = body[c_start:t_start]
    if (
        _THE_TWO.search(body, c_start, min(len(body), t_end + 40))
        and context.get("last_pair")
        and not parties
    ):
        return [context["last_pair"]], "coref"
    names = sorted({_name(m) for m in parties})
    # one partner named, or a group that all comes after a directed trigger ("from A and B")
    group_after = (
        len(names) > 1
        and all(m.start >= t_end for m in parties)
        and _DIRECTED_TAIL.search(body, t_start, min(m.start for m in parties))
    )
    if (len(names) == 1 or group_after) and (
        _PRONOUN.search(before) or _ANAPHORIC.search(body[c_start : t_start + 60])
    ):
        subject = _salient_at(salience, t_start)
        if c_start == context.get("sentence_start") and _OPENING_PRONOUN.match(before):
            # "Honda is pressing ahead. Its joint venture with LG ...": the subject of the sentence before
            subject = context.get("prev_subject") or subject
        pairs = [(subject, name) for name in names if subject and subject != name]
        if pairs:
            return pairs, "coref"
    return [], "pair"


def _priority(kb: Knowledge, type_: str) -> int:
    for i, (name, _) in enumerate(kb.alliance_types):
        if name == type_:
            return i
    return 99


def _parties_for(
    body: str,
    t_start: int,
    t_end: int,
    groups: list[list[Mention]],
    parties: list[Mention],
    sentence_parties: list[Mention],
    coref: list[int],
    salience: list[tuple[int, str]],
    c_end: int,
) -> tuple[list[tuple[str, str]], str]:
    """Resolve the parties of one trigger from the clause's shape; returns (pairs, how)."""
    window_after = body[t_end : min(c_end, t_end + 80)]
    # "between A and B" right after the trigger
    between = re.match(r"^\s*(?:\w+\s+){0,2}between\s", window_after)
    after_groups = [g for g in groups if g[0].start >= t_end]
    before_groups = [g for g in groups if g[-1].end <= t_start]
    if between and after_groups and len(after_groups[0]) >= 2:
        return _pairs_within(after_groups[0]), "between"
    if before_groups:
        # "GM works with LG Energy Solution, its partner in the Ultium Cells joint venture", "... and with
        # Samsung SDI, with which it is building a joint-venture plant": the trigger sits in an aside about
        # the last company, and "its" / "it" is the sentence's subject
        last = before_groups[-1][-1]
        if _APPOSITIVE_ITS.match(body, last.end, t_start):
            head = next(
                (m for m in sentence_parties if m.end <= last.start and _name(m) != _name(last)), None
            )
            if head is not None:
                return [(_name(head), _name(last))], "link"
    linked_after = None
    for g in after_groups:
        gap = body[t_end : g[0].start]
        if len(gap) <= 80 and _LINK_AFTER.search(gap + " ") or len(gap.strip()) == 0:
            linked_after = g
            break
    subject = before_groups[-1] if before_groups else None
    if (
        subject
        and sentence_parties
        and (
            re.search(r"\b(?:its|their)\s+(?:[\w%.-]+\s+){0,2}$", body[max(0, t_start - 40) : t_start])
            or body.startswith(("its ", "their ", "Its ", "Their "), t_start)  # "its 20% holding in Subaru"
        )
    ):
        head = sentence_parties[0]
        if head.start < subject[0].start and (
            linked_after is None or all(_name(head) != _name(o) for o in (linked_after or []))
        ):
            subject = [head]
    ref_between = [c for c in coref if (subject is None or c >= subject[-1].end) and c < t_start]
    if ref_between and linked_after:
        # "... would not impact the company's relationships with Renault": the reference is the subject
        name = _salient_at(salience, ref_between[-1])
        if name:
            pairs = [(name, _name(o)) for o in linked_after if _name(o) != name]
            if pairs:
                return pairs, "coref"
    if subject is None and linked_after:
        # "When not rescuing Fisker, Nissan is ...": the main clause's subject follows the object
        main = [
            m
            for m in sentence_parties
            if m.start > linked_after[-1].end and body[m.start - 2 : m.start] == ", "
        ]
        if main:
            subject = [main[0]]
    if subject is None:
        # a possessive trigger object ("access to Nissan's technology") or the sentence's subject
        earlier = [m for m in sentence_parties if m.end <= t_start and m not in parties]
        if earlier:
            subject = [earlier[0]]
    if linked_after and subject:
        pairs = [(_name(s), _name(o)) for s in subject for o in linked_after if _name(s) != _name(o)]
        if pairs:
            return pairs, "link"
    if linked_after and len(linked_after) >= 2:
        if subject is None and _DIRECTED_TAIL.search(body, t_start, linked_after[0].start):
            # "it buys battery cells from CATL and LG Energy Solution": each supplies the subject; they
            # are not partners of each other (the subject, a pronoun, is resolved by _implicit_parties)
            return [], "directed"
        return _pairs_within(linked_after), "coordination"
    if subject and len(subject) >= 2 and (not linked_after):
        head = _head_of_objects(body, before_groups, subject)
        if head is not None:
            # "Ampere has lined up LG Energy Solution and CATL to supply cells": the group is the object
            pairs = [(_name(head), _name(o)) for o in subject if _name(o) != _name(head)]
            if pairs:
                return pairs, "link"
        return _pairs_within(subject), "coordination"
    if linked_after and not subject:
        ref = [c for c in coref if c < t_end]
        name = _salient_at(salience, ref[-1]) if ref else None
        if name is None:
            earlier = [m for m in sentence_parties if m.end <= t_start]
            name = _name(earlier[0]) if earlier else None
        if name:
            pairs = [(name, _name(o)) for o in linked_after if _name(o) != name]
            if pairs:
                return pairs, "coref"
    distinct = sorted(
        {_name(m) for m in parties}, key=lambda n: min(m.start for m in parties if _name(m) == n)
    )
    if len(distinct) == 2:
        return [(distinct[0], distinct[1])], "pair"
    if len(distinct) == 1 and subject is None and coref:
        name = _salient_at(salience, coref[0])
        if name and name != distinct[0] and any(c < t_start for c in coref):
            return [(name, distinct[0])], "coref"
    return [], "pair"


def _head_of_objects(body: str, before_groups: list[list[Mention]], group: list[Mention]) -> Mention | None:
    """The one company that acts on a coordinated group named just after it ("X has lined up A and B",
    "X picked A and B"), unless the words between report speech ("X said A and B will ...") or tie the
    group to X as fellow partners ("X is in an alliance with A and B")."""
    if len(before_groups) < 2 or before_groups[-1] is not group or len(before_groups[-2]) != 1:
        return None
    head = before_groups[-2][0]
    gap = body[head.end : group[0].start]
    if len(gap) > 40 or _OBJECT_GAP_STOP.search(gap) or _LINK_AFTER.search(gap):
        return None  # "Nissan is part of an alliance with Renault and Mitsubishi": all three are partners
    return head


def _pairs_within(group: list[Mention]) -> list[tuple[str, str]]:
    names = []
    for m in group:
        if _name(m) not in names:
            names.append(_name(m))
    return [(names[i], names[j]) for i in range(len(names)) for j in range(i + 1, len(names))]


def _status(
    body: str,
    type_: str,
    all_cues: list[tuple[str, int, int]],
    c_start: int,
    c_end: int,
    t_start: int,
    t_end: int,
) -> str:
    """How far along a tie is, from cue words near its trigger (hedges beat plans; signatures beat hedges)."""
    if type_ == "cancellation":
        return "cancelled"
    if type_ == "scale_back":
        return "reduced"
    cues = [
        (status, s) for status, s, e in all_cues if c_start <= s and e <= c_end and not t_start <= s < t_end
    ]
    kinds = {s for s, _ in cues}
    if "signed" in kinds:
        return "signed"
    for status, pos in cues:  # "current business relationships": an adjective on the tie itself
        if status == "active" and pos < t_start and len(body[pos:t_start].split()) <= 3:
            return "active"
    announced = [p for s, p in cues if s == "announced" and p < t_start]
    exploring = [p for s, p in cues if s == "exploring"]
    if announced:
        if any(announced[-1] < p < t_start for p in exploring):
            return "exploring"
        return "announced"
    if exploring:
        return "exploring"
    if "planned" in kinds:
        return "planned"
    if "active" in kinds:
        return "active"
    return "announced"


def _attach_time_and_money(
    row: dict,
    timeline: list[dict],
    figures: list[dict],
    published: str | None,
    published_precision: str | None,
    product_ends: list[int],
) -> None:
    s_start, s_end = row.pop("_sentence")
    times = [
        t
        for t in timeline
        if t.get("start") is not None
        and s_start <= t["start"] < s_end
        and t.get("normalized")
        and t.get("role") != "published"
        and not any(
            0 <= t["start"] - end <= 25 for end in product_ends
        )  # "the Fisker Alaska, slated for 2026"
    ]
    row.update({"when": None, "precision": None, "start_date": None, "end_date": None, "value_usd": None})
    if times:
        best = min(times, key=lambda t: abs(t["start"] - row["start"]))
        row.update(
            when=best["normalized"],
            precision=best.get("precision"),
            start_date=best.get("start_date"),
            end_date=best.get("end_date"),
        )
    elif (
        published
        and published_precision == "day"
        and row["status"] in ("announced", "signed")
        and _ANNOUNCE_VERB.search(row["evidence"])
    ):
        row.update(when=published, precision="day", start_date=published, end_date=published)
    if row["type"] in ("investment", "acquisition", "joint_venture", "merger_talks", "supply"):
        money = [
            f
            for f in figures
            if f["kind"] == "money" and s_start <= f["start"] < s_end and f.get("value_usd")
        ]
        if money:
            row["value_usd"] = max(money, key=lambda f: f["value_usd"])["value_usd"]


def _consolidate(rows: list[dict]) -> list[dict]:
    """Drop generic ties for pairs the article describes precisely; drop exact repeats within the article."""
    specific = {frozenset((r["party_a"], r["party_b"])) for r in rows if r["type"] != _GENERIC}
    seen = set()
    out = []
    for r in sorted(rows, key=lambda r: (r["start"], -r["confidence"])):
        pair = frozenset((r["party_a"], r["party_b"]))
        if r["type"] == _GENERIC and pair in specific:
            continue
        key = (pair, r["type"], r["status"], r["when"])
        if key in seen:
            continue
        seen.add(key)
        out.append(r)
    return out


def sentence_of(body: str, sentences: list[tuple[int, int]], offset: int) -> str:
    """The evidence sentence around an offset."""
    s, e = sentence_at(body, sentences, offset)
    return body[s:e]
