"""The time-expression stage: what it recognises, how it normalizes, what it refuses, and its invariants."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from helpers.text import sentence_at, sentence_spans
from helpers.timeline import TIMELINE_COLUMNS, extract_timeline, parse_normalized

DAY = ("2024-04-02", "day")
MONTH = ("2024-03", "month")
YEAR = ("2024", "year")
UNDATED = (None, None)


def rows(body: str, pub: tuple[str | None, str | None] = DAY) -> list[dict]:
    return extract_timeline(body, pub[0], pub[1], article_id="a1")


def found(body: str, pub: tuple[str | None, str | None] = DAY) -> dict[str, str | None]:
    """text -> normalized for every row."""
    return {r["text"]: r["normalized"] for r in rows(body, pub)}


def row(body: str, text: str, pub: tuple[str | None, str | None] = DAY) -> dict:
    matches = [r for r in rows(body, pub) if r["text"] == text]
    assert len(matches) == 1, f"{text!r} not found once in {[r['text'] for r in rows(body, pub)]}"
    return matches[0]


# --- row shape -----------------------------------------------------------------------------------------------


def test_rows_have_exactly_the_table_columns_in_order():
    out = rows("Toyota will open the plant in 2026.")
    assert out and all(tuple(r) == TIMELINE_COLUMNS for r in out)
    assert TIMELINE_COLUMNS == (
        "article_id", "text", "normalized", "precision", "start_date", "end_date", "role", "start", "end", "evidence",
    )  # fmt: skip
    assert out[0]["article_id"] == "a1"


@pytest.mark.parametrize("body", ["", None, 42])
def test_no_text_no_rows(body):
    assert extract_timeline(body, "2024-04-02", "day") == []


def test_rows_come_in_text_order():
    out = rows("By 2030 it wants 40% EVs; in 2026 it starts; last year it sold 10,000.")
    assert [r["start"] for r in out] == sorted(r["start"] for r in out)
    assert [r["text"] for r in out] == ["2030", "2026", "last year"]


# --- exact dates ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "text", "normalized"),
    [
        (
            "Hyundai and Kia announced the battery pact on April 2, 2024 in Seoul.",
            "April 2, 2024",
            "2024-04-02",
        ),
        ("The two groups signed the agreement on 2 April 2024 in Tokyo.", "2 April 2024", "2024-04-02"),
        (
            "The venture was registered on the 2nd of April, 2024, officials said.",
            "2nd of April, 2024",
            "2024-04-02",
        ),
        ("Regulators cleared the deal on 2024-04-02, a filing shows.", "2024-04-02", "2024-04-02"),
        ("Stellantis confirmed on Nov. 5, 2023 that talks had ended.", "Nov. 5, 2023", "2023-11-05"),
        ("The memorandum was signed Sept. 30, 2023 in Yokohama.", "Sept. 30, 2023", "2023-09-30"),
    ],
)
def test_exact_dates(body, text, normalized):
    r = row(body, text)
    assert (r["normalized"], r["precision"]) == (normalized, "day")
    assert r["start_date"] == r["end_date"] == normalized


def test_day_without_year_takes_the_publication_year():
    r = row("Executives met in Detroit on Apr. 2 to finalise terms.", "Apr. 2", MONTH)
    assert r["normalized"] == "2024-04-02"
    assert row("Bids are due March 15, the ministry said.", "March 15")["normalized"] == "2024-03-15"


def test_past_day_later_in_the_year_than_publication_belongs_to_the_year_before():
    # Published 2024-04-02; a past event on November 20 happened in 2023.
    assert row("The carmakers signed the deal on November 20.", "November 20")["normalized"] == "2023-11-20"


def test_day_without_year_and_without_publication_date_is_unresolved():
    r = row("Bids are due March 15, the ministry said.", "March 15", UNDATED)
    assert r["normalized"] is None and r["start_date"] is None and r["end_date"] is None
    assert r["precision"] == "day"


def test_impossible_days_are_not_days():
    out = rows("The filing is dated February 30, 2024 by mistake.")
    assert [(r["text"], r["precision"]) for r in out] == [("2024", "year")]


# --- months --------------------------------------------------------------------------------------------------


def test_month_and_year():
    r = row("Volkswagen said in March 2024 that Scout would build in South Carolina.", "March 2024")
    assert (r["normalized"], r["precision"], r["start_date"], r["end_date"]) == (
        "2024-03", "month", "2024-03-01", "2024-03-31",
    )  # fmt: skip
    assert found("The partnership dates from February of 2022.")["February of 2022"] == "2022-02"


def test_bare_month_needs_a_preposition_and_the_publication_year():
    assert row("The joint venture will start hiring in June.", "June", MONTH)["normalized"] == "2024-06"
    assert row("The joint venture will start hiring in June.", "June", UNDATED)["normalized"] is None
    # "May" the verb, "March" the noun: not dates.
    assert rows("Investors may March on; May could also help.", MONTH) == []


def test_month_relative_words():
    assert found("Talks collapsed last March.", DAY)["last March"] == "2024-03"  # the most recent March
    assert found("Talks collapsed last March.", MONTH)["last March"] == "2023-03"  # not the current month
    assert found("Talks resume next March.", DAY)["next March"] == "2025-03"


# --- years ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "text", "normalized", "role"),
    [
        ("Mazda will add three EVs in 2026 to its line-up.", "2026", "2026", "planned"),
        ("BMW wants half its sales to be electric by 2030.", "2030", "2030", "deadline"),
        ("The compact SUV, slated for 2027, shares its platform with Renault.", "2027", "2027", "planned"),
        ("The startup is struggling to meet its 2025 delivery goals for the van.", "2025", "2025", "planned"),
        ("Sales of the hatchback peaked in 2019, the data show.", "2019", "2019", "mention"),
    ],
)
def test_years(body, text, normalized, role):
    r = row(body, text)
    assert (r["normalized"], r["precision"], r["start_date"], r["end_date"]) == (
        normalized, "year", f"{normalized}-01-01", f"{normalized}-12-31",
    )  # fmt: skip
    assert r["role"] == role


def test_parts_of_years_decades_and_seasons():
    got = found(
        "Output ramps up in early 2025, peaks by mid-2026 and ends in late 2027; the line opened in the 2010s, "
        "the plant closes at the end of 2028 and the van arrives in summer 2026."
    )
    assert got["early 2025"] == "2025-01/2025-04"
    assert got["mid-2026"] == "2026-05/2026-08"
    assert got["late 2027"] == "2027-09/2027-12"
    assert got["2010s"] == "2010/2019"
    assert got["end of 2028"] == "2028-12"
    assert got["summer 2026"] == "2026-06/2026-08"


# --- quarters, halves, periods -------------------------------------------------------------------------------


def test_quarters():
    got = found("Deliveries rose in Q3 2024 and in the fourth quarter of 2023, and again in 2Q24.")
    # quarters are written as the month range they cover (the table has no "quarter" precision)
    assert got == {
        "Q3 2024": "2024-07/2024-09",
        "fourth quarter of 2023": "2023-10/2023-12",
        "2Q24": "2024-04/2024-06",
    }
    r = row("Deliveries rose in Q3 2024.", "Q3 2024")
    assert (r["precision"], r["start_date"], r["end_date"]) == ("range", "2024-07-01", "2024-09-30")


def test_quarter_without_year_uses_publication_date_and_tense():
    # Published March 2024: a third quarter that already happened is 2023's.
    assert (
        row("Honda's EV sales fell in the third quarter.", "third quarter", MONTH)["normalized"]
        == "2023-07/2023-09"
    )
    # Published November 2024: results for the third quarter are the quarter just ended.
    nov = ("2024-11", "month")
    assert (
        row("Nissan will report results for the third quarter.", "third quarter", nov)["normalized"]
        == "2024-07/2024-09"
    )
    assert row("Honda's EV sales fell in the third quarter.", "third quarter", UNDATED)["normalized"] is None


def test_car_names_are_not_quarters():
    assert rows("The Audi Q4 e-tron outsold the Audi Q3 and hydrogen H2 tanks.") == []


def test_halves():
    got = found("Production starts in the first half of 2025, H2 2025 brings exports and 1H26 a facelift.")
    assert got == {
        "first half of 2025": "2025-01/2025-06",
        "H2 2025": "2025-07/2025-12",
        "1H26": "2026-01/2026-06",
    }
    r = row("Production starts in the second half of next year.", "second half of next year")
    assert (r["normalized"], r["precision"], r["start_date"], r["end_date"]) == (
        "2025-07/2025-12", "range", "2025-07-01", "2025-12-31",
    )  # fmt: skip


def test_first_months_periods():
    r = row("In the first nine months of 2023, EVs were 0.4% of its sales.", "first nine months of 2023")
    assert (r["normalized"], r["precision"], r["start_date"], r["end_date"]) == (
        "2023-01/2023-09", "range", "2023-01-01", "2023-09-30",
    )  # fmt: skip
    assert r["role"] == "period"
    assert (
        found("Shipments doubled in the first six months, Kia said.", MONTH)["first six months"]
        == "2024-01/2024-06"
    )


# --- ranges --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "text", "normalized", "start_date", "end_date"),
    [
        ("The pickup will debut between 2027 and 2031, sources said.", "between 2027 and 2031", "2027/2031",
         "2027-01-01", "2031-12-31"),
        ("From 2025 to 2030 the partners plan 20 models.", "From 2025 to 2030", "2025/2030", "2025-01-01",
         "2030-12-31"),
        ("Its 2025-2030 plan covers batteries.", "2025-2030", "2025/2030", "2025-01-01", "2030-12-31"),
        ("The 2025\u201327 roadmap was approved.", "2025\u201327", "2025/2027", "2025-01-01", "2027-12-31"),
        ("Talks ran between March and June 2024 in Paris.", "between March and June 2024", "2024-03/2024-06",
         "2024-03-01", "2024-06-30"),
        ("The trial runs from November to March 2025 in Oslo.", "from November to March 2025", "2024-11/2025-03",
         "2024-11-01", "2025-03-31"),
        ("The auto show runs April 1-3, 2024 in Beijing.", "April 1-3, 2024", "2024-04-01/2024-04-03",
         "2024-04-01", "2024-04-03"),
        ("It targets ten launches between FY2025 and FY2027.", "between FY2025 and FY2027", "FY2025/FY2027",
         "2025-04-01", "2028-03-31"),
    ],
)  # fmt: skip
def test_ranges(body, text, normalized, start_date, end_date):
    r = row(body, text)
    assert (r["normalized"], r["precision"], r["start_date"], r["end_date"]) == (
        normalized, "range", start_date, end_date,
    )  # fmt: skip


def test_longest_match_wins_over_its_parts():
    out = rows("The pickup will debut between 2027 and 2031, sources said.")
    assert [r["text"] for r in out] == ["between 2027 and 2031"]


def test_two_years_joined_by_and_are_two_mentions_not_a_range():
    assert found("Sales fell in 2022 and 2023.") == {"2022": "2022", "2023": "2023"}


def test_backwards_ranges_are_not_ranges():
    assert found("The 2030-2025 label is a typo.") == {}
    assert found("The 2030 - 2025 label is a typo.") == {"2030": "2030", "2025": "2025"}


# --- fiscal years --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "text", "normalized"),
    [
        ("Nissan aims to launch 30 models by fiscal year 2026.", "fiscal year 2026", "FY2026"),
        ("Toyota lifted its FY2026 outlook.", "FY2026", "FY2026"),
        ("Toyota lifted its FY26 outlook.", "FY26", "FY2026"),
        ("Honda expects a loss in fiscal 2025.", "fiscal 2025", "FY2025"),
        ("Profit rose in the fiscal year ending March 2025.", "fiscal year ending March 2025", "FY2024"),
        ("Profit rose in the year ended March 31, 2024.", "year ended March 31, 2024", "FY2023"),
        ("Sales guidance for FY2025/26 was cut.", "FY2025/26", "FY2025"),
    ],
)
def test_fiscal_years_follow_the_japanese_april_to_march_convention(body, text, normalized):
    r = row(body, text)
    y = int(normalized[2:])
    assert (r["normalized"], r["precision"]) == (normalized, "fiscal_year")
    assert (r["start_date"], r["end_date"]) == (f"{y}-04-01", f"{y + 1}-03-31")


def test_fiscal_year_2026_runs_april_2026_to_march_2027():
    assert parse_normalized("FY2026") == ("2026-04-01", "2027-03-31")


def test_fiscal_quarters_and_halves_count_from_april():
    r = row("Mitsubishi posted a profit in fiscal Q3 2024.", "fiscal Q3 2024")
    assert (r["normalized"], r["start_date"], r["end_date"]) == (
        "2024-10/2024-12",
        "2024-10-01",
        "2024-12-31",
    )
    assert (
        found("Margins improve in the first half of fiscal 2025.")["first half of fiscal 2025"]
        == "2025-04/2025-09"
    )


def test_relative_fiscal_year_needs_the_publication_month():
    body = "The group expects to start production this fiscal year."
    assert row(body, "this fiscal year", MONTH)["normalized"] == "FY2023"  # March 2024 is still FY2023
    assert row(body, "this fiscal year", DAY)["normalized"] == "FY2024"
    assert row(body, "this fiscal year", YEAR)["normalized"] is None


# --- relative expressions ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "text", "pub", "normalized", "precision"),
    [
        ("Last year, Nissan and Renault reshaped their alliance.", "Last year", MONTH, "2023", "year"),
        ("Sales should recover this year, analysts said.", "this year", DAY, "2024", "year"),
        ("The van goes on sale next year in Europe.", "next year", MONTH, "2025", "year"),
        ("This month the Prologue reaches US dealers.", "This month", MONTH, "2024-03", "month"),
        ("Tesla cut prices again last month.", "last month", DAY, "2024-03", "month"),
        ("Deliveries begin next month.", "next month", MONTH, "2024-04", "month"),
        ("Earlier this year, BYD opened a plant in Hungary.", "Earlier this year", DAY, "2024-01-01/2024-04-02",
         "range"),
        ("New models could arrive within the next two years.", "within the next two years", DAY,
         "2024-04-02/2026-04-02", "range"),
        ("New models could arrive within the next two years.", "within the next two years", MONTH,
         "2024-03/2026-03", "range"),
        ("The plant should be profitable in three years.", "in three years", DAY, "2027", "year"),
        ("Ford will invest $5 billion over the next five years.", "over the next five years", DAY,
         "2024-04-02/2029-04-02", "range"),
        ("The brands merged their dealer networks two years ago.", "two years ago", MONTH, "2022", "year"),
        ("Executives met last week in Tokyo.", "last week", DAY, "2024-03-25/2024-03-31", "range"),
        ("Executives meet this week in Tokyo.", "this week", DAY, "2024-04-01/2024-04-07", "range"),
        ("Regulators approved the deal yesterday.", "yesterday", DAY, "2024-04-01", "day"),
    ],
)  # fmt: skip
def test_relative_expressions_resolve_against_the_publication_date(body, text, pub, normalized, precision):
    r = row(body, text, pub)
    assert (r["normalized"], r["precision"]) == (normalized, precision)
    assert (r["start_date"], r["end_date"]) == parse_normalized(normalized)


@pytest.mark.parametrize(
    "body",
    [
        "Last year, Nissan and Renault reshaped their alliance.",
        "This month the Prologue reaches US dealers.",
        "New models could arrive within the next two years.",
        "Executives met last week in Tokyo.",
        "The brands merged their dealer networks two years ago.",
        "Earlier this year, BYD opened a plant in Hungary.",
    ],
)
def test_undated_articles_leave_relative_expressions_unresolved(body):
    out = rows(body, UNDATED)
    assert len(out) == 1
    assert out[0]["normalized"] is None and out[0]["start_date"] is None and out[0]["end_date"] is None
    assert out[0]["precision"] in ("year", "month", "range", "day")


def test_coarse_publication_date_resolves_what_it_can():
    assert row("Tesla cut prices last year.", "last year", MONTH)["normalized"] == "2023"
    assert row("Executives met last week in Tokyo.", "last week", MONTH)["normalized"] is None
    assert row("Regulators approved the deal yesterday.", "yesterday", MONTH)["normalized"] is None
    # An expression inside the publication period resolves to that period.
    r = row("This month the Prologue reaches US dealers.", "This month", YEAR)
    assert (r["normalized"], r["precision"]) == ("2024", "year")


def test_vague_words_are_not_time_expressions():
    assert (
        rows("Nissan recently said it currently has no plans for now, and in the coming years it may.") == []
    )


# --- not dates -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "body",
    [
        "Mitsubishi Corporation's mid-term strategy, MC Shared Value 2024, guides the project.",
        "The plan, called Ambition 2030, covers ten brands.",
        "Ford's F-150 Lightning and the Tesla Model 3 compete with the VW ID.4.",
        "Honda sold 2.8 million cars for more than $400 million in profit.",
        "The all-electric 1-ton pickup has a range of 296 miles.",
        "The plant built 2,000 units, then 2000 units, then 2024 units.",
        "The museum has an 1885 Benz and plans for 2150.",
        "See page 2024 of the filing or call 03 2024 5555.",
        "Its battery costs $2025 per pack and 2024% more.",
    ],
)
def test_names_models_and_quantities_are_not_dates(body):
    assert rows(body) == []


def test_a_name_and_a_date_in_the_same_sentence():
    out = rows("Under its Vision 2030 plan, the group will go all-electric by 2030.")
    assert [(r["text"], r["role"]) for r in out] == [("2030", "deadline")]
    assert out[0]["start"] == out[0]["evidence"].rindex("2030")


def test_a_possessive_before_a_year_is_not_a_name():
    assert found("Nissan's 2030 target looks hard to reach.") == {"2030": "2030"}


# --- roles ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "text", "role"),
    [
        ("Nissan will launch 30 new models by fiscal year 2026.", "fiscal year 2026", "deadline"),
        ("The battery plant must open no later than 2027.", "2027", "deadline"),
        ("The SUV is expected to debut in 2026.", "2026", "planned"),
        ("During 2023, the venture lost money.", "2023", "period"),
        ("The venture lost money during the first half of 2023.", "first half of 2023", "period"),
        ("Sales have tripled since 2020.", "2020", "period"),
        ("The partners signed the memorandum in 2023.", "2023", "past"),
        ("Five years ago, the two firms were rivals.", "Five years ago", "past"),
        ("The 2025-2030 roadmap.", "2025-2030", "range"),
        ("The 2024 edition of the show.", "2024", "mention"),
    ],
)
def test_roles_come_from_cue_words(body, text, role):
    assert row(body, text)["role"] == role


@pytest.mark.parametrize(
    ("body", "text", "normalized"),
    [
        # the verb before a month governs it, not a purpose clause after it
        ("Kia and Ford signed an accord in January to begin joint work on vans.", "January", "2024-01"),
        ("Hyundai will launch the van in November.", "November", "2024-11"),
        # with no cue before, the one after decides
        ("Honda, which in February announced a buyback, declined to comment.", "February", "2024-02"),
        # a month with a relative year is one expression, not also "last year" on its own
        ("The automakers agreed in April last year to co-develop EVs.", "April last year", "2023-04"),
        ("The plant opens in March next year.", "March next year", "2025-03"),
        ("Deliveries began on May 3 this year.", "May 3 this year", "2024-05-03"),
    ],
)
def test_a_month_without_a_stated_year(body, text, normalized):
    assert row(body, text)["normalized"] == normalized
    assert [r["text"] for r in rows(body)] == [text]


# --- offsets and evidence ------------------------------------------------------------------------------------

ARTICLE = (
    "Nissan and Honda Deepen EV Ties\n"
    "\n"
    "Nissan Motor Co. and Honda Motor Co. said on Tuesday they would study a joint platform. The U.S. market "
    "is the first target, and the partners plan to share batteries by 2027. Honda's EV sales rose in the "
    "first nine months of 2023, Mr. Mibe said.\n"
    "Last year, the Renault alliance was reshaped; talks with Fisker began in early 2024. The carmakers aim "
    "to cut costs by 30% within the next two years, and they will decide on a joint venture between 2027 "
    "and 2031.\n"
    "No date here. Just a sentence about the U.S. Inc. and its 1-ton truck."
)


def test_offsets_point_at_the_text():
    out = rows(ARTICLE)
    assert len(out) == 7
    for r in out:
        assert ARTICLE[r["start"] : r["end"]] == r["text"]


def test_evidence_is_the_containing_sentence():
    spans = sentence_spans(ARTICLE)
    for r in rows(ARTICLE):
        s, e = sentence_at(ARTICLE, spans, r["start"])
        assert r["evidence"] == ARTICLE[s:e]
    assert row(ARTICLE, "2027")["evidence"] == (
        "The U.S. market is the first target, and the partners plan to share batteries by 2027."
    )


def test_precomputed_sentences_give_the_same_rows():
    assert extract_timeline(ARTICLE, *DAY, sentences=sentence_spans(ARTICLE)) == extract_timeline(
        ARTICLE, *DAY
    )


def test_an_expression_never_spans_two_paragraphs():
    out = rows("Sales rose in March\n2024 was a record year.")
    assert all("\n" not in r["text"] for r in out)
    assert found("Sales rose in March\n2024 was a record year.") == {"March": "2024-03", "2024": "2024"}


# --- parse_normalized ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("normalized", "expected"),
    [
        ("2024-04-02", ("2024-04-02", "2024-04-02")),
        ("2024-02", ("2024-02-01", "2024-02-29")),
        ("2023", ("2023-01-01", "2023-12-31")),
        ("2024-Q4", ("2024-10-01", "2024-12-31")),
        ("FY2024", ("2024-04-01", "2025-03-31")),
        ("FY2024-Q4", ("2025-01-01", "2025-03-31")),
        ("2027/2031", ("2027-01-01", "2031-12-31")),
        ("2023-01/2023-09", ("2023-01-01", "2023-09-30")),
        ("2024-04-02/2026-04-02", ("2024-04-02", "2026-04-02")),
        ("FY2025/FY2027", ("2025-04-01", "2028-03-31")),
        (None, (None, None)),
    ],
)
def test_parse_normalized(normalized, expected):
    assert parse_normalized(normalized) == expected


@pytest.mark.parametrize(
    "bad", ["", "2024-13", "2024-02-30", "24", "FY24", "2031/2027", "2024/2025/2026", "soon"]
)
def test_parse_normalized_rejects_what_it_cannot_read(bad):
    with pytest.raises(ValueError):
        parse_normalized(bad)


# --- properties ----------------------------------------------------------------------------------------------

_PIECES = [
    "in", "by", "the", "first", "half", "of", "2024", "2025", "-", "to", "between", "and", "March", "May", "15,",
    "last", "year", "this", "month", "next", "two", "years", "ago", "within", "Q3", "FY26", "fiscal", "ending",
    "quarter", "third", "mid-", "early", "2020s", "week", "on", "Tuesday", "Vision", "2030", ".", "U.S.", "Apr.",
    "\n", "'", "summer", "from", "November", "1-3,", "H2", "days", "decade", "over", "past", "2100", "1989",
    "today", "ended", "31,", "weeks", "will", "said", "\u2013", "2,000", "$", "%",
]  # fmt: skip
_TEXTS = st.one_of(st.text(max_size=200), st.lists(st.sampled_from(_PIECES), max_size=40).map(" ".join))
_PUBS = st.sampled_from(
    [UNDATED, DAY, MONTH, YEAR, ("2024-12-31", "day"), ("2024-02-29", None), ("nonsense", "day")]
)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_TEXTS, _PUBS)
def test_any_text_gives_consistent_rows(body, pub):
    out = extract_timeline(body, pub[0], pub[1], article_id="p")
    spans = sentence_spans(body)
    for r in out:
        assert body[r["start"] : r["end"]] == r["text"]
        assert parse_normalized(r["normalized"]) == (r["start_date"], r["end_date"])
        if r["normalized"] is not None:
            assert r["start_date"] <= r["end_date"]
        assert r["precision"] in ("day", "month", "year", "fiscal_year", "quarter", "range")
        assert r["role"] in ("deadline", "planned", "period", "past", "range", "mention")
        s, e = sentence_at(body, spans, r["start"])
        if r["end"] <= e:
            assert r["evidence"] == body[s:e]
