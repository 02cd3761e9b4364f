"""classify_line's fast paths (one alternation, ASCII lines skip the unanchored rules) change nothing.

The reference is the plain loop: the first rule of LINE_RULES that matches the whole stripped line.
"""

from __future__ import annotations

import pytest

from helpers import config
from helpers.clean import _ABOUT_PROMO, _ABOUT_PUBLICATION, _AUTHOR_BIO, LINE_RULES, classify_line
from helpers.text import normalize_text

# One line per rule, in LINE_RULES order, that this rule (and no earlier one) matches.
EXAMPLES = [
    "5 min read",
    "Reading time: 4 minutes",
    "Featured image",
    "Photo credit: Jane Doe",
    "(Photo by Jane Doe)",
    "Jane Doe / Getty Images",
    "Read more:",
    "Related articles",
    "Share this article",
    "Share on: Facebook, Twitter",
    "Subscribe to our newsletter for free updates",
    "Get the latest EV news in your inbox",
    "Follow us on Instagram",
    "Leave a comment",
    "Published categorized as EV News",
    "Tags: EV, batteries",
    "Written by",
    "Advertisement",
    "Curious? Check out our EV guide.",
    "Want to learn more about EVs",
    "Download our app today",
    "© 2024 Motor Ledger",
    "Reporting by Jane Doe; Editing by John Roe",
    "Our Standards: The Trust Principles.",
    "Staff writer",
    "Updated 10:45 am EST",
    "Have a tip? Email us",
    "Comments are closed.",
    "Chart: EV sales by quarter",
    "The Daily Charge newsletter lands in your inbox",
    "Sign up now!",
    "Home | Cars | Electric",
    "Related: Why LFP cells are coming to Europe",
    "What do you think - is swapping the future? Let us know below.",
    "Follow",
    "Follow Motor Ledger on LinkedIn",
    "Font size: A A A",
    "Sign up for our Europe briefing, every weekday morning.",
    "Data: ACEA, national registration agencies",
    "Companies",
    "Updated 2 hours ago",
    "Published 27 June 2023, 09:15 GMT",
    "Written by Dispatch staff",
    "Comments (3)",
    "We use cookies to give you the best experience. Accept | Manage settings",
    "QS +31.1% VWAGY -0.7% TSLA -8.4%",
    "View this email in your browser",
    "Trending tickers: NVDA · TSLA · QS",
    "This article is for informational purposes only and does not constitute investment advice.",
    "A version of this story appears in the Thursday print edition.",
    "[This article was machine-translated from the Korean original.]",
    "Read the full story at Motor Ledger",
    "Save · Share · Hide this story",
    "Park Ji-hoon jhpark@example.com",
    "In brief",
    "Nissan Motor Co., Ltd.",
]


def _reference(line: str, position: float = 1.0) -> str | None:
    stripped = line.strip()
    if not stripped:
        return None
    if len(stripped) <= 400:
        for reason, pattern in LINE_RULES:
            if pattern.fullmatch(stripped):
                return reason
    if position >= 0.5 and _AUTHOR_BIO.match(stripped):
        return "author_bio"
    if position >= 0.5 and (_ABOUT_PROMO.match(stripped) or _ABOUT_PUBLICATION.match(stripped)):
        return "promo"
    return None


def _variants(line: str) -> list[str]:
    """The line, and versions that move it between the fast and the full path."""
    return [
        line,
        f"  {line.upper()} ",
        line + " ?",
        "News | " + line,
        line + " / Getty Images",
        "Newsletter: " + line + " inbox",
        line.replace("s", "\u017f"),  # long s: IGNORECASE matches it to "s", str.lower() does not
        line.replace("k", "\u212a"),  # Kelvin sign, likewise for "k"
        line + " \u2014 " + line,
        line + "\n" + line,
        line * 30,
    ]


def test_every_example_is_matched_by_its_own_rule_first():
    assert len(EXAMPLES) == len(LINE_RULES)
    for i, (line, (reason, pattern)) in enumerate(zip(EXAMPLES, LINE_RULES, strict=True)):
        assert pattern.fullmatch(line), (i, line)
        assert not any(p.fullmatch(line) for _, p in LINE_RULES[:i]), (i, line)
        assert classify_line(line) == reason


def test_classify_line_equals_the_rule_by_rule_loop():
    lines = [*EXAMPLES, "", "   ", "x" * 401, "AFP VIA GETTY", "\u017fhutterstock", "/ Reuters Photo"]
    for path in sorted((config.PROJ_ROOT / "tests" / "fixtures").rglob("*.txt")):
        lines += normalize_text(path.read_text(encoding="utf-8")).split("\n")
    checked = 0
    for line in lines:
        for variant in _variants(line):
            for position in (0.0, 0.9):
                assert classify_line(variant, position) == _reference(variant, position), repr(variant)
                checked += 1
    assert checked > 5000


# --- the page's header and foot, through clean_article ------------------------------------------------------


def _clean(raw: str, **meta: str):
    from helpers.clean import clean_article
    from helpers.corpus import Article

    return clean_article(Article("0" * 16, "x.txt", raw, "txt", len(raw.encode()), meta))


STORY = (
    "Kia and Ford said on Tuesday they would build electric vans together in Spain from 2026, the first "
    "product of a partnership the two carmakers announced last year.\n\nThe vans will share a platform."
)


def test_a_masthead_and_a_section_label_above_the_headline_are_neither_title_nor_subtitle():
    raw = "VAN WORLD - International Edition\nAUTOS & MOBILITY\nKia and Ford to build electric vans in Spain\n\n"
    out = _clean(raw + STORY, source="Van World")
    assert out.title == "Kia and Ford to build electric vans in Spain" and out.subtitle is None
    assert [r for _, _, r in out.removed][:2] == ["masthead", "section_label"]


def test_breadcrumb_trails_with_slashes_or_guillemets_are_not_titles():
    for trail in ("Home / Autos / Technology", "Companies › Kia"):
        out = _clean(f"{trail}\nKia and Ford to build electric vans in Spain\n\n{STORY}")
        assert out.title == "Kia and Ford to build electric vans in Spain", trail


def test_the_publication_named_under_the_title_or_at_the_foot_is_furniture():
    raw = f"Kia and Ford to build electric vans in Spain\nVan World - Fleets & Logistics\n\n{STORY}\n\nVan World\n"
    out = _clean(raw, source="Van World")
    assert out.subtitle is None and "Van World" not in out.body
    assert sorted(r for _, _, r in out.removed) == ["masthead", "masthead", "title"]


@pytest.mark.parametrize(
    ("line", "published", "author"),
    [
        ("SEPTEMBER 23, 2019 / 7:12 AM / UPDATED 6 YEARS AGO", "2019-09-23", None),
        ("December 19, 2023 · by Ana Ruiz · 6 min read · 4 comments", "2023-12-19", "Ana Ruiz"),
        (
            "Reporter Park Ji-hoon | Published 2023.10.05 15:41 | Updated 2023.10.05 17:02",
            "2023-10-05",
            "Park Ji-hoon",
        ),
        ("Issue 62 · Friday 2 September 2022", "2022-09-02", None),
        ("Published 21 June 2024, 09:15 BST", "2024-06-21", None),
        ("Oct 3, 2018", "2018-10-03", None),
    ],
)
def test_a_date_line_in_the_header_dates_the_article_and_is_removed(line, published, author):
    out = _clean(f"Kia and Ford to build electric vans in Spain\n{line}\n\n{STORY}")
    assert (out.published, out.published_precision, out.published_basis) == (published, "day", "dateline")
    assert out.author == author and line not in out.body


def test_a_sentence_with_a_date_is_not_a_date_line():
    out = _clean(
        f"Kia and Ford to build electric vans in Spain\n\nOn March 3, 2024 the two signed an accord.\n\n{STORY}"
    )
    assert out.published is None and "On March 3, 2024 the two signed an accord." in out.body


def test_a_newsletter_and_an_unknown_masthead():
    raw = f"View this email in your browser\nTHE FLEET REPORT\nKia and Ford to build electric vans in Spain\n\n{STORY}"
    out = _clean(raw)
    assert (out.title, out.source) == ("Kia and Ford to build electric vans in Spain", "The Fleet Report")
    section = _clean(f"BUSINESS NEWS\nKia and Ford to build electric vans in Spain\n\n{STORY}")
    assert section.source is None and section.title == "Kia and Ford to build electric vans in Spain"
