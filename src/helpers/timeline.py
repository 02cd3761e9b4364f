"""Time expressions in an article body, normalized against the publication date (the `timeline` table).

Why this shape: dates are what make alliance facts comparable over time, and a general date parser run over
every sentence cost 96% of a pipeline's time. So one compiled prefix-trie regex (every alternative starts with
a literal, so the engine skips ahead instead of trying each position) finds the anchors: month names,
four-digit years, Q3/1H, unit words (year, month, week, quarter, half, fiscal, FY ...). Only those spots get a
closer look with small context patterns, gated by the word before them; normalizations are cached, and
sentences are split only around the expressions found (or taken from the caller).

Normalized values keep the precision that the text states:

=============================  ===========================  ===========  ==============================
text                           normalized                   precision    start_date .. end_date
=============================  ===========================  ===========  ==============================
April 2, 2024                  2024-04-02                   day          2024-04-02 .. 2024-04-02
March 2024, in March (+pub)    2024-03                      month        2024-03-01 .. 2024-03-31
in 2026, last year (+pub)      2026                         year         2026-01-01 .. 2026-12-31
fiscal year 2026, FY26         FY2026                       fiscal_year  2026-04-01 .. 2027-03-31
Q3 2024, third quarter         2024-Q3                      quarter      2024-07-01 .. 2024-09-30
fiscal Q3 2024                 FY2024-Q3                    quarter      2024-10-01 .. 2024-12-31
first half of 2025             2025-01/2025-06              range        2025-01-01 .. 2025-06-30
first nine months of 2023      2023-01/2023-09              range        2023-01-01 .. 2023-09-30
between 2027 and 2031          2027/2031                    range        2027-01-01 .. 2031-12-31
within the next two years      2024-04-02/2026-04-02        range        (pub 2024-04-02, day precision)
=============================  ===========================  ===========  ==============================

Conventions (a company-specific convention table can replace the fiscal one later):

- Fiscal years follow the Japanese convention: "fiscal year N", "FY N", "FYN", "FY'NN", "fiscal N" run from
  N-04-01 to (N+1)-03-31; fiscal quarters and halves count from April. "The fiscal year ending March 2025"
  is FY2024; a fiscal year ending in another month is a twelve-month range (precision fiscal_year).
  "FY2025/26" and "FY2025-26" (consecutive years) name one fiscal year, FY2025.
- Ranges are START/END of two normalized values; the interval runs from START's first day to END's last.
- Parts of a year: early = Jan-Apr, mid = May-Aug, late = Sep-Dec; "end of 2024" = 2024-12,
  "beginning of 2024" = 2024-01. Seasons (northern hemisphere): spring Mar-May, summer Jun-Aug,
  autumn/fall Sep-Nov, winter YYYY = Dec YYYY - Feb YYYY+1. Decades: "2020s" = 2020/2029.
  Weeks run Monday to Sunday.
- Relative expressions ("last year", "this month", "within the next two years", "two years ago",
  "Q3" or "in March" without a year) are resolved against the publication date, never against today.
  A bare month or quarter takes the publication year, moved back a year when the sentence speaks in the
  past of a later period, forward when it speaks of the future and the period is already over (except a
  quarter, half or "first N months" in a sentence about results or earnings: those report a past period).
  When the publication date is missing, or too coarse (a week from a month-precision date), the row is still
  emitted with normalized, start_date and end_date None: unresolved, never guessed. An expression that lies
  inside the publication period ("this month" with a year-precision date) resolves to that period.
- Not dates: years that end a capitalised name ("Vision 2030", "MC Shared Value 2024"), numbers with units,
  currency or decimals ("2,000 units", "$400 million", "2.8 million"), model names ("F-150", "ID.4"),
  page/phone-like numbers, and years outside 1990-2100.

Roles are a short category from cue words: deadline (by, no later than, before), planned (will, slated,
expected, plans, target, launch, aims, goals, next ...), period (during, throughout, since, first nine months,
halves, quarters), past (last year, ago, earlier, past-tense verbs), range (a range with no other cue), else
mention. The "published" role belongs to the cleaner, which adds the publication date row.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from datetime import date, timedelta
from functools import lru_cache
from typing import NamedTuple

from .text import sentence_at, sentence_spans

__all__ = ["TIMELINE_COLUMNS", "extract_timeline", "parse_normalized"]

TIMELINE_COLUMNS = (
    "article_id",
    "text",
    "normalized",
    "precision",
    "start_date",
    "end_date",
    "role",
    "start",
    "end",
    "evidence",
)

MIN_YEAR, MAX_YEAR = 1990, 2100


def _rx(pattern: str, flags: int = 0) -> re.Pattern[str]:
    """Compile with `\\s` meaning "space but not a line break": an expression never spans two paragraphs.

    `\\s` may appear inside a character class only as `[\\s-]`.
    """
    return re.compile(pattern.replace(r"[\s-]", r"(?:\s|-)").replace(r"\s", r"[^\S\n]"), flags)


def _trie_regex(words: list[str]) -> str:
    """One alternation per shared prefix (a regex trie): several times faster than a flat word list."""
    if not words:
        return ""
    groups: dict[str, list[str]] = {}
    for w in words:
        groups.setdefault(w[:1], []).append(w[1:])
    alts = []
    for head, tails in sorted(groups.items()):
        if head == "":
            continue
        inner = _trie_regex([t for t in tails if t])
        alt = re.escape(head) + (f"(?:{inner})" if inner else "")
        if "" in tails and inner:
            alt += "?"
        alts.append(alt)
    return "|".join(alts)


# ----------------------------------------------------------------------------------------------------------
# Vocabulary

_MONTH_NAMES = "january february march april may june july august september october november december".split()
_MONTH_NUM: dict[str, int] = {name: i for i, name in enumerate(_MONTH_NAMES, 1)}
_MONTH_NUM.update({name[:3]: i for i, name in enumerate(_MONTH_NAMES, 1)})
_MONTH_NUM["sept"] = 9
_MONTH_FULL = set(_MONTH_NAMES)
_MONTH_WORDS = sorted(_MONTH_NUM, key=len, reverse=True)  # longest first: "June" before "Jun"
_MONTH_ALT = "|".join([w.title() for w in _MONTH_WORDS] + [w.upper() for w in _MONTH_WORDS])
_MONTH_RX = "(?:" + "|".join(_MONTH_WORDS) + ")"  # for case-insensitive sub-patterns

_NUM_WORDS = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "fifteen": 15, "eighteen": 18,
    "twenty": 20, "thirty": 30, "thirty-six": 36, "twenty-four": 24,
}  # fmt: skip
_NUM = r"(?:thirty-six|twenty-four|a|an|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|eighteen|twenty|thirty|\d{1,3})"
_ORDINALS = {
    "first": 1,
    "1st": 1,
    "second": 2,
    "2nd": 2,
    "third": 3,
    "3rd": 3,
    "fourth": 4,
    "4th": 4,
    "final": 4,
}
_WEEKDAYS = {d: i for i, d in enumerate("monday tuesday wednesday thursday friday saturday sunday".split())}
_SEASONS = {"spring": 3, "summer": 6, "autumn": 9, "fall": 9, "winter": 12}

# Words after a year that make it a count, not a date ("2000 units").
_UNIT_AFTER = set(
    """units unit vehicles vehicle cars car trucks miles mile km kms kilometers kilometres kg kilograms tons
    tonnes ton people employees workers jobs staff yen dollars euros yuan won rupees pounds kwh kw mw gwh wh hp
    horsepower mph lbs lb nm shares stores dealers dealerships chargers stations million billion trillion
    thousand hundred times hours hrs minutes seconds mm cm cc percent pct per points feet ft meters metres
    acres hectares orders patents suppliers batteries cells liters litres gallons""".split()
)
# Lower-case words before a number that make it an identifier ("page 2024", "No. 2030").
_ID_BEFORE = set("page pages p pp no nos number room route flight tel phone fax ext code vol volume issue item "
                 "patent serial exit highway interstate suite box lot ticket case id ref".split())  # fmt: skip
# Capitalised words that may stand right before a year without making it part of a name ("In 2026").
_ALLOW_BEFORE_YEAR = set(
    """in by since until till through thru from to for of during before after between and or the this that
    early late mid end beginning start around about circa ca as at on than year years calendar also but then
    only even still already spring summer autumn fall winter beyond within into toward towards across
    throughout past last next unlike like its their a an every each full so yet is was will are not
    ending ended while when what where how""".split()
)

# ----------------------------------------------------------------------------------------------------------
# Anchors: every alternative starts with a literal character, which keeps the regex engine's fast skip.

_MONTH_TOKENS = frozenset([w.title() for w in _MONTH_WORDS] + [w.upper() for w in _MONTH_WORDS])
_UNIT_TOKENS = """Year Years YEAR YEARS Yesterday Month Months Monday Week Weeks Wednesday Winter Quarter Quarters Half
    Decade Decades Fiscal FISCAL Financial FY Friday Fall Today Tomorrow Tuesday Thursday Spring Summer Saturday Sunday
    Autumn CY year years yesterday month months week weeks winter quarter quarters half decade decades days fiscal
    financial fall""".split()
# One pass finds every anchor: month names, years (and 3Q/1H), unit words. Built as a prefix trie, so the engine
# tries only the alternatives sharing the current character.
_ANCHOR = re.compile(
    _trie_regex(sorted(_MONTH_TOKENS) + _UNIT_TOKENS) + r"|Q[1-4]|H[12]|19\d\d|20\d\d|2100|1Q|2Q|3Q|4Q|1H|2H"
)
# Lower-case anchors starting with very common letters get their own literal-prefix scans.
_LOWER_ANCHORS = (
    re.compile(r"to(?:day|morrow)"),
    re.compile("spring"),
    re.compile("summer"),
    re.compile("autumn"),
)

# ----------------------------------------------------------------------------------------------------------
# Context patterns, matched at an anchor (right side) or ending at it (left side, `\Z` at endpos).

_YEAR4 = r"(?:19\d\d|20\d\d|2100)"
_YEARSPEC = (
    r"(?:(?:\s+of|,)?\s*(?:"
    r"(?P<fy>fiscal(?:[\s-]+year)?|FY|financial\s+year)\s*'?(?P<fyy>(?:19|20)\d\d|\d\d)(?![\d%])"
    rf"|(?P<y>{_YEAR4})(?![\d%]|[.,]\d))"
    r"|\s+(?:of\s+(?:the\s+)?(?:(?P<rel>this|next|last|current|coming|same|previous|following|prior)\s+)?"
    r"|(?P<rel2>this|next|last)\s+)(?P<relfy>fiscal\s+)?year\b(?!-))"
)
_YEARSPEC_RIGHT = _rx(_YEARSPEC, re.I)
_MON_RIGHT = _rx(
    r"(?P<dot>\.)?(?:"
    r"\s+(?P<d>[0-3]?\d)(?:st|nd|rd|th)?(?:\s*[-–—]\s*(?P<d2>[0-3]?\d)(?:st|nd|rd|th)?)?(?![\d%]|[.,]\d|:\d)"
    rf"(?:,?\s+(?P<y>{_YEAR4})(?![\d%]|[.,]\d))?"
    rf"|(?:\s+of|,)?\s+(?P<ym>{_YEAR4})(?![\d%]|[.,]\d)"
    r"|'(?P<yy>\d\d)\b"
    r")?"
)
_DMY_LEFT = _rx(
    r"(?<![\w$.,])(?:the\s+)?(?:(?P<d1>[0-3]?\d)(?:st|nd|rd|th)?\s*(?:-|–|—|to)\s*)?"
    r"(?P<d>[0-3]?\d)(?:st|nd|rd|th)?\s+(?:of\s+)?\Z",
    re.I,
)
_MON_MOD_LEFT = _rx(
    r"(?:(?<![\w])(?P<which>last|next|this|(?:the\s+)?(?:early|mid|late|end\s+of|beginning\s+of|start\s+of|middle\s+of))(?:\s+|\s*-\s*))\Z",
    re.I,
)
_BARE_MONTH_LEFT = _rx(
    r"(?<![\w])(?:in|by|since|until|till|through|from|during|before|after|between|around|early|mid|late|"
    r"of|last|next|this|for|starting|beginning|ending|as\s+of)(?:\s+|\s*-\s*)\Z",
    re.I,
)
_LIST_LEFT = _rx(r"(?<![\w])(?:and|or|to|through|until|till)\s+\Z|\s*[-–—/]\s*\Z", re.I)
_MONTH_SEARCH = re.compile(rf"\b(?:{_MONTH_ALT})\b")
_RANGE_TO_MONTH = _rx(rf"\s*(?:[-–—]|to|through|until|till|and)\s*(?:{_MONTH_ALT})\b")

_YEAR_RIGHT = _rx(
    r"(?:"
    r"-(?P<im>[01]\d)-(?P<id>[0-3]\d)(?![\d])"  # ISO date
    r"|/(?P<sm>[01]\d)/(?P<sd>[0-3]\d)(?![\d/])"  # 2024/04/02
    r"|(?P<dec>'?s)\b"  # decade
    rf"|\s*(?P<sep>[-–—/])\s*(?P<y2>{_YEAR4}|\d\d)(?![\d%]|[.,]\d|[-/]\d)"  # 2025-2030, 2025-27, 2024-04
    r")"
)
_YEAR_MOD_LEFT = _rx(
    r"(?<![\w])(?:the\s+)?(?P<mod>early|mid|late|end\s+of|beginning\s+of|start\s+of|middle\s+of|year[\s-]end|"
    r"spring|summer|autumn|fall|winter)(?:\s+of)?(?:\s+|\s*-\s*)(?:the\s+)?\Z",
    re.I,
)
_SINGULAR_GATE = frozenset(
    "last this next current coming past upcoming previous following prior fiscal financial a an one the first second "
    "third fourth final latter 1st 2nd 3rd 4th".split()
)
_LOCAL_GATE = frozenset(
    "by before than of during throughout over since year the its this early late mid fiscal".split()
)
_YEAR_MOD_GATE = frozenset("early mid late of end spring summer autumn fall winter the".split())
_NEXT_WORD = _rx(r"\s+([A-Za-z][A-Za-z/]*)")
_PHONE_LEFT = _rx(r"\d{2,}(?:\s|[.-])\Z")
_PHONE_RIGHT = _rx(r"(?:\s|[.-])\d{3,}")

_FISCAL_RIGHT = _rx(
    r"(?:[\s-]+years?)?(?:\s*\(FY\))?\s*(?:"
    rf"(?:ending|ended|to|through|that\s+ends|that\s+ended)\s+(?:(?:on|in)\s+)?(?P<em>{_MONTH_RX})\.?"
    rf"(?:\s+[0-3]?\d(?:st|nd|rd|th)?)?,?\s+(?P<ey>{_YEAR4})(?![\d%])"
    r"|'?(?P<y>(?:19|20)\d\d|\d\d)(?![\d%]|[.,]\d)"
    r"(?:\s*[-–—/]\s*(?:FY\s*)?'?(?P<y2>(?:19|20)\d\d|\d\d)(?![\d%]|[.,]\d))?"
    r"(?:\s+(?P<qh>Q[1-4]|H[12]|[1-4]Q|[12]H)\b)?"
    r")",
    re.I,
)
_YEAR_ENDING_RIGHT = _rx(
    rf"\s+(?:ending|ended|to|through)\s+(?:(?:on|in)\s+)?(?P<em>{_MONTH_RX})\.?"
    rf"(?:\s+[0-3]?\d(?:st|nd|rd|th)?)?,?\s+(?P<ey>{_YEAR4})(?![\d%])",
    re.I,
)
_FISCAL_WORD_LEFT = _rx(r"(?<![\w])(?:the\s+)?(?:fiscal|financial|business|company's)\s+\Z", re.I)

_QH_RIGHT = _rx(
    r"(?:[\s-]*(?:of\s+)?(?:(?P<fy>FY|fiscal(?:\s+year)?)\s*'?(?P<fyy>(?:19|20)\d\d|\d\d)|(?P<y>(?:19|20)\d\d|2100))"
    r"|\s*'(?P<yy>\d\d)|(?P<yy2>\d\d))(?![\d%]|[.,]\d)",
    re.I,
)
_CY_RIGHT = _rx(r"\s*'?(?P<y>(?:19|20)\d\d|\d\d)(?![\d%])")
_QH_FISCAL_LEFT = _rx(r"(?<![\w])(?:fiscal|FY)\s*\Z", re.I)
_BARE_Q_LEFT = _rx(
    r"(?<![\w])(?:in|during|for|by|through|until|since|from|of|the|this|last|next|its|their|a|and|to|or|before|after)\s+\Z",
    re.I,
)
_BARE_Q_BAD_RIGHT = _rx(r"\s*(?:e-|-e|sportback|[A-Z0-9])")

# Unit words: "last year", "within the next two years", "first nine months of 2023", "third quarter".
_SPAN_LEFT = _rx(
    r"(?<![\w])(?:(?P<prep>within|in|over|during|throughout|for|across|into)\s+)?the\s+"
    rf"(?P<dir>next|coming|past|last|upcoming|previous|following|prior)\s+(?:(?P<n>{_NUM})\s+)?\Z",
    re.I,
)
_WITHIN_LEFT = _rx(rf"(?<![\w])(?P<prep>within)\s+(?P<n>{_NUM})\s+\Z", re.I)
_IN_LEFT = _rx(rf"(?<![\w])(?P<prep>in)\s+(?P<n>{_NUM})\s+\Z", re.I)
_N_LEFT = _rx(rf"(?<![\w])(?P<n>{_NUM})\s+\Z", re.I)
_IN_BAD_RIGHT = _rx(
    r"'?\s+(?:of|to|and|ago|later|earlier|before|after|since|running|straight|in\s+a\s+row|old)\b", re.I
)
_AGO_RIGHT = _rx(r"'?\s+ago\b", re.I)
_FROM_NOW_RIGHT = _rx(r"'?\s+from\s+now\b", re.I)
_TIME_RIGHT = _rx(r"'?\s+time\b", re.I)
_REL_LEFT = _rx(
    r"(?<![\w])(?:(?:the\s+)?(?P<mod>early|mid|late|end\s+of|beginning\s+of|start\s+of|middle\s+of)(?:\s+|\s*-\s*))?"
    r"(?P<dir>last|this|next|current|the\s+current|the\s+coming|coming)\s+(?P<fisc>(?:fiscal|financial)\s+)?\Z",
    re.I,
)
_MOD_THE_LEFT = _rx(
    r"(?<![\w])(?:the\s+)?(?P<mod>end|beginning|start|middle)\s+of\s+the\s+(?P<fisc>fiscal\s+)?\Z",
    re.I,
)
_PART_LEFT = _rx(r"(?<![\w])(?P<part>earlier|later)\s+(?:this|in\s+the)\s+\Z", re.I)
_ORD_LEFT = _rx(
    r"(?<![\w])(?:(?P<fisc1>fiscal)(?:\s+|\s*-\s*))?(?:the\s+)?(?P<ord>first|second|third|fourth|final|last|latter|"
    r"1st|2nd|3rd|4th)(?:\s+|\s*-\s*)(?P<fisc2>fiscal(?:\s+|\s*-\s*))?\Z",
    re.I,
)
_FIRST_N_LEFT = _rx(rf"(?<![\w])(?:the\s+)?(?P<fl>first|last|final)\s+(?P<n>{_NUM})\s+\Z", re.I)
_OF_NON_YEAR = _rx(
    r"\s+of\s+(?!fiscal|FY|financial|\d|(?:the\s+)?(?:this|next|last|current|coming)?\s*year)", re.I
)
_WEEKDAY_LEFT = _rx(
    r"(?<![\w])(?P<w>last|next|this|on|since|by|until|from|before|after|early|late|said|says|announced|reported|"
    r"confirmed|unveiled|revealed|told|signed|agreed)\s+\Z",
    re.I,
)
_WEEKDAY_DATE_RIGHT = _rx(rf",?\s+(?:(?:{_MONTH_ALT})\b|\d)")
_SEASON_LEFT = _rx(r"(?<![\w])(?P<dir>last|this|next)\s+\Z", re.I)

# Ranges: A <connector> B, with "between"/"from" before A.
_RANGE_GAP = _rx(r"\s*(?P<dash>[-–—])\s*|\s+(?P<word>to|through|thru|until|till|and)\s+", re.I)
_RANGE_LEFT = _rx(r"(?<![\w])(?P<w>from|between)\s+\Z", re.I)

# Cues for roles and tense.
_LOCAL_CUE = _rx(
    r"(?:(?<![\w])(?P<deadline>by|before|no\s+later\s+than|not\s+later\s+than|ahead\s+of|deadline\s+of|due\s+by)"
    r"|(?<![\w])(?P<period>during|throughout|over|since|(?:for|in)\s+the\s+(?:full\s+|whole\s+|entire\s+|calendar\s+|fiscal\s+)?year))"
    r"\s+(?:(?:the|its|this|early|late|mid|fiscal)(?:\s+|\s*-\s*))*\Z",
    re.I,
)
_FUTURE_CUES = (
    """will won't shall would slated scheduled expected expects expect expecting plans plan planned
    planning targets target targeted targeting aims aim aiming aimed goals goal debut debuts launch launches intends
    intend intending forecasts forecast projected projects upcoming ambitions ambition pledge pledged pledges vows
    vow 'll""".split()
    + ["set to", "due to", "going to", "hopes to", "hope to", "seeks to", "to begin", "to start"]
)
_PAST_CUES = """ago earlier previously was were had did said announced reported signed agreed sold delivered rose fell
    grew increased decreased declined dropped jumped surged slumped launched unveiled introduced revealed posted
    recorded made took began started ended completed acquired invested formed founded established scaled canceled
    cancelled passed surpassed overtook became saw reached opened closed halted suspended struck inked confirmed
    told released shipped produced built bought raised lost won debuted joined filed approved merged teamed
    partnered abandoned scrapped ditched dissolved terminated exited withdrew paid spent received booked topped
    doubled tripled halved quit""".split()
_CUE_KIND = {**{w: "future" for w in _FUTURE_CUES}, **{w: "past" for w in _PAST_CUES}}


# Matched on lower-cased text around the expression; the word start is checked apart (a leading \b would cost
# the engine its fast skip).
_TENSE_CUE = re.compile(f"(?:{_trie_regex(list(_CUE_KIND))})\\b")
_CUE_WINDOW = 160
_REPORTING = re.compile(r"(?i)\b(?:results|earnings|report|reports|reporting|profits?|revenues?|guidance)\b")
# Where `sentence_spans` may end a sentence: punctuation (and closing quotes) followed by a space.
_MAYBE_END = re.compile(r"[.!?]+[\"')\]]*(?=\s)")

_PERIOD_KINDS = frozenset({"quarter", "half", "months"})
_ABS_KINDS = frozenset(
    {"day", "dayrange", "month", "year", "fy", "quarter", "half", "months", "yearpart", "season", "decade"}
)
_EXPLICIT_ONLY = frozenset({"yrange", "fyrange", "fyend"})


class _Pub(NamedTuple):
    """The publication date at its precision, with the first and last day it may stand for."""

    y: int
    m: int | None
    d: int | None
    prec: str
    lo: date
    hi: date
    text: str


# ----------------------------------------------------------------------------------------------------------
# Public API


def extract_timeline(
    body: str,
    published: str | None,
    published_precision: str | None,
    article_id: str = "",
    *,
    sentences: list[tuple[int, int]] | None = None,
) -> list[dict]:
    """Time expressions in `body` as `timeline` rows, resolved against the publication date.

    Rows carry character offsets into `body` (body[start:end] == text) and the containing sentence, so every
    date can be traced back. Relative expressions stay unresolved (normalized None) when the publication
    date cannot settle them, rather than being guessed. `sentences` may pass the body's `sentence_spans`
    when the caller has them already (same result, less work).
    """
    if not isinstance(body, str) or not body:
        return []
    pub = _parse_pub(
        published if isinstance(published, str) else None,
        published_precision if isinstance(published_precision, str) else None,
    )
    cands = _merge_ranges(body, _drop_overlaps(_candidates(body)))
    sents = _Sentences(body, sentences)
    rows: list[dict] = []
    evidence_span, evidence = (-1, -1), ""
    for start, end, spec in cands:
        s_start, s_end = sents.span(start, end)
        if (s_start, s_end) != evidence_span:  # rows of one sentence share one string
            evidence_span, evidence = (s_start, s_end), body[s_start:s_end]
        local = _local_cue(body, start)
        tense = _tense(body, s_start, s_end, start, end) if local != "deadline" else "future"
        if tense == "future" and spec[0] in _PERIOD_KINDS and _REPORTING.search(body, s_start, s_end):
            tense = None  # "will report third-quarter results": the quarter is the one just ended
        normalized, precision = _resolve(spec, pub, tense)
        start_date, end_date = parse_normalized(normalized)
        if precision == "quarter" and start_date:
            # the table's precision vocabulary has no quarter: write it as the month range it covers
            normalized, precision = f"{start_date[:7]}/{end_date[:7]}", "range"
        rows.append(
            {
                "article_id": article_id,
                "text": body[start:end],
                "normalized": normalized,
                "precision": precision,
                "start_date": start_date,
                "end_date": end_date,
                "role": _role(spec, local, tense),
                "start": start,
                "end": end,
                "evidence": evidence,
            }
        )
    return rows


_NORM_PART = re.compile(
    r"(?:FY(?P<fy>\d{4})(?:-Q(?P<fq>[1-4]))?|(?P<y>\d{4})(?:-Q(?P<q>[1-4])|-(?P<m>\d\d)(?:-(?P<d>\d\d))?)?)"
)


@lru_cache(maxsize=8192)
def parse_normalized(normalized: str | None) -> tuple[str | None, str | None]:
    """The inclusive ISO start and end dates a normalized value stands for; (None, None) for None.

    The one place that gives normalized strings their meaning, so every table (timeline, alliances,
    figures) derives dates from a value the same way. Accepts "2024-04-02", "2024-03", "2024", "2024-Q3",
    "FY2026", "FY2024-Q3" and "START/END" ranges of those; raises ValueError on anything else.
    """
    if normalized is None:
        return None, None
    if not isinstance(normalized, str):
        raise TypeError(f"normalized date must be a string, not {type(normalized).__name__}")
    parts = normalized.split("/")
    if len(parts) > 2:
        raise ValueError(f"not a normalized date: {normalized!r}")
    start, _ = _part_interval(parts[0], normalized)
    _, end = _part_interval(parts[-1], normalized)
    if start > end:
        raise ValueError(f"range ends before it starts: {normalized!r}")
    return start.isoformat(), end.isoformat()


# ----------------------------------------------------------------------------------------------------------
# Normalized values


def _part_interval(part: str, whole: str) -> tuple[date, date]:
    m = _NORM_PART.fullmatch(part)
    if not m:
        raise ValueError(f"not a normalized date: {whole!r}")
    try:
        if m["fy"]:
            y = int(m["fy"])
            if m["fq"]:
                return _month_span(y, 4 + 3 * (int(m["fq"]) - 1), 3)
            return date(y, 4, 1), date(y + 1, 3, 31)
        y = int(m["y"])
        if m["q"]:
            return _month_span(y, 1 + 3 * (int(m["q"]) - 1), 3)
        if m["d"]:
            day = date(y, int(m["m"]), int(m["d"]))
            return day, day
        if m["m"]:
            if not 1 <= int(m["m"]) <= 12:
                raise ValueError(m["m"])
            return _month_span(y, int(m["m"]), 1)
        return date(y, 1, 1), date(y, 12, 31)
    except (ValueError, OverflowError) as exc:
        raise ValueError(f"not a normalized date: {whole!r}") from exc


def _month_span(y: int, m0: int, n: int) -> tuple[date, date]:
    """First day of month m0 of year y (m0 may exceed 12) to the last day n months later."""
    y0, m0 = y + (m0 - 1) // 12, (m0 - 1) % 12 + 1
    nxt = _add_months(date(y0, m0, 1), n)
    return date(y0, m0, 1), nxt - timedelta(days=1)


def _add_months(d: date, n: int) -> date:
    k = d.year * 12 + d.month - 1 + n
    y, m = divmod(k, 12)
    m += 1
    last = (date(y + (m == 12), m % 12 + 1, 1) - timedelta(days=1)).day
    return date(y, m, min(d.day, last))


def _month_range(y: int, m0: int, n: int) -> str:
    """Normalized months m0..m0+n-1 of year y ("2025-01/2025-06"), one month alone when n == 1."""
    s, e = _month_span(y, m0, n)
    if n == 1:
        return f"{s.year:04d}-{s.month:02d}"
    return f"{s.year:04d}-{s.month:02d}/{e.year:04d}-{e.month:02d}"


def _fmt(d: date, prec: str) -> str:
    if prec == "day":
        return d.isoformat()
    if prec == "month":
        return f"{d.year:04d}-{d.month:02d}"
    return f"{d.year:04d}"


def _span_value(lo: date, hi: date, prec: str) -> tuple[str, str]:
    a, b = _fmt(lo, prec), _fmt(hi, prec)
    return (a, prec) if a == b else (f"{a}/{b}", "range")


def _week(d: date) -> str:
    monday = d - timedelta(days=d.weekday())
    return f"{monday.isoformat()}/{(monday + timedelta(days=6)).isoformat()}"


# ----------------------------------------------------------------------------------------------------------
# Publication date


@lru_cache(maxsize=1024)
def _parse_pub(published: str | None, precision: str | None) -> _Pub | None:
    if not published:
        return None
    m = re.match(r"\s*(\d{4})(?:-(\d\d)(?:-(\d\d))?)?", published)
    if not m:
        return None
    y = int(m[1])
    mo = int(m[2]) if m[2] else None
    d = int(m[3]) if m[3] else None
    if precision in ("year", "fiscal_year"):
        mo = d = None
    elif precision == "month":
        d = None
    if not 1000 <= y <= 9000:
        return None
    try:
        if d is not None and mo is not None:
            lo = hi = date(y, mo, d)
            prec = "day"
        elif mo is not None:
            lo, hi = _month_span(y, mo, 1)
            prec = "month"
        else:
            lo, hi = date(y, 1, 1), date(y, 12, 31)
            prec = "year"
    except ValueError:
        return None
    return _Pub(y, mo, d if mo is not None else None, prec, lo, hi, _fmt(lo, prec))


def _pub_fy(pub: _Pub) -> int | None:
    """The fiscal year the publication date falls in (needs at least its month)."""
    if pub.m is None:
        return None
    return pub.y if pub.m >= 4 else pub.y - 1


# ----------------------------------------------------------------------------------------------------------
# Candidates: (start, end, spec). A spec is a hashable tuple; its first item is the kind. Absolute kinds carry
# a year slot second: an int (stated), None (take it from the publication date), ("rel", k) (publication
# year, or fiscal year, plus k) or "?" (anaphoric: "the same year", never resolved).


def _candidates(body: str) -> list[tuple[int, int, tuple]]:
    out: list[tuple[int, int, tuple]] = []
    add = out.append
    for m in _ANCHOR.finditer(body):
        tok = m.group()
        if tok[0].isdigit():
            c = _digit_cand(body, m.start(), m.end())
        elif tok in _MONTH_TOKENS:
            c = _month_cand(body, m.start(), m.end())
        else:
            c = _unit_cand(body, m.start(), m.end(), tok)
        if c:
            add(c)
    for rx in _LOWER_ANCHORS:
        for m in rx.finditer(body):
            c = _unit_cand(body, m.start(), m.end(), m.group())
            if c:
                add(c)
    return out


def _boundary_before(body: str, i: int) -> bool:
    return i == 0 or not body[i - 1].isalnum()


def _prev_word(body: str, i: int) -> str:
    """The word ending just before offset i, skipping spaces and hyphens ("mid-2024" -> "mid"), as written.

    A cheap gate: the left-context regexes only run when this word could begin what they match.
    """
    j = i
    while j > 0 and body[j - 1] in " -\t":
        j -= 1
    k = j
    while k > 0 and (body[k - 1].isalnum() or body[k - 1] in "'."):
        k -= 1
    return body[k:j]


def _word_after(body: str, i: int) -> str:
    m = _NEXT_WORD.match(body, i)
    return m.group(1).lower() if m else ""


def _strip_the(body: str, start: int) -> int:
    if body.startswith(("the ", "The ", "THE "), start):
        return start + 4
    return start


def _year_value(s: str, two_digit_ok: bool) -> int | None:
    if len(s) == 2:
        if not two_digit_ok:
            return None
        y = 2000 + int(s)
    else:
        y = int(s)
    return y if MIN_YEAR <= y <= MAX_YEAR else None


# --- month names ---


def _month_cand(body: str, s: int, e: int) -> tuple[int, int, tuple] | None:
    if not _boundary_before(body, s) or (e < len(body) and (body[e].isalnum() or body[e] == "_")):
        return None
    word = body[s:e]
    mon = _MONTH_NUM[word.lower()]
    r = _MON_RIGHT.match(body, e)
    end = e
    day = day2 = year = None
    if r and r.end() > e:
        if r["ym"]:
            year, end = int(r["ym"]), r.end()
        elif r["yy"]:
            year, end = 2000 + int(r["yy"]), r.end()
        elif r["d"]:
            if _word_after(body, r.end("d2") if r["d2"] else r.end("d")) in _UNIT_AFTER and not r["y"]:
                pass
            else:
                day = int(r["d"])
                day2 = int(r["d2"]) if r["d2"] else None
                year = int(r["y"]) if r["y"] else None
                end = r.end()
    start = s
    lo = max(0, s - 30)
    if day is None:
        dl = _DMY_LEFT.search(body, lo, s)
        if dl:
            day = int(dl["d"])
            if dl["d1"]:
                day, day2 = int(dl["d1"]), day
            start = _strip_the(body, dl.start())
    which = None
    ml = _MON_MOD_LEFT.search(body, lo, start)
    if ml:
        w = ml["which"].lower()
        if w in ("last", "next", "this"):
            which = w if year is None else None
        start = _strip_the(body, ml.start())
    if day is None and year is None:
        # A bare month name is only a date after a preposition or as part of a range ("March to June").
        if word.lower() not in _MONTH_FULL:
            return None
        if not (ml or _BARE_MONTH_LEFT.search(body, lo, s) or _RANGE_TO_MONTH.match(body, e)):
            lst = _LIST_LEFT.search(body, lo, s)
            if not (lst and _MONTH_SEARCH.search(body, max(0, lst.start() - 12), lst.start())):
                return None
    if year is not None and not MIN_YEAR <= year <= MAX_YEAR:
        return None
    if day is not None:
        if not 1 <= day <= _days_in(mon, year) or (
            day2 is not None and not day < day2 <= _days_in(mon, year)
        ):
            return None
        if day2 is not None:
            return start, end, ("dayrange", year, mon, day, day2)
        return start, end, ("day", year, mon, day, which)
    return start, end, ("month", year, mon, which)


def _days_in(month: int, year: int | None) -> int:
    if month == 2:
        return 29 if year is None or (year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)) else 28
    return 30 if month in (4, 6, 9, 11) else 31


# --- digits: years, ISO dates, year ranges, decades, 3Q24 ---


def _digit_cand(body: str, s: int, e: int) -> tuple[int, int, tuple] | None:
    tok = body[s:e]
    if tok[1] in "QH":
        if not _boundary_before(body, s):
            return None
        return _qh_cand(body, s, e, tok[1], int(tok[0]))
    if s and (body[s - 1].isalnum() or body[s - 1] in "$€£¥#.,/_+@:&%"):
        return None
    ml = (
        _YEAR_MOD_LEFT.search(body, max(0, s - 30), s)
        if _prev_word(body, s).lower() in _YEAR_MOD_GATE
        else None
    )
    if not ml and s >= 2 and body[s - 1] in "-–—" and body[s - 2].isalnum():
        return None  # "F-2024", "pre-2020", the second half of "2025-2030"
    y = int(tok)
    if not MIN_YEAR <= y <= MAX_YEAR:
        return None
    r = _YEAR_RIGHT.match(body, e)
    end = e
    spec: tuple | None = None
    if r:
        if r["im"]:
            mo, d = int(r["im"]), int(r["id"])
            if 1 <= mo <= 12 and 1 <= d <= _days_in(mo, y):
                spec, end = ("day", y, mo, d, None), r.end()
        elif r["sm"]:
            mo, d = int(r["sm"]), int(r["sd"])
            if 1 <= mo <= 12 and 1 <= d <= _days_in(mo, y):
                spec, end = ("day", y, mo, d, None), r.end()
        elif r["dec"]:
            after_the = body[max(0, s - 4) : s].lower() == "the "
            if y % 10 == 0 and (r["dec"] == "s" or after_the):
                spec, end = ("decade", y, None), r.end()
            elif r["dec"] == "s":
                return None  # "2024s"
        elif r["y2"]:
            spec = _year_pair(y, r["y2"], r["sep"])
            if spec is not None:
                end = r.end()
    if spec is None:
        nxt = body[e : e + 2]
        if nxt[:1].isalnum() or nxt[:1] == "%" or (nxt[:1] in ".,:-–—/" and nxt[1:2].isdigit()):
            return None
    start = s
    if ml and spec is None:
        mod = ml["mod"].lower()
        start = _strip_the(body, ml.start())
        if mod in _SEASONS:
            return start, end, ("season", y, mod)
        mod = "end" if mod.startswith("year") else mod.split()[0]
        return start, end, ("yearpart", y, mod)
    if ml and spec is not None and spec[0] == "decade":
        mod = ml["mod"].lower().split()[0]
        if mod in ("early", "mid", "late"):
            return _strip_the(body, ml.start()), end, ("decade", y, mod)
    if spec is None or spec[0] in ("yrange",):
        if _not_a_year(body, s, end):
            return None
        spec = spec or ("year", y)
    return start, end, spec


def _year_pair(y: int, y2s: str, sep: str) -> tuple | None:
    if len(y2s) == 2:
        n = int(y2s)
        if sep in "-–—" and n <= 12 and n != (y + 1) % 100 and n != 0:
            return ("month", y, n, None)  # ISO month "2024-04"
        y2 = (y // 100) * 100 + n
    else:
        y2 = int(y2s)
    if not (MIN_YEAR <= y2 <= MAX_YEAR) or y2 <= y:
        return None
    return ("yrange", y, y2)


def _not_a_year(body: str, s: int, e: int) -> bool:
    """A four-digit number that is a name, an identifier or a quantity rather than a date."""
    word = _prev_word(body, s) if s and body[s - 1] in " \t" else ""
    if word[:1].isalpha():
        low = word.lower().rstrip(".")
        if low in _ID_BEFORE:
            return True
        if word[0].isupper() and low not in _ALLOW_BEFORE_YEAR and not low.endswith(("'s", "s'")):
            return True  # "Vision 2030", "MC Shared Value 2024", "CES 2024"
    if _word_after(body, e) in _UNIT_AFTER:
        return True
    if _PHONE_LEFT.search(body, max(0, s - 8), s) or _PHONE_RIGHT.match(body, e):
        return True
    return False


# --- quarters and halves written Q3 / 3Q / H1 / 1H ---


def _qh_cand(body: str, s: int, e: int, letter: str, n: int) -> tuple[int, int, tuple] | None:
    kind = "quarter" if letter == "Q" else "half"
    if kind == "half" and n > 2:
        return None
    if e < len(body) and body[e].isalpha() and not body[e : e + 2].upper() == "FY":
        return None
    r = _QH_RIGHT.match(body, e)
    fiscal = False
    start, end = s, e
    fl = _QH_FISCAL_LEFT.search(body, max(0, s - 10), s)
    if fl:
        fiscal, start = True, fl.start()
    year: int | None | tuple = None
    if r:
        if r["fyy"]:
            year, fiscal = _year_value(r["fyy"], True), True
        elif r["y"]:
            year = _year_value(r["y"], False)
        else:
            year = _year_value(r["yy"] or r["yy2"], True)
        if year is None:
            return None
        end = r.end()
    else:
        if e < len(body) and body[e].isdigit():
            return None
        ys = _YEARSPEC_RIGHT.match(body, e)
        if ys:
            year, fiscal2 = _yearspec(ys)
            fiscal = fiscal or fiscal2
            end = ys.end()
        elif (
            kind == "half"
            or not _BARE_Q_LEFT.search(body, max(0, s - 10), s)
            or _BARE_Q_BAD_RIGHT.match(body, e)
        ):
            return None  # "H2" is hydrogen; "Audi Q4 e-tron" is a car
    return start, end, (kind, year, n, fiscal)


def _yearspec(m: re.Match) -> tuple[int | None | tuple | str, bool]:
    """Year slot and fiscal flag of a _YEARSPEC match."""
    if m["fyy"]:
        return _year_value(m["fyy"], True), True
    if m["y"]:
        return int(m["y"]), False
    rel = (m["rel"] or m["rel2"] or "this").lower()
    fiscal = bool(m["relfy"])
    if rel in ("same", "previous", "following", "prior"):
        return "?", fiscal
    return ("rel", {"this": 0, "current": 0, "next": 1, "coming": 1, "last": -1}[rel]), fiscal


# --- unit words ---


def _unit_cand(body: str, s: int, e: int, word: str) -> tuple[int, int, tuple] | None:
    if not _boundary_before(body, s):
        return None
    low = word.lower()
    if low in ("fiscal", "fy", "financial", "cy"):
        return _fiscal_cand(body, s, e, low)
    if low[0] == "q" and len(low) == 2:
        return _qh_cand(body, s, e, "Q", int(low[1]))
    if low[0] == "h" and len(low) == 2:
        return _qh_cand(body, s, e, "H", int(low[1]))
    if e < len(body) and (body[e].isalpha() or body[e].isdigit()):
        return None
    if low in ("today", "yesterday", "tomorrow"):
        return s, e, ("rel", "day", {"today": 0, "yesterday": -1, "tomorrow": 1}[low])
    if low in _WEEKDAYS:
        return _weekday_cand(body, s, e, low)
    if low in _SEASONS:
        left = _SEASON_LEFT.search(body, max(0, s - 8), s)
        if not left or _YEARSPEC_RIGHT.match(body, e) and _YEARSPEC_RIGHT.match(body, e)["y"]:
            return None
        k = {"last": -1, "this": 0, "next": 1}[left["dir"].lower()]
        return left.start(), e, ("season", ("rel", k), low)
    plural = low.endswith("s") and low != "days"
    unit = low[:-1] if plural else low
    if low == "days":
        unit, plural = "day", True
    if unit == "half":
        return _half_cand(body, s, e)
    return _rel_unit_cand(body, s, e, unit, plural)


def _fiscal_cand(body: str, s: int, e: int, low: str) -> tuple[int, int, tuple] | None:
    if e < len(body) and body[e].isalpha() and low != "fy":
        return None
    if low == "cy":
        m = _CY_RIGHT.match(body, e)
        if not m or (e < len(body) and body[e].isalpha()):
            return None
        y = _year_value(m["y"], True)
        return (s, m.end(), ("year", y)) if y else None
    if low == "fy" and e < len(body) and body[e].isalpha():
        return None
    r = _FISCAL_RIGHT.match(body, e)
    if not r or (low == "financial" and not re.match(r"(?i)[\s-]+year", body[e : e + 6])):
        return None
    if r["ey"]:
        return s, r.end(), ("fyend", int(r["ey"]), _MONTH_NUM[r["em"].lower()[:3]])
    y = _year_value(r["y"], low == "fy" or bool(re.match(r"\s*'", body[r.start("y") - 1 : r.start("y")])))
    if y is None:
        return None
    end = r.end()
    if r["qh"]:
        qh = r["qh"].upper()
        letter, n = (qh[0], int(qh[1])) if qh[0] in "QH" else (qh[1], int(qh[0]))
        if letter == "Q":
            return s, end, ("quarter", y, n, True)
        return s, end, ("half", y, n, True)
    if r["y2"]:
        y2 = _year_value(r["y2"], True) if len(r["y2"]) == 4 else (y // 100) * 100 + int(r["y2"])
        if y2 == y + 1 and not re.search(r"(?i)FY", body[r.end("y") : r.start("y2")]):
            return s, end, ("fy", y)  # "FY2025/26" is one fiscal year
        if y2 and y2 > y and MIN_YEAR <= y2 <= MAX_YEAR:
            return s, end, ("fyrange", y, y2)
        end = r.end("y")
    return s, end, ("fy", y)


def _half_cand(body: str, s: int, e: int) -> tuple[int, int, tuple] | None:
    lo = max(0, s - 30)
    ol = _ORD_LEFT.search(body, lo, s)
    if not ol:
        return None
    o = ol["ord"].lower()
    h = {"first": 1, "1st": 1, "second": 2, "2nd": 2, "latter": 2}.get(o)
    if h is None:
        return None
    return _period_tail(body, _strip_the(body, ol.start()), e, ("half", h), bool(ol["fisc1"] or ol["fisc2"]))


def _period_tail(body: str, start: int, e: int, head: tuple, fiscal: bool) -> tuple[int, int, tuple] | None:
    """Attach the year that follows a quarter, half or months head ("of 2023", "of next year", none)."""
    ys = _YEARSPEC_RIGHT.match(body, e)
    year: int | None | tuple | str = None
    end = e
    if ys:
        year, fiscal2 = _yearspec(ys)
        if year is None:
            return None
        fiscal = fiscal or fiscal2
        end = ys.end()
    elif _OF_NON_YEAR.match(body, e):
        return None  # "first half of the decade", "third quarter of the game"
    kind = head[0]
    if kind == "months":
        return start, end, ("months", year, head[1], head[2], fiscal)
    return start, end, (kind, year, head[1], fiscal)


def _rel_unit_cand(body: str, s: int, e: int, unit: str, plural: bool) -> tuple[int, int, tuple] | None:
    lo = max(0, s - 60)
    pw = _prev_word(body, s).lower()
    if plural:
        if not (pw.isdigit() or pw in _NUM_WORDS):
            return None
        end = e
        if e < len(body) and body[e] == "'":
            end = e + 1
        ago = _AGO_RIGHT.match(body, e)
        if ago:
            nl = _N_LEFT.search(body, lo, s)
            n = _num(nl["n"]) if nl else None
            return (nl.start(), ago.end(), ("ago", unit, n)) if n else None
        fn = _FROM_NOW_RIGHT.match(body, e)
        if fn:
            nl = _N_LEFT.search(body, lo, s)
            n = _num(nl["n"]) if nl else None
            return (nl.start(), fn.end(), ("in", unit, n)) if n else None
        if unit in ("month", "quarter"):
            fl = _FIRST_N_LEFT.search(body, lo, s)
            if fl:
                n = _num(fl["n"])
                months = n * (3 if unit == "quarter" else 1) if n else 0
                first = fl["fl"].lower() == "first"
                if 1 <= months <= 12 and (first or _YEARSPEC_RIGHT.match(body, e)):
                    return _period_tail(
                        body, _strip_the(body, fl.start()), e, ("months", first, months), False
                    )
        sp = _SPAN_LEFT.search(body, lo, s)
        if sp:
            n = _num(sp["n"]) if sp["n"] else None
            d = sp["dir"].lower()
            if n is None or d in ("previous", "following", "prior"):
                return None
            return (
                _strip_the(body, sp.start()),
                e,
                ("span", unit, n, 1 if d in ("next", "coming", "upcoming") else -1),
            )
        wl = _WITHIN_LEFT.search(body, lo, s)
        if wl:
            n = _num(wl["n"])
            return (wl.start(), e, ("span", unit, n, 1)) if n else None
        il = _IN_LEFT.search(body, lo, s)
        if il and not _IN_BAD_RIGHT.match(body, e):
            n = _num(il["n"])
            if not n or n == 1:
                return None
            t = _TIME_RIGHT.match(body, e)
            return il.start(), t.end() if t else end, ("in", unit, n)
        return None
    # singular
    if unit == "year":
        yr = _YEAR_ENDING_RIGHT.match(body, e)
        if yr:
            fw = _FISCAL_WORD_LEFT.search(body, lo, s)
            start = _strip_the(body, fw.start()) if fw else s
            return start, yr.end(), ("fyend", int(yr["ey"]), _MONTH_NUM[yr["em"].lower()[:3]])
    if pw not in _SINGULAR_GATE:
        return None
    ago = _AGO_RIGHT.match(body, e)
    if ago:
        nl = _N_LEFT.search(body, lo, s)
        if nl and _num(nl["n"]) == 1:
            return nl.start(), ago.end(), ("ago", unit, 1)
        return None
    if unit == "quarter":
        ol = _ORD_LEFT.search(body, lo, s)
        if ol:
            o = ol["ord"].lower()
            fiscal = bool(ol["fisc1"] or ol["fisc2"])
            if o == "last":
                if not _YEARSPEC_RIGHT.match(body, e):
                    ol = None  # "last quarter" is relative
                else:
                    o = "final"
            if ol and o in _ORDINALS:
                return _period_tail(body, _strip_the(body, ol.start()), e, ("quarter", _ORDINALS[o]), fiscal)
            if ol and o not in ("last",):
                return None
    sp = _SPAN_LEFT.search(body, lo, s)
    if sp:
        n = _num(sp["n"]) if sp["n"] else 1
        d = sp["dir"].lower()
        if n != 1 or d in ("previous", "following", "prior"):
            return None
        return (
            _strip_the(body, sp.start()),
            e,
            ("span", unit, 1, 1 if d in ("next", "coming", "upcoming") else -1),
        )
    pl = _PART_LEFT.search(body, lo, s)
    if pl and unit in ("year", "month", "week"):
        return pl.start(), e, ("part", unit, pl["part"].lower())
    mt = _MOD_THE_LEFT.search(body, lo, s)
    if mt and unit == "year":
        mod = mt["mod"].lower()
        if mt["fisc"]:
            return None
        return _strip_the(body, mt.start()), e, ("yearpart", ("rel", 0), mod)
    rl = _REL_LEFT.search(body, lo, s)
    if not rl:
        return None
    d = rl["dir"].lower().split()[-1]
    k = {"last": -1, "this": 0, "current": 0, "next": 1, "coming": 1}[d]
    start = _strip_the(body, rl.start())
    mod = rl["mod"].lower().split()[0] if rl["mod"] else None
    if rl["fisc"]:
        return (start, e, ("fy", ("rel", k))) if unit == "year" and not mod else None
    if unit == "year":
        if mod:
            return start, e, ("yearpart", ("rel", k), "mid" if mod == "middle" else mod)
        return start, e, ("year", ("rel", k))
    if mod:
        return None
    if unit == "decade":
        return start, e, ("decade", ("rel", k), None)
    if unit == "day":
        return None
    return start, e, ("rel", unit, k)


def _weekday_cand(body: str, s: int, e: int, low: str) -> tuple[int, int, tuple] | None:
    wl = _WEEKDAY_LEFT.search(body, max(0, s - 12), s)
    if not wl or _WEEKDAY_DATE_RIGHT.match(body, e):
        return None
    w = wl["w"].lower()
    which = w if w in ("last", "next", "this") else None
    start = wl.start() if which else s
    return start, e, ("weekday", _WEEKDAYS[low], which)


def _num(s: str | None) -> int | None:
    if not s:
        return None
    s = s.lower()
    if s.isdigit():
        n = int(s)
        return n if n > 0 else None
    return _NUM_WORDS.get(s)


# ----------------------------------------------------------------------------------------------------------
# Overlaps and ranges


def _drop_overlaps(cands: list[tuple[int, int, tuple]]) -> list[tuple[int, int, tuple]]:
    """Keep the longest of overlapping candidates ("between 2027 and 2031" over "2027"), then sort by offset."""
    cands.sort(key=lambda c: (c[0] - c[1], c[0]))
    starts: list[int] = []
    kept: list[tuple[int, int, tuple]] = []
    for c in cands:
        i = bisect_left(starts, c[0])
        if i > 0 and kept[i - 1][1] > c[0]:
            continue
        if i < len(kept) and kept[i][0] < c[1]:
            continue
        starts.insert(i, c[0])
        kept.insert(i, c)
    return kept


def _merge_ranges(body: str, cands: list[tuple[int, int, tuple]]) -> list[tuple[int, int, tuple]]:
    """Join "A to B", "between A and B", "A-B" into one range candidate."""
    out: list[tuple[int, int, tuple]] = []
    i = 0
    while i < len(cands):
        a = cands[i]
        if i + 1 < len(cands):
            b = cands[i + 1]
            merged = _try_range(body, a, b)
            if merged:
                out.append(merged)
                i += 2
                continue
        out.append(a)
        i += 1
    return out


def _try_range(body: str, a: tuple, b: tuple) -> tuple[int, int, tuple] | None:
    sa, ka = a[2], b[2]
    if sa[0] not in _ABS_KINDS or ka[0] not in _ABS_KINDS or b[0] - a[1] > 12:
        return None
    g = _RANGE_GAP.fullmatch(body, a[1], b[0])
    if not g:
        return None
    left = _RANGE_LEFT.search(body, max(0, a[0] - 10), a[0])
    word = (g["word"] or "").lower()
    if word == "and" and not (left and left["w"].lower() == "between"):
        return None
    if sa[0] == "fy" and ka[0] == "year":
        ka = ("fy", ka[1])
    ya, yb = sa[1], ka[1]
    if ya is None and isinstance(yb, int):
        sa = _with_year(sa, _year_before(sa, ka, yb))
    elif yb is None and isinstance(ya, int):
        ka = _with_year(ka, _year_after(sa, ka, ya))
    if isinstance(sa[1], int) and isinstance(ka[1], int):
        va, vb = _norm_abs(sa, sa[1]), _norm_abs(ka, ka[1])
        if not va or not vb:
            return None
        (a0, a1), (b0, b1) = parse_normalized(va[0]), parse_normalized(vb[0])
        if not (a0 <= b0 and a1 <= b1 and a0 < b1):
            return None
    start = left.start() if left else a[0]
    return start, b[1], ("range", sa, ka)


def _with_year(spec: tuple, y: int | None) -> tuple:
    return (spec[0], y, *spec[2:])


def _year_before(sa: tuple, sb: tuple, yb: int) -> int | None:
    """Year for an undated range start so that it precedes the dated end ("November to March 2025")."""
    va, vb = _norm_abs(sa, yb), _norm_abs(sb, yb)
    if not va or not vb:
        return yb
    return yb if parse_normalized(va[0])[0] <= parse_normalized(vb[0])[0] else yb - 1


def _year_after(sa: tuple, sb: tuple, ya: int) -> int | None:
    va, vb = _norm_abs(sa, ya), _norm_abs(sb, ya)
    if not va or not vb:
        return ya
    return ya if parse_normalized(vb[0])[0] >= parse_normalized(va[0])[0] else ya + 1


# ----------------------------------------------------------------------------------------------------------
# Resolution


_INTRINSIC_PREC = {
    "day": "day", "dayrange": "range", "month": "month", "year": "year", "fy": "fiscal_year", "quarter": "quarter",
    "half": "range", "months": "range", "yearpart": "range", "season": "range", "decade": "range",
    "yrange": "range", "fyrange": "range", "fyend": "fiscal_year", "range": "range", "span": "range",
    "part": "range", "weekday": "day",
}  # fmt: skip


def _intrinsic_prec(spec: tuple) -> str:
    k = spec[0]
    if k == "rel" or k in ("in", "ago"):
        return {"day": "day", "week": "range", "month": "month", "quarter": "quarter"}.get(spec[1], "year")
    if k == "yearpart" and spec[2] in ("end", "beginning", "start"):
        return "month"
    return _INTRINSIC_PREC.get(k, "range")


def _norm_abs(spec: tuple, y: int) -> tuple[str, str] | None:
    """Normalized value and precision of an absolute spec in year y; None when the date does not exist."""
    if not 1 <= y <= 9998:
        return None
    k = spec[0]
    try:
        if k == "day":
            date(y, spec[2], spec[3])
            return f"{y:04d}-{spec[2]:02d}-{spec[3]:02d}", "day"
        if k == "dayrange":
            date(y, spec[2], spec[4])
            return f"{y:04d}-{spec[2]:02d}-{spec[3]:02d}/{y:04d}-{spec[2]:02d}-{spec[4]:02d}", "range"
        if k == "month":
            return f"{y:04d}-{spec[2]:02d}", "month"
        if k == "year":
            return f"{y:04d}", "year"
        if k == "fy":
            return f"FY{y:04d}", "fiscal_year"
        if k == "quarter":
            return (f"FY{y:04d}-Q{spec[2]}" if spec[3] else f"{y:04d}-Q{spec[2]}"), "quarter"
        if k == "half":
            return _month_range(y, (4 if spec[3] else 1) + 6 * (spec[2] - 1), 6), "range"
        if k == "months":
            first, n, fiscal = spec[2], spec[3], spec[4]
            if n == 12:
                return (f"FY{y:04d}", "fiscal_year") if fiscal else (f"{y:04d}", "year")
            m0 = (4 if fiscal else 1) + (0 if first else 12 - n)
            return _month_range(y, m0, n), "month" if n == 1 else "range"
        if k == "yearpart":
            mod = spec[2]
            if mod == "end":
                return f"{y:04d}-12", "month"
            if mod in ("beginning", "start"):
                return f"{y:04d}-01", "month"
            m0 = {"early": 1, "mid": 5, "middle": 5, "late": 9}[mod]
            return _month_range(y, m0, 4), "range"
        if k == "season":
            return _month_range(y, _SEASONS[spec[2]], 3), "range"
        if k == "decade":
            lo, hi = {None: (0, 9), "early": (0, 3), "mid": (4, 6), "late": (7, 9)}[spec[2]]
            return f"{y + lo:04d}/{y + hi:04d}", "range"
        if k == "yrange":
            return f"{spec[1]:04d}/{spec[2]:04d}", "range"
        if k == "fyrange":
            return f"FY{spec[1]:04d}/FY{spec[2]:04d}", "range"
        if k == "fyend":
            m = spec[2]
            if m == 3:
                return f"FY{y - 1:04d}", "fiscal_year"
            if m == 12:
                return f"{y:04d}", "fiscal_year"
            return _month_range(y - 1, m + 1, 12), "fiscal_year"
    except (ValueError, KeyError):
        return None
    return None


def _is_fiscal(spec: tuple) -> bool:
    k = spec[0]
    if k == "fy":
        return True
    if k in ("quarter", "half"):
        return bool(spec[3])
    if k == "months":
        return bool(spec[4])
    return False


def _year_for(spec: tuple, pub: _Pub | None, tense: str | None) -> int | None:
    slot = spec[1]
    if isinstance(slot, int):
        return slot
    if pub is None or slot == "?":
        return None
    fiscal = _is_fiscal(spec)
    base = _pub_fy(pub) if fiscal else pub.y
    if base is None:
        return None
    if isinstance(slot, tuple):
        if spec[0] == "decade":
            return (pub.y // 10) * 10 + 10 * slot[1]
        return base + slot[1]
    if pub.m is None:
        return base
    v = _norm_abs(spec, base)
    if v is None:
        return base
    s, e = (date.fromisoformat(x) for x in parse_normalized(v[0]))
    which = spec[-1] if spec[0] in ("day", "month") else None
    if which == "last":
        return base - 1 if s >= pub.lo else base
    if which == "next":
        return base + 1 if e <= pub.hi else base
    if which == "this":
        return base
    if tense == "past" and s > pub.hi:
        return base - 1
    if tense == "future" and e < pub.lo:
        return base + 1
    return base


@lru_cache(maxsize=16384)
def _resolve(spec: tuple, pub: _Pub | None, tense: str | None) -> tuple[str | None, str]:
    """Normalized value and precision of a candidate; (None, precision) when it cannot be settled."""
    prec = _intrinsic_prec(spec)
    k = spec[0]
    try:
        if k in _ABS_KINDS or k in _EXPLICIT_ONLY:
            y = _year_for(spec, pub, tense)
            if y is None:
                return None, prec
            v = _norm_abs(spec, y)
            return v if v else (None, prec)
        if k == "range":
            a, b = spec[1], spec[2]
            ya = _year_for(a, pub, tense)
            if ya is not None and b[1] is None:
                b = _with_year(b, _year_after(a, b, ya))
            yb = _year_for(b, pub, tense)
            va = _norm_abs(a, ya) if ya is not None else None
            vb = _norm_abs(b, yb) if yb is not None else None
            if not va or not vb:
                return None, "range"
            value = f"{va[0].split('/')[0]}/{vb[0].split('/')[-1]}"
            parse_normalized(value)  # raises ValueError when the range runs backwards
            return value, "range"
        if pub is None:
            return None, prec
        return _resolve_relative(spec, pub, tense, prec)
    except (ValueError, OverflowError):
        return None, prec


def _resolve_relative(spec: tuple, pub: _Pub, tense: str | None, prec: str) -> tuple[str | None, str]:
    k = spec[0]
    if k == "rel":
        unit, off = spec[1], spec[2]
        if unit == "day":
            if pub.prec == "day":
                return (pub.lo + timedelta(days=off)).isoformat(), "day"
            return (pub.text, pub.prec) if off == 0 else (None, prec)
        if unit == "week":
            return (_week(pub.lo + timedelta(days=7 * off)), "range") if pub.prec == "day" else (None, prec)
        if unit == "month":
            if pub.m is not None:
                return _fmt(_add_months(date(pub.y, pub.m, 1), off), "month"), "month"
            return (pub.text, pub.prec) if off == 0 else (None, prec)
        if unit == "quarter":
            if pub.m is not None:
                q = pub.y * 4 + (pub.m - 1) // 3 + off
                return f"{q // 4:04d}-Q{q % 4 + 1}", "quarter"
            return (pub.text, pub.prec) if off == 0 else (None, prec)
        return None, prec
    if k == "span":
        unit, n, sign = spec[1], spec[2], spec[3]
        lo, hi = pub.lo, pub.hi
        if sign > 0:
            hi = _shift(hi, unit, n)
        else:
            lo = _shift(lo, unit, -n)
        return _span_value(lo, hi, pub.prec)
    if k in ("in", "ago"):
        unit, n = spec[1], spec[2] * (1 if k == "in" else -1)
        if unit in ("year", "decade"):
            return f"{pub.y + n * (10 if unit == 'decade' else 1):04d}", "year"
        if unit in ("month", "quarter"):
            if pub.m is None:
                return None, prec
            d = _add_months(date(pub.y, pub.m, 1), n * (3 if unit == "quarter" else 1))
            if unit == "quarter":
                return f"{d.year:04d}-Q{(d.month - 1) // 3 + 1}", "quarter"
            return _fmt(d, "month"), "month"
        if pub.prec != "day":
            return None, prec
        if unit == "week":
            return _week(pub.lo + timedelta(days=7 * n)), "range"
        return (pub.lo + timedelta(days=n)).isoformat(), "day"
    if k == "part":
        unit, part = spec[1], spec[2]
        if unit == "year":
            first, last = date(pub.y, 1, 1), date(pub.y, 12, 31)
        elif unit == "month":
            if pub.m is None:
                return pub.text, pub.prec
            first, last = _month_span(pub.y, pub.m, 1)
        else:
            if pub.prec != "day":
                return None, prec
            first = pub.lo - timedelta(days=pub.lo.weekday())
            last = first + timedelta(days=6)
        lo, hi = (first, pub.hi) if part == "earlier" else (pub.lo, last)
        return _span_value(lo, hi, pub.prec)
    if k == "weekday":
        if pub.prec != "day":
            return None, prec
        wd, which = spec[1], spec[2]
        delta = (pub.lo.weekday() - wd) % 7
        if which == "next" or (which != "last" and tense == "future"):
            ahead = (wd - pub.lo.weekday()) % 7 or 7
            return (pub.lo + timedelta(days=ahead)).isoformat(), "day"
        if which == "last" and delta == 0:
            delta = 7
        return (pub.lo - timedelta(days=delta)).isoformat(), "day"
    return None, prec


def _shift(d: date, unit: str, n: int) -> date:
    if unit == "day":
        return d + timedelta(days=n)
    if unit == "week":
        return d + timedelta(days=7 * n)
    months = {"month": 1, "quarter": 3, "year": 12, "decade": 120}[unit] * n
    return _add_months(d, months)


# ----------------------------------------------------------------------------------------------------------
# Sentences, cues and roles


class _Sentences:
    """Exact `sentence_spans` sentences around time expressions, without splitting the whole body.

    `sentence_spans` never lets a sentence cross a line break and decides each boundary from the characters
    around it only. So splitting a window of the paragraph that starts and ends at a space gives the true
    sentences everywhere except the window's first and last span; the window grows until the sentence
    wanted is neither. Callers that already split the body pass its spans instead.
    """

    def __init__(self, body: str, spans: list[tuple[int, int]] | None = None) -> None:
        self.body = body
        self.spans = spans
        self.last: tuple[int, int] = (0, 0)
        self.para: tuple[int, int] = (0, -1)

    def span(self, start: int, end: int) -> tuple[int, int]:
        last = self.last
        if last[0] <= start and end <= last[1]:
            return last
        if self.spans is not None:
            s0, e0 = sentence_at(self.body, self.spans, start)
            if e0 < end:
                e0 = max(e0, sentence_at(self.body, self.spans, end - 1)[1])
            found = (s0, e0) if e0 > s0 else (start, end)
        else:
            found = self._window(start, end)
        self.last = found
        return found

    def _window(self, start: int, end: int) -> tuple[int, int]:
        body = self.body
        ps, pe = self.para
        if not ps <= start < end <= pe:  # expressions come in text order: one look-up per paragraph
            ps = body.rfind("\n", 0, start) + 1
            pe = body.find("\n", start)
            if pe == -1:
                pe = len(body)
            self.para = (ps, pe)
        k, reach = 1, 400
        while True:
            # Window start: the word before the k-th possible sentence end left of the expression, so that
            # boundary is decided inside the window. Window end: the word after the k-th one to the right.
            a = ps
            ends = [m.start() for m in _MAYBE_END.finditer(body, max(ps, start - reach), start)]
            if len(ends) >= k:
                sp = body.rfind(" ", ps, ends[-k])
                a = sp + 1 if sp != -1 else ps
            b = pe
            n = 0
            for m in _MAYBE_END.finditer(body, end, min(pe, end + reach)):
                n += 1
                if n == k:
                    sp = body.find(" ", m.end() + 1, pe)  # m.end() is the space itself; keep the next word
                    b = sp if sp != -1 else pe
                    break
            spans = sentence_spans(body[a:b])
            i = j = -1
            for idx, (s0, e0) in enumerate(spans):
                if i < 0 and s0 + a <= start < e0 + a:
                    i = idx
                if s0 + a < end <= e0 + a:
                    j = idx
                    break
            exact_left, exact_right = i > 0 or a == ps, (0 <= j < len(spans) - 1) or b == pe
            if 0 <= i <= j and exact_left and exact_right:
                return spans[i][0] + a, spans[j][1] + a
            if a == ps and b == pe:
                return (spans[i][0] + a, spans[j][1] + a) if 0 <= i <= j else (start, end)
            k += 1
            reach *= 2


def _local_cue(body: str, start: int) -> str | None:
    if _prev_word(body, start).lower() not in _LOCAL_GATE:
        return None
    m = _LOCAL_CUE.search(body, max(0, start - 40), start)
    if not m:
        return None
    return "deadline" if m["deadline"] else "period"


def _tense(body: str, s_start: int, s_end: int, start: int, end: int) -> str | None:
    """Past or future from the cue word nearest to the expression within its sentence."""
    lo, hi = max(s_start, start - _CUE_WINDOW), min(s_end, end + _CUE_WINDOW)
    text = body[lo:hi]
    low = text.lower()
    if len(low) != len(text):  # rare Unicode whose lower case changes length: keep offsets right
        low = text
    a, b = start - lo, end - lo
    best, best_d = None, None
    for m in _TENSE_CUE.finditer(low):
        cs, ce = m.start(), m.end()
        if cs and low[cs - 1].isalnum() and low[cs] != "'":
            continue
        if ce <= a:
            d = a - ce
        elif cs >= b:
            d = cs - b
        else:
            continue
        if best_d is None or d < best_d:
            best, best_d = _CUE_KIND[m.group()], d
    return best


def _direction(spec: tuple) -> str | None:
    k = spec[0]
    if k in _ABS_KINDS:
        slot = spec[1]
        which = spec[-1] if k in ("day", "month") else None
        if isinstance(slot, tuple):
            return "past" if slot[1] < 0 else "future" if slot[1] > 0 else None
        return {"last": "past", "next": "future"}.get(which) if isinstance(which, str) else None
    if k == "rel":
        return "past" if spec[2] < 0 else "future" if spec[2] > 0 else None
    if k == "span":
        return "future" if spec[3] > 0 else "past"
    if k == "in":
        return "future"
    if k == "ago":
        return "past"
    if k == "part":
        return "past" if spec[2] == "earlier" else "future"
    if k == "weekday":
        return {"last": "past", "next": "future"}.get(spec[2])
    return None


def _role(spec: tuple, local: str | None, tense: str | None) -> str:
    if local:
        return local
    d = _direction(spec)
    if d:
        return "past" if d == "past" else "planned"
    if spec[0] in _PERIOD_KINDS:
        return "planned" if tense == "future" else "period"
    if tense:
        return "planned" if tense == "future" else "past"
    if spec[0] in ("range", "yrange", "fyrange", "dayrange", "decade"):
        return "range"
    return "mention"
