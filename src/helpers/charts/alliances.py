"""The alliance timeline: one lane per company pair, each event at the precision its date has.

The network of the same events is in `network`; both read the alliances through `_alliance_frame`.
"""

from __future__ import annotations

import matplotlib as mpl
import matplotlib.dates as mdates
import pandas as pd
from matplotlib.figure import Figure

from .limits import MAX_LANES, shown_of, top_keys
from .marks import (
    _badge_transforms,
    _date_shape,
    _draw_event,
    _pack,
    _precision_items,
    _status_badge,
    _type_marker,
)
from .style import (
    _INK,
    _STYLE,
    ALLIANCE_STATUSES,
    ALLIANCE_TYPES,
    TYPE_LABELS,
    _finish,
    _grouped_legend,
    _message,
    _new_figure,
    _plural,
    _status_item,
    _status_style,
    _type_handle,
    source_line,
)

_CROWDED = 24  # dated events in one lane past which they are merged per year (`_merge_crowded`)


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
    max_lanes: int = MAX_LANES,
) -> Figure:
    """Alliance events on a time axis, one lane per company pair (sorted; only pairs with `focus`).

    Dates are drawn at their stated precision: a day is a filled marker; a month, quarter, year or fiscal
    year is a translucent span over start_date..end_date with a hollow marker at its middle (the event is
    somewhere in there, not on that day); a window (precision "range", or a planned event over a span) is a
    bar. Events without a date go to a separate "Undated" panel on the right, in their lane. Identical
    reports from several articles are drawn once, with a count. `since`/`until` (ISO dates) limit the time
    axis; undated events are still listed. Past `max_lanes` company pairs, only the most-reported pairs
    get a lane (the subtitle says how many of how many); the title still speaks of every pair.
    """
    with mpl.rc_context(_STYLE):
        return _alliance_timeline(alliances, focus, since, until, source_note, max_lanes)


def _alliance_timeline(alliances, focus, since, until, source_note, max_lanes) -> Figure:
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
    n_pairs = len(lanes)
    if n_pairs > max_lanes:
        lanes = sorted(top_keys(events.groupby("lane")["n_reports"].sum(), max_lanes))
        events = events[events["lane"].isin(lanes)]
    events, n_merged = _merge_crowded(events)
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
    counts = f"{_plural(len(timed), 'dated event')}, {len(undated):,} undated{window}"
    if len(lanes) < n_pairs:  # the counts are those of the lanes drawn
        subtitle = f"{shown_of(len(lanes), n_pairs, 'company pair')}: {counts}"
    else:
        subtitle = f"{counts}; one lane per company pair"
    if n_merged:  # over _CROWDED dated events in a lane
        subtitle += (
            f"\n{_plural(n_merged, 'crowded lane')}: one span per type and status, first to last report"
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


def _merge_crowded(events: pd.DataFrame) -> tuple[pd.DataFrame, int]:
    """Lanes with more than `_CROWDED` dated events (a joint venture that every article mentions) become
    piles of overlapping marks. There, the dated events of one type and status are merged into a single
    span from the first to the last date reported, with their reports added up ("x520").

    Returns the events (same columns and order) and the number of lanes merged.
    """
    per_lane = events[events["shape"] != "undated"].groupby("lane").size()
    crowded = per_lane[per_lane > _CROWDED].index
    pick = events["lane"].isin(crowded) & (events["shape"] != "undated")
    if not pick.any():
        return events, 0
    merged = (
        events[pick]
        .groupby(["lane", "type", "status"], dropna=False, sort=True)
        .agg(
            start=("start", "min"),
            end=("end", "max"),
            n_reports=("n_reports", "sum"),
            type_rank=("type_rank", "first"),
        )
        .reset_index()
        .assign(shape="span", precision="range")
    )
    out = pd.concat([events[~pick], merged[events.columns]], ignore_index=True)
    order = ["lane", "start", "type_rank", "status"]
    return out.sort_values(order, kind="stable", na_position="last"), len(crowded)


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
            x = _draw_event(ax, ev, s, e, y)
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
    precision = _precision_items(set(events["shape"]))
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
