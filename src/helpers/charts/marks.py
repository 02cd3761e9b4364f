"""Marks shared by the time-axis charts (alliance timeline, lifecycle timeline): event markers in their
type's colour and shape, status glyphs and report counts beside them, date shapes and lane packing."""

from __future__ import annotations

import pandas as pd
from matplotlib import transforms
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Rectangle

from .style import _INK, _MUTED, TYPE_COLORS, TYPE_MARKERS, _status_style


def _date_shape(precision: object, status: object, start, end) -> str:
    """How an event's date is drawn: point (a day), span (a coarse date), bar (a window), or undated."""
    if pd.isna(start):
        return "undated"
    if precision == "range" or (status == "planned" and end > start and precision != "day"):
        return "bar"
    if precision == "day" or end == start:
        return "point"
    return "span"


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


def _draw_event(ax, ev: pd.Series, s: float, e: float, y: float, bar_height: float = 0.3) -> float:
    """One dated event at its precision; returns the x of its marker.

    A day ("point") is a filled marker at `s`; a coarse date ("span") a translucent band over s..e with a
    hollow marker in its middle; a window ("bar") a translucent box of `bar_height` with a hollow marker
    at its start. The band and box edge are dashed for tentative statuses.
    """
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
        box = {"xy": (s, y - bar_height / 2), "width": e - s, "height": bar_height}
        ax.add_patch(Rectangle(**box, facecolor=color, alpha=0.22, edgecolor="none", zorder=2, gid="bar"))
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
    return x


def _precision_items(shapes: set[str]) -> list[tuple[object, str]]:
    """Legend entries for the date shapes present: exact day, span, window."""
    grey = _MUTED
    items: list[tuple[object, str]] = []
    if "point" in shapes:
        items.append((Line2D([], [], linestyle="none", marker="o", markersize=8, color=grey), "exact day"))
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
        items.append((span, "month / quarter / year (span)"))
    if "bar" in shapes:
        bar = Rectangle((0, 0), 1, 1, facecolor=grey, alpha=0.3, edgecolor=grey)
        items.append((bar, "planned window / range"))
    return items
