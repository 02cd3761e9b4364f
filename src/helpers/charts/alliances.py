"""Alliance charts: the timeline (one lane per company pair) and the network (companies and their ties)."""

from __future__ import annotations

import math
from collections.abc import Iterable

import matplotlib as mpl
import matplotlib.dates as mdates
import networkx as nx
import numpy as np
import pandas as pd
from matplotlib.backends.backend_agg import RendererAgg
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties
from matplotlib.lines import Line2D
from matplotlib.patches import FancyArrowPatch

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
    _MUTED,
    _SEED,
    _STYLE,
    ALLIANCE_STATUSES,
    ALLIANCE_TYPES,
    TENTATIVE_STATUSES,
    TYPE_COLORS,
    TYPE_LABELS,
    _blank,
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
