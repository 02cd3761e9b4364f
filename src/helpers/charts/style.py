"""The collection's chart look: palette, rc style, finding title, source line and legend helpers.

`TYPE_COLORS` and `TYPE_MARKERS` encode the alliance type (colour and, as a second channel for readers
who cannot tell two colours apart, marker shape); `STATUS_STYLES` encode the status (dashed line and
fainter for tentative statuses; a small glyph next to each event: ? exploring, ! announced, check signed,
arrow planned, triangle active, x cancelled, down arrow reduced). `_finish` puts the finding title at the
top and the source line at the bottom of every chart.
"""

from __future__ import annotations

import textwrap
from collections.abc import Sequence

import matplotlib as mpl
import numpy as np
import pandas as pd
import seaborn as sns
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

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
            pubs = [p.replace("$", r"\$") for p in pubs]  # article metadata: no mathtext
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
        return f"{n:,} {noun[:-1]}ies"
    return f"{n:,} {noun}s"


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
