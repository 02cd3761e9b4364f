"""Many market-share claims on the reference chart: one summary mark per region and year.

`market_share_chart` draws each claim with a labelled callout, which suits a few dozen claims. A corpus of
10,000 articles makes tens of thousands: their callouts would bury the reference lines (and take minutes to
place). Past `MAX_CLAIMS`, the chart draws for each region and year the median claim (a marker) and the
middle half of the claims (a bar from the 25th to the 75th percentile), without callouts: the claims
table below the chart lists every claim with its verdict.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from .style import _INK, _plural

MAX_CLAIMS = 40  # claims drawn one by one, with a callout each


def draw_claim_summary(ax, comp: pd.DataFrame, shown: Sequence[str], color_of) -> str:
    """Median and 25th-75th percentile of the claims per (reference region, claim year), dodged by region.

    `color_of(region)` gives a region's colour. Returns the subtitle saying what is drawn.
    """
    df = comp.assign(
        value=pd.to_numeric(comp["value"], errors="coerce"),
        claim_year=pd.to_numeric(comp["claim_year"], errors="coerce"),
    )
    df = df[df["reference_region"].isin(shown)].dropna(subset=["value", "claim_year"])
    stats = (
        df.groupby(["reference_region", "claim_year"], sort=True)["value"]
        .describe(percentiles=[0.25, 0.5, 0.75])
        .reset_index()
    )
    regions = [r for r in shown if r in set(stats["reference_region"])]
    width = 0.5 / max(len(regions), 1)
    for k, region in enumerate(regions):
        part = stats[stats["reference_region"] == region]
        xs = part["claim_year"] + 0.12 + k * width
        color = color_of(region)
        ax.vlines(xs, part["25%"], part["75%"], color=color, linewidth=3, alpha=0.55, zorder=3,
                  gid="claim-iqr")  # fmt: skip
        ax.plot(xs, part["50%"], linestyle="none", marker="D", markersize=6, markerfacecolor=color,
                markeredgecolor=_INK, markeredgewidth=0.6, zorder=4, gid="claim-median")  # fmt: skip
    left_out = len(comp) - len(df)
    note = (
        "Lines: reference series; points: median claim per region and year; bars: the middle half of the "
        f"claims (25th-75th percentile)\n{_plural(len(df), 'claim')} drawn"
    )
    if left_out:
        note += f"; {left_out:,} without a reference region are not"
    return note
