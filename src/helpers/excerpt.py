"""Long tables in a report: the first rows, with a line saying how many there are and where the rest is.

On the seeds every table fits on a page. On a corpus of 10,000 articles the tables run to 10,000-160,000
rows: rendered whole they would make report pages of tens of megabytes that nobody can read. The notebooks
therefore show an excerpt of each long table; the full tables stay in the report's ``data/*.parquet`` (and
in ``tables`` at a notebook prompt). A table that fits is returned unchanged, so small reports look exactly
as before.
"""

from __future__ import annotations

import html
from dataclasses import dataclass

import pandas as pd

MAX_ROWS = 100  # rows of a table shown in a report before it is cut to an excerpt


@dataclass(frozen=True)
class Excerpt:
    """The rows of a long table a report shows, and the sentence saying so (displayed above them)."""

    rows: pd.DataFrame
    note: str

    def _repr_html_(self) -> str:
        return f"<p><em>{html.escape(self.note)}</em></p>" + (self.rows._repr_html_() or "")

    def __repr__(self) -> str:
        return f"{self.note}\n{self.rows!r}"


def excerpt_note(shown: int, total: int, noun: str, order: str = "", table: str | None = None) -> str:
    """'Showing 100 of 55,595 alliance events (most-reported company pairs first); all are in data/...'."""
    text = f"Showing {shown:,} of {total:,} {noun}"
    if order:
        text += f" ({order})"
    if table:
        text += f"; every row is in the table {table} (data/{table}.parquet in a rendered report)"
    return text + "."


def top_rows(df: pd.DataFrame, max_rows: int, most_common: str | None = None) -> pd.DataFrame:
    """The first `max_rows` rows of `df`; with `most_common`, the rows whose value in that column is most
    frequent come first (ties keep the table's order), then they are shown in the table's order again."""
    if len(df) <= max_rows:
        return df
    if most_common is None:
        return df.head(max_rows)
    sizes = df.groupby(most_common, sort=False, dropna=False)[most_common].transform("size")
    ranked = pd.DataFrame({"size": sizes.to_numpy(), "pos": range(len(df))})
    keep = ranked.sort_values(["size", "pos"], ascending=[False, True], kind="stable").head(max_rows)
    return df.iloc[sorted(keep["pos"])]


def excerpt(
    df: pd.DataFrame,
    noun: str = "rows",
    *,
    max_rows: int = MAX_ROWS,
    most_common: str | None = None,
    order: str | None = None,
    table: str | None = None,
) -> pd.DataFrame | Excerpt:
    """`df` itself when it has at most `max_rows` rows, else an `Excerpt` of its first rows (see
    `top_rows`) under a line such as "Showing 100 of 10,000 articles; every row is in the table ...".

    `noun` names the rows ("articles"); `most_common` a column whose most frequent values are shown first
    ("parties": the most-reported company pairs); `order` says in words which rows are shown; `table`
    names the processed table that holds every row.
    """
    if len(df) <= max_rows:
        return df
    if order is None:
        order = f"most frequent {most_common.replace('_', ' ')} first" if most_common else "in table order"
    rows = top_rows(df, max_rows, most_common).reset_index(drop=True)
    return Excerpt(rows, excerpt_note(len(rows), len(df), noun, order, table))
