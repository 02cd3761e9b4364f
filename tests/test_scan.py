"""The automaton-driven pattern scanner must give exactly what `finditer` gives, pattern by pattern."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from helpers.entities import _role_pattern
from helpers.knowledge import load_knowledge, lower_pattern, lower_same_length
from helpers.scan import PatternScanner, literal_prefixes

KB = load_knowledge()
TABLE_PATTERNS = [p for _, p in KB.alliance_types] + [p for _, _, p in KB.statuses]


def _spans(matches: list[re.Match]) -> list[tuple]:
    return [(m.start(), m.end(), m.lastgroup, m.groups()) for m in matches]


def _same_as_finditer(patterns: list[re.Pattern], text: str) -> None:
    scanned = PatternScanner(patterns).scan(text)
    assert [_spans(ms) for ms in scanned] == [_spans(list(p.finditer(text))) for p in patterns]


def test_literal_prefixes_follow_branches_optional_parts_and_small_classes() -> None:
    assert literal_prefixes(re.compile(r"\b(?:cancel(?:led)?|scrap)\b"), want=4) == {"canc", "scra"}
    assert literal_prefixes(re.compile(r"(?:the )?deal"), want=4) == {"the ", "deal"}
    assert literal_prefixes(re.compile(r"finali[sz]ed"), want=8) == {"finalise", "finalize"}
    assert literal_prefixes(re.compile(r"co-?develop"), want=4) == {"co-d", "code"}


def test_patterns_without_a_short_literal_start_fall_back_to_finditer() -> None:
    assert literal_prefixes(re.compile(r"[a-z]+ minister")) is None  # any word can start it
    assert literal_prefixes(re.compile(r"deal", re.IGNORECASE)) is None  # case variants are not literals
    assert literal_prefixes(re.compile(r"(?i:deal)")) is None
    assert literal_prefixes(re.compile(r"x?y")) is None  # one letter hits everywhere
    scanner = PatternScanner([re.compile(r"[a-z]+ minister"), re.compile(r"\bdeal\b")])
    assert scanner.plain == [0]
    _same_as_finditer(scanner.patterns, "the trade minister signed a deal; prime minister deals")


def test_overlapping_candidates_keep_finditer_non_overlap_rule() -> None:
    # "merger" starts inside the first match; finditer resumes after it, so must the scanner
    _same_as_finditer(
        [re.compile(r"talks on a merger|merger"), re.compile(r"a+")], "talks on a merger merger aaa"
    )


def test_real_rule_tables_on_real_sentences() -> None:
    text = lower_same_length(
        "Nissan and Honda signed a memorandum of understanding to explore a tie-up. Talks collapsed in "
        "February; Honda scrapped the plan and Nissan is reportedly weighing a cross-shareholding cut. "
        "Renault reduced its stake, and the companies formed a 50:50 joint venture to co-develop batteries."
    )
    _same_as_finditer(TABLE_PATTERNS, text)
    scanner, _roles = _role_pattern(KB)
    role_text = lower_same_length("Honda CEO Toshihiro Mibe met the Japanese trade minister and the EVP.")
    assert [m.lastgroup for m in scanner.scan(role_text)[0]] == ["r2", "r13", "r9"]


_WORDS = st.sampled_from(
    "signed a memorandum of understanding joint venture co-develop scrapped talks collapsed merger stake "
    "acquire acquired majority controlling investment invest platform supply will plans to reportedly "
    "in talks considering ended partnership alliance tie-up cooperation agreement the and , . ; "
    "cancelled reduced cut trimmed finalized finalised 50:50 50-50 jv jvs".split(" ")
)


@settings(max_examples=150, deadline=None)
@given(
    st.lists(_WORDS, min_size=1, max_size=40), st.lists(st.sampled_from([" ", "  ", "-", "\n"]), min_size=1)
)
def test_scanner_equals_finditer_on_random_keyword_soup(words: list[str], seps: list[str]) -> None:
    text = "".join(w + seps[i % len(seps)] for i, w in enumerate(words))
    _same_as_finditer(TABLE_PATTERNS, text)


def test_lower_pattern_refuses_escapes_that_change_meaning() -> None:
    try:
        lower_pattern(r"\bdeal\W")
    except ValueError:
        return
    raise AssertionError("an upper-case escape must be refused")
