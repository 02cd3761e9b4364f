"""Charts for the notebooks and reports: alliance timeline and network, alliance lifecycles, EV market
share, corpus views.

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

- Large corpora: past a few dozen lanes, nodes or claims a chart draws the most-reported ones (or a
  summary) and its subtitle says "the 30 most-reported of 22,871 company pairs"; the title's finding still
  covers everything (`limits`).

Modules: `style` (palette, rc style, title and source line), `marks` (event markers shared by the time
charts), `limits` (how many lanes / nodes / edges a chart draws), `alliances` (alliance_timeline),
`network` (alliance_network), `lifecycles` and `lifecycle_marks` (lifecycle_timeline), `market`
(market_share_chart, company_share_chart) and `claims` (its summary of many claims), `corpus`
(length_chart, coverage_chart). Everything public is re-exported here: use
`from helpers import charts; charts.alliance_timeline(...)`.
"""

from __future__ import annotations

from .alliances import alliance_timeline
from .corpus import coverage_chart, length_chart
from .lifecycle_marks import LIFECYCLE_STATUS_STYLES
from .lifecycles import lifecycle_timeline
from .market import company_share_chart, market_share_chart, region_color
from .network import alliance_network
from .style import (
    ALLIANCE_STATUSES,
    ALLIANCE_TYPES,
    MARKER_FAMILIES,
    NO_REFERENCE_COLOR,
    OKABE_ITO,
    QUALIFIER_MARKERS,
    QUALIFIER_WORDS,
    REGION_COLORS,
    SOURCE_COLORS,
    STATUS_STYLES,
    TENTATIVE_STATUSES,
    TYPE_COLORS,
    TYPE_LABELS,
    TYPE_MARKERS,
    UNDATED_LABEL,
    UNKNOWN_STATUS_STYLE,
    apply_style,
    short_id,
    source_line,
)

__all__ = [
    "ALLIANCE_STATUSES",
    "ALLIANCE_TYPES",
    "LIFECYCLE_STATUS_STYLES",
    "MARKER_FAMILIES",
    "NO_REFERENCE_COLOR",
    "OKABE_ITO",
    "QUALIFIER_MARKERS",
    "QUALIFIER_WORDS",
    "REGION_COLORS",
    "SOURCE_COLORS",
    "STATUS_STYLES",
    "TENTATIVE_STATUSES",
    "TYPE_COLORS",
    "TYPE_LABELS",
    "TYPE_MARKERS",
    "UNDATED_LABEL",
    "UNKNOWN_STATUS_STYLE",
    "alliance_network",
    "alliance_timeline",
    "apply_style",
    "company_share_chart",
    "coverage_chart",
    "length_chart",
    "lifecycle_timeline",
    "market_share_chart",
    "region_color",
    "short_id",
    "source_line",
]
