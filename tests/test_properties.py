"""Property-based tests (hypothesis) of the parsers of money, percentages and dates, and of the cleaner.

On arbitrary text they never raise and every offset is valid (body[start:end] is the text it claims);
on generated sentences the normalized values round-trip: "$1.5 billion", "€250 million", "about 20%"
parse back to the generated value, currency and qualifier, and a generated date normalizes to the same ISO
date. Example counts are modest (100-200) so the suite stays fast.
"""

from __future__ import annotations

import calendar
import datetime as dt
import os
import re
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import strategies as st

from helpers.clean import clean_article
from helpers.corpus import Article
from helpers.entities import find_mentions
from helpers.figures import extract_figures, find_candidates
from helpers.knowledge import load_knowledge
from helpers.text import normalize_text, sentence_spans
from helpers.timeline import extract_timeline, parse_normalized

KB = load_knowledge()
# EVWATCH_HYPOTHESIS_SCALE=50 runs 50 times the examples (a deeper local hunt; the suite stays fast).
_SCALE = max(1, int(os.environ.get("EVWATCH_HYPOTHESIS_SCALE", "1")))
FAST = settings(max_examples=150 * _SCALE, deadline=None, suppress_health_check=[HealthCheck.too_slow])
SLOW = settings(max_examples=100 * _SCALE, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# Words the parsers look for, mixed with arbitrary text: random unicode alone rarely reaches them.
TOKENS = [
    "$", "US$", "€", "£", "¥", "₩", "1.5", "250", "1,250", "0.5", "20", "3", "2024", "2031", "1999", "99",
    "billion", "million", "bn", "m", "k", "trillion", "yen", "euros", "dollars", "yuan", "%", "percent",
    "per cent", "percentage points", "about", "more than", "up to", "at least", "nearly", "under", "~",
    "March", "Mar.", "Sept.", "May", "5,", "31,", "FY2025", "FY'26", "FY2025/26", "fiscal", "year", "Q3",
    "1H", "first half of", "third quarter", "last year", "next year", "within the next two years", "ago",
    "between", "and", "by", "since", "end of", "early", "2020s", "winter", "Monday", "this month", "units",
    "vehicles", "EVs", "market", "share", "of the", "in", "the", "Nissan", "Honda", "Toyota", "BYD", "China",
    "Inc.", "U.S.", "Mr.", ".", ",", "-", "–", "/", "(", ")", "\n", "\n\n", " ", "'", '"', "2024-03-05",
]  # fmt: skip
_piece = st.one_of(st.sampled_from(TOKENS), st.text(max_size=6))
texts = st.lists(_piece, max_size=40).map(" ".join) | st.text(max_size=200)
published_values = st.one_of(
    st.none(),
    st.sampled_from(["2024-06-01", "2024-06", "2024", "FY2024", "1990-01-01", "2100-12-31"]),
    st.text(max_size=12),
)
precisions = st.one_of(
    st.none(), st.sampled_from(["day", "month", "year", "fiscal_year", "range"]), st.text(max_size=5)
)


def _facts(body: str, published: str | None = "2024-06-01", precision: str | None = "day"):
    sentences = sentence_spans(body)
    mentions = find_mentions(body, KB)
    timeline = extract_timeline(body, published, precision, sentences=sentences)
    figures = extract_figures(body, KB, mentions, sentences, timeline, published, precision)
    return timeline, figures


# ------------------------------------------------------------------------------- never raise, offsets


@FAST
@given(texts)
def test_find_candidates_never_raises_and_spans_are_real(body):
    cands = find_candidates(body, KB)
    for c in cands:
        assert 0 <= c.start < c.end <= len(body)
        assert c.kind in ("money", "percent", "count")
        assert c.value == c.value and c.value >= 0  # a number, not NaN
    spans = sorted((c.start, c.end) for c in cands)
    assert all(a_end <= b_start for (_, a_end), (b_start, _) in zip(spans, spans[1:], strict=False))


@SLOW
@given(texts, published_values, precisions)
def test_extract_figures_never_raises_and_offsets_are_valid(body, published, precision):
    _, figures = _facts(body, published, precision)
    for row in figures:
        assert 0 <= row["start"] < row["end"] <= len(body)
        assert row["qualifier"] in {"exact", "approximately", "more_than", "less_than", "at_least", "up_to"}
        span = body[row["start"] : row["end"]]
        assert span in row["evidence"] and row["evidence"] in body


@SLOW
@given(texts, published_values, precisions)
@example("The plant opens in fiscal 2099 and runs to FY2100.", "2100-12-31", "day")
@example("Q3 2024 results were up; within the next two years.", "2024-06", "month")
def test_extract_timeline_never_raises_and_rows_are_consistent(body, published, precision):
    rows = extract_timeline(body, published, precision)
    for row in rows:
        assert body[row["start"] : row["end"]] == row["text"]
        assert row["text"] in row["evidence"] and row["evidence"] in body
        if row["normalized"] is None:
            assert row["start_date"] is None and row["end_date"] is None
        else:
            assert parse_normalized(row["normalized"]) == (row["start_date"], row["end_date"])
            assert row["start_date"] <= row["end_date"]


@FAST
@given(
    st.one_of(
        st.text(max_size=30), st.from_regex(r"(FY)?\d{4}(-(Q[1-4]|\d\d(-\d\d)?))?(/.{0,12})?", fullmatch=True)
    )
)
def test_parse_normalized_returns_an_interval_or_raises_value_error(value):
    try:
        start, end = parse_normalized(value)
    except ValueError:
        return
    assert dt.date.fromisoformat(start) <= dt.date.fromisoformat(end)


# ---------------------------------------------------------------------------------- round trips


def _number_text(value: Decimal, grouped: bool) -> str:
    return f"{value:,}" if grouped else str(value)  # "1,250.5" or "1250.5"


amounts = st.decimals(min_value=Decimal("0.1"), max_value=Decimal("9999"), places=1, allow_nan=False)
QUALIFIERS = {
    "exact": [""],
    "approximately": ["about ", "approximately ", "roughly ", "nearly ", "around ", "some ", "an estimated "],
    "more_than": ["more than ", "over ", "in excess of ", "upwards of "],
    "less_than": ["less than ", "under ", "below "],
    "at_least": ["at least ", "a minimum of ", "no less than "],
    "up_to": ["up to ", "as much as ", "a maximum of "],
}
qualifiers = st.sampled_from(sorted(QUALIFIERS)).flatmap(
    lambda q: st.tuples(st.just(q), st.sampled_from(QUALIFIERS[q]))
)
SYMBOLS = [
    ("$", "USD"),
    ("US$", "USD"),
    ("€", "EUR"),
    ("£", "GBP"),
    ("¥", "JPY"),
    ("₩", "KRW"),
    ("C$", "CAD"),
]
WORDS = [("dollars", "USD"), ("euros", "EUR"), ("yen", "JPY"), ("yuan", "CNY"), ("pounds", "GBP")]
SCALES = [
    ("", 1),
    (" million", 10**6),
    (" billion", 10**9),
    (" trillion", 10**12),
    ("bn", 10**9),
    (" bn", 10**9),
]
SUBJECTS = ["Nissan", "Honda", "The company", "Toyota", "The venture"]


def _only(rows: list[dict], kind: str) -> dict:
    found = [r for r in rows if r["kind"] == kind]
    assert len(found) == 1, found
    return found[0]


@FAST
@given(
    amounts,
    st.booleans(),
    st.sampled_from(SYMBOLS),
    st.sampled_from(SCALES),
    qualifiers,
    st.sampled_from(SUBJECTS),
)
@example(Decimal("1.5"), False, ("$", "USD"), (" billion", 10**9), ("exact", ""), "Nissan")
@example(Decimal("250"), False, ("€", "EUR"), (" million", 10**6), ("exact", ""), "Honda")
def test_money_with_a_symbol_round_trips(amount, grouped, symbol, scale, qualifier, subject):
    (sym, code), (scale_text, factor), (qual, qual_text) = symbol, scale, qualifier
    number = _number_text(amount, grouped)
    money = f"{sym}{number}{scale_text}"
    body = f"{subject} said it would invest {qual_text}{money} in the battery venture."
    _, figures = _facts(body)
    row = _only(figures, "money")
    assert body[row["start"] : row["end"]] == money
    assert row["value"] == pytest.approx(float(amount) * factor, rel=1e-9)
    assert row["currency"] == code and row["qualifier"] == qual


@FAST
@given(amounts, st.booleans(), st.sampled_from(WORDS), st.sampled_from(SCALES[:4]), qualifiers)
@example(Decimal("250"), False, ("euros", "EUR"), (" million", 10**6), ("approximately", "about "))
def test_money_in_words_round_trips(amount, grouped, word, scale, qualifier):
    (cur, code), (scale_text, factor), (qual, qual_text) = word, scale, qualifier
    money = f"{_number_text(amount, grouped)}{scale_text} {cur}"
    body = f"The partners will spend {qual_text}{money} on the plant."
    _, figures = _facts(body)
    row = _only(figures, "money")
    assert body[row["start"] : row["end"]] == money
    assert row["value"] == pytest.approx(float(amount) * factor, rel=1e-9)
    assert row["currency"] == code and row["qualifier"] == qual


@FAST
@given(
    st.decimals(min_value=Decimal("0"), max_value=Decimal("100"), places=1, allow_nan=False),
    st.sampled_from(["%", " percent", " per cent"]),
    qualifiers,
)
@example(Decimal("20"), "%", ("approximately", "about "))
def test_percent_round_trips(value, unit, qualifier):
    qual, qual_text = qualifier
    percent = f"{value}{unit}"
    body = f"Electric cars made up {qual_text}{percent} of new-car sales in China last year."
    _, figures = _facts(body)
    row = _only(figures, "percent")
    assert body[row["start"] : row["end"]] == percent
    assert row["value"] == pytest.approx(float(value)) and row["unit"] == "%"
    assert row["qualifier"] == qual


dates = st.dates(min_value=dt.date(1990, 1, 1), max_value=dt.date(2100, 12, 31))
DATE_FORMATS = {
    "mdy": lambda d: f"{calendar.month_name[d.month]} {d.day}, {d.year}",
    "dmy": lambda d: f"{d.day} {calendar.month_name[d.month]} {d.year}",
    "iso": lambda d: d.isoformat(),
    "abbr": lambda d: f"{calendar.month_abbr[d.month]}{'' if d.month == 5 else '.'} {d.day}, {d.year}",
}


@FAST
@given(dates, st.sampled_from(sorted(DATE_FORMATS)), st.sampled_from(["2024-06-01", None]))
@example(dt.date(2024, 2, 29), "mdy", "2024-06-01")
@example(dt.date(2100, 12, 31), "dmy", None)
def test_a_generated_date_normalizes_to_the_same_iso_date(day, fmt, published):
    text = DATE_FORMATS[fmt](day)
    body = f"The two companies signed the agreement on {text}, according to a statement."
    rows = [r for r in extract_timeline(body, published, "day" if published else None) if r["text"] == text]
    assert len(rows) == 1, extract_timeline(body, published, "day")
    row = rows[0]
    iso = day.isoformat()
    assert (row["normalized"], row["precision"], row["start_date"], row["end_date"]) == (iso, "day", iso, iso)


@FAST
@given(dates, st.booleans())
def test_a_generated_month_or_fiscal_year_normalizes_to_its_interval(day, fiscal):
    if fiscal:
        assume(day.year <= 2099)  # FY2100 would end in 2101, outside the supported years
        text, norm = f"fiscal year {day.year}", f"FY{day.year}"
        interval = (f"{day.year}-04-01", f"{day.year + 1}-03-31")
        precision = "fiscal_year"
    else:
        text, norm = f"{calendar.month_name[day.month]} {day.year}", f"{day.year}-{day.month:02d}"
        last = calendar.monthrange(day.year, day.month)[1]
        interval = (f"{norm}-01", f"{norm}-{last:02d}")
        precision = "month"
    body = f"Production is due to start in {text}, the company said."
    rows = [r for r in extract_timeline(body, "2024-06-01", "day") if r["text"] == text]
    assert len(rows) == 1, extract_timeline(body, "2024-06-01", "day")
    assert (rows[0]["normalized"], rows[0]["precision"]) == (norm, precision)
    assert (rows[0]["start_date"], rows[0]["end_date"]) == interval == parse_normalized(norm)


# ---------------------------------------------------------------------------------------- cleaner

metas = st.dictionaries(
    st.sampled_from(["title", "subtitle", "author", "source", "url", "published"]),
    st.one_of(
        st.text(max_size=30),
        st.sampled_from(["2024", "2024-03", "2024-03-15", "2024-02-31", "March 3, 2024"]),
    ),
    max_size=4,
)
article_texts = st.lists(
    st.one_of(
        texts,
        st.sampled_from([
            "By Jane Doe • April 2, 2024", "3 min read", "Share this article", "Read also:", "- Related story",
            "Published: March 31, 2024", "Advertisement", "Nissan > News > EVs", "Written By", "Source: Reuters",
            "Copyright 2024 Example Media", "Jane Doe is a staff writer who covers EVs.", "About Stellantis",
            "By John Smith | February 31, 2024", "Updated 10:45 a.m. ET",
        ]),
    ),
    max_size=12,
).map("\n".join)  # fmt: skip


@SLOW
@given(article_texts, metas)
@example("By Jane Doe • February 31, 2024\n\nNissan and Honda signed an MOU.", {})
def test_clean_article_never_raises_and_accounts_for_every_line(raw, meta):
    article = Article("0" * 16, "x.txt", raw, "txt", len(raw.encode()), meta)
    out = clean_article(article)
    lines = normalize_text(raw).split("\n")
    kept = [part for part in out.body.split("\n\n") if part] if out.body else []
    removed = [text for _, text, _ in out.removed]
    assert sorted(kept + removed) == sorted(line for line in lines if line)  # every line: kept or removed
    for line_no, text, reason in out.removed:
        assert lines[line_no - 1] == text and reason
    assert out.published_basis in {"metadata", "dateline", "inferred", "unknown"}
    if out.published is not None:
        assert out.published_precision in {"day", "month", "year"}
        start, end = parse_normalized(out.published)  # a real date (no February 31)
        assert re.fullmatch(r"\d{4}(-\d\d){0,2}", out.published)


@given(st.text(alphabet=st.sampled_from(" \t\n\r\xa0ab.\u2013"), max_size=60))
def test_normalize_text_collapses_white_space_runs_as_defined(raw):
    """The fast white-space rule (only runs that change, behind substring checks) equals the plain one:
    every run of spaces and tabs is one space, then each line is stripped."""
    text = normalize_text(raw)
    assert "\t" not in text and "  " not in text
    plain = re.sub(r"[ \t]+", " ", raw.replace("\r\n", "\n").replace("\r", "\n").replace("\xa0", " "))
    plain = "\n".join(line.strip() for line in plain.replace("\u2013", "-").split("\n"))
    assert text == plain


@given(st.text(alphabet=st.sampled_from("aZ09 -_.\n\t\u00e9\u0130\u00df\u212a\ud800\U0001f600"), max_size=80))
def test_dedup_words_are_the_runs_the_word_regex_finds(body):
    """dedup._words (byte table + split) finds exactly the [a-z0-9]+ runs of the lower-cased UTF-8 text."""
    from helpers import dedup

    encoded = body.lower().encode("utf-8", "surrogatepass")
    assert dedup._words(body) == dedup._WORD_BYTES.findall(encoded)
