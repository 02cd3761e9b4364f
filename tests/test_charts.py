"""Charts: the artists each chart draws for small hand-made tables, titles, source lines, determinism."""

from __future__ import annotations

import io
import itertools

import matplotlib

matplotlib.use("Agg")

import matplotlib.dates as mdates  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402
from matplotlib.backends.backend_agg import FigureCanvasAgg  # noqa: E402
from matplotlib.colors import to_rgb  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

from helpers import charts, config, market  # noqa: E402
from helpers.charts import limits  # noqa: E402

IDS = ["25fdc4aa86ae949a", "f90200962435e0fd", "3874687b3e80a4a0", "11471af1e251f926", "30283c4c8da0b89a"]
COLUMNS = [
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


@pytest.fixture
def alliances() -> pd.DataFrame:
    """The seeds' alliances, roughly as the extraction stage reports them, plus two planned windows."""
    a0, a1, a2, a3, a4 = IDS
    rows = [
        (a0, "Nissan", "Mitsubishi Motors", "joint_development", "announced", "2024-04-02", "day", "2024-04-02", "2024-04-02"),
        (a0, "Nissan", "Mitsubishi Motors", "technology_sharing", "planned", None, None, None, None),
        (a0, "Nissan", "Mitsubishi Motors", "joint_development", "planned", "2027/2031", "range", "2027-01-01", "2031-12-31"),
        (a0, "Nissan", "Mitsubishi Motors", "supply", "planned", "FY2026", "fiscal_year", "2026-04-01", "2027-03-31"),
        (a1, "Nissan", "Fisker", "investment", "exploring", None, None, None, None),
        (a1, "Nissan", "Fisker", "platform_sharing", "exploring", None, None, None, None),
        (a1, "Nissan", "Renault", "scale_back", "reduced", None, None, None, None),
        (a2, "Nissan", "Honda", "mou", "signed", "2024-03", "month", "2024-03-01", "2024-03-31"),
        (a2, "Nissan", "Renault", "platform_sharing", "active", None, None, None, None),
        (a2, "Nissan", "Renault", "scale_back", "reduced", "2023", "year", "2023-01-01", "2023-12-31"),
        (a2, "Renault", "Geely", "other", "signed", None, None, None, None),
        (a2, "Honda", "General Motors", "cancellation", "cancelled", None, None, None, None),
        (a2, "Honda", "General Motors", "platform_sharing", "active", None, None, None, None),
        (a2, "Nissan", "Mitsubishi Motors", "other", "active", None, None, None, None),
        (a3, "Nissan", "Mitsubishi Corporation", "mou", "signed", "2024-03", "month", "2024-03-01", "2024-03-31"),
        (a4, "Nissan", "Honda", "joint_development", "exploring", None, None, None, None),
        (a4, "Nissan", "Fisker", "investment", "exploring", None, None, None, None),
    ]  # fmt: skip
    frame = pd.DataFrame(rows, columns=COLUMNS)
    frame["value_usd"] = np.nan
    frame["evidence"] = "..."
    frame["confidence"] = 0.8
    return frame


@pytest.fixture
def mentions() -> pd.DataFrame:
    counts = {"Nissan": 40, "Honda": 14, "Fisker": 9, "Mitsubishi Motors": 6, "Renault": 5, "Geely": 1}
    names = [name for name, n in counts.items() for _ in range(n)] + [
        "General Motors",
        "Mitsubishi Corporation",
    ]
    frame = pd.DataFrame({"article_id": IDS[0], "kind": "company", "text": names, "canonical": names})
    place = pd.DataFrame(
        {"article_id": [IDS[0]] * 50, "kind": "place", "text": "Nissan", "canonical": "Nissan"}
    )
    return pd.concat([frame, place], ignore_index=True)  # places must not count as company mentions


@pytest.fixture
def figures() -> pd.DataFrame:
    base = {"kind": "percent", "unit": "%", "period": None, "period_start": None, "period_end": None}
    rows = [
        {**base, "article_id": IDS[4], "value": 20.0, "qualifier": "approximately", "market": "China",
         "market_kind": "market", "is_ev_share": True, "subject": "EV share of the car market"},
        {**base, "article_id": IDS[4], "value": 2.0, "qualifier": "exact", "market": "Japan",
         "market_kind": "market", "is_ev_share": True, "subject": "EV share of the car market"},
        {**base, "article_id": IDS[2], "value": 0.5, "qualifier": "less_than", "market": "Honda",
         "market_kind": "company", "is_ev_share": True, "period": "first nine months of 2023",
         "period_start": "2023-01-01", "period_end": "2023-09-30",
         "subject": "battery-electric share of worldwide car sales"},
        {**base, "article_id": IDS[1], "value": 15.0, "qualifier": "exact", "market": "Fisker",
         "market_kind": "company", "is_ev_share": False, "subject": "workforce cut"},
        {**base, "article_id": "aaaabbbbccccdddd", "value": 20.0, "qualifier": "more_than", "market": "Europe",
         "market_kind": "market", "is_ev_share": True, "period": "2023", "period_start": "2023-01-01",
         "period_end": "2023-12-31", "subject": "EV share"},
    ]  # fmt: skip
    return pd.DataFrame(rows)


@pytest.fixture
def articles() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "article_id": IDS,
            "title": [
                "Nissan and Mitsubishi Forge Alliance On EV Pickup Truck For U.S. Market",
                None,
                "Nissan, Honda Confirm New EV Partnership",
                "Next-generation mobility and energy solutions addressed in Japan by Nissan and Mitsubishi",
                "Nissan and Honda Contemplate Collaborative Future in EVs",
            ],
            "source": [
                None,
                "Auto Plus",
                "carz.com.my",
                "Automotive Powertrain Technology International",
                "DAX Street",
            ],
            "published": ["2024-04-02", "2024-03", "2024-03", "2024-03", "2024-03"],
            "published_precision": ["day", "month", "month", "month", "month"],
            "n_chars_raw": [3100, 4800, 3900, 2600, 2300],
            "n_chars_clean": [2300, 4300, 3500, 2500, 1500],
            "duplicate_of": [None] * 5,
        }
    )


@pytest.fixture(scope="module")
def reference() -> pd.DataFrame:
    return market.load_reference()


@pytest.fixture
def claims(figures, articles) -> pd.DataFrame:
    return market.share_claims(figures, articles)


# ------------------------------------------------------------------------------------------- helpers


def title(fig: Figure) -> str:
    return fig._suptitle.get_text().replace("\n", " ")


def source(fig: Figure) -> str:
    lines = [t.get_text() for t in fig.texts if t.get_gid() == "source"]
    assert len(lines) == 1, "every chart has exactly one source line"
    return lines[0].replace("\n", " ")


def by_gid(ax, gid: str) -> list:
    return [a for a in ax.get_children() if a.get_gid() == gid]


def gid_prefix(ax, prefix: str) -> list:
    return [a for a in ax.get_children() if (a.get_gid() or "").startswith(prefix)]


def rendered(fig: Figure):
    """Draw the figure on an Agg canvas and return its renderer (for measuring text on screen)."""
    canvas = FigureCanvasAgg(fig)
    canvas.draw()
    return canvas.get_renderer()


def ticklabels(ax, axis: str = "y") -> list[str]:
    labels = ax.get_yticklabels() if axis == "y" else ax.get_xticklabels()
    return [t.get_text() for t in labels]


def all_texts(fig: Figure) -> list[str]:
    return [t.get_text() for t in fig.findobj(matplotlib.text.Text)]


def legend_texts(legend) -> list[str]:
    return [t.get_text() for t in legend.get_texts()]


def undated_axes(fig: Figure) -> list:
    return [ax for ax in fig.axes if ax.get_title(loc="center") == "Undated"]


# ---------------------------------------------------------------------------------------- the palette


VOCABULARY_TYPES = {
    "mou",
    "joint_development",
    "investment",
    "joint_venture",
    "supply",
    "platform_sharing",
    "technology_sharing",
    "merger_talks",
    "acquisition",
    "cancellation",
    "scale_back",
    "other",
}
VOCABULARY_STATUSES = {"exploring", "announced", "signed", "planned", "active", "cancelled", "reduced"}  # fmt: skip


def test_palette_covers_the_vocabulary():
    assert set(charts.ALLIANCE_TYPES) == set(charts.TYPE_MARKERS) == VOCABULARY_TYPES
    assert set(charts.ALLIANCE_STATUSES) == VOCABULARY_STATUSES
    # every type and status the extraction stage can emit has a style
    for table, column, styled in (("alliance_types.csv", "type", VOCABULARY_TYPES),
                                  ("alliance_statuses.csv", "status", VOCABULARY_STATUSES)):  # fmt: skip
        path = config.REFERENCE_DIR / table
        if path.exists():
            assert set(pd.read_csv(path)[column]) <= styled, table
    assert len(set(charts.TYPE_COLORS.values())) == 12
    assert len(set(charts.TYPE_MARKERS.values())) == 12
    for status, style in charts.STATUS_STYLES.items():
        assert {"marker", "linestyle", "alpha"} <= set(style)
        assert style["linestyle"] == ("--" if status in ("exploring", "cancelled", "planned") else "-")
    assert set(charts.TYPE_COLORS.values()) >= {
        "#E69F00",
        "#56B4E9",
        "#009E73",
        "#0072B2",
        "#D55E00",
        "#CC79A7",
    }


# Machado, Oliveira & Fernandes (2009) colour-vision-deficiency simulation matrices (severity 1.0).
CVD = {
    "deuteranopia": [[0.367322, 0.860646, -0.227968], [0.280085, 0.672501, 0.047413], [-0.011820, 0.042940, 0.968881]],
    "protanopia": [[0.152286, 1.052583, -0.204868], [0.114503, 0.786281, 0.099216], [-0.003882, -0.048116, 1.051998]],
    "tritanopia": [[1.255528, -0.076749, -0.178779], [-0.078411, 0.930809, 0.147602], [0.004733, 0.691367, 0.303900]],
}  # fmt: skip


def _linear(rgb) -> np.ndarray:
    return np.where(rgb <= 0.04045, rgb / 12.92, ((rgb + 0.055) / 1.055) ** 2.4)


def _to_lab(linear_rgb) -> np.ndarray:
    m = np.array([[0.4124, 0.3576, 0.1805], [0.2126, 0.7152, 0.0722], [0.0193, 0.1192, 0.9505]])
    xyz = m @ linear_rgb / np.array([0.95047, 1.0, 1.08883])
    f = np.where(xyz > 0.008856, np.cbrt(xyz), 7.787 * xyz + 16 / 116)
    return np.array([116 * f[1] - 16, 500 * (f[0] - f[1]), 200 * (f[1] - f[2])])


def test_types_a_colour_blind_reader_may_confuse_differ_in_marker_shape():
    family = {m: name for name, markers in charts.MARKER_FAMILIES.items() for m in markers}
    for matrix in CVD.values():
        sim = {
            t: _to_lab(np.clip(np.array(matrix) @ _linear(np.array(to_rgb(c))), 0, 1))
            for t, c in charts.TYPE_COLORS.items()
        }
        for a, b in itertools.combinations(charts.ALLIANCE_TYPES, 2):
            if np.linalg.norm(sim[a] - sim[b]) < 20:  # CIELAB delta E: hard to tell apart
                assert family[charts.TYPE_MARKERS[a]] != family[charts.TYPE_MARKERS[b]], (a, b)


def test_apply_style_sets_the_collection_style():
    with matplotlib.rc_context():
        charts.apply_style()
        assert matplotlib.rcParams["axes.spines.top"] is False
        assert matplotlib.rcParams["axes.spines.right"] is False
        assert matplotlib.rcParams["axes.grid"] is True
        assert matplotlib.rcParams["font.sans-serif"][0] == "DejaVu Sans"


def test_short_id_and_source_line(articles):
    assert charts.short_id("30283c4c8da0b89a") == "30283c4"
    assert charts.short_id("seeds/notes") == "notes"
    line = charts.source_line(articles, dataset="IEA (2025), CC BY 4.0")
    assert line.startswith("Source: 5 articles (11471af, 25fdc4a, 30283c4, 3874687, f902009)")
    assert "from Auto Plus, Automotive Powertrain Technology International, carz.com.my, DAX Street" in line
    assert line.endswith("; IEA (2025), CC BY 4.0")
    assert charts.source_line(None) == "Source: no data"


# ------------------------------------------------------------------------------------------- timeline


def test_timeline_lanes_title_and_source(alliances):
    fig = charts.alliance_timeline(alliances)
    ax = fig.axes[0]
    assert ticklabels(ax) == [
        "Fisker \u2013 Nissan",
        "Geely \u2013 Renault",
        "General Motors \u2013 Honda",
        "Honda \u2013 Nissan",
        "Mitsubishi Corporation \u2013 Nissan",
        "Mitsubishi Motors \u2013 Nissan",
        "Nissan \u2013 Renault",
    ]
    # 14 distinct (pair, type) alliances; Nissan is in all but Geely-Renault and the two Honda-GM ones
    assert title(fig) == "Nissan is in 11 of 14 alliances reported"
    assert source(fig) == "Source: 5 articles (11471af, 25fdc4a, 30283c4, 3874687, f902009)"
    assert ax.get_title(loc="left") == "6 dated events, 10 undated; one lane per company pair"


def test_timeline_draws_each_precision_honestly(alliances):
    fig = charts.alliance_timeline(alliances)
    ax = fig.axes[0]
    points = by_gid(ax, "point")
    assert len(points) == 1  # the one day-precision event: a filled marker on that day
    assert points[0].get_xdata()[0] == mdates.date2num(pd.Timestamp("2024-04-02"))
    spans = by_gid(ax, "span")
    assert len(spans) == 3  # two months and a year: spans, not fake days
    year_span = [s for s in spans if s.get_xdata()[0] == mdates.date2num(pd.Timestamp("2023-01-01"))]
    assert len(year_span) == 1
    assert year_span[0].get_xdata()[1] == mdates.date2num(pd.Timestamp("2024-01-01"))  # end inclusive
    assert year_span[0].get_alpha() < 0.5
    mids = by_gid(ax, "span-mid")
    assert len(mids) == 3
    assert all(m.get_markerfacecolor() == "white" for m in mids)  # hollow: the day is not known
    assert mdates.num2date(mids[0].get_xdata()[0]).year in (2023, 2024)
    bars = by_gid(ax, "bar")  # the 2027-2031 window and the planned fiscal year 2026
    assert len(bars) == 2
    fy = [b for b in bars if b.get_x() == mdates.date2num(pd.Timestamp("2026-04-01"))]
    assert fy and fy[0].get_width() == pytest.approx(365)
    assert {e.get_linestyle() for e in by_gid(ax, "bar-edge")} == {"--"}  # planned: dashed
    assert len(by_gid(ax, "status")) == 6  # a status glyph beside every dated event


def test_timeline_lists_undated_events_in_their_own_panel(alliances):
    fig = charts.alliance_timeline(alliances)
    (panel,) = undated_axes(fig)
    assert len(fig.axes) == 2
    # 11 undated rows; the Nissan-Fisker investment is reported by two articles and drawn once, with "x2"
    assert len(by_gid(panel, "undated")) == 10
    assert [t.get_text() for t in by_gid(panel, "count")] == ["\u00d72"]
    assert panel.get_xticks().size == 0  # not on the time axis
    # the panel shares the lanes: Honda-GM's two undated events sit on the Honda-GM lane
    lane = ticklabels(fig.axes[0]).index("General Motors \u2013 Honda")
    ys = [line.get_ydata()[0] for line in by_gid(panel, "undated")]
    assert ys.count(lane) == 2


def test_timeline_without_undated_rows_has_no_panel(alliances):
    fig = charts.alliance_timeline(alliances.dropna(subset=["start_date"]))
    assert undated_axes(fig) == []
    assert len(fig.axes) == 1


def test_timeline_legend_has_types_statuses_and_precision(alliances):
    fig = charts.alliance_timeline(alliances)
    (legend,) = [child for child in fig.axes[0].get_children() if isinstance(child, matplotlib.legend.Legend)]
    texts = legend_texts(legend)
    for expected in ("Alliance type", "Status", "Date shown as", "MOU", "joint development", "scale back"):
        assert expected in texts
    assert (
        "exact day" in texts
        and "month / quarter / year (span)" in texts
        and "planned window / range" in texts
    )
    statuses = [t for t in texts if t.endswith(("signed", "exploring", "planned", "cancelled"))]
    assert len(statuses) == 4
    assert "acquisition" not in texts  # only the types present


def test_timeline_focus_keeps_lanes_with_the_company(alliances):
    fig = charts.alliance_timeline(alliances, focus="honda")  # any case
    assert ticklabels(fig.axes[0]) == ["Honda \u2013 General Motors", "Honda \u2013 Nissan"]
    assert title(fig) == "Honda is in 4 of 14 alliances reported"
    assert source(fig) == "Source: 2 articles (30283c4, 3874687)"


def test_timeline_window(alliances):
    fig = charts.alliance_timeline(alliances, since="2024-01-01", until="2024-12-31")
    ax = fig.axes[0]
    assert len(by_gid(ax, "bar")) == 0 and len(by_gid(ax, "span")) == 2
    assert ax.get_xlim() == (
        mdates.date2num(pd.Timestamp("2024-01-01")),
        mdates.date2num(pd.Timestamp("2025-01-01")),
    )
    assert "window 2024-01-01 to 2024-12-31" in ax.get_title(loc="left")
    assert title(fig) == "Nissan is in 10 of 13 alliances reported"  # the 2023 scale-back is outside


def test_timeline_empty_input():
    for frame in (pd.DataFrame(columns=COLUMNS), pd.DataFrame()):
        fig = charts.alliance_timeline(frame)
        assert "No dated alliances" in all_texts(fig)
        assert title(fig) == "No alliances reported"
        assert source(fig) == "Source: no data"


def test_timeline_with_only_undated_rows(alliances):
    fig = charts.alliance_timeline(alliances[alliances["start_date"].isna()])
    assert "No dated alliances" in all_texts(fig)
    assert len(undated_axes(fig)) == 1
    assert len(ticklabels(fig.axes[0])) == 6


def test_timeline_tolerates_messy_values(alliances):
    messy = alliances.copy()
    messy.loc[0, "type"] = "friendship"  # not in the vocabulary: drawn as "other"
    messy.loc[1, "status"] = None
    messy.loc[2, "party_b"] = None
    messy.loc[3, ["start_date", "end_date"]] = ["2027-03-31", "2026-04-01"]  # swapped
    messy.loc[4, "start_date"] = "not a date"
    fig = charts.alliance_timeline(messy)
    assert "Nissan \u2013 unnamed party" in ticklabels(fig.axes[0])
    assert any(t.endswith("status unknown") for t in all_texts(fig))


# -------------------------------------------------------------------------------------------- network


def test_network_nodes_edges_and_sizes(alliances, mentions):
    fig = charts.alliance_network(alliances, mentions)
    ax = fig.axes[0]
    (nodes,) = by_gid(ax, "nodes")
    assert len(nodes.get_offsets()) == 8
    edges = gid_prefix(ax, "edge:")
    assert len(edges) == 14  # one per company pair and type
    sizes = dict(
        zip(sorted(set(alliances["party_a"]) | set(alliances["party_b"])), nodes.get_sizes(), strict=True)
    )
    assert max(sizes, key=sizes.get) == "Nissan"  # 40 company mentions; the 50 place mentions do not count
    assert sizes["Honda"] > sizes["Fisker"] > sizes["Geely"]
    assert title(fig) == "Nissan links to 5 of the 7 other companies in the reported alliances"
    assert source(fig).startswith("Source: 5 articles")


def test_network_edge_styles(alliances, mentions):
    ax = charts.alliance_network(alliances, mentions).axes[0]
    edges = {e.get_gid(): e for e in gid_prefix(ax, "edge:")}
    fisker = edges["edge:Fisker|Nissan|investment"]
    assert fisker.get_linestyle() == "--"  # only ever "exploring"
    assert fisker.get_linewidth() > edges["edge:Fisker|Nissan|platform_sharing"].get_linewidth()  # 2 reports
    assert edges["edge:Honda|Nissan|mou"].get_linestyle() == "-"
    assert matplotlib.colors.same_color(
        edges["edge:Honda|Nissan|mou"].get_edgecolor()[:3], charts.TYPE_COLORS["mou"]
    )
    # four types between Nissan and Mitsubishi Motors: four parallel edges with different curvature
    rads = [e.get_connectionstyle().rad for gid, e in edges.items() if "Mitsubishi Motors|Nissan" in gid]
    assert len(rads) == 4 and len(set(rads)) == 4


def test_network_labels_do_not_overlap(alliances, mentions):
    fig = charts.alliance_network(alliances, mentions)
    ax = fig.axes[0]
    renderer = rendered(fig)
    labels = gid_prefix(ax, "label:")
    assert len(labels) == 8
    boxes = [label.get_window_extent(renderer) for label in labels]
    for a, b in itertools.combinations(boxes, 2):
        assert not a.overlaps(b)
    legend_text = legend_texts(fig.legends[0])
    assert (
        "Alliance type" in legend_text
        and "MOU" in legend_text
        and "node area: company mentions" in legend_text
    )


def test_network_focus_and_layout_is_deterministic(alliances, mentions):
    fig = charts.alliance_network(alliances, mentions, focus="Honda")
    (nodes,) = by_gid(fig.axes[0], "nodes")
    assert len(nodes.get_offsets()) == 3
    assert title(fig) == "Honda has 2 alliance partners across 4 reported alliances"
    again = charts.alliance_network(alliances, mentions, focus="Honda")
    np.testing.assert_array_equal(nodes.get_offsets(), by_gid(again.axes[0], "nodes")[0].get_offsets())


def test_network_without_mentions_and_empty(alliances):
    fig = charts.alliance_network(alliances)
    assert "node area: alliances" in legend_texts(fig.legends[0])
    empty = charts.alliance_network(pd.DataFrame(columns=COLUMNS))
    assert title(empty) == "No alliances reported"
    assert "No alliances to draw" in all_texts(empty)


# --------------------------------------------------------------------------------------- market share


def test_market_share_chart_lines_claims_and_title(reference, claims):
    fig = charts.market_share_chart(reference, claims)
    ax = fig.axes[0]
    assert sorted(line.get_gid() for line in gid_prefix(ax, "reference:")) == [
        "reference:China",
        "reference:Europe",
        "reference:Japan",
        "reference:United States",
        "reference:World",
    ]
    assert len(by_gid(ax, "claim")) == 3
    china = [line for line in by_gid(ax, "claim") if line.get_ydata()[0] == 20 and line.get_marker() == "D"]
    assert china and matplotlib.colors.same_color(
        china[0].get_markerfacecolor(), charts.REGION_COLORS["China"]
    )
    assert len(by_gid(ax, "claim-arrow")) == 1  # "more than 20%" in Europe
    assert by_gid(ax, "claim-tolerance")  # "approximately 20%" in China
    labels = [t.get_text() for t in by_gid(ax, "claim-label")]
    assert "China ~20% [30283c4]\nlower than IEA 2023: 38%" in labels
    assert "Europe >20% [aaaabbb]\nconsistent (vs IEA 2023: 22%)" in labels
    assert (
        title(fig) == "2 of 3 EV market-share claims in the corpus match IEA data; China ~20% vs 38% in 2023"
    )
    assert source(fig) == (
        "Source: 2 articles (30283c4, aaaabbb); IEA (2025) Global EV Outlook 2025, CC BY 4.0"
    )
    legend = legend_texts(ax.get_legend())
    assert legend[:5] == ["World", "China", "Europe", "United States", "Japan"]
    assert "claim, approximately (bar: tolerance)" in legend and "claim, more than / at least" in legend


def test_market_share_chart_callouts_do_not_overlap(reference, claims):
    fig = charts.market_share_chart(reference, claims)
    renderer = rendered(fig)
    boxes = [t.get_bbox_patch().get_window_extent(renderer) for t in by_gid(fig.axes[0], "claim-label")]
    for a, b in itertools.combinations(boxes, 2):
        assert not a.overlaps(b)


def test_market_share_chart_without_claims(reference):
    fig = charts.market_share_chart(reference, None)
    assert title(fig) == "China leads: EVs were 48% of new car sales in 2024 (IEA)"
    assert source(fig) == "Source: IEA (2025) Global EV Outlook 2025, CC BY 4.0"
    assert by_gid(fig.axes[0], "claim") == []
    only = charts.market_share_chart(reference, None, regions=("World",))
    assert len(gid_prefix(only.axes[0], "reference:")) == 1


def test_market_share_chart_accepts_compared_claims_and_notes(reference, claims):
    compared = market.compare_claims(claims, reference)
    fig = charts.market_share_chart(
        reference, compared, regions=("World",), source_note="seeds/; IEA GEO 2025"
    )
    regions = {line.get_gid() for line in gid_prefix(fig.axes[0], "reference:")}
    assert regions == {
        "reference:World",
        "reference:China",
        "reference:Europe",
        "reference:Japan",
    }  # + claims
    assert source(fig) == "Source: seeds/; IEA GEO 2025"


def test_market_share_chart_claim_without_reference(reference):
    claims = pd.DataFrame([{"article_id": "x" * 16, "market": "Norway", "value": 90.0, "qualifier": "exact",
                            "claim_year": 2023}])  # fmt: skip
    fig = charts.market_share_chart(reference, claims)
    labels = [t.get_text() for t in by_gid(fig.axes[0], "claim-label")]
    assert labels == ["Norway 90% [xxxxxxxxxxxxx\u2026]\nno reference"]
    assert title(fig) == "No IEA reference for the 1 EV market-share claim in the corpus"


# ------------------------------------------------------------------------------------- company shares


def test_company_share_chart(figures, reference):
    fig = charts.company_share_chart(figures, reference=reference)
    ax = fig.axes[0]
    assert [label.split("\n")[0] for label in ticklabels(ax)] == ["Honda"]  # not Fisker's workforce cut
    assert title(fig) == "Honda: less than 0.5% of its car sales were EVs (first nine months of 2023)"
    assert by_gid(ax, "company-range")  # "less than": the whole range [0, 0.5] is possible
    assert by_gid(ax, "company-share")[0].get_marker() == "<"
    assert "World EV share, IEA 2023: 18%" in all_texts(fig)
    assert source(fig) == "Source: 1 article (3874687); IEA (2025) Global EV Outlook 2025, CC BY 4.0"


def test_company_share_chart_several_and_empty(figures):
    more = figures.copy()
    more.loc[3, "is_ev_share"] = True  # pretend the 15% were a share: now two rows
    fig = charts.company_share_chart(more)
    assert [label.split("\n")[0] for label in ticklabels(fig.axes[0])] == ["Fisker", "Honda"]
    assert title(fig) == "Fisker reports the highest company EV share (15%), Honda reports the lowest (<0.5%)"
    empty = charts.company_share_chart(figures[figures["market_kind"] == "market"])
    assert title(empty) == "No company-level EV share figures in the corpus"


# -------------------------------------------------------------------------------------------- corpus


def test_length_chart(articles):
    fig = charts.length_chart(articles)
    ax = fig.axes[0]
    labels = ticklabels(ax)
    assert len(labels) == 5 and labels[0].startswith("11471af  Next-generation")
    assert "f902009  (no title)" in labels
    assert by_gid(ax, "raw")[0].get_xdata().tolist() == [2600, 3100, 2300, 3900, 4800]
    assert (
        title(fig) == "Cleaning kept 84% of 16,700 characters across 5 articles; 30283c4 lost the most (35%)"
    )
    assert "\u221235%" in all_texts(fig)
    few = charts.length_chart(articles, max_rows=2)
    assert len(ticklabels(few.axes[0])) == 2
    assert "the 2 most trimmed of 5 shown" in few.axes[0].get_title(loc="left")
    assert title(few) == title(fig)  # the finding is about the whole corpus


def test_coverage_chart(articles):
    extra = pd.DataFrame({"article_id": ["x1", "x2", "x3"], "source": ["DAX Street", None, ""],
                          "published": [None, "2023-12-20", "2023"]})  # fmt: skip
    fig = charts.coverage_chart(pd.concat([articles, extra], ignore_index=True))
    ax = fig.axes[0]
    assert ticklabels(ax, "x") == [
        "2023-12",
        "2023 (no month)",
        "2024-01",
        "2024-02",
        "2024-03",
        "2024-04",
        "undated",
    ]
    heights: dict[float, float] = {}
    for patch in gid_prefix(ax, "source:"):
        heights[patch.get_x()] = heights.get(patch.get_x(), 0) + patch.get_height()
    assert [heights[x] for x in sorted(heights)] == [1, 1, 0, 0, 4, 1, 1]  # an empty month is still a bar
    assert by_gid(ax, "undated")
    assert title(fig) == "8 articles from 4 named sources; most (4) published in 2024-03; 1 undated"
    assert "unknown source" in legend_texts(ax.get_legend())


def test_coverage_chart_many_sources_and_empty(articles):
    many = pd.DataFrame({"article_id": [f"{i:016x}" for i in range(12)], "source": [f"S{i:02d}" for i in range(12)],
                         "published": ["2024-01"] * 12})  # fmt: skip
    legend = legend_texts(charts.coverage_chart(many, max_sources=4).axes[0].get_legend())
    assert legend == ["S00", "S01", "S02", "other sources"]
    assert title(charts.coverage_chart(articles.iloc[0:0])) == "No articles in the corpus"


# ------------------------------------------------------------------------------------ every chart


@pytest.fixture
def every_chart(alliances, mentions, figures, articles, reference, claims, steps, lifecycles):
    return {
        "timeline": lambda: charts.alliance_timeline(alliances, focus="Nissan"),
        "network": lambda: charts.alliance_network(alliances, mentions),
        "market": lambda: charts.market_share_chart(reference, claims),
        "company": lambda: charts.company_share_chart(figures, reference=reference),
        "length": lambda: charts.length_chart(articles),
        "coverage": lambda: charts.coverage_chart(articles),
        "lifecycle": lambda: charts.lifecycle_timeline(steps, lifecycles),
    }


def test_every_chart_is_a_titled_sourced_unregistered_figure(every_chart, tmp_path):
    before = plt.get_fignums()
    for name, make in every_chart.items():
        fig = make()
        assert isinstance(fig, Figure), name
        assert title(fig) and not title(fig).lower().startswith(("alliance timeline", "chart")), name
        assert source(fig).startswith("Source: "), name
        fig.savefig(tmp_path / f"{name}.png")
        assert (tmp_path / f"{name}.png").stat().st_size > 10_000, name
    assert plt.get_fignums() == before  # nothing registered with pyplot: no double display, no leak


def test_every_chart_renders_identically_twice(every_chart):
    for name, make in every_chart.items():
        images = []
        for _ in range(2):
            buffer = io.BytesIO()
            make().savefig(buffer, format="png", metadata={"Software": None})
            images.append(buffer.getvalue())
        assert images[0] == images[1], name


def test_charts_do_not_change_global_style(alliances):
    before = dict(matplotlib.rcParams)
    charts.alliance_timeline(alliances)
    assert dict(matplotlib.rcParams) == before


# ---------------------------------------------------------------------------------- lifecycle timeline


A1, B2, C3, D4 = "a1a1a1a1a1a1", "b2b2b2b2b2b2", "c3c3c3c3c3c3", "d4d4d4d4d4d4"
HMN, FN, MN, NR = (
    "Honda + Mitsubishi Motors + Nissan",
    "Foxconn + Nissan",
    "Mitsubishi Motors + Nissan",
    "Nissan + Renault",
)


@pytest.fixture
def steps() -> pd.DataFrame:
    """Four alliances' histories, as helpers.lifecycle.build_lifecycles reports them."""
    x, y, z = IDS[0], IDS[1], IDS[2]
    cols = [
        "alliance_id",
        "parties",
        "step_no",
        "date",
        "precision",
        "date_basis",
        "type",
        "status",
        "sources",
        "n_sources",
        "conflict",
        "conflict_detail",
        "start_date",
        "end_date",
        "joined",
        "future",
        "evidence",
    ]
    rows = [
        (A1, HMN, 1, "2024-03-13", "day", "event", "joint_development", "exploring", x, 1, False, None,
         "2024-03-13", "2024-03-13", None, False, "Honda and Nissan are exploring joint development."),
        (A1, HMN, 2, "2024-03-15", "day", "event", "mou", "signed", f"{x}, {y}, {z}, {IDS[3]}", 4, True,
         f"status: signed ({y}) vs exploring ({x})", "2024-03-15", "2024-03-15", None, False, "They signed an MOU."),
        (A1, HMN, 3, "2024-08-01", "day", "event", "mou", "signed", y, 1, False, None,
         "2024-08-01", "2024-08-01", "Mitsubishi Motors", False, "Mitsubishi Motors joined the MOU."),
        (A1, HMN, 4, "2024-12-23", "day", "event", "merger_talks", "signed", y, 1, False, None,
         "2024-12-23", "2024-12-23", None, False, "They agreed to start merger talks."),
        (A1, HMN, 5, "2025-02-13", "day", "event", "cancellation", "cancelled", f"{y}, {z}", 2, False, None,
         "2025-02-13", "2025-02-13", None, False, "Honda and Nissan ended their merger talks."),
        (B2, FN, 1, "2025-02", "month", "published", "investment", "exploring", z, 1, False, None,
         "2025-02-01", "2025-02-28", None, False, "Foxconn is weighing a stake in Nissan."),
        (B2, FN, 2, None, None, "unknown", "investment", "announced", x, 1, False, None,
         None, None, None, False, "Foxconn announced an investment."),
        (C3, MN, 1, "2024-04-02", "day", "published", "technology_sharing", "planned", x, 1, False, None,
         "2024-04-02", "2024-04-02", None, False, "They plan to share technology."),
        (C3, MN, 2, "2027/2031", "range", "event", "joint_development", "planned", x, 1, False, None,
         "2027-01-01", "2031-12-31", None, True, "A pickup from 2027 to 2031."),
        (D4, NR, 1, "2023", "year", "event", "scale_back", "reduced", f"{x}, {y}", 2, False, None,
         "2023-01-01", "2023-12-31", None, False, "Renault cut its stake in 2023."),
    ]  # fmt: skip
    return pd.DataFrame(rows, columns=cols)


@pytest.fixture
def lifecycles() -> pd.DataFrame:
    rows = [
        (A1, HMN, "2024-03-13", "2025-02-13", "cancelled", 4, 5, 1),
        (B2, FN, "2025-02", "2025-02", "exploring", 2, 2, 0),
        (C3, MN, "2024-04-02", "2024-04-02", "planned", 1, 2, 0),
        (D4, NR, "2023", "2023", "reduced", 2, 1, 0),
    ]
    cols = ["alliance_id", "parties", "first_seen", "last_seen", "current_status", "n_sources", "n_steps",
            "n_conflicts"]  # fmt: skip
    return pd.DataFrame(rows, columns=cols)


def test_lifecycle_one_lane_per_alliance_with_title_and_source(steps, lifecycles):
    fig = charts.lifecycle_timeline(steps, lifecycles)
    ax = fig.axes[0]
    assert ticklabels(ax) == [NR, HMN, MN, FN]  # in order of their first dated step
    assert title(fig) == (
        "4 alliances (1 ended); Honda + Mitsubishi Motors + Nissan: 5 steps from joint development under "
        "discussion to merger talks ended; sources disagree on 1 step"
    )
    assert source(fig) == "Source: 4 articles (11471af, 25fdc4a, 3874687, f902009)"
    assert ax.get_title(loc="left") == "10 steps (2 dated by publication, 1 undated)"
    status = {t.get_text() for t in gid_prefix(fig.axes[-1], "lane-status")}
    assert status == {"now reduced", "now cancelled", "now planned", "now exploring"}


def test_lifecycle_single_alliance_title_tells_its_story(steps, lifecycles):
    fig = charts.lifecycle_timeline(steps[steps["alliance_id"] == A1], lifecycles)
    assert ticklabels(fig.axes[0]) == [HMN]
    assert title(fig) == (
        "Honda + Mitsubishi Motors + Nissan: 5 steps from joint development under discussion to "
        "merger talks ended; sources disagree on 1 step"
    )
    assert undated_axes(fig) == []


def test_lifecycle_marks_precision_basis_sources_and_joins(steps, lifecycles):
    fig = charts.lifecycle_timeline(steps, lifecycles)
    ax = fig.axes[0]
    assert len(by_gid(ax, "point")) == 6  # five days of Honda-Mitsubishi-Nissan and one of Mitsubishi-Nissan
    assert len(by_gid(ax, "span")) == 2 and len(by_gid(ax, "span-mid")) == 2  # 2025-02 and 2023
    (bar,) = by_gid(ax, "bar")  # the 2027-2031 window
    assert bar.get_x() == mdates.date2num(pd.Timestamp("2027-01-01"))
    assert len(by_gid(ax, "published")) == 2  # dated by publication: "p"
    assert all(t.get_text() == "p" for t in by_gid(ax, "published"))
    assert sorted(t.get_text() for t in by_gid(ax, "count")) == ["\u00d72", "\u00d72", "\u00d74"]
    assert [t.get_text() for t in by_gid(ax, "joined")] == ["+Mitsubishi Motors"]
    assert len(by_gid(ax, "status")) == 9  # a status glyph beside every dated step
    # 2024-03-13 and 2024-03-15 would collide on one line: the second step stacks below the lane line
    lane = ax.get_yticks()[ticklabels(ax).index(HMN)]
    days = {
        mdates.num2date(p.get_xdata()[0]).date().isoformat(): p.get_ydata()[0] for p in by_gid(ax, "point")
    }
    assert days["2024-03-13"] == lane and days["2024-03-15"] > lane


def test_lifecycle_conflicting_steps_get_a_badge_and_legend_entry(steps, lifecycles):
    fig = charts.lifecycle_timeline(steps, lifecycles)
    ax = fig.axes[0]
    (badge,) = by_gid(ax, "conflict")
    assert len(by_gid(ax, "conflict-glyph")) == 1
    mou = [p for p in by_gid(ax, "point") if p.get_xdata()[0] == mdates.date2num(pd.Timestamp("2024-03-15"))]
    assert badge.get_xdata()[0] == mou[0].get_xdata()[0] and badge.get_ydata()[0] == mou[0].get_ydata()[0]
    assert "sources disagree" in legend_texts(fig.legends[0])
    calm = charts.lifecycle_timeline(steps.assign(conflict=False), lifecycles)
    assert by_gid(calm.axes[0], "conflict") == []
    assert "sources disagree" not in legend_texts(calm.legends[0])
    assert "sources disagree" not in title(calm)


def test_lifecycle_legend_entries(steps, lifecycles):
    texts = legend_texts(charts.lifecycle_timeline(steps, lifecycles).legends[0])
    for expected in ("Step type", "Step status", "Lane: current status", "Marks", "MOU", "merger talks",
                     "scale back", "exact day", "month / quarter / year (span)", "planned window / range",
                     "dated by publication", "sources disagree", "N sources", "party joins",
                     "exploring / planned", "cancelled (x: ended)",
                     "reduced (thinner)", "forecast (dotted)"):  # fmt: skip
        assert expected in texts, expected
    assert "acquisition" not in texts  # only the types present
    assert "active / signed / announced" not in texts  # ... and the current statuses present


def test_lifecycle_lane_line_shows_the_current_status(steps, lifecycles):
    ax = charts.lifecycle_timeline(steps, lifecycles).axes[0]
    lanes = {line.get_gid()[5:]: line for line in gid_prefix(ax, "lane:")}
    assert set(lanes) == {A1, B2, C3, D4}
    assert lanes[A1].get_linestyle() == "-" and lanes[A1].get_color() == "#a8a8a8"  # cancelled: grey
    assert lanes[B2].get_linestyle() == "--" and lanes[C3].get_linestyle() == "--"  # exploring, planned
    assert (
        lanes[D4].get_linestyle() == "-" and lanes[D4].get_linewidth() < lanes[B2].get_linewidth()
    )  # reduced
    (forecast,) = by_gid(ax, "forecast")  # dotted on to the 2027-2031 window, a forecast
    assert forecast.get_linestyle() == ":"
    # an ended lane gets an x at its end, unless the cancellation's own X marker ends the lane line
    (end,) = by_gid(ax, "lane-end")
    assert end.get_ydata()[0] == lanes[A1].get_ydata()[0]
    assert end.get_xdata()[0] >= lanes[A1].get_xdata()[1] == mdates.date2num(pd.Timestamp("2025-02-14"))
    one = steps[steps["alliance_id"] == A1]
    alone = charts.lifecycle_timeline(one, lifecycles).axes[0]
    cancel = [p for p in by_gid(alone, "point") if p.get_marker() == charts.TYPE_MARKERS["cancellation"]]
    assert cancel[0].get_ydata()[0] == alone.get_yticks()[0]  # on the lane line, at its end
    assert by_gid(alone, "lane-end") == []
    cut = charts.lifecycle_timeline(one[one["type"] != "cancellation"], lifecycles).axes[0]
    (end,) = by_gid(cut, "lane-end")
    assert end.get_marker() == "x"
    assert end.get_xdata()[0] > mdates.date2num(pd.Timestamp("2024-12-24"))  # right of the merger talks


def test_lifecycle_undated_steps_get_their_own_panel(steps, lifecycles):
    fig = charts.lifecycle_timeline(steps, lifecycles)
    (panel,) = undated_axes(fig)
    assert len(fig.axes) == 2
    (marker,) = by_gid(panel, "undated")
    assert marker.get_ydata()[0] == fig.axes[0].get_yticks()[ticklabels(fig.axes[0]).index(FN)]
    assert panel.get_xticks().size == 0
    dated = charts.lifecycle_timeline(steps.dropna(subset=["start_date"]), lifecycles)
    assert undated_axes(dated) == [] and len(dated.axes) == 1


def test_lifecycle_focus_and_window(steps, lifecycles):
    fig = charts.lifecycle_timeline(steps, lifecycles, focus="mitsubishi motors")
    assert ticklabels(fig.axes[0]) == [HMN, MN]
    assert title(fig).startswith("Mitsubishi Motors is in 2 alliances (1 ended); Honda + Mitsubishi Motors")
    win = charts.lifecycle_timeline(steps, lifecycles, since="2024-01-01", until="2024-12-31")
    ax = win.axes[0]
    assert ticklabels(ax) == [HMN, MN, FN]  # Nissan-Renault's 2023 step is outside; undated steps stay
    assert ax.get_xlim() == (
        mdates.date2num(pd.Timestamp("2024-01-01")),
        mdates.date2num(pd.Timestamp("2025-01-01")),
    )
    assert "window 2024-01-01 to 2024-12-31" in ax.get_title(loc="left")
    # Honda-Mitsubishi-Nissan goes on after the window: its lane runs to the edge, with no end mark
    lane = {line.get_gid(): line for line in gid_prefix(ax, "lane:")}[f"lane:{A1}"]
    assert lane.get_xdata()[1] == ax.get_xlim()[1]
    assert by_gid(ax, "lane-end") == []


def test_lifecycle_empty_input(steps, lifecycles):
    for args in ((None, None), (pd.DataFrame(), pd.DataFrame()), (steps.iloc[0:0], lifecycles.iloc[0:0])):
        fig = charts.lifecycle_timeline(*args)
        assert "No alliance lifecycles" in all_texts(fig)
        assert title(fig) == "No alliance lifecycles reported"
        assert source(fig) == "Source: no data"
    nobody = charts.lifecycle_timeline(steps, lifecycles, focus="Toyota")
    assert title(nobody) == "No alliance lifecycles reported involving Toyota"


def test_lifecycle_without_lifecycles_table_and_messy_values(steps):
    messy = steps.copy()
    messy.loc[0, "type"] = "friendship"  # not in the vocabulary: drawn as "other"
    messy["conflict"] = messy["conflict"].map({True: "True", False: None})
    messy.loc[2, ["n_sources", "joined"]] = [None, np.nan]
    messy.loc[5, ["start_date", "end_date"]] = ["not a date", None]
    messy.loc[7, "date_basis"] = None
    fig = charts.lifecycle_timeline(messy)  # lanes and current statuses from the steps alone
    assert ticklabels(fig.axes[0]) == [NR, HMN, MN, FN]
    status = {t.get_text() for t in gid_prefix(fig.axes[-1], "lane-status")}
    assert status == {"now reduced", "now cancelled", "now planned", "now announced"}
    assert "other" in legend_texts(fig.legends[0])
    assert len(by_gid(fig.axes[0], "conflict")) == 1
    assert len(by_gid(undated_axes(fig)[0], "undated")) == 2  # the unreadable date is undated


@pytest.fixture(scope="module")
def lifecycle_corpus():
    from helpers.lifecycle import build_lifecycles
    from helpers.pipeline import run_pipeline

    tables = run_pipeline([config.PROJ_ROOT / "tests" / "fixtures" / "lifecycle"])
    return build_lifecycles(tables["alliances"], tables["articles"])


def test_lifecycle_timeline_on_the_fixture_corpus(lifecycle_corpus):
    lifecycles, steps = lifecycle_corpus
    fig = charts.lifecycle_timeline(steps, lifecycles)
    ax = fig.axes[0]
    assert sorted(ticklabels(ax)) == sorted(lifecycles["parties"])
    assert len(by_gid(ax, "conflict")) == int(lifecycles["n_conflicts"].sum()) >= 1
    assert title(fig).startswith(f"{len(lifecycles)} alliances")
    assert source(fig).startswith("Source: 8 articles")
    # nothing drawn outside the figure, and the legend stays clear of the plot and the source line
    renderer = rendered(fig)
    legend = fig.legends[0].get_window_extent(renderer)
    (source_text,) = [t for t in fig.texts if t.get_gid() == "source"]
    assert not legend.overlaps(ax.get_tightbbox(renderer))
    assert not legend.overlaps(source_text.get_window_extent(renderer))
    assert fig.bbox.contains(legend.x0, legend.y0) and fig.bbox.contains(legend.x1, legend.y1)


# ------------------------------------------------------------------------------ large inputs (10k scale)


def many_alliances(n_pairs: int) -> pd.DataFrame:
    """`n_pairs` company pairs among many companies; pair i is reported 1 + i % 5 times."""
    rows = []
    for i in range(n_pairs):
        for k in range(1 + i % 5):
            day = f"2024-{1 + k % 12:02d}-{1 + i % 28:02d}"
            rows.append((f"{i:08x}{k:08x}", f"Maker {i:03d}", f"Supplier {i % 9}", "mou", "signed", day,
                         "day", day, day))  # fmt: skip
    return pd.DataFrame(rows, columns=COLUMNS)


def test_top_keys_ranks_by_count_then_key_and_keeps_the_focus():
    counts = pd.Series({"b": 3, "a": 3, "c": 5, "d": 1})
    assert limits.top_keys(counts, 2) == ["c", "a"]
    assert limits.top_keys(counts, 2, keep="d") == ["d", "c"]
    assert limits.shown_of(2, 4, "company", "companies") == "the 2 most-reported of 4 companies"
    assert limits.shown_of(4, 4, "company pair") == "4 company pairs"


def test_alliance_timeline_draws_the_most_reported_pairs_and_says_so():
    df = many_alliances(200)
    fig = charts.alliance_timeline(df)
    ax = fig.axes[0]
    lanes = ticklabels(ax)
    assert len(lanes) == limits.MAX_LANES
    assert ax.get_title(loc="left").startswith("the 30 most-reported of 200 company pairs: ")
    # every pair reported 5 times (i % 5 == 4) outranks every pair reported once
    assert all(int(lane.split("Maker ")[1][:3]) % 5 == 4 for lane in lanes)
    assert title(fig).startswith("Supplier 0 is in 23 of 200 alliances")  # the finding covers every pair


def test_alliance_timeline_merges_a_crowded_lane_into_one_span_per_type_and_status():
    days = pd.date_range("2015-01-01", periods=60, freq="45D").strftime("%Y-%m-%d")
    df = pd.DataFrame(
        [
            (f"{i:016x}", "Changan", "Ford", "joint_venture", "active", d, "day", d, d)
            for i, d in enumerate(days)
        ],
        columns=COLUMNS,
    )
    ax = charts.alliance_timeline(df).axes[0]
    assert len(by_gid(ax, "span")) == 1 and not by_gid(ax, "point")
    span = by_gid(ax, "span")[0]
    assert mdates.num2date(span.get_xdata()[0]).date().isoformat() == days[0]
    assert "1 crowded lane: one span per type and status" in ax.get_title(loc="left")


def test_alliance_network_draws_the_most_reported_companies_and_strongest_ties():
    df = many_alliances(300)
    fig = charts.alliance_network(df)
    ax = fig.axes[0]
    (nodes,) = by_gid(ax, "nodes")
    assert len(nodes.get_offsets()) <= limits.MAX_NODES
    assert 0 < len(gid_prefix(ax, "edge:")) <= limits.MAX_EDGES
    assert ax.get_title(loc="left").startswith("the ")
    assert "of 309 companies" in ax.get_title(loc="left")
    assert title(fig) == "Supplier 0 links to 34 of the 308 other companies in the reported alliances"


def test_lifecycle_timeline_draws_the_alliances_with_most_steps():
    rows = []
    for i in range(40):
        for step in range(1, 2 + i % 4):
            day = f"202{step}-0{1 + i % 9}-15"
            rows.append((f"a{i:03d}", f"Maker {i:03d} + Supplier", step, day, "day", "event", "mou", "signed",
                         f"{i:016x}", 1, False, day, day, None, False, "They signed."))  # fmt: skip
    cols = ["alliance_id", "parties", "step_no", "date", "precision", "date_basis", "type", "status", "sources",
            "n_sources", "conflict", "start_date", "end_date", "joined", "future", "evidence"]  # fmt: skip
    fig = charts.lifecycle_timeline(pd.DataFrame(rows, columns=cols))
    ax = fig.axes[0]
    lanes = ticklabels(ax)
    assert len(lanes) == limits.MAX_LIFECYCLE_LANES
    makers = sorted(int(lane[6:9]) for lane in lanes)  # the 10 with 4 steps, then the first 2 with 3
    assert makers == sorted([2, 6] + [i for i in range(40) if i % 4 == 3])
    assert ax.get_title(loc="left").startswith("the 12 most-reported of 40 alliances: ")
    assert title(fig).startswith("40 alliances; ")


def test_market_share_chart_summarises_many_claims(reference, claims):
    many = pd.concat(
        [claims.assign(article_id=claims["article_id"] + f"{k:02d}") for k in range(20)], ignore_index=True
    )
    fig = charts.market_share_chart(reference, many)
    ax = fig.axes[0]
    assert by_gid(ax, "claim-median") and by_gid(ax, "claim-iqr")
    assert not by_gid(ax, "claim-label") and not by_gid(ax, "claim")
    assert title(fig).startswith("40 of 60 EV market-share claims")
    assert "median claim per region and year" in ax.get_title(loc="left")


def test_coverage_chart_labels_years_when_months_are_many():
    months = pd.period_range("2018-01", "2022-12", freq="M").astype(str)
    articles = pd.DataFrame(
        {"article_id": [f"{i:016x}" for i in range(len(months))], "source": "Wire", "published": months}
    )
    ax = charts.coverage_chart(articles).axes[0]
    assert ticklabels(ax, "x") == ["2018", "2019", "2020", "2021", "2022"]
    assert not [t for t in ax.texts if t.get_text().isdigit()]  # no count over each of 60 bars
