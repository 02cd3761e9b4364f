"""The alliance network: companies as nodes, their reported alliances as edges (one per pair and type)."""

from __future__ import annotations

import math
from collections.abc import Iterable

import matplotlib as mpl
import networkx as nx
import numpy as np
import pandas as pd
from matplotlib.backends.backend_agg import RendererAgg
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties
from matplotlib.lines import Line2D
from matplotlib.patches import FancyArrowPatch

from .alliances import _alliance_frame, _canonical_focus, _involves
from .limits import MAX_EDGES, MAX_NODES, shown_of, top_keys
from .style import (
    _INK,
    _MUTED,
    _SEED,
    _STYLE,
    ALLIANCE_TYPES,
    TENTATIVE_STATUSES,
    TYPE_COLORS,
    TYPE_LABELS,
    _blank,
    _finish,
    _message,
    _new_figure,
    _plural,
    _type_handle,
    source_line,
)


def alliance_network(
    alliances: pd.DataFrame,
    mentions: pd.DataFrame | None = None,
    focus: str | None = None,
    source_note: str | None = None,
    max_nodes: int = MAX_NODES,
    max_edges: int = MAX_EDGES,
) -> Figure:
    """Companies as nodes, reported alliances as edges (one per company pair and type).

    Node area is proportional to the company's mention count in `mentions` (kind "company", by canonical
    name; without `mentions`, to its number of alliances). Edges are coloured by type; several types
    between the same pair are drawn as parallel curved edges; an edge is dashed when every report of it
    is tentative (exploring, planned or cancelled) and thicker when more articles report it. With `focus`,
    only alliances involving that company are drawn. The layout is a seeded spring layout and labels are
    placed by a deterministic pass that keeps them off each other and off the nodes. Past `max_nodes`
    companies, only the most-reported ones are drawn (with `focus`: it and its most-reported partners),
    and of the alliances among them the `max_edges` most-reported; the subtitle says so, and the title
    still speaks of every company.
    """
    with mpl.rc_context(_STYLE):
        return _alliance_network(alliances, mentions, focus, source_note, max_nodes, max_edges)


def _strongest(edges: pd.DataFrame, focus: str | None, max_nodes: int, max_edges: int):
    """The edges among the `max_nodes` most-reported companies, at most `max_edges` of them (the most
    reported), and the subtitle that says what is drawn of how much."""
    companies = pd.concat([edges["first"], edges["second"]]).nunique()
    reports = pd.concat(
        [edges.groupby("first")["n_reports"].sum(), edges.groupby("second")["n_reports"].sum()]
    )
    kept = set(top_keys(reports.groupby(level=0).sum(), max_nodes, keep=focus))
    among = edges[edges["first"].isin(kept) & edges["second"].isin(kept)]
    strongest = among.sort_values(
        ["n_reports", "first", "second", "type_rank"], ascending=[False, True, True, True], kind="stable"
    ).head(max_edges)
    drawn = strongest.sort_values(["first", "second", "type_rank"], kind="stable").reset_index(drop=True)
    n_drawn = pd.concat([drawn["first"], drawn["second"]]).nunique()
    subtitle = (
        f"{shown_of(n_drawn, companies, 'company', 'companies')}; "
        f"{shown_of(len(drawn), len(among), 'alliance')} among them (company pair and type)"
    )
    return drawn, subtitle


def _alliance_network(alliances, mentions, focus, source_note, max_nodes, max_edges) -> Figure:
    df = _alliance_frame(alliances)
    focus = _canonical_focus(df, focus)
    df = df[_involves(df, focus) & (df["first"] != df["second"])]
    # an edge is tentative when it has a status and every status it has is tentative
    flags = df.assign(
        has_status=df["status"].notna(), tentative=df["status"].isna() | df["status"].isin(TENTATIVE_STATUSES)
    )
    edges = (
        flags.groupby(["first", "second", "type"], sort=True)
        .agg(
            n_reports=("article_id", "size"), has_status=("has_status", "any"), tentative=("tentative", "all")
        )
        .reset_index()
    )
    edges["tentative"] &= edges["has_status"]
    edges["type_rank"] = edges["type"].map(ALLIANCE_TYPES.index)
    edges = edges.sort_values(["first", "second", "type_rank"], kind="stable").reset_index(drop=True)
    nodes = sorted(set(edges["first"]) | set(edges["second"]))
    n_edges = len(edges)
    degree = dict(nx.Graph(list(zip(edges["first"], edges["second"], strict=True))).degree())  # for the title
    subtitle = f"{_plural(len(nodes), 'company')}, {_plural(n_edges, 'alliance')} (company pair and type)"
    n_companies = len(nodes)
    if n_companies > max_nodes or n_edges > max_edges:
        edges, subtitle = _strongest(edges, focus, max_nodes, max_edges)
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
            tentative = bool(edge["tentative"])
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

    if focus:
        title = (
            f"{focus} has {_plural(degree.get(focus, 0), 'alliance partner')} across "
            f"{_plural(n_edges, 'reported alliance')}"
        )
    else:
        hub, k = sorted(degree.items(), key=lambda kv: (-kv[1], kv[0]))[0]
        title = f"{hub} links to {k:,} of the {n_companies - 1:,} other companies in the reported alliances"
    ax.set_title(subtitle)
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
