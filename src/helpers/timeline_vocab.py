"""Vocabulary and compiled patterns of `timeline`: month and number words, the anchor regex, the
context patterns matched at an anchor. Data and regexes only, so the logic modules read as logic.
"""

from __future__ import annotations

import re
from datetime import date
from typing import NamedTuple

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
