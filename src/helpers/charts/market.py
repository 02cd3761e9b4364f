"""EV market-share charts: reference series vs the corpus' claims, and company-level EV shares.

`market` below is `helpers.market` (claims, comparison, number formatting), not this module.
"""

from __future__ import annotations

import math
import textwrap
from collections.abc import Sequence

import matplotlib as mpl
import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from .. import market
from .claims import MAX_CLAIMS, draw_claim_summary
from .style import (
    _EXTRA_REGION_COLORS,
    _HORIZONTAL_MARKERS,
    _INK,
    _MUTED,
    _STYLE,
    NO_REFERENCE_COLOR,
    OKABE_ITO,
    QUALIFIER_MARKERS,
    QUALIFIER_WORDS,
    REGION_COLORS,
    _finish,
    _message,
    _new_figure,
    _plural,
    short_id,
    source_line,
)


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
    max_claims: int = MAX_CLAIMS,
) -> Figure:
    """Reference EV share of new car sales per region and year (lines), corpus claims on top (points).

    `claims` is the output of `market.share_claims` (or of `market.compare_claims`; it is compared with
    default tolerances when it has no `verdict`). Each claim is drawn in its region's colour at its claim
    year with a marker for its qualifier: a bar of +/- the comparison tolerance for "approximately", an
    arrow up for "more than / at least", down for "less than / up to"; it is annotated with its value,
    the short article id and the verdict. Regions of claims are added to `regions`. Past `max_claims`
    claims, each region and year gets one summary mark instead (`charts.claims`); the title still counts
    every claim.
    """
    with mpl.rc_context(_STYLE):
        return _market_share_chart(reference, claims, regions, source_note, max_claims)


def _market_share_chart(reference, claims, regions, source_note, max_claims) -> Figure:
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
    many = len(comp) > max_claims
    room = 0.9 if many else 2.9 if len(comp) else 0.4  # room on the right for the claim callouts
    ax.set_xlim(xmin - 0.4, xmax + room)
    ax.set_ylabel("EV share of new car sales (%)")
    ax.grid(axis="x", visible=False)
    if many:
        summary = draw_claim_summary(ax, comp, shown, lambda region: region_color(region, shown))
        n_comp = len(comp)
    else:
        n_comp = _draw_claims(fig, ax, comp, shown, callout_x=xmax + 0.55)

    handles, labels = ax.get_legend_handles_labels()
    present = set(comp["qualifier"]) if len(comp) and not many else set()
    if many:
        median = Line2D([], [], linestyle="none", marker="D", markersize=6, markerfacecolor="white",
                        markeredgecolor=_INK)  # fmt: skip
        handles.append(median)
        labels.append("claims: median and middle half")
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
        if many:
            subtitle = summary
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
    max_rows: int = 30,
) -> Figure:
    """Company-level EV shares (figures with market_kind "company" and kind "percent") as a dot chart.

    One row per figure, labelled with the company, what the figure measures and its period; the marker
    shows the qualifier, with an arrow for bounds (left for "less than / up to", right for "more than /
    at least"). With `ev_share_only` (default) only figures flagged `is_ev_share` are drawn, so a "15%
    workforce cut" never appears as a sales share. With `reference`, the World EV share of the same year
    is drawn as a vertical line for context. Past `max_rows` figures, the highest and the lowest half of
    `max_rows` each are drawn (the subtitle says so); the title still speaks of every figure.
    """
    with mpl.rc_context(_STYLE):
        return _company_share_chart(figures, source_note, reference, ev_share_only, max_rows)


def _company_share_chart(figures, source_note, reference, ev_share_only, max_rows) -> Figure:
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
    everything = f
    if len(f) > max_rows:
        f = pd.concat([f.head(max_rows - max_rows // 2), f.tail(max_rows // 2)]).reset_index(drop=True)

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

    shown = (
        f"the {len(f) - max_rows // 2} highest and {max_rows // 2} lowest of "
        if len(f) < len(everything)
        else ""
    )
    f = everything  # the title speaks of every figure
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
        f"{shown}{_plural(len(f), 'figure')} on a company's EV share of sales; shaded: the range a bound allows"
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
