"""Corpus charts: raw vs clean length per article, and articles per publication month by source."""

from __future__ import annotations

import math

import matplotlib as mpl
import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from .style import (
    _MUTED,
    _STYLE,
    OKABE_ITO,
    SOURCE_COLORS,
    UNDATED_LABEL,
    _finish,
    _message,
    _new_figure,
    _plural,
    short_id,
    source_line,
)


def length_chart(articles: pd.DataFrame, max_rows: int = 40) -> Figure:
    """Raw vs clean length of each article (a dumbbell: hollow = raw, filled = clean, % removed).

    Articles are sorted by id; past `max_rows`, only the most-trimmed ones are shown (the title says so).
    """
    with mpl.rc_context(_STYLE):
        return _length_chart(articles, max_rows)


def _length_chart(articles, max_rows) -> Figure:
    a = articles.copy()
    for col in ("article_id", "title", "n_chars_raw", "n_chars_clean", "duplicate_of"):
        if col not in a.columns:
            a[col] = None
    a["raw"] = pd.to_numeric(a["n_chars_raw"], errors="coerce")
    a["clean"] = pd.to_numeric(a["n_chars_clean"], errors="coerce")
    a = a.dropna(subset=["raw", "clean"]).sort_values("article_id", kind="stable")
    a["removed"] = np.where(a["raw"] > 0, 1 - a["clean"] / a["raw"].where(a["raw"] > 0), 0.0)
    everything = a
    if len(a) > max_rows:
        a = a.sort_values(["removed", "article_id"], ascending=[False, True], kind="stable").head(max_rows)
        a = a.sort_values("article_id", kind="stable")
    a = a.reset_index(drop=True)

    fig = _new_figure(10, 2.3 + 0.42 * max(len(a), 2))
    ax = fig.subplots()
    if a.empty:
        _message(ax, "No articles")
        return _finish(fig, "No articles in the corpus", source_line(a))
    ys = np.arange(len(a))
    for y, (_, r) in zip(ys, a.iterrows(), strict=True):
        ax.plot(
            [r["clean"], r["raw"]], [y, y], color="#c8c8c8", linewidth=3, zorder=1, solid_capstyle="round"
        )
        ax.annotate(
            f"\u2212{r['removed']:.0%}",
            xy=(r["raw"], y),
            xytext=(9, 0),
            textcoords="offset points",
            va="center",
            fontsize=8.5,
            color=_MUTED,
        )
    ax.plot(
        a["raw"],
        ys,
        linestyle="none",
        marker="o",
        markersize=8,
        markerfacecolor="white",
        markeredgecolor=_MUTED,
        markeredgewidth=1.5,
        label="raw text",
        zorder=2,
        gid="raw",
    )
    ax.plot(
        a["clean"],
        ys,
        linestyle="none",
        marker="o",
        markersize=8,
        color=OKABE_ITO["blue"],
        label="clean body",
        zorder=3,
        gid="clean",
    )
    labels = []
    for _, r in a.iterrows():
        title = r["title"] if isinstance(r["title"], str) and r["title"].strip() else "(no title)"
        title = title if len(title) <= 42 else title[:41] + "\u2026"
        title = title.replace("$", r"\$")  # article text: a "$...$" pair must not be parsed as mathtext
        dup = " (duplicate)" if isinstance(r["duplicate_of"], str) and r["duplicate_of"] else ""
        labels.append(f"{short_id(r['article_id'])}  {title}{dup}")
    ax.set_yticks(ys, labels)
    ax.set_ylim(len(a) - 0.5, -0.5)
    ax.set_xlim(0, a["raw"].max() * 1.12)
    ax.set_xlabel("characters")
    ax.xaxis.set_major_formatter(mpl.ticker.StrMethodFormatter("{x:,.0f}"))
    ax.grid(axis="y", visible=False)

    raw_total = everything["raw"].sum()
    kept = everything["clean"].sum() / raw_total if raw_total else 1.0
    most = a.loc[a["removed"].idxmax()]
    title = (
        f"Cleaning kept {kept:.0%} of {int(raw_total):,} characters "
        f"across {_plural(len(everything), 'article')}; "
        f"{short_id(most['article_id'])} lost the most ({most['removed']:.0%})"
    )
    shown = f"; the {len(a)} most trimmed of {len(everything)} shown" if len(a) < len(everything) else ""
    ax.set_title(f"Characters per article: hollow = raw text, filled = clean body{shown}")
    return _finish(fig, title, source_line(everything))


def coverage_chart(articles: pd.DataFrame, max_sources: int = 7) -> Figure:
    """Articles per publication month, stacked by source; undated articles get their own bar.

    Months between the first and last are all shown (a gap is a month without articles). A date known
    only to the year gets a "YYYY (month unknown)" bar. Past `max_sources`, the rest are "other sources".
    """
    with mpl.rc_context(_STYLE):
        return _coverage_chart(articles, max_sources)


def _coverage_chart(articles, max_sources) -> Figure:
    a = articles.copy()
    for col in ("article_id", "source", "published", "published_precision", "duplicate_of"):
        if col not in a.columns:
            a[col] = None
    a["bucket"] = [_month_bucket(p) for p in a["published"]]
    a["src"] = (
        a["source"].astype("string").str.strip().replace("", pd.NA).fillna("unknown source").astype(str)
    ).str.replace("$", r"\$", regex=False)  # article metadata: no mathtext
    top = a["src"].value_counts()
    ranked = sorted(top.items(), key=lambda kv: (-kv[1], kv[0]))
    if len(ranked) > max_sources:
        keep = {name for name, _ in ranked[: max_sources - 1]}
        a["src"] = a["src"].where(a["src"].isin(keep), "other sources")
    sources = sorted(set(a["src"]), key=lambda s: (s in ("other sources", "unknown source"), s.casefold(), s))

    months = sorted(b for b in set(a["bucket"]) if _is_month(b))
    if months:
        full = pd.period_range(months[0], months[-1], freq="M")
        months = [str(p) for p in full] if len(full) <= 120 else months
    years_only = [b for b in set(a["bucket"]) if _is_year(b)]
    # a year known without its month goes after that year's months; undated articles last
    buckets = sorted(months + years_only, key=lambda b: (b[:4], b[5:] if len(b) > 4 else "99"))
    buckets += [UNDATED_LABEL] if UNDATED_LABEL in set(a["bucket"]) else []
    counts = pd.crosstab(a["bucket"], a["src"]).reindex(index=buckets, columns=sources, fill_value=0)

    fig = _new_figure(10, 5.2)
    ax = fig.subplots()
    if a.empty:
        _message(ax, "No articles")
        return _finish(fig, "No articles in the corpus", source_line(a))
    xs = np.arange(len(buckets))
    bottom = np.zeros(len(buckets))
    palette = list(SOURCE_COLORS)
    for i, src in enumerate(sources):
        color = "#bbbbbb" if src in ("other sources", "unknown source") else palette[i % len(palette)]
        ax.bar(
            xs,
            counts[src].to_numpy(),
            bottom=bottom,
            color=color,
            label=src,
            width=0.7,
            edgecolor="white",
            linewidth=0.8,
            gid=f"source:{src}",
        )
        bottom += counts[src].to_numpy()
    labels = [f"{b} (no month)" if _is_year(b) else b for b in buckets]
    if UNDATED_LABEL in buckets:
        i = buckets.index(UNDATED_LABEL)
        ax.bar(
            [xs[i]],
            [bottom[i]],
            width=0.7,
            facecolor="none",
            edgecolor=_MUTED,
            hatch="//",
            linewidth=0.8,
            gid="undated",
        )
    dense = len(buckets) > _DENSE  # years of months: label each January with its year, no bar totals
    if dense:
        shown = [i for i, b in enumerate(buckets) if b.endswith("-01") or b == UNDATED_LABEL]
        ax.set_xticks(xs[shown], [buckets[i][:4] if _is_month(buckets[i]) else labels[i] for i in shown])
    else:
        step = max(1, math.ceil(len(buckets) / 24))  # thin out month labels; always label the others
        shown = [i for i, b in enumerate(buckets) if not _is_month(b) or i % step == 0]
        ax.set_xticks(
            xs[shown],
            [labels[i] for i in shown],
            rotation=45 if len(buckets) > 8 else 0,
            ha="right" if len(buckets) > 8 else "center",
        )
    ax.set_ylabel("articles")
    ax.yaxis.set_major_locator(mpl.ticker.MaxNLocator(integer=True))
    ax.grid(axis="x", visible=False)
    for x, total in zip(xs, bottom, strict=True):
        if total and not dense:
            ax.annotate(
                f"{int(total)}",
                xy=(x, total),
                xytext=(0, 2),
                textcoords="offset points",
                ha="center",
                va="bottom",
                fontsize=8.5,
                color=_MUTED,
            )
    ax.set_ylim(0, max(bottom.max(), 1) * 1.18)
    ax.legend(title="Source", loc="upper left", bbox_to_anchor=(1.01, 1), alignment="left")

    n = len(a)
    dated_totals = {b: t for b, t in zip(buckets, bottom, strict=True) if b != UNDATED_LABEL}
    n_sources = int(top.size - ("unknown source" in top.index))
    title = f"{_plural(n, 'article')} from {_plural(n_sources, 'named source')}"
    if dated_totals and max(dated_totals.values()) > 0:
        peak = sorted(dated_totals.items(), key=lambda kv: (-kv[1], kv[0]))[0]
        title += f"; most ({int(peak[1])}) published in {peak[0]}"
    n_undated = int(counts.loc[UNDATED_LABEL].sum()) if UNDATED_LABEL in buckets else 0
    if n_undated:
        title += f"; {n_undated} undated"
    n_dup = int(a["duplicate_of"].notna().sum())
    subtitle = "Articles per publication month" + (f" ({n_dup:,} duplicates included)" if n_dup else "")
    if dense and years_only:
        subtitle += "; the bar after each December: articles dated only to that year"
    ax.set_title(subtitle)
    return _finish(fig, title, source_line(a))


_DENSE = 36  # buckets past which the x axis labels years only


def _is_month(bucket: str) -> bool:
    return len(bucket) == 7 and bucket[:4].isdigit() and bucket[4] == "-"


def _is_year(bucket: str) -> bool:
    return len(bucket) == 4 and bucket.isdigit()


def _month_bucket(published: object) -> str:
    """'2024-03-15' / '2024-03' -> '2024-03'; '2024' -> '2024'; missing or unreadable -> 'undated'."""
    if not isinstance(published, str):
        if isinstance(published, pd.Timestamp) and not pd.isna(published):
            return published.strftime("%Y-%m")
        return UNDATED_LABEL
    text = published.strip()
    if len(text) >= 7 and text[:4].isdigit() and text[4] == "-" and text[5:7].isdigit():
        return text[:7]
    if len(text) >= 4 and text[:4].isdigit() and (len(text) == 4 or not text[4].isdigit()):
        return text[:4]
    return UNDATED_LABEL
