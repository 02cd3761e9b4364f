"""Company, product, place, publication and person mentions with offsets and canonical names.

One Aho-Corasick pass finds every gazetteer surface form (thousands of aliases cost the same as one);
leftmost-longest selection resolves overlaps ("Nissan Leaf" beats "Nissan"). Ambiguous aliases are
resolved from the article itself: "Mitsubishi" is Mitsubishi Corporation in an article that names the
trading house, Mitsubishi Motors otherwise; an acronym is an alias only where the text defines it,
as in "Mitsubishi Corporation (MC)".
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache

import ahocorasick

from .knowledge import Entry, Knowledge, lower_pattern, lower_same_length
from .scan import PatternScanner

KIND_PRIORITY = {"company": 0, "product": 1, "publication": 2, "place": 3}
_ACRONYM_DEF = re.compile(r"\s?\(([A-Z][A-Za-z0-9&.-]{1,9})\)")
_GENERIC_PLACE = re.compile(
    r"\b((?:[A-Z][a-z]+ ){0,2}[A-Z][a-z]+) (Prefecture|City|Town|Village|Province|District|County|Region|Ward)\b"
)
# At most 30 words (a defined name is at most 60 characters): an unbounded lazy repeat made the search
# quadratic in a run of capitalised words (100 KB of "Nissan Nissan ..." took two minutes).
_ORG_NAME = (
    r"[A-Z][\w&.'-]*(?:\s(?:[A-Z0-9][\w&.'-]*|and|&|de|do|of)){0,29}?(?:\s(?:Co\.|Ltd\.|Inc\.|LLC|Corp\.))?"
)
_LEGAL_SUFFIX = re.compile(r"\s(?:Co\.|Ltd\.|Inc\.|LLC|Corp\.)$")
_VENTURE_WORDS = r"(?:joint[- ]venture|venture|JV|company|subsidiary|unit|start-?up|business)"
# Companies the article itself names: "HL-GA Battery Co., a joint venture between ...",
# "the venture, BYD Toyota EV Technology, ...", "a joint venture called Leapmotor International".
_DEFINED_NAMES = [
    re.compile(rf"(?P<name>{_ORG_NAME}),\s(?:an?|the)\s(?:[\w/:-]+\s){{0,4}}?{_VENTURE_WORDS}\b"),
    re.compile(
        rf"\b{_VENTURE_WORDS}(?:,|\s(?:called|named|known as|dubbed)|,\s(?:called|named|known as|dubbed))\s(?P<name>{_ORG_NAME})(?=[,.;:)]|\s(?:is|was|will|which|that|in|to|with|and)\b)"
    ),
]
_DEFINED_TAIL = re.compile(rf",\s(?:an?|the)\s(?:[\w/:-]+\s){{0,4}}?{_VENTURE_WORDS}\b")  # "a 50:50 venture"
_DEFINED_SCANNER = PatternScanner(_DEFINED_NAMES[1:])
# A person's name: two or three capitalised tokens (Unicode letters: "Ralf Brandstätter"), initials allowed
# ("N. Chandrasekaran", "RJ Scaringe"); a possessive "'s" is not part of the name.
_UP = "A-ZÀ-ÖØ-Þ"
_LOW = "a-zß-öø-ÿ"
_TOKEN = rf"(?:[{_UP}][{_LOW}]+(?:-[{_UP}][{_LOW}]+)?|[{_UP}]{{2}}(?=\s)|[{_UP}]\.)"
_NAME = rf"{_TOKEN}(?: [{_UP}]\.)?(?: (?:van |de |von |da )?{_TOKEN}){{1,2}}(?!\w)"
_NAME_RE = re.compile(_NAME)
_NAME_AFTER_ROLE = re.compile(rf",? ({_NAME})")
# "Makoto Uchida, Nissan's president", "Hakan Samuelsson, who returned as Volvo Cars chief executive", "Philippe
# Divry, who comes from Volvo, has been appointed chief executive", "with Krishnan Sundararajan as COO"; the name
# is not glued to a word before it ("CEO. Shilpan Amin" is not "O. Shilpan Amin")
_NAME_BEFORE_ROLE = re.compile(
    rf"(?<!\w)({_NAME})(?:,\s(?:the\s|its\s|their\s)?|,\swho\s(?:[\w'-]+\s){{1,4}}?as\s(?:the\s)?"
    r"|(?:,\swho\s[^,]{1,60},)?\s(?:has been|had been|was|is|will be)\s(?:appointed|named|promoted)(?:\sas|\sto)?\s"
    r"|\sas\s(?:the\s|its\s|their\s)?)$"
)
_OF_AT = re.compile(r"(?:,? (?:of|at) (?:the )?)")
_NOT_NAME_WORDS = {
    "The", "This", "That", "In", "On", "At", "As", "For", "And", "But", "With", "Both", "When", "While", "After",
    "Japanese", "Chinese", "American", "European", "Korean", "German", "French", "Electric", "Motor", "Motors",
}  # fmt: skip


@dataclass
class Mention:
    """A mention of a known thing; `company` is the acting company for products."""

    kind: str
    text: str
    canonical: str
    start: int
    end: int
    company: str | None = None
    role: str | None = None
    org: str | None = None


@lru_cache(maxsize=4)
def _automaton(kb: Knowledge) -> ahocorasick.Automaton:
    auto = ahocorasick.Automaton()
    for surface in kb.surface:
        auto.add_word(surface, surface)
    auto.make_automaton()
    return auto


def _is_boundary(text: str, start: int, end: int) -> bool:
    before = text[start - 1] if start > 0 else " "
    after = text[end] if end < len(text) else " "
    return not (before.isalnum() or before == "_") and not (after.isalnum() or after == "_")


def gazetteer_matches(body: str, kb: Knowledge, exclude_whole: bool = False) -> list[tuple[int, int, str]]:
    """All gazetteer hits as (start, end, surface), leftmost-longest, non-overlapping.

    `exclude_whole` ignores a hit spanning the whole text (to find the names inside a name).
    """
    if not kb.surface:
        return []
    auto = _automaton(kb)
    hits = []
    for end_idx, surface in auto.iter(body):
        start = end_idx - len(surface) + 1
        if exclude_whole and (start, end_idx + 1) == (0, len(body)):
            continue
        if _is_boundary(body, start, end_idx + 1):
            hits.append((start, end_idx + 1, surface))
    hits.sort(key=lambda h: (h[0], -(h[1] - h[0])))
    chosen: list[tuple[int, int, str]] = []
    last_end = -1
    for start, end, surface in hits:
        if start >= last_end:
            chosen.append((start, end, surface))
            last_end = end
    return chosen


def find_mentions(body: str, kb: Knowledge) -> list[Mention]:
    """Every mention in a clean body, sorted by offset; people come from `find_people`."""
    hits = gazetteer_matches(body, kb)
    unambiguous = Counter()
    for _, _, surface in hits:
        entries = [e for e in kb.surface[surface] if e.kind == "company"]
        if entries and len(entries[0].canonicals) == 1:
            unambiguous[entries[0].canonicals[0]] += 1
    product_makers = set(unambiguous)
    mentions: list[Mention] = []
    for start, end, surface in hits:
        entry = _choose_entry(kb.surface[surface], product_makers, kb)
        if entry is None:
            continue
        mentions.extend(_to_mentions(entry, surface, start, end, body, kb, unambiguous))
    mentions.extend(_defined_acronyms(body, mentions, kb))
    mentions = _defined_companies(body, mentions, kb)
    taken = [(m.start, m.end) for m in mentions]
    for m in _GENERIC_PLACE.finditer(body):
        if not any(s < m.end() and m.start() < e for s, e in taken):
            mentions.append(Mention("place", m.group(0), m.group(0), m.start(), m.end()))
    people = find_people(body, mentions, kb)
    if people:
        # "founder Henrik Fisker": the company name inside a person's name is the person's
        names = [(p.start, p.end) for p in people]
        mentions = [
            m
            for m in mentions
            if not any(s <= m.start and m.end <= e and (s, e) != (m.start, m.end) for s, e in names)
        ]
        mentions.extend(people)
    mentions.sort(key=lambda m: (m.start, m.end, KIND_PRIORITY.get(m.kind, 9)))
    return mentions


def _choose_entry(entries: list[Entry], makers: set[str], kb: Knowledge) -> Entry | None:
    """Pick what an ambiguous surface names: a bare model name counts only if its maker is in the article."""
    ranked = sorted(entries, key=lambda e: KIND_PRIORITY.get(e.kind, 9))
    for entry in ranked:
        if entry.kind == "product" and entry.company and len(ranked) > 1:
            maker = kb.top_company(entry.company)
            if entry.company not in makers and maker not in makers:
                continue
        return entry
    return None


def _to_mentions(
    entry: Entry, surface: str, start: int, end: int, body: str, kb: Knowledge, unambiguous: Counter
) -> list[Mention]:
    text = body[start:end]
    if entry.kind == "company":
        name = _resolve_company(surface, entry.canonicals, unambiguous, kb)
        return [Mention("company", text, kb.top_company(name), start, end, company=kb.top_company(name))]
    if entry.kind == "product":
        maker = kb.top_company(entry.company) if entry.company else None
        out = [Mention("product", text, entry.canonicals[0], start, end, company=maker)]
        # "Chevrolet Silverado EV": the brand at the front is also a mention of the company behind it
        prefix = _company_prefix(text, kb)
        if prefix:
            out.append(
                Mention("company", text[: prefix[0]], prefix[1], start, start + prefix[0], company=prefix[1])
            )
        return out
    return [Mention(entry.kind, text, entry.canonicals[0], start, end)]


@lru_cache(maxsize=4096)
def constituent_companies(name: str, kb: Knowledge) -> tuple[str, ...]:
    """Companies named inside a company's name: "FAW Toyota" -> [FAW, Toyota] (a joint venture's parents)."""
    found: list[str] = []
    for _start, _end, surface in gazetteer_matches(name, kb, exclude_whole=True):
        for entry in kb.surface[surface]:
            if entry.kind == "company" and len(entry.canonicals) == 1:
                company = kb.top_company(entry.canonicals[0])
                if company not in found and company != name:
                    found.append(company)
    return tuple(found)


def _company_prefix(text: str, kb: Knowledge) -> tuple[int, str] | None:
    """If a product mention starts with a company alias ("Tesla Cybertruck"), return (length, company)."""
    words = text.split(" ")
    for n in range(len(words) - 1, 0, -1):
        head = " ".join(words[:n])
        for entry in kb.surface.get(head, []):
            if entry.kind == "company" and len(entry.canonicals) == 1:
                return len(head), kb.top_company(entry.canonicals[0])
    return None


def _resolve_company(surface: str, candidates: tuple[str, ...], unambiguous: Counter, kb: Knowledge) -> str:
    if len(candidates) == 1:
        return candidates[0]
    named = [(unambiguous[c], c) for c in candidates if unambiguous[c]]
    if named:
        return max(named)[1]
    return kb.ambiguous_default.get(surface, candidates[0])


def _defined_companies(body: str, mentions: list[Mention], kb: Knowledge) -> list[Mention]:
    """Ventures and units the text names ("the venture, BYD Toyota EV Technology,") become companies.

    The defined name wins over the gazetteer names inside it, and its later uses are found too.
    """
    names: dict[str, str] = {}
    found = [
        # the first pattern tries every capitalised word; the ", a ... venture" it needs is rare: look first
        list(_DEFINED_NAMES[0].finditer(body)) if _DEFINED_TAIL.search(body) else [],
        *_DEFINED_SCANNER.scan(body),
    ]
    for matches in found:
        for m in matches:
            text = m.group("name").strip()
            words = _LEGAL_SUFFIX.sub("", text).split()
            if len(words) < 2 or len(text) > 60 or words[0] in _NOT_NAME_WORDS:
                continue
            known = [e for e in kb.surface.get(text, []) if e.kind != "company"]
            if known or any(e.kind == "company" for e in kb.surface.get(text, [])):
                continue
            canonical = _LEGAL_SUFFIX.sub("", text)
            names[text] = canonical
            names.setdefault(canonical, canonical)
    if not names:
        return mentions
    spans = []
    for text in sorted(names, key=len, reverse=True):
        for m in re.finditer(rf"(?<![\w-]){re.escape(text)}(?![\w-])", body):
            if not any(s < m.end() and m.start() < e for s, e, _ in spans):
                spans.append((m.start(), m.end(), names[text]))
    kept = [m for m in mentions if not any(s <= m.start and m.end <= e for s, e, _ in spans)]
    kept += [Mention("company", body[s:e], c, s, e, company=c) for s, e, c in spans]
    return kept


def _defined_acronyms(body: str, mentions: list[Mention], kb: Knowledge) -> list[Mention]:
    """'Mitsubishi Corporation (MC)' defines MC for this article only; find its later uses."""
    by_end = {m.end: m for m in mentions if m.kind == "company"}
    defined: dict[str, str] = {}
    for m in _ACRONYM_DEF.finditer(body):
        owner = by_end.get(m.start())
        if owner:
            defined[m.group(1)] = owner.canonical
    out = []
    taken = [(m.start, m.end) for m in mentions]
    for alias, company in defined.items():
        for m in re.finditer(rf"(?<![\w-]){re.escape(alias)}(?![\w-])", body):
            if not any(s <= m.start() < e for s, e in taken):
                out.append(Mention("company", alias, company, m.start(), m.end(), company=company))
    return out


@lru_cache(maxsize=4)
def _role_pattern(kb: Knowledge) -> tuple[PatternScanner, list[str]]:
    """One pass for every role title: an alternation in the table's order (longest titles first),
    lower-cased and run over the lower-cased text, from an automaton of the titles' first letters."""
    roles = [role for role, _ in kb.roles]
    union = "|".join(f"(?P<r{i}>{lower_pattern(pattern).pattern})" for i, (_, pattern) in enumerate(kb.roles))
    return PatternScanner([re.compile(rf"\b(?:{union})\b")]), roles


def find_people(body: str, mentions: list[Mention], kb: Knowledge) -> list[Mention]:
    """People named next to a role title, with their organisation; later surname uses are linked back."""
    companies = sorted((m for m in mentions if m.kind == "company"), key=lambda m: m.start)
    taken = [(m.start, m.end) for m in mentions]
    people: dict[str, Mention] = {}
    found: list[Mention] = []
    role_spans: list[tuple[int, int]] = []
    scanner, roles = _role_pattern(kb)
    for rm in scanner.scan(lower_same_length(body))[0]:
        role = roles[int(rm.lastgroup[1:])]
        person = _person_near_role(body, rm.start(), rm.end(), role, companies, taken)
        if person:
            role_spans.append((rm.start(), rm.end()))
            if person.canonical not in people:
                people[person.canonical] = person
            found.append(person)
    # later mentions by surname ("Uchida said")
    for full, person in people.items():
        surname = full.split()[-1]
        for m in re.finditer(rf"\b{re.escape(surname)}\b", body):
            if any(p.start <= m.start() < p.end for p in found):
                continue
            if any(a <= m.start() < b for a, b in taken):
                continue  # "Fisker said" after "Henrik Fisker": the company's name, as the gazetteer read it
            found.append(
                Mention("person", surname, full, m.start(), m.end(), role=person.role, org=person.org)
            )
    return found


def _person_near_role(
    body: str, rs: int, re_: int, role: str, companies: list[Mention], taken: list[tuple[int, int]]
) -> Mention | None:
    def free(s: int, e: int) -> bool:
        # a company inside a longer name is the person's surname ("founder Henrik Fisker"), not a clash
        return not any(a < e and s < b and not (s < a and b <= e) for a, b in taken)

    def org_ending_at(pos: int) -> str | None:
        for c in companies:
            if c.end in (pos, pos - 2) and body[c.end : pos].strip() in ("", "'s"):
                return c.canonical
        return None

    def org_after(pos: int) -> str | None:
        m = _OF_AT.match(body, pos)
        if m:
            for c in companies:
                if c.start == m.end():
                    return c.canonical
        return None

    # "Nissan CEO Makoto Uchida" / "CEO Makoto Uchida"
    m = _NAME_AFTER_ROLE.match(body, re_)
    if m and free(m.start(1), m.end(1)) and m.group(1).split()[0] not in _NOT_NAME_WORDS:
        left = body[max(0, rs - 3) : rs]
        org = org_ending_at(rs - 1 if left.endswith(" ") else rs)
        return Mention("person", m.group(1), m.group(1), m.start(1), m.end(1), role=role, org=org)
    # "Makoto Uchida, Nissan president and CEO," / "Toshihiro Mibe, President of Honda,"
    head = body[max(0, rs - 120) : rs]
    org = None
    for c in reversed(companies):
        if c.end <= rs and body[c.end : rs].strip() in ("", "'s"):
            org = c.canonical
            head = body[max(0, c.start - 80) : c.start]
            break
    m = _NAME_BEFORE_ROLE.search(head)
    if m:
        start = rs - len(body[max(0, rs - 120) : rs]) + m.start(1) if org is None else None
        if org is not None:
            base = max(0, [c for c in companies if c.canonical == org and c.end <= rs][-1].start - 80)
            start = base + m.start(1)
        end = start + len(m.group(1))
        if free(start, end) and m.group(1).split()[0] not in _NOT_NAME_WORDS:
            return Mention("person", m.group(1), m.group(1), start, end, role=role, org=org or org_after(re_))
    return None
