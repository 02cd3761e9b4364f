"""Report tables at scale: long tables become excerpts that say so; small ones are left as they are."""

from __future__ import annotations

import pandas as pd

from helpers import views
from helpers.excerpt import Excerpt, top_rows


def alliance_events(n_pairs: int) -> pd.DataFrame:
    """A generated events table: pair i has 1 + i % 4 events, sorted by parties like views.alliance_table."""
    rows = [
        {"parties": f"Maker {i:04d} – Supplier", "type": "mou", "evidence": f"<b>Maker {i}</b> signed ({k})"}
        for i in range(n_pairs)
        for k in range(1 + i % 4)
    ]
    return pd.DataFrame(rows)


def test_a_table_that_fits_is_returned_unchanged():
    df = alliance_events(10)
    assert views.excerpt(df, "alliance events") is df


def test_a_long_table_becomes_an_excerpt_with_a_note():
    df = alliance_events(5000)  # 12,500 rows
    shown = views.excerpt(df, "alliance events", table="alliances")
    assert isinstance(shown, Excerpt)
    assert len(shown.rows) == views.MAX_ROWS
    assert shown.rows.equals(df.head(views.MAX_ROWS))
    assert shown.note == (
        "Showing 100 of 12,500 alliance events (in table order); every row is in the table alliances "
        "(data/alliances.parquet in a rendered report)."
    )
    page = shown._repr_html_()
    assert page.startswith("<p><em>Showing 100 of 12,500") and page.count("<tr") == views.MAX_ROWS + 1
    assert "<b>Maker" not in page  # article text stays escaped
    assert repr(shown).startswith("Showing 100 of 12,500")


def test_most_common_puts_the_most_reported_groups_first_in_table_order():
    df = alliance_events(1000)
    rows = top_rows(df, 40, most_common="parties")
    assert len(rows) == 40
    assert (rows.groupby("parties").size() == 4).all()  # only pairs with the most events (4 each)
    assert list(rows.index) == sorted(rows.index)  # still in the table's order
    shown = views.excerpt(df, "alliance events", max_rows=40, most_common="parties", order="busiest first")
    assert shown.note.startswith("Showing 40 of 2,500 alliance events (busiest first)")


def test_html_table_of_an_excerpt_has_its_note_and_escapes_cells():
    df = alliance_events(3000).assign(url="https://example.com/a?b=1&c=2", article="An <i>article</i>")
    page = views.html_table(views.excerpt(df, "alliance events"), link_column="url")
    assert page.startswith("<p><em>Showing 100 of 7,500 alliance events")
    assert page.count("<tr>") == 101
    assert "An &lt;i&gt;article&lt;/i&gt;" in page and "&amp;c=2" in page


def test_facts_per_article_counts_by_group():
    articles = pd.DataFrame(
        {
            "article_id": ["b" * 16, "a" * 16, "c" * 16],
            "title": ["Beta", "Alpha", None],
            "path": ["x", "y", "d/z.txt"],
        }
    )
    mentions = pd.DataFrame(
        {
            "article_id": ["a" * 16] * 3 + ["b" * 16],
            "kind": ["company", "company", "person", "place"],
            "canonical": ["Honda", "Honda", "Toshihiro Mibe", "Japan"],
        }
    )
    tables = {
        "articles": articles,
        "mentions": mentions,
        "figures": pd.DataFrame({"article_id": ["a" * 16, "a" * 16]}),
        "timeline": pd.DataFrame({"article_id": ["c" * 16]}),
        "alliances": pd.DataFrame({"article_id": pd.Series([], dtype=object)}),
    }
    facts = views.facts_per_article(tables)
    assert list(facts["article"]) == ["Alpha", "Beta", "z.txt"]
    assert facts[
        ["companies", "people", "places", "figures", "dates", "alliance_events"]
    ].values.tolist() == [
        [1, 1, 0, 2, 0, 0],
        [0, 0, 1, 0, 0, 0],
        [0, 0, 0, 0, 1, 0],
    ]
