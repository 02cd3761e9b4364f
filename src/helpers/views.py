"""Reader-facing tables for the notebooks: selected columns, short ids, sorted, deterministic.

Notebooks call these instead of slicing DataFrames inline, so the report's tables are the same
everywhere and tested once. Text stays plain: pandas escapes it when a notebook renders HTML.
"""

from __future__ import annotations

import pandas as pd

from .excerpt import MAX_ROWS, Excerpt, excerpt  # noqa: F401  (notebooks call views.excerpt)

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
    """Counts of extracted facts per article (companies, people, figures, dates, alliance events).

    Grouped counts, not a filter per article: at 10,000 articles a filter per article took minutes.
    """
    arts = tables["articles"]
    titles = _titles(arts)
    ids = sorted(arts["article_id"], key=lambda a: titles[a])
    m = tables["mentions"]
    out = pd.DataFrame({"article": [titles[a][:60] for a in ids], "id": [short_id(a) for a in ids]})
    for kind, column in (("company", "companies"), ("person", "people"), ("place", "places")):
        names = m[m["kind"] == kind].groupby("article_id")["canonical"].nunique()
        out[column] = names.reindex(ids, fill_value=0).to_numpy()
    for table, column in (("figures", "figures"), ("timeline", "dates"), ("alliances", "alliance_events")):
        counts = tables[table]["article_id"].value_counts()
        out[column] = counts.reindex(ids, fill_value=0).to_numpy()
    return out


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


def corpus_headline(tables: dict[str, pd.DataFrame]) -> str:
    """One line for the report index: how many articles, sources, duplicates and quarantined inputs."""
    arts = tables["articles"]
    n_sources = arts["source"].dropna().nunique()
    n_dups = int(arts["duplicate_of"].notna().sum())
    return (
        f"{len(arts):,} articles from {n_sources:,} named sources; {n_dups:,} duplicates; "
        f"{len(tables['quarantine']):,} inputs quarantined; {len(tables['removed_lines']):,} boilerplate lines removed"
    )


def extraction_headline(tables: dict[str, pd.DataFrame]) -> str:
    """One line: how many facts of each kind the corpus yielded."""
    m = tables["mentions"]
    return (
        f"{m.loc[m['kind'] == 'company', 'canonical'].nunique():,} companies, "
        f"{m.loc[m['kind'] == 'person', 'canonical'].nunique():,} people, {len(tables['figures']):,} figures, "
        f"{len(tables['timeline']):,} time expressions, {len(tables['alliances']):,} alliance events"
    )


def alliance_headline(alliances: pd.DataFrame, focus: str | None = None) -> str:
    """One line: how many alliance events and pairs, and the newest dated event."""
    df = alliances
    if focus:
        df = df[(df["party_a"] == focus) | (df["party_b"] == focus)]
    pairs = {frozenset(p) for p in zip(df["party_a"], df["party_b"], strict=True)}
    dated = df[df["start_date"].notna()].sort_values("start_date")
    newest = ""
    if not dated.empty:
        last = dated.iloc[-1]
        newest = f"; latest dated: {last['party_a']}–{last['party_b']} {str(last['type']).replace('_', ' ')} ({last['when']})"
    scope = f" involving {focus}" if focus else ""
    return f"{len(df):,} alliance events between {len(pairs):,} company pairs{scope}{newest}"


_MARK_COLORS = {
    "company": "#cfe3f5",
    "person": "#f9e0c7",
    "product": "#dff0d8",
    "place": "#ece0f5",
    "publication": "#eeeeee",
}


def highlight_html(body: str, mentions: pd.DataFrame, title: str = "") -> str:
    """An article's text with its mentions marked (displaCy-style), every piece of text escaped.

    Article text is untrusted: it is escaped with `html.escape`, and the only markup is ours.
    """
    import html

    parts = [f"<h4>{html.escape(title)}</h4>"] if title else []
    pos = 0
    spans = mentions.dropna(subset=["start", "end"]).sort_values(["start", "end"])
    out = []
    for row in spans.itertuples():
        start, end = int(row.start), int(row.end)
        if start < pos:
            continue
        out.append(html.escape(body[pos:start]))
        color = _MARK_COLORS.get(row.kind, "#eeeeee")
        label = html.escape(f"{row.kind}: {row.canonical}")
        out.append(
            f'<mark style="background:{color};padding:0 2px;border-radius:3px" title="{label}">'
            f"{html.escape(body[start:end])}<sub style='font-size:70%;color:#555'> {html.escape(row.kind)}</sub></mark>"
        )
        pos = end
    out.append(html.escape(body[pos:]))
    text = "".join(out).replace("\n\n", "</p><p>")
    parts.append(f'<div style="line-height:1.7;max-width:60em"><p>{text}</p></div>')
    return "".join(parts)


def html_table(df: pd.DataFrame | Excerpt, link_column: str | None = None) -> str:
    """A plain HTML table with escaped cells; `link_column` cells that are http(s) URLs become links.

    An `Excerpt` (see `excerpt`) gets its note above the table.
    """
    import html

    if isinstance(df, Excerpt):
        return f"<p><em>{html.escape(df.note)}</em></p>" + html_table(df.rows, link_column)
    head = "".join(f"<th>{html.escape(str(c))}</th>" for c in df.columns if c != link_column)
    rows = []
    for rec in df.to_dict("records"):
        cells = []
        for col, value in rec.items():
            if col == link_column:
                continue
            text = "" if value is None or (isinstance(value, float) and value != value) else str(value)
            if (
                col == "article"
                and link_column
                and str(rec.get(link_column, "")).startswith(("http://", "https://"))
            ):
                url = html.escape(str(rec[link_column]), quote=True)
                cells.append(f'<td><a href="{url}" rel="noopener noreferrer">{html.escape(text)}</a></td>')
            else:
                cells.append(f"<td>{html.escape(text)}</td>")
        rows.append("<tr>" + "".join(cells) + "</tr>")
    return f'<table class="dataframe"><thead><tr>{head}</tr></thead><tbody>{"".join(rows)}</tbody></table>'


def label(title: object, path: object) -> str:
    """An article's display label: its title when it has one, else its file name."""
    return title if isinstance(title, str) and title else str(path).rsplit("/", 1)[-1]


def in_window(df: pd.DataFrame, since: str | None = None, until: str | None = None) -> pd.DataFrame:
    """Rows whose date span meets [since, until]; undated rows are kept (they are shown apart, not dropped)."""
    out = df
    if since:
        out = out[out["end_date"].isna() | (out["end_date"].astype("string") >= since)]
    if until:
        out = out[out["start_date"].isna() | (out["start_date"].astype("string") <= until)]
    return out.reset_index(drop=True)


def market_headline(comparison: pd.DataFrame) -> str:
    """One line: how many market-share claims and how they compare with the reference."""
    if comparison.empty:
        return "No EV market-share claims in the corpus"
    counts = comparison["verdict"].value_counts()
    parts = ", ".join(f"{n:,} {verdict}" for verdict, n in sorted(counts.items()))
    return f"{len(comparison):,} EV market-share claims vs the reference: {parts}"


def comparison_table(comparison: pd.DataFrame) -> pd.DataFrame:
    """Claims beside the reference value for the same market and nearest year, with the verdict."""
    cols = ["market", "value", "qualifier", "claim_year", "reference_region", "reference_year", "reference_value",
            "diff_pp", "verdict", "comparison", "evidence"]  # fmt: skip
    if comparison.empty:
        return pd.DataFrame(columns=cols)
    return comparison[cols].sort_values(["market", "claim_year", "value"]).reset_index(drop=True)


def lifecycle_table(lifecycles: pd.DataFrame, focus: str | None = None) -> pd.DataFrame:
    """One row per alliance across all articles: parties, first and last seen, current status, sources."""
    df = lifecycles
    if focus and not df.empty:
        df = df[df["party_list"].map(lambda parties: focus in list(parties))]
    cols = [
        "parties",
        "first_seen",
        "last_seen",
        "current_status",
        "n_sources",
        "n_steps",
        "n_conflicts",
        "summary",
    ]
    return df[cols].sort_values(["n_sources", "parties"], ascending=[False, True]).reset_index(drop=True)


def stories_html(
    steps: pd.DataFrame, lifecycles: pd.DataFrame, focus: str | None = None, top: int = 5
) -> str:
    """The story of the most reported alliances, step by step, as escaped HTML tables."""
    import html

    from .lifecycle import story_table

    chosen = lifecycle_table(lifecycles, focus).head(top)
    parts = []
    for parties in chosen["parties"]:
        story = story_table(steps, lifecycles, parties)
        parts.append(f"<h4>{html.escape(parties)}</h4>" + html_table(story))
    return "".join(parts) or "<p>No alliances to tell.</p>"
