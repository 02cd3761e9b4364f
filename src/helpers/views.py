"""Reader-facing tables for the notebooks: selected columns, short ids, sorted, deterministic.

Notebooks call these instead of slicing DataFrames inline, so the report's tables are the same
everywhere and tested once. Text stays plain: pandas escapes it when a notebook renders HTML.
"""

from __future__ import annotations

import pandas as pd

pd.set_option("display.max_colwidth", 160)
pd.set_option("display.max_rows", 200)
pd.set_option("display.width", 200)


def short_id(article_id: object) -> str:
    """The first 8 hex digits of an article id: enough to tell articles apart in a table."""
    return str(article_id)[:8] if isinstance(article_id, str) else ""


def _titles(articles: pd.DataFrame) -> dict[str, str]:
    """A readable label per article: its title, else its file name."""
    out = {}
    for aid, title, path in zip(articles["article_id"], articles["title"], articles["path"], strict=True):
        out[aid] = title if isinstance(title, str) and title else str(path).rsplit("/", 1)[-1]
    return out


def article_table(articles: pd.DataFrame) -> pd.DataFrame:
    """One row per article: where it came from, what cleaning recovered, how much text it kept."""
    df = articles.assign(
        id=articles["article_id"].map(short_id),
        file=articles["path"].astype(str).str.rsplit("/", n=1).str[-1],
        kept_pct=(100 * articles["n_chars_clean"] / articles["n_chars_raw"].clip(lower=1))
        .round(0)
        .astype(int),
        duplicate_of=articles["duplicate_of"].map(short_id),
    )
    cols = ["id", "file", "title", "source", "author", "published", "published_precision", "published_basis",
            "n_chars_raw", "n_chars_clean", "kept_pct", "duplicate_of"]  # fmt: skip
    return df[cols].sort_values(["file", "id"]).reset_index(drop=True)


def removed_summary(removed: pd.DataFrame) -> pd.DataFrame:
    """How many lines each cleaning rule removed, per reason, with one example each."""
    if removed.empty:
        return pd.DataFrame(columns=["reason", "lines", "articles", "example"])
    grouped = removed.sort_values(["article_id", "line_no"]).groupby("reason", sort=True)
    return (
        pd.DataFrame(
            {
                "lines": grouped.size(),
                "articles": grouped["article_id"].nunique(),
                "example": grouped["text"].first().str.slice(0, 90),
            }
        )
        .reset_index()
        .sort_values(["lines", "reason"], ascending=[False, True])
        .reset_index(drop=True)
    )


def removed_lines(removed: pd.DataFrame, articles: pd.DataFrame) -> pd.DataFrame:
    """Every removed line, by article and line number, so a reader can audit the cleaning."""
    titles = _titles(articles)
    df = removed.assign(article=removed["article_id"].map(lambda a: titles.get(a, short_id(a))[:50]))
    df = df.assign(text=df["text"].str.slice(0, 120))
    return (
        df[["article", "line_no", "reason", "text"]]
        .sort_values(["article", "line_no"])
        .reset_index(drop=True)
    )


def duplicates_table(duplicates: pd.DataFrame, articles: pd.DataFrame) -> pd.DataFrame:
    """Duplicate clusters: each copy beside the canonical article it repeats."""
    titles = _titles(articles)
    if duplicates.empty:
        return pd.DataFrame(columns=["copy", "canonical", "kind", "similarity"])
    return (
        pd.DataFrame(
            {
                "copy": duplicates["article_id"].map(lambda a: f"{short_id(a)} {titles.get(a, '')[:50]}"),
                "canonical": duplicates["duplicate_of"].map(
                    lambda a: f"{short_id(a)} {titles.get(a, '')[:50]}"
                ),
                "kind": duplicates["kind"],
                "similarity": duplicates["similarity"],
            }
        )
        .sort_values(["canonical", "copy"])
        .reset_index(drop=True)
    )


def quarantine_table(quarantine: pd.DataFrame) -> pd.DataFrame:
    """Inputs that could not be read, with the reason in words."""
    return quarantine[["path", "reason", "detail"]].sort_values(["path", "reason"]).reset_index(drop=True)


def facts_per_article(tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Counts of extracted facts per article (companies, people, figures, dates, alliance events)."""
    arts = tables["articles"]
    titles = _titles(arts)
    m = tables["mentions"]
    rows = []
    for aid in sorted(arts["article_id"], key=lambda a: titles[a]):
        mm = m[m["article_id"] == aid]
        rows.append(
            {
                "article": titles[aid][:60],
                "id": short_id(aid),
                "companies": mm.loc[mm["kind"] == "company", "canonical"].nunique(),
                "people": mm.loc[mm["kind"] == "person", "canonical"].nunique(),
                "places": mm.loc[mm["kind"] == "place", "canonical"].nunique(),
                "figures": int((tables["figures"]["article_id"] == aid).sum()),
                "dates": int((tables["timeline"]["article_id"] == aid).sum()),
                "alliance_events": int((tables["alliances"]["article_id"] == aid).sum()),
            }
        )
    return pd.DataFrame(rows)


def alliance_table(alliances: pd.DataFrame, articles: pd.DataFrame, focus: str | None = None) -> pd.DataFrame:
    """Alliance events with their evidence sentence and source article, optionally for one company."""
    df = alliances
    if focus:
        df = df[(df["party_a"] == focus) | (df["party_b"] == focus)]
    titles = _titles(articles)
    urls = dict(zip(articles["article_id"], articles["url"], strict=True))
    out = pd.DataFrame(
        {
            "parties": df["party_a"] + " – " + df["party_b"],
            "type": df["type"],
            "status": df["status"],
            "when": df["when"].fillna("undated"),
            "confidence": df["confidence"],
            "evidence": df["evidence"],
            "article": df["article_id"].map(lambda a: titles.get(a, "")[:60]),
            "url": df["article_id"].map(lambda a: urls.get(a) if isinstance(urls.get(a), str) else ""),
        }
    )
    return out.sort_values(["parties", "when", "type", "article"]).reset_index(drop=True)


def people_table(mentions: pd.DataFrame) -> pd.DataFrame:
    """People named in the corpus with their role and organisation."""
    people = mentions[(mentions["kind"] == "person") & mentions["role"].notna()]
    cols = ["canonical", "role", "org"]
    return (
        people[cols]
        .drop_duplicates()
        .sort_values(cols)
        .rename(columns={"canonical": "name"})
        .reset_index(drop=True)
    )


def figures_table(figures: pd.DataFrame, articles: pd.DataFrame) -> pd.DataFrame:
    """Money, percentages and counts with what they measure, for whom, when, and the sentence."""
    titles = _titles(articles)
    df = figures.assign(article=figures["article_id"].map(lambda a: titles.get(a, "")[:40]))
    cols = [
        "article",
        "kind",
        "value",
        "unit",
        "qualifier",
        "subject",
        "market",
        "period",
        "value_usd",
        "evidence",
    ]
    return df[cols].sort_values(["article", "kind", "value"]).reset_index(drop=True)


def timeline_table(timeline: pd.DataFrame, articles: pd.DataFrame) -> pd.DataFrame:
    """Time expressions as written and as normalized, with precision and the dates they cover."""
    titles = _titles(articles)
    df = timeline.assign(article=timeline["article_id"].map(lambda a: titles.get(a, "")[:40]))
    cols = ["article", "text", "normalized", "precision", "start_date", "end_date", "role"]
    return df[cols].sort_values(["article", "start_date", "text"], na_position="last").reset_index(drop=True)
