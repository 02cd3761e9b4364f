"""The lifecycle timeline's lane styles, corner marks (conflict badge, "p", "+Party"), undated panel,
status labels and legend: what `lifecycles.lifecycle_timeline` draws around each step."""

from __future__ import annotations

import pandas as pd
from matplotlib import transforms
from matplotlib.figure import Figure
from matplotlib.legend import Legend
from matplotlib.legend_handler import HandlerTuple
from matplotlib.lines import Line2D

from .marks import (
    _badge_transforms,
    _precision_items,
    _status_badge,
    _type_marker,
)
from .style import (
    _INK,
    _MUTED,
    ALLIANCE_STATUSES,
    ALLIANCE_TYPES,
    OKABE_ITO,
    TYPE_LABELS,
    _grouped_legend,
    _status_item,
    _status_style,
    _type_handle,
)

_LANE_INK = "#4a4a4a"
_ENDED = "#a8a8a8"
_CONFLICT = OKABE_ITO["yellow"]  # a warning sign: no step type uses this yellow
_OPEN = {"color": _LANE_INK, "linestyle": "-", "linewidth": 2.4, "label": "active / signed / announced"}
_TENTATIVE = {"color": _LANE_INK, "linestyle": "--", "linewidth": 2.0, "label": "exploring / planned"}
# The lane line of an alliance shows its current status: solid while the tie holds, dashed while it is only
# explored or planned, thinner once reduced, light grey ending in an x once cancelled.
LIFECYCLE_STATUS_STYLES = {
    "exploring": _TENTATIVE,
    "announced": _OPEN,
    "signed": _OPEN,
    "planned": _TENTATIVE,
    "active": _OPEN,
    "cancelled": {
        "color": _ENDED,
        "linestyle": "-",
        "linewidth": 2.0,
        "end": "x",
        "label": "cancelled (x: ended)",
    },
    "reduced": {"color": _LANE_INK, "linestyle": "-", "linewidth": 1.0, "label": "reduced (thinner)"},
}
_UNKNOWN_LANE = {"color": _LANE_INK, "linestyle": ":", "linewidth": 1.4, "label": "status unknown"}
_ROW = 1.0  # y units per stacked row of steps
_GAP = 0.75  # y units between two lanes
_MARKER_PT = 7.0  # half a marker, in points
_JOINED_DX = 15.0  # "+Party" starts this far right of its step's marker
_JOIN_FONT = 7.5


def _text(value: object) -> str | None:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    text = str(value).strip()
    return text or None


def _lane_style(status: object) -> dict:
    return LIFECYCLE_STATUS_STYLES.get(status, _UNKNOWN_LANE) if isinstance(status, str) else _UNKNOWN_LANE


def _corner_transforms(fig: Figure, ax) -> dict:
    def at(dx: float, dy: float):
        return transforms.offset_copy(ax.transData, fig=fig, x=dx, y=dy, units="points")

    return {"conflict": at(-10, 8), "published": at(-10, -7), "joined": at(_JOINED_DX, 0)}


def _conflict_handles(**kw) -> tuple[Line2D, Line2D]:
    """The "sources disagree" badge: a black "!" on a yellow disc (drawn on a step, or in the legend)."""
    disc = Line2D(
        [],
        [],
        linestyle="none",
        marker="o",
        markersize=10.5,
        markerfacecolor=_CONFLICT,
        markeredgecolor=_INK,
        markeredgewidth=0.9,
        **kw,
    )
    bang = Line2D([], [], linestyle="none", marker="$!$", markersize=6.5, color=_INK, markeredgewidth=0, **kw)
    return disc, bang


def _conflict_badge(ax, x, y, transform) -> None:
    disc, bang = _conflict_handles(transform=transform)
    for artist, gid, z in ((disc, "conflict", 6), (bang, "conflict-glyph", 7)):
        artist.set_data([x], [y])
        artist.set_gid(gid)
        artist.set_zorder(z)
        ax.add_line(artist)


def _corner_marks(ax, x, y, ev: pd.Series, marks: dict) -> None:
    """Conflict badge (upper left), publication-date "p" (lower left), a joining party (right)."""
    if ev["conflict"]:
        _conflict_badge(ax, x, y, marks["conflict"])
    if ev["basis"] == "published":
        ax.text(
            x,
            y,
            "p",
            transform=marks["published"],
            fontsize=8,
            fontstyle="italic",
            color=_MUTED,
            ha="center",
            va="center",
            zorder=5,
            gid="published",
        )
    if _text(ev["joined"]):
        ax.text(
            x,
            y,
            f"+{_text(ev['joined'])}",
            transform=marks["joined"],
            fontsize=_JOIN_FONT,
            color=_INK,
            ha="left",
            va="center",
            zorder=5,
            gid="joined",
            bbox={"boxstyle": "square,pad=0.05", "facecolor": "white", "edgecolor": "none", "alpha": 0.8},
        )


def _draw_undated(fig: Figure, ax, undated: pd.DataFrame, base: dict, width: int) -> None:
    ax.set_title("Undated", loc="center", color=_INK, fontweight="bold")
    ax.set_facecolor("#f6f6f6")
    ax.set_xlim(-0.7, max(width, 1) - 0.1)
    ax.set_xticks([])
    ax.grid(False)
    ax.tick_params(axis="y", left=False, labelleft=False)
    for side in ("left", "bottom"):
        ax.spines[side].set_visible(False)
    badge, count_at = _badge_transforms(fig, ax)
    marks = _corner_transforms(fig, ax)
    for aid, group in undated.groupby("alliance_id", sort=True):
        y = base[aid]
        ax.axhline(y, color="#dddddd", linewidth=0.8, zorder=0)
        for x, (_, ev) in enumerate(group.iterrows()):
            _type_marker(ax, x, y, ev["type"], alpha=_status_style(ev["status"])["alpha"], gid="undated")
            _status_badge(ax, x, y, ev, badge, count_at)
            _corner_marks(ax, x, y, ev, marks)


def _status_labels(ax, lanes: pd.DataFrame, base: dict) -> None:
    """'now cancelled' at the right end of each lane, outside the plot."""
    for lane in lanes.itertuples(index=False):
        status = lane.current_status if isinstance(lane.current_status, str) else "status unknown"
        ax.annotate(
            f"now {status}",
            xy=(1, base[lane.alliance_id]),
            xycoords=("axes fraction", "data"),
            xytext=(8, 0),
            textcoords="offset points",
            va="center",
            ha="left",
            fontsize=8.5,
            color=_ENDED if status == "cancelled" else _MUTED,
            gid="lane-status",
        )


def _legend(fig: Figure, df: pd.DataFrame, lanes: pd.DataFrame) -> Legend:
    """Type, status, lane and mark legend under the plot (a figure legend: the panels keep their widths)."""
    types = [t for t in ALLIANCE_TYPES if t in set(df["type"])]
    statuses = [s for s in ALLIANCE_STATUSES if s in set(df["status"].dropna())]
    if df["status"].isna().any():
        statuses.append(None)
    lane_items, seen = [], set()
    for status in [*ALLIANCE_STATUSES, None]:
        if status in set(lanes["current_status"]) or (
            status is None and lanes["current_status"].isna().any()
        ):
            style = _lane_style(status)
            if style["label"] in seen:
                continue
            seen.add(style["label"])
            line = Line2D(
                [], [], color=style["color"], linestyle=style["linestyle"], linewidth=style["linewidth"]
            )
            if style.get("end"):
                cap = Line2D(
                    [], [], linestyle="none", marker="x", markersize=8, markeredgewidth=2, color=_MUTED
                )
                line = (line, cap)
            lane_items.append((line, style["label"]))
    if df["future"].any():
        lane_items.append(
            (Line2D([], [], color=_LANE_INK, linestyle=":", linewidth=1.4), "forecast (dotted)")
        )
    grey = _MUTED
    marks = _precision_items(set(df["shape"]))
    if (df["basis"] == "published").any():
        p = Line2D([], [], linestyle="none", marker="$p$", markersize=7, color=grey, markeredgewidth=0)
        marks.append((p, "dated by publication"))
    if df["conflict"].any():
        marks.append((_conflict_handles(), "sources disagree"))
    if (df["n_reports"] > 1).any():
        marks.append(
            (
                Line2D(
                    [], [], linestyle="none", marker="$\u00d7N$", markersize=13, color=grey, markeredgewidth=0
                ),
                "N sources",
            )
        )
    if df["joined"].notna().any():
        marks.append(
            (Line2D([], [], linestyle="none", marker="$+$", markersize=8, color=_INK), "party joins")
        )
    legend = _grouped_legend(
        fig,
        [
            ("Step type", [(_type_handle(t), TYPE_LABELS[t]) for t in types]),
            ("Step status", [_status_item(s) for s in statuses]),
            ("Lane: current status", lane_items),
            ("Marks", marks),
        ],
        loc="lower left",
        handler_map={tuple: HandlerTuple(ndivide=1)},
    )
    if legend is None:  # nothing to explain: an empty legend keeps the layout code simple
        legend = fig.legend([], [], loc="lower left")
    legend.set_in_layout(False)  # placed by _finish_with_legend
    return legend
