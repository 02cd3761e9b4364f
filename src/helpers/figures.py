"""Money, percentages and counts, each bound to what it measures, for whom and when.

Candidates are found with a few compiled patterns (currency symbols and words come from
data/reference/currencies.csv, count nouns from figure_units.csv, qualifiers from qualifiers.csv);
binding to a market or company uses the sentence around the number: "EVs command approximately 20%
of the market" in China is an EV market share for China, "cut its team by 15%" is a change, not a share.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass
from functools import lru_cache

from .entities import Mention, constituent_companies
from .knowledge import Knowledge, lower_pattern, lower_same_length
from .scan import PatternScanner
from .text import COMPANY_NOUN

# A number not glued to a word, a period or a dash before it. The check looks back from the first digit
# (not ahead of it) so the pattern starts with \d and the regex engine can skip to digits quickly.
_NUM = r"(\d(?<![\w.-]\d)(?:\d{0,2}(?:,\d{3})+(?:\.\d+)?|\d*(?:\.\d+)?))"
_SCALE = r"(?:\s?(trillion|billion|million|thousand|tn|bn|mn|m|b|k)\b)?"
SCALES = {
    "trillion": 1e12, "tn": 1e12, "billion": 1e9, "bn": 1e9, "b": 1e9, "million": 1e6, "mn": 1e6, "m": 1e6,
    "thousand": 1e3, "k": 1e3,
}  # fmt: skip
WORD_NUMBERS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10,
    "eleven": 11, "twelve": 12, "fifteen": 15, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50,
    "hundred": 100, "a dozen": 12, "dozens of": 24, "a hundred": 100, "a thousand": 1000,
}  # fmt: skip
_PERCENT = re.compile(_NUM + r"\s?(%|percent\b|per cent\b|pct\b|percentage points?\b)", re.IGNORECASE)
_EV_TERMS = re.compile(
    r"\b(?:EVs?|electric|battery-powered|battery-electric|BEVs?|PHEVs?|plug-in|plug-ins|NEVs?|new energy vehicles?|"
    r"zero-emission|electrified)\b",
    re.IGNORECASE,
)
_SHARE_TERMS = re.compile(
    r"\b(?:share|of the market|of (?:the )?(?:\w+ ){0,3}(?:sales|registrations|deliveries|market)|made up|make up|"
    r"makes up|accounts? for|accounted for|constitut\w+|command\w*|represent\w*|penetration)\b",
    re.IGNORECASE,
)
_CHANGE_BEFORE = re.compile(
    r"\b(?:by|up|down|rose|fell|grew|jumped|dropped|increased|decreased|declined|surged|plunged)\s+$",
    re.IGNORECASE,
)
_MARKET_AFTER = re.compile(
    r"^\s*(?:of|in) (?:the )?(?:\w+ ){0,2}?(?:(?P<place>[A-Z][\w.'-]*(?: [A-Z][\w.'-]*)?)(?:'s)? )?(?:car |auto |vehicle |EV )?market\b"
)
_COMPANY_POSSESSIVE = re.compile(r"\b(?:the company's|its|their)\b", re.IGNORECASE)
# A company named by a pronoun or a common noun ("In November it said it would cut 9,000 jobs", "The group
# wants to offer more than 40 new models in China"): the company of the sentences before.
_COMPANY_ANAPHOR = re.compile(rf"\b(?:it|its|their|the {COMPANY_NOUN}(?:'s)?)\b", re.IGNORECASE)
_VENTURE_ANAPHOR = re.compile(
    r"\bthe (?:joint[- ])?venture\b|\bthe JV\b|\bthe (?:[A-Z][\w-]+ |two |new |battery )?(?:plants?|factory|gigafactory)\b",
    re.IGNORECASE,
)
_VENTURE_TARGET = re.compile(
    r"\s*(?:(?:stake|holding|interest|share)\s+)?(?:in|of|into)\s+the\s+(?:joint[- ])?(?:venture|company|JV)\b",
    re.IGNORECASE,
)
_CLAUSE_BREAK = re.compile(r"(?:;|,\s(?:while|whereas|but|although|though|and)\s|\s[\u2013\u2014-]\s)")
_INVESTMENT = re.compile(r"\b(?:invest|stake|check|fund|capital|rescue)", re.IGNORECASE)
_NOW = re.compile(r"\b(?:currently|now|today|at present|so far this year)\b", re.IGNORECASE)
_INVEST_TARGET = re.compile(r"^\s*(?:\w+ ){0,3}?(?:in|into|for|of)\s+(?:its\s+|the\s+)?$")
# "holds about 5% of Mazda", "a 26.4% stake in Renault do Brasil": the company after the figure owns it
_STAKE_TARGET = re.compile(
    r"^\s*(?:(?:stake|holding|interest|share|equity stake|minority stake)\s+)?(?:in|of)\s+(?:its\s+|the\s+)?$"
    r"|^\s*for\s+$"  # "rates range from 7.8% for Tesla to 17.0% for BYD"
)


@dataclass
class _Candidate:
    kind: str
    start: int
    end: int
    value: float
    unit: str | None
    currency: str | None
    subject: str


@lru_cache(maxsize=4)
def _patterns(kb: Knowledge) -> dict[str, object]:
    symbols: dict[str, str] = {}
    words: dict[str, str] = {}
    rates: dict[str, float] = {}
    for row in kb.currencies:
        code = row.get("code", "")
        for s in (row.get("symbols") or "").split("|"):
            if s.strip():
                symbols.setdefault(s.strip(), code)
        for w in (row.get("words") or "").split("|"):
            if w.strip():
                words.setdefault(w.strip().lower(), code)
        try:
            rates[code] = float(row.get("usd_per_unit") or "nan")
        except ValueError:
            pass
    sym_alt = "|".join(re.escape(s) for s in sorted(symbols, key=len, reverse=True)) or r"\$"
    word_alt = "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True)) or "dollars?"
    qual_alt = "|".join(f"(?P<q_{q}_{i}>{p})" for i, (q, p) in enumerate(kb.qualifiers))
    nouns = sorted(kb.units, key=len, reverse=True)
    noun_alt = "|".join(re.escape(n) for n in nouns) or "vehicles"
    word_nums = "|".join(sorted(WORD_NUMBERS, key=len, reverse=True))
    return {
        "symbols": symbols,
        "words": words,
        "rates": rates,
        "money_sym": re.compile(rf"(?P<cur>{sym_alt})\s?{_NUM}{_SCALE}"),
        "money_word": re.compile(rf"{_NUM}{_SCALE}\s(?P<cur>{word_alt})\b", re.IGNORECASE),
        "count": re.compile(
            rf"(?:{_NUM}|\b(?P<word>{word_nums}))(?:\s(?P<scale>million|billion|thousand))?\s"
            rf"(?P<adj>(?:[a-z][\w-]*\s){{0,2}})(?P<noun>{noun_alt})\b"
        ),
        "qualifier": re.compile(rf"(?:{qual_alt})\s+(?:a\s|an\s|the\s)?$", re.IGNORECASE)
        if qual_alt
        else None,
        "qualifier_scanner": PatternScanner(
            [re.compile("|".join(lower_pattern(p).pattern for _, p in kb.qualifiers))]
        )
        if qual_alt
        else None,
    }


def _number(text: str) -> float:
    return float(text.replace(",", ""))


def find_candidates(body: str, kb: Knowledge) -> list[_Candidate]:
    """Money, percent and count spans (non-overlapping; money first, then percent, then counts)."""
    pats = _patterns(kb)
    out: list[_Candidate] = []
    taken: list[tuple[int, int]] = []

    def free(s: int, e: int) -> bool:
        return not any(a < e and s < b for a, b in taken)

    for m in pats["money_sym"].finditer(body):
        scale = SCALES.get((m.group(3) or "").lower(), 1.0)
        code = pats["symbols"].get(m.group("cur"))
        out.append(_Candidate("money", m.start(), m.end(), _number(m.group(2)) * scale, code, code, "amount"))
        taken.append((m.start(), m.end()))
    for m in pats["money_word"].finditer(body):
        if not free(m.start(), m.end()):
            continue
        scale = SCALES.get((m.group(2) or "").lower(), 1.0)
        code = pats["words"].get(m.group("cur").lower())
        out.append(_Candidate("money", m.start(), m.end(), _number(m.group(1)) * scale, code, code, "amount"))
        taken.append((m.start(), m.end()))
    for m in _PERCENT.finditer(body):
        if not free(m.start(), m.end()):
            continue
        unit = "pp" if m.group(2).lower().startswith("percentage") else "%"
        out.append(_Candidate("percent", m.start(), m.end(), _number(m.group(1)), unit, None, "percentage"))
        taken.append((m.start(), m.end()))
    for m in pats["count"].finditer(body):
        if not free(m.start(), m.end()) or body[m.end() : m.end() + 1] == "-":
            continue
        if m.group("word"):
            value = float(WORD_NUMBERS[m.group("word")])
        else:
            value = _number(m.group(1))
            if "." in m.group(1) and not m.group("scale"):
                continue
        value *= SCALES.get(m.group("scale") or "", 1.0)
        unit, subject = kb.units.get(m.group("noun"), (m.group("noun"), m.group("noun")))
        adj = m.group("adj").strip()
        subject = f"{adj} {subject}".strip() if adj else subject
        end = m.end() if m.group("noun") else m.end()
        out.append(_Candidate("count", m.start(), end, value, unit, None, subject))
        taken.append((m.start(), end))
    out.sort(key=lambda c: c.start)
    return out


def qualifier_starts(body: str, kb: Knowledge) -> list[int]:
    """Sorted positions where a qualifier phrase may begin (a superset), found in one automaton pass."""
    scanner = _patterns(kb)["qualifier_scanner"]
    return sorted(scanner.candidate_starts(lower_same_length(body))[0]) if scanner else []


def qualifier_before(body: str, start: int, kb: Knowledge, starts: list[int] | None = None) -> str:
    """The qualifier stated just before a number ('more than', 'approximately', ...), else 'exact'.

    `starts` (from `qualifier_starts`) lets a number with no qualifier phrase nearby skip the regex."""
    pattern = _patterns(kb)["qualifier"]
    if pattern is None:
        return "exact"
    window = max(0, start - 40)
    if starts is not None and bisect_left(starts, window) == bisect_left(starts, start):
        return "exact"
    m = pattern.search(body[window:start])
    if not m:
        return "exact"
    for name, value in m.groupdict().items():
        if value is not None and name.startswith("q_"):
            return name[2:].rsplit("_", 1)[0]
    return "exact"


def extract_figures(
    body: str,
    kb: Knowledge,
    mentions: list[Mention],
    sentences: list[tuple[int, int]],
    timeline: list[dict],
    published: str | None,
    published_precision: str | None,
    article_id: str = "",
) -> list[dict]:
    """Figures with value, unit, currency, USD value, qualifier, subject, market/company, period and evidence."""
    from .text import sentence_at

    rates = _patterns(kb)["rates"]
    rows = []
    candidates = find_candidates(body, kb)
    qualifiers_at = qualifier_starts(body, kb) if candidates else []
    evidence: dict[tuple[int, int], str] = {}  # one string per sentence, shared by its figures
    for cand in candidates:
        s_start, s_end = span = sentence_at(body, sentences, cand.start)
        if span not in evidence:
            evidence[span] = body[s_start:s_end]
        sentence = evidence[span]
        qualifier = qualifier_before(body, cand.start, kb, qualifiers_at)
        is_share = False
        subject = cand.subject
        local_before = body[max(s_start, cand.start - 30) : cand.start]
        if cand.kind == "percent":
            is_change = bool(_CHANGE_BEFORE.search(local_before))
            is_share = (
                not is_change and bool(_EV_TERMS.search(sentence)) and bool(_SHARE_TERMS.search(sentence))
            )
            if is_share:
                subject = "EV share of sales"
            elif is_change:
                subject = _change_subject(body[s_start : cand.start])
        market, market_kind = _bind(body, cand, s_start, s_end, mentions, is_share, sentences, kb)
        if cand.kind == "money":
            subject = "investment" if _INVESTMENT.search(sentence) else "amount"
        period, p_start, p_end = _period(
            cand, s_start, s_end, timeline, sentence, published, published_precision
        )
        rate = rates.get(cand.currency or "")
        value_usd = cand.value * rate if cand.kind == "money" and rate and rate == rate else None
        rows.append(
            {
                "article_id": article_id,
                "kind": cand.kind,
                "value": cand.value,
                "unit": cand.unit,
                "currency": cand.currency,
                "value_usd": value_usd,
                "qualifier": qualifier,
                "subject": subject,
                "market": market,
                "market_kind": market_kind,
                "is_ev_share": is_share,
                "period": period,
                "period_start": p_start,
                "period_end": p_end,
                "start": cand.start,
                "end": cand.end,
                "evidence": sentence,
            }
        )
    return rows


def _change_subject(before: str) -> str:
    words = re.findall(r"[\w'-]+", before)
    # "decision to cut its team by" -> "cut its team"
    tail = words[-5:-1] if words and words[-1].lower() == "by" else words[-4:]
    return ("change: " + " ".join(tail)).strip()


def _bind_from_context(
    body: str,
    cand: _Candidate,
    s_start: int,
    mentions: list[Mention],
    sentences: list[tuple[int, int]],
    is_share: bool,
) -> tuple[str | None, str | None]:
    """A sentence naming no market or company ("The plant cost $4 billion") speaks of the one just named:
    the nearest in the previous two sentences of its paragraph, else the article's most mentioned company."""
    earlier = [sp for sp in sentences if sp[1] <= s_start][-2:]
    earlier = [sp for sp in earlier if "\n\n" not in body[sp[1] : s_start]]
    if earlier:
        lo = earlier[0][0]
        context = [
            m for m in mentions if lo <= m.start < s_start and m.kind in ("company", "place", "product")
        ]
        places = [m for m in context if m.kind == "place"]
        companies = [m for m in context if m.kind == "company" or m.company]
        pool = (places or companies) if is_share else (companies or places)
        if pool:
            best = pool[-1]
            if best.kind == "place":
                return best.canonical, "market"
            return (best.company or best.canonical), "company"
    counts: dict[str, int] = {}
    places: dict[str, int] = {}
    for m in mentions:
        if m.start < cand.start and m.kind in ("company", "place"):
            tally = counts if m.kind == "company" else places
            tally[m.canonical] = tally.get(m.canonical, 0) + 1
    if counts and not is_share:
        return max(counts, key=lambda name: (counts[name], name)), "company"
    if places:  # a share, or a count in a story about a market: the market the article is about
        return max(places, key=lambda name: (places[name], name)), "market"
    return None, None


def _bind(
    body: str,
    cand: _Candidate,
    s_start: int,
    s_end: int,
    mentions: list[Mention],
    is_share: bool,
    sentences: list[tuple[int, int]],
    kb: Knowledge,
) -> tuple[str | None, str | None]:
    """The market or company a figure is about, from the sentence around it."""
    in_sentence = [
        m for m in mentions if s_start <= m.start < s_end and m.kind in ("company", "place", "product")
    ]
    places = [m for m in in_sentence if m.kind == "place"]
    companies = [
        m for m in in_sentence if m.kind in ("company", "product") and (m.company or m.kind == "company")
    ]
    after = body[cand.end : s_end]
    m = _MARKET_AFTER.match(after)
    if m:
        for p in places:
            if cand.end <= p.start <= cand.end + m.end():
                return p.canonical, "market"
    # the company a stake or an investment goes to ("5% of Mazda", "96 billion yen for its Suzuki shares")
    # outranks any possessive nearby ("alongside its 20% holding")
    target_pattern = (
        _INVEST_TARGET if cand.kind == "money" else _STAKE_TARGET if cand.kind == "percent" else None
    )
    if target_pattern is not None:
        target = [
            c for c in companies if c.start >= cand.end and target_pattern.match(body[cand.end : c.start])
        ]
        if target:
            return (target[0].company or target[0].canonical), "company"
        if _VENTURE_TARGET.match(body, cand.end, s_end):
            # "owns 45% of the company", "invested 5.1 billion yuan in the venture": the venture named before
            venture = _last_venture(mentions, s_start, kb)
            if venture is not None:
                return venture, "company"
    before_text = body[max(s_start, cand.start - 50) : cand.start]
    if _COMPANY_POSSESSIVE.search(after[:60]) or _COMPANY_POSSESSIVE.search(before_text):
        # "its" speaks of the clause's subject: "Novo Energy, the company Volvo set up with Northvolt,
        # will cut 50% of its workforce" -> Novo Energy
        before = [c for c in companies if c.end <= cand.start]
        if before:
            chosen = _clause_subject(body, s_start, cand, before) or before[-1]
            return (chosen.company or chosen.canonical), "company"
    if not is_share and not any(c.end <= cand.start for c in companies):
        if _VENTURE_ANAPHOR.search(body, s_start, cand.start):
            # "The venture employs more than 300 engineers": the venture the article named before
            venture = _last_venture(mentions, s_start, kb)
            if venture is not None:
                return venture, "company"
        # "Its shares rose 2.6%", "In November it said it would cut 9,000 jobs": the company of the
        # sentences before, not a place or a company named after the figure
        if _COMPANY_ANAPHOR.search(body[s_start : cand.start]):
            return _bind_from_context(body, cand, s_start, mentions, sentences, is_share)
    # an EV share is a market's unless a company is named as its owner; money and counts are companies'
    if is_share:
        pool = places or companies
    else:
        pool = companies or places
    if not pool:
        return _bind_from_context(body, cand, s_start, mentions, sentences, is_share)

    def distance(mn: Mention) -> tuple[int, int]:
        d = cand.start - mn.end if mn.end <= cand.start else mn.start - cand.end
        return (d + (0 if mn.end <= cand.start else 5), mn.start)

    best = min(pool, key=distance)
    invested = cand.kind == "money" and _INVESTMENT.search(body, s_start, s_end)
    if best.kind != "place" and not is_share and not invested:
        # money and counts belong to the subject of their clause, not to a company named in an aside
        # ("JLR, the carmaker owned by Tata Motors, reported revenue of £29 billion" -> JLR); money
        # invested goes to its recipient ("Nissan would write Fisker a check for $400 million" -> Fisker)
        best = _clause_subject(body, s_start, cand, companies) or best
    if best.kind == "place":
        return best.canonical, "market"
    return (best.company or best.canonical), "company"


def _last_venture(mentions: list[Mention], before: int, kb: Knowledge) -> str | None:
    """The latest company mentioned before `before` that is a venture: one the article itself defined
    (not in the knowledge base) or one whose name holds two parents' names ("FAW Toyota")."""
    for m in reversed(mentions):
        if m.start < before and m.kind == "company":
            if m.canonical not in kb.company_kind or len(constituent_companies(m.canonical, kb)) >= 2:
                return m.canonical
    return None


def _clause_subject(body: str, s_start: int, cand: _Candidate, companies: list[Mention]) -> Mention | None:
    """The first company named in the figure's clause before the figure: the clause starts after the last
    "; ", ", while", ", but" ... before the figure."""
    clause_start = s_start
    for m in _CLAUSE_BREAK.finditer(body, s_start, cand.start):
        clause_start = m.end()
    return next((c for c in companies if clause_start <= c.start and c.end <= cand.start), None)


def _period(
    cand: _Candidate,
    s_start: int,
    s_end: int,
    timeline: list[dict],
    sentence: str,
    published: str | None,
    published_precision: str | None,
) -> tuple[str | None, str | None, str | None]:
    in_sentence = [
        t
        for t in timeline
        if t.get("start") is not None and s_start <= t["start"] < s_end and t.get("normalized")
    ]
    if in_sentence:
        best = min(in_sentence, key=lambda t: abs(t["start"] - cand.start))
        return best["normalized"], best.get("start_date"), best.get("end_date")
    if published and _NOW.search(sentence):
        from .timeline import parse_normalized

        try:
            start, end = parse_normalized(published)
        except (ValueError, TypeError):
            start, end = None, None
        return published, start, end
    return None, None, None
