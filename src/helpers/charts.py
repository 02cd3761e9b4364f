"""Charts for the notebooks and reports: alliance timeline and network, EV market share, corpus views.

Every function takes the project's tables (pandas DataFrames, columns as in design.md) and returns a
`matplotlib.figure.Figure`. Figures are built with the object-oriented API, not pyplot: nothing is shown
or registered globally, a notebook cell that returns one displays it exactly once, and tests need no
`plt.close`. Output is deterministic: inputs are sorted, the network layout has a fixed seed, and no chart
shows the wall clock.

Conventions shared by all charts:

- `TYPE_COLORS` and `TYPE_MARKERS` encode the alliance type (colour and, as a second channel for readers
  who cannot tell two colours apart, marker shape); `STATUS_STYLES` encode the status (dashed line and
  fainter for tentative statuses; a small glyph next to each event: ? exploring, ! announced, check signed,
  arrow planned, triangle active, x cancelled, down arrow reduced).
- The title states the finding, computed from the data ("Nissan is in 9 of 12 alliances reported").
- A source line at the bottom names the articles or dataset behind the chart (`source_note` overrides it).
- `apply_style()` applies the same look to a notebook's own matplotlib charts; the functions here use it
  internally whether or not it was called.
"""

from __future__ import annotations

import math
import textwrap
from collections.abc import Iterable, Sequence

import matplotlib as mpl
import matplotlib.dates as mdates
import networkx as nx
import numpy as np
import pandas as pd
import seaborn as sns
from matplotlib import transforms
from matplotlib.backends.backend_agg import RendererAgg
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties
from matplotlib.lines import Line2D
from matplotlib.patches import FancyArrowPatch, Rectangle

from helpers import market

TENTATIVE_STATUSES = ("exploring", "cancelled", "planned")

# Okabe & Ito (2008) colour-blind-safe palette; black is kept for text and the World series.
OKABE_ITO = {
    "orange": "#E69F00",
    "sky_blue": "#56B4E9",
    "bluish_green": "#009E73",
    "yellow": "#F0E442",
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "reddish_purple": "#CC79A7",
    "black": "#000000",
    "grey": "#999999",
}
# Twelve types need more than Okabe-Ito's eight hues: four are added from Paul Tol's colour-blind-safe
# "muted" scheme (indigo, teal, wine) and a darkened Okabe-Ito yellow (pure yellow is unreadable as a
# thin line on white). Twelve hues cannot all stay apart under colour-vision deficiency (e.g. teal, grey
# and reddish purple for deuteranopes), so every type also has its own marker shape (TYPE_MARKERS).
TYPE_COLORS = {
    "mou": OKABE_ITO["sky_blue"],
    "joint_development": OKABE_ITO["blue"],
    "investment": OKABE_ITO["bluish_green"],
    "joint_venture": OKABE_ITO["reddish_purple"],
    "supply": OKABE_ITO["orange"],
    "platform_sharing": "#332288",  # Tol indigo
    "technology_sharing": "#44AA99",  # Tol teal
    "merger_talks": "#882255",  # Tol wine
    "acquisition": OKABE_ITO["black"],
    "cancellation": OKABE_ITO["vermillion"],
    "scale_back": "#A89A00",  # Okabe-Ito yellow, darkened for contrast on white
    "other": OKABE_ITO["grey"],
}
# The vocabulary of design.md, in its order (legends list types and statuses in this order).
ALLIANCE_TYPES = tuple(TYPE_COLORS)
TYPE_MARKERS = {
    "mou": "o",
    "joint_development": "s",
    "investment": "*",
    "joint_venture": "^",
    "supply": "d",
    "platform_sharing": "h",
    "technology_sharing": "P",
    "merger_talks": "<",
    "acquisition": "D",
    "cancellation": "X",
    "scale_back": "v",
    "other": "p",
}
# Marker shape families: two types whose colours a colour-blind reader may confuse get markers from
# different families (checked in tests/test_charts.py with a colour-vision-deficiency simulation).
MARKER_FAMILIES = {
    "round": ("o", "h", "H", "p", "8"),
    "square": ("s", "D", "d"),
    "triangle": ("^", "v", "<", ">"),
    "cross": ("P", "X"),
    "star": ("*",),
}
TYPE_LABELS = {t: t.replace("_", " ").replace("mou", "MOU") for t in ALLIANCE_TYPES}

# Per status: the glyph drawn beside an event (and in legends), the line style of spans, bars and network
# edges (dashed = tentative: exploring, planned, cancelled), and the opacity of the event's marker.
STATUS_STYLES = {
    "exploring": {"marker": "$?$", "linestyle": "--", "alpha": 0.6, "label": "exploring"},
    "announced": {"marker": "$!$", "linestyle": "-", "alpha": 0.9, "label": "announced"},
    "signed": {"marker": "$\u2713$", "linestyle": "-", "alpha": 1.0, "label": "signed"},
    "planned": {"marker": "$\\rightarrow$", "linestyle": "--", "alpha": 0.75, "label": "planned"},
    "active": {"marker": "$\u25b6$", "linestyle": "-", "alpha": 1.0, "label": "active"},
    "cancelled": {"marker": "$\\times$", "linestyle": "--", "alpha": 0.6, "label": "cancelled"},
    "reduced": {"marker": "$\\downarrow$", "linestyle": "-", "alpha": 0.8, "label": "reduced"},
}
ALLIANCE_STATUSES = tuple(STATUS_STYLES)
UNKNOWN_STATUS_STYLE = {"marker": "$\\cdot$", "linestyle": ":", "alpha": 0.7, "label": "status unknown"}

# EV market-share charts: one colour per region (fixed for the usual ones so every report agrees).
REGION_COLORS = {
    "World": OKABE_ITO["black"],
    "China": OKABE_ITO["vermillion"],
    "Europe": OKABE_ITO["blue"],
    "United States": OKABE_ITO["bluish_green"],
    "Japan": OKABE_ITO["reddish_purple"],
}
_EXTRA_REGION_COLORS = (
    OKABE_ITO["orange"],
    OKABE_ITO["sky_blue"],
    "#882255",
    "#44AA99",
    "#332288",
    "#A89A00",
)
NO_REFERENCE_COLOR = OKABE_ITO["grey"]
QUALIFIER_MARKERS = {
    "exact": "o",
    "approximately": "D",
    "more_than": "^",
    "at_least": "^",
    "less_than": "v",
    "up_to": "v",
}
QUALIFIER_WORDS = {
    "exact": "",
    "approximately": "about ",
    "more_than": "more than ",
    "at_least": "at least ",
    "less_than": "less than ",
    "up_to": "up to ",
}
SOURCE_COLORS = (
    OKABE_ITO["blue"],
    OKABE_ITO["orange"],
    OKABE_ITO["bluish_green"],
    OKABE_ITO["reddish_purple"],
    OKABE_ITO["sky_blue"],
    OKABE_ITO["vermillion"],
    "#A89A00",
)
# On a horizontal value axis a bound points left (at most) or right (at least).
_HORIZONTAL_MARKERS = {"more_than": ">", "at_least": ">", "less_than": "<", "up_to": "<"}
UNDATED_LABEL = "undated"

_FONT = "DejaVu Sans"  # ships with matplotlib: the same glyphs and metrics on every machine
_INK = "#222222"
_MUTED = "#555555"
_SEED = 7

_STYLE = {
    **sns.axes_style("whitegrid"),
    **sns.plotting_context("notebook", font_scale=0.9),
    "font.family": "sans-serif",
    "font.sans-serif": [_FONT],
    "mathtext.fontset": "dejavusans",
    "text.color": _INK,
    "axes.labelcolor": _INK,
    "xtick.color": _INK,
    "ytick.color": _INK,
    "axes.edgecolor": "#888888",
    "axes.linewidth": 0.8,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.titlesize": 10.5,
    "axes.titlelocation": "left",
    "axes.titlecolor": _MUTED,
    "axes.prop_cycle": mpl.cycler(color=list(SOURCE_COLORS)),
    "grid.color": "#e8e8e8",
    "grid.linewidth": 0.8,
    "xtick.bottom": True,
    "ytick.left": False,
    "xtick.major.size": 3.5,
    "figure.titlesize": 13.5,
    "figure.titleweight": "bold",
    "figure.facecolor": "white",
    "legend.frameon": False,
    "legend.fontsize": 9,
    "legend.title_fontsize": 9.5,
    "savefig.dpi": 120,
    "savefig.facecolor": "white",
    "svg.hashsalt": "ev-alliance-watch",
    "lines.solid_capstyle": "butt",
}
_SOURCE_FONTSIZE = 8.5


def apply_style() -> None:
    """Apply the collection's chart style to matplotlib globally (for a notebook's own charts)."""
    mpl.rcParams.update(_STYLE)


# ---------------------------------------------------------------------------------------------- shared


def short_id(article_id: object) -> str:
    """A short, still unambiguous-in-practice form of an article id (7 characters of a hex id)."""
    text = str(article_id)
    stem = text.rsplit("/", 1)[-1]
    if len(stem) >= 12 and all(c in "0123456789abcdef" for c in stem.lower()):
        return stem[:7]
    return stem if len(stem) <= 14 else stem[:13] + "\u2026"


def source_line(frame: pd.DataFrame | None, dataset: str | None = None) -> str:
    """'Source: 5 articles (25fdc4a, f902009, ...)' for the article ids in `frame`, plus `dataset`.

    The publications (a `source` column) are named too when the frame carries them.
    """
    parts = []
    if frame is not None and "article_id" in frame.columns and frame["article_id"].notna().any():
        ids = sorted(frame["article_id"].dropna().astype(str).unique())
        shown = ", ".join(short_id(i) for i in ids[:6]) + (f", +{len(ids) - 6} more" if len(ids) > 6 else "")
        text = f"{_plural(len(ids), 'article')} ({shown})"
        if "source" in frame.columns:
            pubs = frame["source"].dropna().astype(str).str.strip().replace("", np.nan).dropna().unique()
            pubs = sorted(pubs, key=lambda p: (p.casefold(), p))
            if pubs:
                text += " from " + ", ".join(pubs[:4]) + (f" +{len(pubs) - 4} more" if len(pubs) > 4 else "")
        parts.append(text)
    if dataset:
        parts.append(dataset)
    return "Source: " + ("; ".join(parts) if parts else "no data")


def _plural(n: int, noun: str) -> str:
    if n == 1:
        return f"{n} {noun}"
    if noun.endswith("y") and noun[-2:-1] not in "aeiou":
        return f"{n} {noun[:-1]}ies"
    return f"{n} {noun}s"


def _new_figure(width: float, height: float, constrained: bool = True) -> Figure:
    return Figure(figsize=(width, height), layout="constrained" if constrained else None)


def _finish(fig: Figure, title: str, source: str) -> Figure:
    """Title (the finding) at the top left, source line at the bottom left, layout space for both."""
    width, height = fig.get_size_inches()
    title_chars = int(width * 72 / (mpl.rcParams["figure.titlesize"] * 0.62))
    fig.suptitle("\n".join(textwrap.wrap(title, title_chars)), x=0.01, ha="left")
    if not source.lower().startswith("source"):
        source = "Source: " + source
    source_chars = int(width * 72 / (_SOURCE_FONTSIZE * 0.56))
    lines = textwrap.wrap(source, source_chars) or [source]
    fig.text(
        0.01,
        0.008,
        "\n".join(lines),
        ha="left",
        va="bottom",
        fontsize=_SOURCE_FONTSIZE,
        color=_MUTED,
        gid="source",
    )
    bottom = (len(lines) * _SOURCE_FONTSIZE * 1.25 + 8) / 72 / height
    engine = fig.get_layout_engine()
    if engine is not None:
        engine.set(rect=(0, bottom, 1, 1 - bottom))  # (left, bottom, width, height)
    return fig


def _message(ax, text: str) -> None:
    ax.text(0.5, 0.5, text, transform=ax.transAxes, ha="center", va="center", fontsize=12, color=_MUTED)
    ax.set_xticks([])
    ax.set_yticks([])
    ax.grid(False)


def _status_style(status: object) -> dict:
    return (
        STATUS_STYLES.get(status, UNKNOWN_STATUS_STYLE) if isinstance(status, str) else UNKNOWN_STATUS_STYLE
    )


def _blank() -> Line2D:
    return Line2D([], [], linestyle="none", marker=None)


def _grouped_legend(target, groups: Sequence[tuple[str, list[tuple[object, str]]]], **kwargs):
    """One legend on `target` (an Axes or Figure) laid out as columns of titled groups."""
    groups = [(title, items) for title, items in groups if items]
    if not groups:
        return None
    rows = min(max(len(items) for _, items in groups), 7)
    handles, labels, headers = [], [], []
    for title, items in groups:
        for start in range(0, len(items), rows):
            chunk = items[start : start + rows]
            headers.append(len(labels))
            handles.append(_blank())
            labels.append(title if start == 0 else "")
            handles.extend(h for h, _ in chunk)
            labels.extend(label for _, label in chunk)
            for _ in range(rows - len(chunk)):
                handles.append(_blank())
                labels.append("")
    ncols = len(headers)
    legend = target.legend(handles, labels, ncols=ncols, handlelength=2.2, columnspacing=1.6, **kwargs)
    for i in headers:
        legend.get_texts()[i].set_fontweight("bold")
    return legend


def _type_handle(kind: str, line: bool = False) -> Line2D:
    """Legend handle of a type: its marker (timeline) or a line in its colour (network edges)."""
    color = TYPE_COLORS.get(kind, TYPE_COLORS["other"])
    if line:
        return Line2D([], [], color=color, linewidth=2.6)
    return Line2D(
        [],
        [],
        color=color,
        linestyle="none",
        marker=TYPE_MARKERS.get(kind, "p"),
        markersize=11.5 if TYPE_MARKERS.get(kind) == "*" else 8,
        markerfacecolor=color,
        markeredgecolor="white",
    )


def _status_item(status: str | None) -> tuple[Line2D, str]:
    """Legend entry of a status: its line style as the handle, its glyph before the label."""
    style = _status_style(status)
    handle = Line2D([], [], color=_MUTED, linestyle=style["linestyle"], linewidth=1.6)
    return handle, f"{style['marker']}  {style['label']}"


# ------------------------------------------------------------------------------------------- alliances


def _alliance_frame(alliances: pd.DataFrame | None) -> pd.DataFrame:
    """Alliance rows with clean parties, a sorted pair key, vocabulary-checked type and parsed dates."""
    cols = [
        "article_id",
        "party_a",
        "party_b",
        "type",
        "status",
        "when",
        "precision",
        "start_date",
        "end_date",
    ]
    df = pd.DataFrame(columns=cols) if alliances is None else alliances.copy()
    for col in cols:
        if col not in df.columns:
            df[col] = None
    for col in ("party_a", "party_b"):
        df[col] = df[col].astype("string").str.strip().replace("", pd.NA).fillna("unnamed party").astype(str)
    df["type"] = df["type"].where(df["type"].isin(ALLIANCE_TYPES), "other")
    df["status"] = df["status"].where(df["status"].isin(ALLIANCE_STATUSES), None)
    df["first"] = [min(a, b) for a, b in zip(df["party_a"], df["party_b"], strict=True)]
    df["second"] = [max(a, b) for a, b in zip(df["party_a"], df["party_b"], strict=True)]
    start = pd.to_datetime(df["start_date"], errors="coerce", format="ISO8601")
    end = pd.to_datetime(df["end_date"], errors="coerce", format="ISO8601")
    df["start"] = start.fillna(end)
    df["end"] = end.fillna(start)
    swapped = df["end"] < df["start"]
    df.loc[swapped, ["start", "end"]] = df.loc[swapped, ["end", "start"]].to_numpy()
    df["shape"] = [
        _date_shape(p, s, st, e)
        for p, s, st, e in zip(df["precision"], df["status"], df["start"], df["end"], strict=True)
    ]
    return df


def _date_shape(precision: object, status: object, start, end) -> str:
    """How an event's date is drawn: point (a day), span (a coarse date), bar (a window), or undated."""
    if pd.isna(start):
        return "undated"
    if precision == "range" or (status == "planned" and end > start and precision != "day"):
        return "bar"
    if precision == "day" or end == start:
        return "point"
    return "span"


def _involves(df: pd.DataFrame, focus: str | None) -> pd.Series:
    if not focus:
        return pd.Series(True, index=df.index)
    key = focus.casefold()
    return (df["party_a"].str.casefold() == key) | (df["party_b"].str.casefold() == key)


def _canonical_focus(df: pd.DataFrame, focus: str | None) -> str | None:
    """The focus company as spelled in the data (the user may type 'nissan')."""
    if not focus:
        return None
    for name in sorted(set(df["party_a"]) | set(df["party_b"])):
        if name.casefold() == focus.casefold():
            return name
    return focus


def _alliance_finding(df: pd.DataFrame, focus: str | None) -> str:
    """'Nissan is in 9 of 12 alliances reported': distinct (company pair, type) relationships."""
    keys = df[["first", "second", "type"]].drop_duplicates()
    total = len(keys)
    if total == 0:
        return "No alliances reported" + (f" involving {focus}" if focus else "")
    if focus:
        count = int(((keys["first"] == focus) | (keys["second"] == focus)).sum())
    else:
        per_company = pd.concat([keys["first"], keys["second"]]).value_counts()
        ranked = sorted(per_company.items(), key=lambda kv: (-kv[1], kv[0]))
        focus, count = ranked[0]
    return f"{focus} is in {count} of {_plural(total, 'alliance')} reported"


def _lane_label(first: str, second: str, focus: str | None) -> str:
    if focus and second == focus:
        first, second = second, first
    return f"{first} \u2013 {second}"


def alliance_timeline(
    alliances: pd.DataFrame,
    focus: str | None = None,
    since: str | None = None,
    until: str | None = None,
    source_note: str | None = None,
) -> Figure:
    """Alliance events on a time axis, one lane per company pair (sorted; only pairs with `focus`).

    Dates are drawn at their stated precision: a day is a filled marker; a month, quarter, year or fiscal
    year is a translucent span over start_date..end_date with a hollow marker at its middle (the event is
    somewhere in there, not on that day); a window (precision "range", or a planned event over a span) is a
    bar. Events without a date go to a separate "Undated" panel on the right, in their lane. Identical
    reports from several articles are drawn once, with a count. `since`/`until` (ISO dates) limit the time
    axis; undated events are still listed.
    """
    with mpl.rc_context(_STYLE):
        return _alliance_timeline(alliances, focus, since, until, source_note)


def _alliance_timeline(alliances, focus, since, until, source_note) -> Figure:
    df = _alliance_frame(alliances)
    focus = _canonical_focus(df, focus)
    lo = pd.Timestamp(since) if since else None
    hi = pd.Timestamp(until) if until else None
    dated = df["shape"] != "undated"
    outside = pd.Series(False, index=df.index)
    if lo is not None:
        outside |= dated & (df["end"] < lo)
    if hi is not None:
        outside |= dated & (df["start"] > hi)
    df = df[~outside]
    title = _alliance_finding(df, focus)
    df = df[_involves(df, focus)].copy()

    df["lane"] = [_lane_label(a, b, focus) for a, b in zip(df["first"], df["second"], strict=True)]
    keys = ["lane", "type", "status", "shape", "start", "end"]
    events = (
        df.groupby(keys, dropna=False, sort=False)
        .agg(n_reports=("article_id", "size"), precision=("precision", "first"))
        .reset_index()
    )
    events["type_rank"] = events["type"].map(ALLIANCE_TYPES.index)
    events = events.sort_values(["lane", "start", "type_rank", "status"], kind="stable", na_position="last")
    lanes = sorted(events["lane"].unique())
    lane_y = {lane: i for i, lane in enumerate(lanes)}
    timed = events[events["shape"] != "undated"]
    undated = events[events["shape"] == "undated"]

    per_lane_undated = undated.groupby("lane").size().max() if len(undated) else 0
    height = 2.6 + 0.46 * max(len(lanes), 2)
    fig = _new_figure(11.5, height)
    if len(undated):
        ratio = max(1.0, 0.55 * per_lane_undated)
        main = 7.5 if len(timed) else 4.0  # with nothing dated, the empty time axis gives way
        ax, ax_u = fig.subplots(1, 2, sharey=True, width_ratios=[main, ratio])
    else:
        ax, ax_u = fig.subplots(), None

    window = ""
    if since or until:
        window = f"; window {since or '...'} to {until or '...'}"
    subtitle = (
        f"{_plural(len(timed), 'dated event')}, {len(undated)} undated{window}; one lane per company pair"
    )
    if not lanes:
        _message(ax, "No dated alliances" + (f" involving {focus}" if focus else ""))
        return _finish(fig, title, source_note or source_line(df))

    ax.set_title(subtitle)
    ax.set_ylim(len(lanes) - 0.5, -0.5)
    ax.set_yticks(range(len(lanes)), lanes)
    ax.grid(axis="y", visible=False)
    for y in range(len(lanes)):
        ax.axhline(y, color="#d0d0d0", linewidth=0.8, zorder=0)

    if len(timed):
        x0 = timed["start"].min()
        x1 = timed["end"].max() + pd.Timedelta(days=1)
        pad = max((x1 - x0) * 0.05, pd.Timedelta(days=45))
        left = lo if lo is not None else x0 - pad
        right = hi + pd.Timedelta(days=1) if hi is not None else x1 + pad
        ax.set_xlim(mdates.date2num(left), mdates.date2num(right))
        locator = mdates.AutoDateLocator(minticks=4, maxticks=10)
        ax.xaxis.set_major_locator(locator)
        ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))
        _draw_timed(fig, ax, timed, lane_y, span_days=(right - left).days)
    else:
        _message(ax, "No dated alliances" + (f" in {window[2:]}" if window else ""))
        ax.set_yticks(range(len(lanes)), lanes)
        ax.tick_params(axis="y", length=0)

    if ax_u is not None:
        _draw_undated(fig, ax_u, undated, lane_y, per_lane_undated)

    _alliance_legend(ax, events)
    return _finish(fig, title, source_note or source_line(df))


def _pack(intervals: list[tuple[float, float]]) -> list[int]:
    """Greedy interval packing: the sub-row of each interval so that none overlap within a row."""
    row_ends: list[float] = []
    rows = []
    for a, b in intervals:
        for i, end in enumerate(row_ends):
            if a > end:
                row_ends[i] = b
                rows.append(i)
                break
        else:
            row_ends.append(b)
            rows.append(len(row_ends) - 1)
    return rows


def _type_marker(ax, x, y, kind: str, *, size: float = 10, hollow: bool = False, alpha: float = 1.0, **kw):
    """One event marker in its type's colour and shape; hollow = the date is not a precise day."""
    color = TYPE_COLORS.get(kind, TYPE_COLORS["other"])
    marker = TYPE_MARKERS.get(kind, "p")
    size = size * 1.45 if marker == "*" else size  # a star looks small beside the other shapes
    style = {"markerfacecolor": "white", "markeredgecolor": color, "markeredgewidth": 1.8}
    if not hollow:
        style = {"markerfacecolor": color, "markeredgecolor": "white", "markeredgewidth": 0.8}
    ax.plot([x], [y], linestyle="none", marker=marker, markersize=size, alpha=alpha, zorder=4, **style, **kw)


def _status_badge(ax, x, y, ev: pd.Series, badge, count_at) -> None:
    """The status glyph at the marker's upper right and, when several articles report it, a count."""
    style = _status_style(ev["status"])
    ax.plot(
        [x],
        [y],
        linestyle="none",
        marker=style["marker"],
        markersize=8,
        color=_INK,
        markeredgewidth=0,
        transform=badge,
        zorder=5,
        gid="status",
    )
    if ev["n_reports"] > 1:
        ax.text(
            x,
            y,
            f"\u00d7{ev['n_reports']}",
            transform=count_at,
            fontsize=7.5,
            color=_MUTED,
            va="center",
            zorder=5,
            gid="count",
        )


def _badge_transforms(fig: Figure, ax):
    return (
        transforms.offset_copy(ax.transData, fig=fig, x=8, y=6, units="points"),
        transforms.offset_copy(ax.transData, fig=fig, x=8, y=-11, units="points"),
    )


def _draw_timed(fig: Figure, ax, timed: pd.DataFrame, lane_y: dict[str, int], span_days: int) -> None:
    badge, count_at = _badge_transforms(fig, ax)
    pad = span_days * 0.03  # in days: events closer than this in one lane go on separate sub-rows
    for lane, group in timed.groupby("lane", sort=True):
        starts = [mdates.date2num(s) for s in group["start"]]
        ends = [mdates.date2num(e + pd.Timedelta(days=1)) for e in group["end"]]  # end dates are inclusive
        rows = _pack([(s - pad, e + pad) for s, e in zip(starts, ends, strict=True)])
        n_rows = max(rows) + 1
        step = min(0.3, 0.75 / n_rows)
        for (_, ev), s, e, row in zip(group.iterrows(), starts, ends, rows, strict=True):
            y = lane_y[lane] + (row - (n_rows - 1) / 2) * step
            color = TYPE_COLORS[ev["type"]]
            style = _status_style(ev["status"])
            if ev["shape"] == "point":
                x = s
                _type_marker(ax, x, y, ev["type"], alpha=style["alpha"], gid="point")
            elif ev["shape"] == "span":
                x = (s + e) / 2
                ax.plot(
                    [s, e],
                    [y, y],
                    color=color,
                    linewidth=5,
                    alpha=0.3,
                    linestyle=style["linestyle"],
                    zorder=2,
                    gid="span",
                )
                _type_marker(
                    ax, x, y, ev["type"], size=9, hollow=True, alpha=max(style["alpha"], 0.8), gid="span-mid"
                )
            else:
                x = s
                box = {"xy": (s, y - 0.15), "width": e - s, "height": 0.3}
                ax.add_patch(
                    Rectangle(**box, facecolor=color, alpha=0.22, edgecolor="none", zorder=2, gid="bar")
                )
                ax.add_patch(
                    Rectangle(
                        **box,
                        facecolor="none",
                        edgecolor=color,
                        linestyle=style["linestyle"],
                        linewidth=1.4,
                        zorder=3,
                        gid="bar-edge",
                    )
                )
                _type_marker(ax, x, y, ev["type"], size=8, hollow=True, gid="bar-start")
            _status_badge(ax, x, y, ev, badge, count_at)


def _draw_undated(fig: Figure, ax, undated: pd.DataFrame, lane_y: dict[str, int], width: int) -> None:
    ax.set_title("Undated", loc="center", color=_INK, fontweight="bold")
    ax.set_facecolor("#f6f6f6")
    ax.set_xlim(-0.6, max(width, 1) - 0.15)  # room on the right for the last status glyph
    ax.set_xticks([])
    ax.grid(False)
    ax.tick_params(axis="y", left=False, labelleft=False)
    for side in ("left", "bottom"):
        ax.spines[side].set_visible(False)
    for y in lane_y.values():
        ax.axhline(y, color="#dddddd", linewidth=0.8, zorder=0)
    badge, count_at = _badge_transforms(fig, ax)
    for lane, group in undated.groupby("lane", sort=True):
        for x, (_, ev) in enumerate(group.iterrows()):
            y = lane_y[lane]
            _type_marker(ax, x, y, ev["type"], alpha=_status_style(ev["status"])["alpha"], gid="undated")
            _status_badge(ax, x, y, ev, badge, count_at)


def _alliance_legend(ax, events: pd.DataFrame) -> None:
    """The type / status / date-precision legend, under the time axis (inside the layout)."""
    types = [t for t in ALLIANCE_TYPES if t in set(events["type"])]
    statuses = [s for s in ALLIANCE_STATUSES if s in set(events["status"].dropna())]
    if events["status"].isna().any():
        statuses.append(None)
    shapes = set(events["shape"])
    grey = _MUTED
    precision = []
    if "point" in shapes:
        precision.append(
            (Line2D([], [], linestyle="none", marker="o", markersize=8, color=grey), "exact day")
        )
    if "span" in shapes:
        span = Line2D(
            [],
            [],
            color=grey,
            linewidth=5,
            alpha=0.35,
            marker="o",
            markersize=8,
            markerfacecolor="white",
            markeredgecolor=grey,
            markeredgewidth=1.6,
        )
        precision.append((span, "month / quarter / year (span)"))
    if "bar" in shapes:
        bar = Rectangle((0, 0), 1, 1, facecolor=grey, alpha=0.3, edgecolor=grey)
        precision.append((bar, "planned window / range"))
    _grouped_legend(
        ax,
        [
            ("Alliance type", [(_type_handle(t), TYPE_LABELS[t]) for t in types]),
            ("Status", [_status_item(s) for s in statuses]),
            ("Date shown as", precision),
        ],
        loc="upper left",
        bbox_to_anchor=(0, 0),
        borderaxespad=2.6,
    )


def alliance_network(
    alliances: pd.DataFrame,
    mentions: pd.DataFrame | None = None,
    focus: str | None = None,
    source_note: str | None = None,
) -> Figure:
    """Companies as nodes, reported alliances as edges (one per company pair and type).

    Node area is proportional to the company's mention count in `mentions` (kind "company", by canonical
    name; without `mentions`, to its number of alliances). Edges are coloured by type; several types
    between the same pair are drawn as parallel curved edges; an edge is dashed when every report of it
    is tentative (exploring, planned or cancelled) and thicker when more articles report it. With `focus`,
    only alliances involving that company are drawn. The layout is a seeded spring layout and labels are
    placed by a deterministic pass that keeps them off each other and off the nodes.
    """
    with mpl.rc_context(_STYLE):
        return _alliance_network(alliances, mentions, focus, source_note)


def _alliance_network(alliances, mentions, focus, source_note) -> Figure:
    df = _alliance_frame(alliances)
    focus = _canonical_focus(df, focus)
    df = df[_involves(df, focus) & (df["first"] != df["second"])]
    edges = (
        df.groupby(["first", "second", "type"], sort=True)
        .agg(
            n_reports=("article_id", "size"),
            statuses=("status", lambda s: tuple(sorted(s.dropna().unique()))),
        )
        .reset_index()
    )
    edges["type_rank"] = edges["type"].map(ALLIANCE_TYPES.index)
    edges = edges.sort_values(["first", "second", "type_rank"], kind="stable").reset_index(drop=True)
    nodes = sorted(set(edges["first"]) | set(edges["second"]))

    fig = _new_figure(11.5, 7.5, constrained=False)
    ax = fig.add_axes((0.02, 0.09, 0.70, 0.80))
    ax.set_axis_off()
    source = source_note or source_line(df)
    if not nodes:
        _message(ax, "No alliances to draw" + (f" involving {focus}" if focus else ""))
        return _finish(fig, "No alliances reported" + (f" involving {focus}" if focus else ""), source)

    graph = nx.Graph()
    graph.add_nodes_from(nodes)
    for (first, second), group in edges.groupby(["first", "second"], sort=True):
        graph.add_edge(first, second, weight=len(group))
    pos = _layout(graph)

    counts = _mention_counts(mentions, nodes) if mentions is not None else dict(graph.degree())
    peak = max(max(counts.values()), 1)
    biggest = 3000 * min(1.0, 6 / len(nodes)) + 400  # crowded graphs get smaller nodes
    sizes = {n: 220 + (biggest - 220) * counts.get(n, 0) / peak for n in nodes}  # marker area, points^2

    _fit_limits(ax, pos, fig)
    radius_pt = {n: math.sqrt(sizes[n]) / 2 for n in nodes}
    for (first, second), group in edges.groupby(["first", "second"], sort=True):
        k = len(group)
        rads = [0.0] if k == 1 else list(np.linspace(-0.14 * (k - 1), 0.14 * (k - 1), k))
        for rad, (_, edge) in zip(rads, group.iterrows(), strict=True):
            tentative = bool(edge["statuses"]) and all(s in TENTATIVE_STATUSES for s in edge["statuses"])
            patch = FancyArrowPatch(
                pos[first],
                pos[second],
                arrowstyle="-",
                connectionstyle=f"arc3,rad={rad:.3f}",
                color=TYPE_COLORS[edge["type"]],
                linewidth=min(1.8 + 1.2 * (edge["n_reports"] - 1), 5.5),
                linestyle="--" if tentative else "-",
                shrinkA=radius_pt[first] + 1,
                shrinkB=radius_pt[second] + 1,
                alpha=0.95,
                zorder=1,
                gid=f"edge:{first}|{second}|{edge['type']}",
            )
            ax.add_patch(patch)

    xy = np.array([pos[n] for n in nodes])
    face = ["#F2C66D" if n == focus else "#DCE9F5" for n in nodes]
    ax.scatter(
        xy[:, 0],
        xy[:, 1],
        s=[sizes[n] for n in nodes],
        c=face,
        edgecolors=_INK,
        linewidths=[2.2 if n == focus else 1.0 for n in nodes],
        zorder=3,
        gid="nodes",
    )
    _place_labels(fig, ax, nodes, pos, radius_pt, focus)

    types = [t for t in ALLIANCE_TYPES if t in set(edges["type"])]
    type_items = [(_type_handle(t, line=True), TYPE_LABELS[t]) for t in types]
    line_items = [
        (Line2D([], [], color=_MUTED, linewidth=2), "signed / announced / active / reduced"),
        (Line2D([], [], color=_MUTED, linewidth=2, linestyle="--"), "only exploring / planned / cancelled"),
        (Line2D([], [], color=_MUTED, linewidth=4.2), "thicker: reported by more articles"),
    ]
    size_basis = "company mentions" if mentions is not None else "alliances"
    size_items = [
        (
            Line2D(
                [],
                [],
                linestyle="none",
                marker="o",
                markersize=7,
                markerfacecolor="#DCE9F5",
                markeredgecolor=_INK,
            ),
            f"node area: {size_basis}",
        ),
    ]
    if focus:
        size_items.append(
            (
                Line2D(
                    [],
                    [],
                    linestyle="none",
                    marker="o",
                    markersize=7,
                    markerfacecolor="#F2C66D",
                    markeredgecolor=_INK,
                    markeredgewidth=2,
                ),
                f"focus: {focus}",
            )
        )
    legend = fig.legend(
        [_blank()]
        + [h for h, _ in type_items]
        + [_blank(), _blank()]
        + [h for h, _ in line_items + size_items],
        ["Alliance type"]
        + [label for _, label in type_items]
        + ["", "Edge / node"]
        + [label for _, label in line_items + size_items],
        loc="upper left",
        bbox_to_anchor=(0.73, 0.88),
        handlelength=2.4,
    )
    texts = legend.get_texts()
    texts[0].set_fontweight("bold")
    texts[len(type_items) + 2].set_fontweight("bold")

    degree = dict(graph.degree())
    if focus:
        title = (
            f"{focus} has {_plural(degree.get(focus, 0), 'alliance partner')} across "
            f"{_plural(len(edges), 'reported alliance')}"
        )
    else:
        hub, k = sorted(degree.items(), key=lambda kv: (-kv[1], kv[0]))[0]
        title = f"{hub} links to {k} of the {len(nodes) - 1} other companies in the reported alliances"
    ax.set_title(
        f"{_plural(len(nodes), 'company')}, {_plural(len(edges), 'alliance')} (company pair and type)"
    )
    return _finish(fig, title, source)


def _layout(graph: nx.Graph) -> dict[str, np.ndarray]:
    nodes = list(graph.nodes)
    if len(nodes) == 1:
        return {nodes[0]: np.array([0.0, 0.0])}
    if len(nodes) == 2:
        return {nodes[0]: np.array([-1.0, 0.0]), nodes[1]: np.array([1.0, 0.0])}
    k = 1.6 / math.sqrt(len(nodes))
    pos = nx.spring_layout(graph, seed=_SEED, k=k, iterations=300, weight=None)
    return {n: np.asarray(p, dtype=float) for n, p in pos.items()}


def _mention_counts(mentions: pd.DataFrame, nodes: Iterable[str]) -> dict[str, int]:
    m = mentions
    if "kind" in m.columns:
        m = m[m["kind"] == "company"]
    names = m["canonical"] if "canonical" in m.columns else m.get("text", pd.Series(dtype=str))
    if "text" in m.columns:
        names = names.fillna(m["text"])
    counts = names.dropna().astype(str).value_counts()
    return {n: int(counts.get(n, 0)) for n in nodes}


def _fit_limits(ax, pos: dict[str, np.ndarray], fig: Figure) -> None:
    """Data limits with room for labels and the same scale on both axes (so circles stay round)."""
    xy = np.array(list(pos.values()))
    (x0, y0), (x1, y1) = xy.min(axis=0), xy.max(axis=0)
    w, h = max(x1 - x0, 0.5), max(y1 - y0, 0.5)
    cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
    w, h = w * 1.5, h * 1.35
    box = ax.get_position()
    fw, fh = fig.get_size_inches()
    aspect = (box.width * fw) / (box.height * fh)
    if w / h < aspect:
        w = h * aspect
    else:
        h = w / aspect
    ax.set_xlim(cx - w / 2, cx + w / 2)
    ax.set_ylim(cy - h / 2, cy + h / 2)


def _place_labels(fig: Figure, ax, nodes, pos, radius_pt, focus) -> None:
    """Label each node beside it, trying 8 directions (outward first) and keeping the first that
    overlaps no other label or node; if none is free, the one with the least overlap."""
    renderer = RendererAgg(int(fig.bbox.width), int(fig.bbox.height), fig.dpi)
    px_per_pt = fig.dpi / 72
    fontsize = 10
    to_px = ax.transData.transform
    centre = to_px(np.mean([pos[n] for n in nodes], axis=0))
    node_px = {n: to_px(pos[n]) for n in nodes}
    obstacles = [
        (p[0] - r * px_per_pt, p[1] - r * px_per_pt, p[0] + r * px_per_pt, p[1] + r * px_per_pt)
        for n, p in node_px.items()
        for r in [radius_pt[n]]
    ]
    ax_box = ax.get_window_extent(renderer)
    placed: list[tuple[float, float, float, float]] = []
    directions = [(math.cos(a), math.sin(a)) for a in np.deg2rad(np.arange(0, 360, 45))]
    order = sorted(nodes, key=lambda n: (-radius_pt[n], n))
    for n in order:
        weight = "bold" if n == focus else "normal"
        w, h, _ = renderer.get_text_width_height_descent(
            n, FontProperties(size=fontsize, weight=weight), ismath=False
        )
        w, h = w + 8, h + 6  # the label's white box
        p = node_px[n]
        out = p - centre
        angle = math.atan2(out[1], out[0]) if np.hypot(*out) > 1 else math.pi / 2
        ranked = sorted(
            directions, key=lambda d: (abs(math.remainder(math.atan2(d[1], d[0]) - angle, 2 * math.pi)), d)
        )
        best, best_cost = None, math.inf
        gap = radius_pt[n] * px_per_pt + 3
        for dx, dy in ranked:
            cx = p[0] + dx * (gap + w / 2)
            cy = p[1] + dy * (gap + h / 2)
            box = (cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2)
            cost = sum(_overlap(box, other) for other in placed + obstacles)
            cost += 4 * _outside(box, ax_box)
            if cost < best_cost:
                best, best_cost = box, cost
            if cost == 0:
                break
        placed.append(best)
        cx, cy = ax.transData.inverted().transform(((best[0] + best[2]) / 2, (best[1] + best[3]) / 2))
        ax.text(
            cx,
            cy,
            n,
            ha="center",
            va="center",
            fontsize=fontsize,
            fontweight=weight,
            zorder=6,
            bbox={"boxstyle": "round,pad=0.2", "facecolor": "white", "edgecolor": "none", "alpha": 0.85},
            gid=f"label:{n}",
        )


def _overlap(a, b) -> float:
    w = min(a[2], b[2]) - max(a[0], b[0])
    h = min(a[3], b[3]) - max(a[1], b[1])
    return w * h if w > 0 and h > 0 else 0.0


def _outside(box, ax_box) -> float:
    inside = _overlap(box, (ax_box.x0, ax_box.y0, ax_box.x1, ax_box.y1))
    return (box[2] - box[0]) * (box[3] - box[1]) - inside


# ---------------------------------------------------------------------------------------- market share


def region_color(region: str | None, known: Sequence[str] = ()) -> str:
    """The colour of a region: fixed for the usual ones, then the extra palette in `known` order."""
    if region in REGION_COLORS:
        return REGION_COLORS[region]
    extras = [r for r in known if r not in REGION_COLORS]
    if region in extras:
        return _EXTRA_REGION_COLORS[extras.index(region) % len(_EXTRA_REGION_COLORS)]
    return NO_REFERENCE_COLOR


def market_share_chart(
    reference: pd.DataFrame,
    claims: pd.DataFrame | None = None,
    regions: Sequence[str] = ("World", "China", "Europe", "United States", "Japan"),
    source_note: str | None = None,
) -> Figure:
    """Reference EV share of new car sales per region and year (lines), corpus claims on top (points).

    `claims` is the output of `market.share_claims` (or of `market.compare_claims`; it is compared with
    default tolerances when it has no `verdict`). Each claim is drawn in its region's colour at its claim
    year with a marker for its qualifier: a bar of +/- the comparison tolerance for "approximately", an
    arrow up for "more than / at least", down for "less than / up to"; it is annotated with its value,
    the short article id and the verdict. Regions of claims are added to `regions`.
    """
    with mpl.rc_context(_STYLE):
        return _market_share_chart(reference, claims, regions, source_note)


def _market_share_chart(reference, claims, regions, source_note) -> Figure:
    ref = reference.dropna(subset=["region", "year", "ev_sales_share_pct"])
    comp = pd.DataFrame()
    if claims is not None and len(claims):
        comp = claims if "verdict" in claims.columns else market.compare_claims(claims, reference)
        comp = comp.sort_values(
            ["reference_region", "claim_year", "article_id"], kind="stable", na_position="last"
        )
        comp = comp.reset_index(drop=True)
    known = set(ref["region"])
    claim_regions = sorted(r for r in comp.get("reference_region", pd.Series(dtype=object)).dropna().unique())
    shown = [r for r in dict.fromkeys([*regions, *claim_regions]) if r in known]
    ref = ref[ref["region"].isin(shown)]

    fig = _new_figure(10.5, 6.4)
    ax = fig.subplots()
    ref_name = _reference_name(reference)
    if ref.empty and comp.empty:
        _message(ax, "No reference series and no claims")
        return _finish(fig, "No EV market-share data", source_note or "Source: no data")

    latest = []
    for region in shown:
        series = ref[ref["region"] == region].sort_values("year")
        ax.plot(
            series["year"],
            series["ev_sales_share_pct"],
            color=region_color(region, shown),
            linewidth=2,
            marker="o",
            markersize=4,
            zorder=2,
            label=region,
            gid=f"reference:{region}",
        )
        last = series.iloc[-1]
        latest.append((region, int(last["year"]), float(last["ev_sales_share_pct"])))

    claim_years = pd.to_numeric(comp.get("claim_year", pd.Series(dtype=float)), errors="coerce").dropna()
    years = sorted(set(ref["year"].astype(int)) | set(claim_years.astype(int)))
    xmin, xmax = (years[0], years[-1]) if years else (2018, 2024)
    values = list(ref["ev_sales_share_pct"]) + list(
        pd.to_numeric(comp.get("value", pd.Series(dtype=float)), errors="coerce").dropna()
    )
    ax.set_ylim(0, (max(values) if values else 10) * 1.12 + 2)
    ax.set_xticks(range(xmin, xmax + 1))
    ax.set_xlim(xmin - 0.4, xmax + (2.9 if len(comp) else 0.4))  # room on the right for the claim callouts
    ax.set_ylabel("EV share of new car sales (%)")
    ax.grid(axis="x", visible=False)
    n_comp = _draw_claims(fig, ax, comp, shown, callout_x=xmax + 0.55)

    handles, labels = ax.get_legend_handles_labels()
    present = set(comp["qualifier"]) if len(comp) else set()
    for quals, label in (
        (("exact",), "claim (exact)"),
        (("approximately",), "claim, approximately (bar: tolerance)"),
        (("more_than", "at_least"), "claim, more than / at least"),
        (("less_than", "up_to"), "claim, less than / up to"),
    ):
        if present & set(quals):
            handles.append(
                Line2D(
                    [],
                    [],
                    linestyle="none",
                    marker=QUALIFIER_MARKERS[quals[0]],
                    markersize=8,
                    markerfacecolor="white",
                    markeredgecolor=_INK,
                    markeredgewidth=1.4,
                )
            )
            labels.append(label)
    legend_title = f"{ref_name} reference" + (" / corpus claims" if len(comp) else "")
    ax.legend(handles, labels, loc="upper left", title=legend_title, alignment="left")

    if n_comp:
        verdicts = comp["verdict"].value_counts()
        compared = int(len(comp) - verdicts.get("no reference", 0))
        consistent = int(verdicts.get("consistent", 0))
        claims_text = _plural(compared, "EV market-share claim")
        title = f"{consistent} of {claims_text} in the corpus match {ref_name} data"
        if compared == 0:
            title = (
                f"No {ref_name} reference for the {_plural(len(comp), 'EV market-share claim')} in the corpus"
            )
        off = comp[comp["verdict"].isin(["higher", "lower"])]
        if len(off):
            worst = off.loc[off["diff_pp"].abs().idxmax()]
            sym = market.QUALIFIER_SYMBOLS.get(worst["qualifier"], "")
            title += (
                f"; {worst['reference_region']} {sym}{market.format_number(worst['value'])}% vs "
                f"{market.format_number(worst['reference_value'])}% in {int(worst['reference_year'])}"
            )
        subtitle = "Lines: reference series; points: claims in the articles, at the year they describe"
    else:
        top = max(latest, key=lambda p: (p[2], p[0])) if latest else None
        title = (
            f"{top[0]} leads: EVs were {market.format_number(top[2])}% of new car sales "
            f"in {top[1]} ({ref_name})"
            if top
            else "No reference series"
        )
        subtitle = "No EV market-share claims in the corpus; lines: reference series"
    ax.set_title(subtitle)
    dataset = _reference_citation(reference)
    if source_note:
        source = source_note
    elif len(comp):
        source = source_line(comp, dataset=dataset)
    else:
        source = f"Source: {dataset}"
    return _finish(fig, title, source)


def _reference_name(reference: pd.DataFrame) -> str:
    sources = reference["source"].dropna().unique() if "source" in reference.columns else []
    return market.short_source(sorted(sources)[0]) if len(sources) else "reference"


def _reference_citation(reference: pd.DataFrame) -> str:
    """'IEA (2025) Global EV Outlook 2025, CC BY 4.0' from the reference's source and licence columns."""
    parts = []
    for col in ("source", "licence"):
        if col in reference.columns:
            vals = sorted(reference[col].dropna().astype(str).unique())
            parts.extend(vals)
    return ", ".join(parts) if parts else "reference series"


def _dodge(values: Sequence[float], min_gap: float, lo: float | None = None) -> list[float]:
    """Positions as close to `values` as possible but at least `min_gap` apart (order kept), >= lo."""
    order = sorted(range(len(values)), key=lambda i: values[i])
    pos = [float(values[i]) for i in order]
    for _ in range(200):
        moved = False
        for i in range(1, len(pos)):
            overlap = min_gap - (pos[i] - pos[i - 1])
            if overlap > 1e-9:
                pos[i - 1] -= overlap / 2
                pos[i] += overlap / 2
                moved = True
        if lo is not None and pos and pos[0] < lo:
            shift = lo - pos[0]
            pos = [p + shift for p in pos]
            moved = True if any(pos[i] - pos[i - 1] < min_gap - 1e-9 for i in range(1, len(pos))) else moved
        if not moved:
            break
    out = [0.0] * len(values)
    for rank, i in enumerate(order):
        out[i] = pos[rank]
    return out


def _draw_claims(fig: Figure, ax, comp: pd.DataFrame, shown: Sequence[str], callout_x: float) -> int:
    """Claims as markers at their year, with a labelled callout in a column at the right of the plot."""
    if comp.empty:
        return 0
    drawn = []
    ylo, yhi = ax.get_ylim()
    near = (yhi - ylo) * 0.06  # claims of the same year closer than this go side by side
    slots: dict[float, list[tuple[float, int]]] = {}
    for _, c in comp.iterrows():
        value = float(c["value"]) if pd.notna(c["value"]) else math.nan
        year = float(c["claim_year"]) if pd.notna(c.get("claim_year")) else math.nan
        if math.isnan(value) or math.isnan(year):
            continue
        region = c.get("reference_region")
        color = region_color(region, shown) if region in shown else NO_REFERENCE_COLOR
        taken = {slot for v, slot in slots.get(year, []) if abs(v - value) < near}
        slot = min(k for k in range(len(taken) + 1) if k not in taken)
        slots.setdefault(year, []).append((value, slot))
        x = year + 0.12 + 0.14 * slot  # beside the reference point; close claims side by side
        qualifier = c["qualifier"] if c["qualifier"] in QUALIFIER_MARKERS else "exact"
        if qualifier == "approximately":
            tol = c.get("tolerance_pp")
            tol = (
                float(tol)
                if pd.notna(tol)
                else max(market.DEFAULT_TOLERANCE_PP, market.DEFAULT_TOLERANCE_REL * value)
            )
            ax.errorbar(
                [x],
                [value],
                yerr=[[tol], [tol]],
                fmt="none",
                ecolor=color,
                elinewidth=1.4,
                capsize=4,
                zorder=3,
                gid="claim-tolerance",
            )
        if qualifier in market.LOWER_BOUND_QUALIFIERS + market.UPPER_BOUND_QUALIFIERS:
            up = qualifier in market.LOWER_BOUND_QUALIFIERS
            ax.annotate(
                "",
                xy=(x, value),
                xytext=(0, 24 if up else -24),
                textcoords="offset points",
                arrowprops={
                    "arrowstyle": "<|-",
                    "color": color,
                    "linewidth": 1.4,
                    "shrinkA": 0,
                    "shrinkB": 5,
                },
                zorder=3,
                gid="claim-arrow",
            )
        ax.plot(
            [x],
            [value],
            linestyle="none",
            marker=QUALIFIER_MARKERS[qualifier],
            markersize=10,
            markerfacecolor=color,
            markeredgecolor="white",
            markeredgewidth=1.2,
            zorder=4,
            gid="claim",
        )
        drawn.append((c, x, value, color))
    if not drawn:
        return len(comp)

    axes_h_pt = fig.get_size_inches()[1] * 72 * 0.72  # the axes take about this share of the height
    min_gap = 30 * (yhi - ylo) / axes_h_pt  # two lines of 8.5 pt text plus padding
    label_y = _dodge([v for _, _, v, _ in drawn], min_gap, lo=ylo + min_gap / 2)
    for (c, x, value, color), y in zip(drawn, label_y, strict=True):
        sym = market.QUALIFIER_SYMBOLS.get(c["qualifier"], "")
        verdict = c.get("verdict")
        if verdict in ("consistent", "higher", "lower"):
            ref_value = market.format_number(c["reference_value"])
            ref_text = f"{_reference_word(c)} {int(c['reference_year'])}: {ref_value}%"
            note = f"{verdict} (vs {ref_text})" if verdict == "consistent" else f"{verdict} than {ref_text}"
        else:
            note = "no reference"
        name = c.get("market") or c.get("reference_region")
        label = f"{name} {sym}{market.format_number(value)}% [{short_id(c['article_id'])}]"
        ax.annotate(
            f"{label}\n{note}",
            xy=(x, value),
            xytext=(callout_x, y),
            textcoords="data",
            va="center",
            ha="left",
            fontsize=8.5,
            color=_INK,
            zorder=5,
            gid="claim-label",
            bbox={"boxstyle": "round,pad=0.25", "facecolor": "white", "edgecolor": color, "alpha": 0.95},
            arrowprops={"arrowstyle": "-", "color": color, "linewidth": 0.8, "shrinkA": 0, "shrinkB": 6},
        )
    return len(comp)


def _reference_word(claim: pd.Series) -> str:
    return market.short_source(claim.get("reference_source"))


def company_share_chart(
    figures: pd.DataFrame,
    source_note: str | None = None,
    reference: pd.DataFrame | None = None,
    ev_share_only: bool = True,
) -> Figure:
    """Company-level EV shares (figures with market_kind "company" and kind "percent") as a dot chart.

    One row per figure, labelled with the company, what the figure measures and its period; the marker
    shows the qualifier, with an arrow for bounds (left for "less than / up to", right for "more than /
    at least"). With `ev_share_only` (default) only figures flagged `is_ev_share` are drawn, so a "15%
    workforce cut" never appears as a sales share. With `reference`, the World EV share of the same year
    is drawn as a vertical line for context.
    """
    with mpl.rc_context(_STYLE):
        return _company_share_chart(figures, source_note, reference, ev_share_only)


def _company_share_chart(figures, source_note, reference, ev_share_only) -> Figure:
    f = figures.copy() if figures is not None else pd.DataFrame()
    for col in (
        "article_id",
        "kind",
        "market",
        "market_kind",
        "value",
        "qualifier",
        "subject",
        "period",
        "period_start",
        "is_ev_share",
    ):
        if col not in f.columns:
            f[col] = None
    keep = f["market_kind"].eq("company").fillna(False) & f["kind"].eq("percent").fillna(False)
    if ev_share_only:
        keep &= f["is_ev_share"].fillna(False).astype(bool)
    f = f[keep].copy()
    f["value"] = pd.to_numeric(f["value"], errors="coerce")
    f = f.dropna(subset=["value"]).sort_values(["market", "article_id"], kind="stable")
    f = f.sort_values("value", ascending=False, kind="stable").reset_index(drop=True)  # largest on top

    fig = _new_figure(10, 2.4 + 0.62 * max(len(f), 2))
    ax = fig.subplots()
    if f.empty:
        _message(ax, "No company-level EV share figures")
        return _finish(fig, "No company-level EV share figures in the corpus", source_note or source_line(f))

    labels = []
    for _, r in f.iterrows():
        detail = r["subject"] if isinstance(r["subject"], str) and r["subject"] else "EV share"
        if isinstance(r["period"], str) and r["period"]:
            detail += f" ({r['period']})"
        labels.append(f"{r['market']}\n" + "\n".join(textwrap.wrap(detail, 34)))
    ys = np.arange(len(f))
    xmax = float(f["value"].max())
    ref_lines = _world_lines(reference, f) if reference is not None else []
    if ref_lines:
        xmax = max(xmax, max(v for _, v, _ in ref_lines))
    span = xmax * 1.35 if xmax > 0 else 1
    for y, (_, r) in zip(ys, f.iterrows(), strict=True):
        q = r["qualifier"] if r["qualifier"] in QUALIFIER_MARKERS else "exact"
        v = float(r["value"])
        ax.plot([0, v], [y, y], color="#c8c8c8", linewidth=1.5, zorder=1)
        if q in market.UPPER_BOUND_QUALIFIERS:  # the true value lies somewhere in [0, v]
            ax.plot(
                [0, v],
                [y, y],
                color=OKABE_ITO["blue"],
                linewidth=7,
                alpha=0.25,
                zorder=2,
                gid="company-range",
            )
        elif q in market.LOWER_BOUND_QUALIFIERS:  # ... somewhere above v
            ax.annotate(
                "",
                xy=(v, y),
                xytext=(28, 0),
                textcoords="offset points",
                arrowprops={
                    "arrowstyle": "<|-",
                    "color": OKABE_ITO["blue"],
                    "linewidth": 1.4,
                    "shrinkA": 0,
                    "shrinkB": 5,
                },
                gid="company-arrow",
            )
        ax.plot(
            [v],
            [y],
            linestyle="none",
            marker=_HORIZONTAL_MARKERS.get(q, QUALIFIER_MARKERS[q]),
            markersize=10,
            markerfacecolor=OKABE_ITO["blue"],
            markeredgecolor="white",
            zorder=3,
            gid="company-share",
        )
        text = f"{QUALIFIER_WORDS.get(q, '')}{market.format_number(v)}%  [{short_id(r['article_id'])}]"
        ax.annotate(
            text,
            xy=(v, y),
            xytext=(10, 7),
            textcoords="offset points",
            fontsize=9,
            color=_INK,
            va="bottom",
            zorder=4,
            bbox={"boxstyle": "square,pad=0.1", "facecolor": "white", "edgecolor": "none", "alpha": 0.85},
        )
    for k, (label, value, year) in enumerate(ref_lines):
        ax.axvline(value, color=REGION_COLORS["World"], linestyle=":", linewidth=1.3, zorder=0)
        ax.annotate(
            f"{label} {year}: {market.format_number(value)}%",
            xy=(value, 1),
            xycoords=("data", "axes fraction"),
            xytext=(4, -2 - 12 * k),  # one line per reference year, stacked
            textcoords="offset points",
            fontsize=8.5,
            color=_MUTED,
            va="top",
            bbox={"boxstyle": "square,pad=0.1", "facecolor": "white", "edgecolor": "none", "alpha": 0.85},
        )
    ax.set_yticks(ys, labels)
    ax.set_ylim(len(f) - 0.4, -0.8)
    ax.set_xlim(0, span)
    ax.set_xlabel("share of the company's car sales (%)")
    ax.grid(axis="y", visible=False)

    if len(f) == 1:
        r = f.iloc[0]
        words = QUALIFIER_WORDS.get(r["qualifier"], "")
        title = f"{r['market']}: {words}{market.format_number(r['value'])}% of its car sales were EVs"
        if isinstance(r["period"], str) and r["period"]:
            title += f" ({r['period']})"
    else:
        top, bottom = f["value"].max(), f["value"].min()
        title = (
            f"{_names_at(f, top)} the highest company EV share ({_claim_text(f, top)}), "
            f"{_names_at(f, bottom)} the lowest ({_claim_text(f, bottom)})"
        )
    ax.set_title(
        f"{_plural(len(f), 'figure')} on a company's EV share of sales; shaded: the range a bound allows"
    )
    dataset = _reference_citation(reference) if ref_lines else None
    return _finish(fig, title, source_note or source_line(f, dataset=dataset))


def _names_at(f: pd.DataFrame, value: float) -> str:
    """'BYD reports' / 'BYD and Tesla report': the companies whose figure equals `value`."""
    names = sorted(set(f.loc[f["value"] == value, "market"].astype(str)))
    if len(names) == 1:
        return f"{names[0]} reports"
    return f"{', '.join(names[:-1])} and {names[-1]} report"


def _claim_text(f: pd.DataFrame, value: float) -> str:
    qualifier = f.loc[f["value"] == value, "qualifier"].iloc[0]
    return f"{market.QUALIFIER_SYMBOLS.get(qualifier, '')}{market.format_number(value)}%"


def _world_lines(reference: pd.DataFrame, f: pd.DataFrame) -> list[tuple[str, float, int]]:
    """World reference share for the years the company figures describe (nearest available year)."""
    world = reference[reference["region"] == "World"].sort_values("year")
    if world.empty:
        return []
    years = pd.to_numeric(f["period_start"].astype("string").str[:4], errors="coerce")
    if "published" in f.columns:
        years = years.fillna(pd.to_numeric(f["published"].astype("string").str[:4], errors="coerce") - 1)
    out = []
    for year in sorted(set(years.dropna().astype(int))):
        idx = (world["year"] - year).abs().idxmin()
        row = world.loc[idx]
        out.append(
            (
                f"World EV share, {_reference_name(reference)}",
                float(row["ev_sales_share_pct"]),
                int(row["year"]),
            )
        )
    return out


# ---------------------------------------------------------------------------------------------- corpus


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
    )
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
        if total:
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
    ax.set_title("Articles per publication month" + (f" ({n_dup} duplicates included)" if n_dup else ""))
    return _finish(fig, title, source_line(a))


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
