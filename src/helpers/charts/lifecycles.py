"""Alliance lifecycles on a time axis: one lane per alliance, its steps in order, its current status.

Input is the pair of tables `helpers.lifecycle.build_lifecycles` returns (alliance_steps and
alliance_lifecycles). The marks follow `alliance_timeline`: a step's colour and shape give its type, the
glyph at its upper right its status, and its date is drawn at its precision (a day is a filled marker, a
month / quarter / year a translucent span with a hollow marker, a window a bar). Around each marker: a
small "p" at the lower left when the date is the article's publication date (the step happened by then),
a black "!" on a yellow disc at the upper left when sources disagree, "×N" at the lower right when N
articles report the step, and "+Party" to the right of the step at which a party joined. Steps whose
marks would touch stack below the lane line, in history order. The lane line itself shows the alliance's
current status (`LIFECYCLE_STATUS_STYLES`).
"""

from __future__ import annotations

import matplotlib as mpl
import matplotlib.dates as mdates
import pandas as pd
from matplotlib.backends.backend_agg import RendererAgg
from matplotlib.figure import Figure

from .. import lifecycle
from .lifecycle_marks import (
    _GAP,
    _JOIN_FONT,
    _JOINED_DX,
    _MARKER_PT,
    _ROW,
    _corner_marks,
    _corner_transforms,
    _draw_undated,
    _lane_style,
    _legend,
    _status_labels,
    _text,
)
from .limits import MAX_LIFECYCLE_LANES, shown_of
from .marks import (
    _badge_transforms,
    _date_shape,
    _draw_event,
    _status_badge,
)
from .style import (
    _MUTED,
    _STYLE,
    ALLIANCE_STATUSES,
    ALLIANCE_TYPES,
    _finish,
    _message,
    _new_figure,
    _plural,
    source_line,
)


def lifecycle_timeline(
    steps: pd.DataFrame | None,
    lifecycles: pd.DataFrame | None = None,
    focus: str | None = None,
    since: str | None = None,
    until: str | None = None,
    source_note: str | None = None,
    max_lanes: int = MAX_LIFECYCLE_LANES,
) -> Figure:
    """Alliance lifecycles on a time axis: one lane per alliance (labelled with its parties).

    `steps` and `lifecycles` are the alliance_steps and alliance_lifecycles tables of
    `helpers.lifecycle.build_lifecycles` (`lifecycles` gives each lane's label and current status; without
    it both come from the steps). Lanes are ordered by their first dated step. A step is drawn at its date
    and precision like an event of `alliance_timeline`; a date that is only the article's publication date
    gets a "p"; a step that sources disagree on gets a yellow "!" badge; a step reported by N articles
    gets "×N"; a party joining is written beside its step; steps without a date go to an "Undated" panel. The
    lane line runs from the first to the last reported step in the style of the alliance's current status
    (`LIFECYCLE_STATUS_STYLES`), dotted on to forecast steps (dated after the newest source). With `focus`,
    only alliances that company is part of; `since` / `until` (ISO dates) limit the time axis. Past
    `max_lanes` alliances, only those with the most steps (then reports) get a lane; the subtitle says how
    many of how many, and the title still speaks of every alliance.
    """
    with mpl.rc_context(_STYLE):
        return _lifecycle_timeline(steps, lifecycles, focus, since, until, source_note, max_lanes)


# --------------------------------------------------------------------------------------------- tables


def _flag(value: object) -> bool:
    """True for True / 1 / "true" (any case); False for False, 0, missing and anything else."""
    if isinstance(value, str):
        return value.strip().casefold() in ("true", "1", "yes")
    try:
        return bool(value) and not pd.isna(value)
    except (TypeError, ValueError):
        return False


def _step_frame(steps: pd.DataFrame | None) -> pd.DataFrame:
    """Steps with vocabulary-checked type and status, parsed dates, flags and their date shape."""
    cols = ["alliance_id", "step_no", "date", "precision", "date_basis", "type", "status", "sources"]
    cols += ["n_sources", "conflict", "start_date", "end_date", "parties", "joined", "future", "evidence"]
    df = pd.DataFrame(columns=cols) if steps is None else steps.copy()
    for col in cols:
        if col not in df.columns:
            df[col] = None
    df = df.astype({"alliance_id": object, "parties": object, "type": object, "status": object})
    df["parties"] = [_text(p) or "unnamed alliance" for p in df["parties"]]
    df["alliance_id"] = [_text(a) or p for a, p in zip(df["alliance_id"], df["parties"], strict=True)]
    df["type"] = df["type"].where(df["type"].isin(ALLIANCE_TYPES), "other")
    df["status"] = df["status"].where(df["status"].isin(ALLIANCE_STATUSES), None)
    df["step_no"] = pd.to_numeric(df["step_no"], errors="coerce").fillna(0).astype(int)
    df["n_reports"] = pd.to_numeric(df["n_sources"], errors="coerce").fillna(1).clip(lower=1).astype(int)
    df["conflict"] = [_flag(c) for c in df["conflict"]]
    df["future"] = [_flag(f) for f in df["future"]]
    df["joined"] = [_text(j) for j in df["joined"]]
    start = pd.to_datetime(df["start_date"], errors="coerce", format="ISO8601")
    end = pd.to_datetime(df["end_date"], errors="coerce", format="ISO8601")
    df["start"] = start.fillna(end)
    df["end"] = end.fillna(start)
    swapped = df["end"] < df["start"]
    df.loc[swapped, ["start", "end"]] = df.loc[swapped, ["end", "start"]].to_numpy()
    basis = df["date_basis"].where(df["date_basis"].isin(["event", "published", "unknown"]), None)
    df["basis"] = basis.fillna("event").where(df["start"].notna(), "unknown")
    df.loc[df["basis"] == "unknown", ["start", "end"]] = pd.NaT
    df["shape"] = [
        _date_shape(p, s, st, e)
        for p, s, st, e in zip(df["precision"], df["status"], df["start"], df["end"], strict=True)
    ]
    return df.sort_values(["parties", "alliance_id", "step_no"], kind="stable").reset_index(drop=True)


def _lane_frame(lifecycles: pd.DataFrame | None, df: pd.DataFrame) -> pd.DataFrame:
    """One row per alliance in the steps: parties, party set, current status (from `lifecycles`)."""
    known: dict[str, dict] = {}
    if lifecycles is not None and len(lifecycles) and "alliance_id" in lifecycles.columns:
        for rec in lifecycles.to_dict("records"):
            aid = _text(rec.get("alliance_id"))
            if aid is not None:
                known[aid] = rec
    first_parties = df.groupby("alliance_id", sort=True)["parties"].first()
    settled = df[~df["future"] & df["status"].notna()].groupby("alliance_id")["status"].last()
    rows = []
    for aid, first in first_parties.items():
        rec = known.get(aid, {})
        parties = _text(rec.get("parties")) or first
        status = rec.get("current_status")
        if status not in ALLIANCE_STATUSES:
            status = settled.get(aid)  # the status of its last settled step
        rows.append(
            {
                "alliance_id": aid,
                "parties": parties,
                "members": frozenset(p.strip() for p in parties.split(" + ")),
                "current_status": status,
                "last_seen": _text(rec.get("last_seen")),
            }
        )
    return pd.DataFrame(rows, columns=["alliance_id", "parties", "members", "current_status", "last_seen"])


def _canonical_focus(lanes: pd.DataFrame, focus: str | None) -> str | None:
    if not focus:
        return None
    names = sorted(set().union(*lanes["members"])) if len(lanes) else []
    return next((n for n in names if n.casefold() == focus.casefold()), focus)


def _window(df: pd.DataFrame, since: str | None, until: str | None) -> tuple[pd.DataFrame, set, set]:
    """The steps in the window, and the alliances with steps before it / after it (their lanes go on)."""
    dated = df["shape"] != "undated"
    before = dated & (df["end"] < pd.Timestamp(since)) if since else pd.Series(False, index=df.index)
    after = dated & (df["start"] > pd.Timestamp(until)) if until else pd.Series(False, index=df.index)
    after &= ~df["future"]  # a forecast is no continuation of the reported lane
    return df[~(before | after)], set(df.loc[before, "alliance_id"]), set(df.loc[after, "alliance_id"])


def _sources_frame(df: pd.DataFrame) -> pd.DataFrame:
    """The articles behind the steps (the `sources` column: ", "-joined ids) for the source line."""
    ids = sorted({i.strip() for s in df["sources"] if _text(s) for i in str(s).split(",") if i.strip()})
    return pd.DataFrame({"article_id": ids})


# -------------------------------------------------------------------------------------------- finding


def _phrase(group: pd.DataFrame, row: pd.Series) -> str:
    before = group[group["step_no"] < row["step_no"]]
    previous = before["status"].iloc[-1] if len(before) else None
    return lifecycle.step_phrase(str(row["type"]), str(row["status"]), _text(row["evidence"]) or "", previous)


def _current_step(group: pd.DataFrame, lane: pd.Series) -> pd.Series:
    """The step that sets the alliance's current status (else its last reported step)."""
    settled = group[~group["future"]]
    pool = settled if len(settled) else group
    same = pool[pool["status"] == lane["current_status"]]
    if lane["last_seen"] is not None and (same["date"] == lane["last_seen"]).any():
        same = same[same["date"] == lane["last_seen"]]
    return (same if len(same) else pool).iloc[-1]


def _story(group: pd.DataFrame, lane: pd.Series) -> str:
    """'7 steps from joint development under discussion to merger talks ended'."""
    first, last = group.iloc[0], _current_step(group, lane)
    if len(group) == 1:
        return f"1 step, {_phrase(group, first)}"
    return f"{_plural(len(group), 'step')} from {_phrase(group, first)} to {_phrase(group, last)}"


def _ranked(df: pd.DataFrame, lanes: pd.DataFrame) -> pd.DataFrame:
    """The lanes, the alliance with the most steps first (then the most reports, then by parties)."""
    per = df.groupby("alliance_id").agg(steps=("step_no", "size"), reports=("n_reports", "sum"))
    return lanes.join(per, on="alliance_id").sort_values(
        ["steps", "reports", "parties"], ascending=[False, False, True], kind="stable"
    )


def _finding(df: pd.DataFrame, lanes: pd.DataFrame, focus: str | None) -> str:
    disputed = int(df["conflict"].sum())
    tail = f"; sources disagree on {_plural(disputed, 'step')}" if disputed else ""
    lead = _ranked(df, lanes).iloc[0]
    story = _story(df[df["alliance_id"] == lead["alliance_id"]], lead)
    if len(lanes) == 1:
        return f"{lead['parties']}: {story}{tail}"
    ended = int((lanes["current_status"] == "cancelled").sum())
    head = f"{focus} is in {_plural(len(lanes), 'alliance')}" if focus else _plural(len(lanes), "alliance")
    head += f" ({ended:,} ended)" if ended else ""
    return f"{head}; {lead['parties']}: {story}{tail}"


# ---------------------------------------------------------------------------------------------- chart


def _most_reported(df: pd.DataFrame, lanes: pd.DataFrame, max_lanes: int) -> pd.DataFrame:
    """The `max_lanes` alliances with the most steps, then the most reports (the ranking of `_finding`)."""
    chosen = set(_ranked(df, lanes)["alliance_id"].head(max_lanes))
    return lanes[lanes["alliance_id"].isin(chosen)]


def _lifecycle_timeline(steps, lifecycles, focus, since, until, source_note, max_lanes) -> Figure:
    df = _step_frame(steps)
    lanes = _lane_frame(lifecycles, df)
    focus = _canonical_focus(lanes, focus)
    if focus:
        lanes = lanes[[focus in m for m in lanes["members"]]]
    df, cut_before, cut_after = _window(df[df["alliance_id"].isin(set(lanes["alliance_id"]))], since, until)
    lanes = lanes[lanes["alliance_id"].isin(set(df["alliance_id"]))]
    source = source_note or source_line(_sources_frame(df))
    n_alliances = len(lanes)
    finding = _finding(df, lanes, focus) if n_alliances else ""  # about every alliance, drawn or not
    if n_alliances > max_lanes:
        lanes = _most_reported(df, lanes, max_lanes)
        df = df[df["alliance_id"].isin(set(lanes["alliance_id"]))]
    timed = df[df["shape"] != "undated"]
    undated = df[df["shape"] == "undated"]

    if lanes.empty:
        fig = _new_figure(11.5, 3.6)
        ax = fig.subplots()
        where = f" involving {focus}" if focus else ""
        _message(ax, "No alliance lifecycles" + where + (" in this window" if since or until else ""))
        return _finish(fig, "No alliance lifecycles reported" + where, source)

    first = timed.groupby("alliance_id")["start"].min()
    lanes = lanes.assign(first=lanes["alliance_id"].map(first))
    lanes = lanes.sort_values(["first", "parties", "alliance_id"], kind="stable", na_position="last")
    lanes = lanes.reset_index(drop=True)

    per_lane_undated = int(undated.groupby("alliance_id").size().max()) if len(undated) else 0
    left, right = _x_range(timed, since, until)
    label_chars = int(lanes["parties"].str.len().max())
    main_ratio = 7.5 if len(timed) else 4.0
    undated_ratio = max(1.0, 0.55 * per_lane_undated) if len(undated) else 0.0
    axis_pt = (11.5 - 0.9 - 0.075 * label_chars - 1.0) * 72 * main_ratio / (main_ratio + undated_ratio)
    per_pt = (right - left) / max(axis_pt, 100.0)  # x data units (days) per point, roughly
    rows = _rows(timed, per_pt)
    n_rows = {aid: max([rows[i] for i in g.index], default=0) + 1 for aid, g in timed.groupby("alliance_id")}
    base, y = {}, 0.0
    for aid in lanes["alliance_id"]:
        base[aid] = y
        y += n_rows.get(aid, 1) * _ROW + _GAP
    bottom = y - _GAP - _ROW + 0.55

    fig = _new_figure(11.5, 1.5 + 0.37 * (bottom + 1.1))  # + the legend's height, below
    if len(undated):
        ax, ax_u = fig.subplots(1, 2, sharey=True, width_ratios=[main_ratio, undated_ratio])
    else:
        ax, ax_u = fig.subplots(), None
    ax.set_ylim(bottom, -0.6)
    ax.set_yticks([base[a] for a in lanes["alliance_id"]], list(lanes["parties"]))
    ax.tick_params(axis="y", length=0)
    ax.grid(axis="y", visible=False)
    order = list(lanes["alliance_id"])
    for above, aid in zip(order, order[1:], strict=False):  # a rule halfway between two lanes
        last_row = base[above] + (n_rows.get(above, 1) - 1) * _ROW
        ax.axhline((last_row + base[aid]) / 2, color="#e2e2e2", linewidth=0.8, zorder=0)

    n_pub = int((df["basis"] == "published").sum())
    window = f"; window {since or '...'} to {until or '...'}" if since or until else ""
    subtitle = (
        f"{_plural(len(df), 'step')} ({n_pub:,} dated by publication, {len(undated):,} undated){window}"
    )
    if len(lanes) < n_alliances:  # the counts are those of the lanes drawn
        subtitle = f"{shown_of(len(lanes), n_alliances, 'alliance')}: {subtitle}"
    ax.set_title(subtitle)
    if len(timed):
        ax.set_xlim(left, right)
        locator = mdates.AutoDateLocator(minticks=4, maxticks=10)
        ax.xaxis.set_major_locator(locator)
        ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))
        for lane in lanes.itertuples(index=False):
            cut = (lane.alliance_id in cut_before, lane.alliance_id in cut_after)
            _draw_lane(
                fig, ax, timed[timed["alliance_id"] == lane.alliance_id], lane, base, rows, cut, per_pt
            )
    else:
        _message(ax, "No dated steps" + (f" in {window[2:]}" if window else ""))
        ax.set_yticks([base[a] for a in lanes["alliance_id"]], list(lanes["parties"]))
    if ax_u is not None:
        _draw_undated(fig, ax_u, undated, base, per_lane_undated)
    _status_labels(ax_u if ax_u is not None else ax, lanes, base)
    legend = _legend(fig, df, lanes)
    return _finish_with_legend(fig, legend, finding, source)


def _finish_with_legend(fig: Figure, legend, title: str, source: str) -> Figure:
    """Grow the figure by the legend's height and put the legend between the plot and the source line."""
    renderer = RendererAgg(int(fig.bbox.width), int(fig.bbox.height), fig.dpi)
    width, height = fig.get_size_inches()
    legend_in = legend.get_window_extent(renderer).height / fig.dpi + 0.1
    fig.set_size_inches(width, round(height + legend_in, 1))
    _finish(fig, title, source)
    engine = fig.get_layout_engine()
    left, bottom, w, h = engine.get()["rect"]
    share = legend_in / fig.get_size_inches()[1]
    legend.set_bbox_to_anchor((0.005, bottom), transform=fig.transFigure)
    engine.set(rect=(left, bottom + share, w, h - share))
    return fig


def _x_range(timed: pd.DataFrame, since: str | None, until: str | None) -> tuple[float, float]:
    if timed.empty:
        return 0.0, 1.0
    x0 = timed["start"].min()
    x1 = timed["end"].max() + pd.Timedelta(days=1)
    pad = max((x1 - x0) * 0.06, pd.Timedelta(days=45))
    lo = pd.Timestamp(since) if since else x0 - pad
    hi = pd.Timestamp(until) + pd.Timedelta(days=1) if until else x1 + pad
    return float(mdates.date2num(lo)), float(mdates.date2num(hi))


def _x(ev) -> tuple[float, float, float]:
    """(start, end, marker x) of a step in data units; end dates are inclusive."""
    s = mdates.date2num(ev["start"])
    e = mdates.date2num(ev["end"] + pd.Timedelta(days=1))
    return s, e, ((s + e) / 2 if ev["shape"] == "span" else s)


def _footprint(ev: pd.Series) -> tuple[float, float]:
    """Points a step's marks take left and right of its marker: badges, "×N", "+Party"."""
    left = _MARKER_PT + (10.0 if ev["conflict"] or ev["basis"] == "published" else 0.0)
    right = 13.0 + (9.0 if ev["n_reports"] > 1 else 0.0)  # the status glyph, then "×N" below it
    joined = _text(ev["joined"])
    if joined:
        right = max(right, _JOINED_DX + len(joined) * _JOIN_FONT * 0.58)
    return left + 2.0, right + 2.0


def _rows(timed: pd.DataFrame, per_pt: float) -> dict[int, int]:
    """The stacked row of every dated step: steps whose marks would touch go on separate rows."""
    rows: dict[int, int] = {}
    for _, group in timed.groupby("alliance_id", sort=True):
        spans = []
        for _, ev in group.iterrows():
            s, e, x = _x(ev)
            left, right = _footprint(ev)
            spans.append((min(s, x - left * per_pt), max(e, x + right * per_pt)))
        taken: list[list[tuple[float, float]]] = []
        for i, (a, b) in zip(group.index, spans, strict=True):  # history order: step 1 on the lane line
            row = next((r for r, used in enumerate(taken) if all(b < c or a > d for c, d in used)), None)
            if row is None:
                taken.append([])
                row = len(taken) - 1
            taken[row].append((a, b))
            rows[i] = row
    return rows


def _draw_lane(
    fig: Figure, ax, group: pd.DataFrame, lane, base: dict, rows: dict[int, int], cut, per_pt
) -> None:
    """The lane line (current status), dotted on to forecast steps, then every dated step of the lane.

    `cut` = (steps before the window, steps after it): the lane line then runs to that edge of the axis.
    `per_pt`: x data units per point.
    """
    y0 = base[lane.alliance_id]
    style = _lane_style(lane.current_status)
    line = {"color": style["color"], "linewidth": style["linewidth"], "zorder": 1}
    settled, ahead = group[~group["future"]], group[group["future"]]
    end = None
    if len(settled):
        xs = [_x(ev) for _, ev in settled.iterrows()]
        start, end = min(s for s, _, _ in xs), max(e for _, e, _ in xs)
        start = ax.get_xlim()[0] if cut[0] else start
        end = ax.get_xlim()[1] if cut[1] else end
        ax.plot([start, end], [y0, y0], linestyle=style["linestyle"], gid=f"lane:{lane.alliance_id}", **line)
    if len(ahead):
        go = end if end is not None else min(_x(ev)[0] for _, ev in ahead.iterrows())
        stop = max(_x(ev)[2] for _, ev in ahead.iterrows())
        ax.plot([go, stop], [y0, y0], linestyle=":", gid="forecast", **{**line, "linewidth": 1.4})
    ended = end is not None and not cut[1] and not _ends_with_cancellation(settled, rows, end)
    if style.get("end") and ended:
        # an x at the lane's end, clear of the last mark on the line (a cancellation there is its own x)
        last = max((_x(ev)[2] for i, ev in settled.iterrows() if rows[i] == 0), default=end)
        ax.plot(
            [max(end, last + 16 * per_pt)],
            [y0],
            linestyle="none",
            marker="x",
            markersize=8,
            markeredgewidth=2.2,
            color=_MUTED,
            zorder=3,
            gid="lane-end",
        )
    badge, count_at = _badge_transforms(fig, ax)
    marks = _corner_transforms(fig, ax)
    for i, ev in group.iterrows():
        y = y0 + rows[i] * _ROW
        s, e, _ = _x(ev)
        x = _draw_event(ax, ev, s, e, y, bar_height=0.44)
        _status_badge(ax, x, y, ev, badge, count_at)
        _corner_marks(ax, x, y, ev, marks)


def _ends_with_cancellation(settled: pd.DataFrame, rows: dict[int, int], end: float) -> bool:
    """Is the last mark on the lane line a cancellation (whose X marker already ends the lane)?"""
    on_line = [(_x(ev)[1], ev) for i, ev in settled.iterrows() if rows[i] == 0]
    last = [ev for e, ev in on_line if e == end]
    return bool(last) and all(ev["type"] == "cancellation" or ev["status"] == "cancelled" for ev in last)
