"""EV market-share claims vs the IEA reference: loading, claim dating, region mapping, verdicts."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from helpers import config, market

A = "30283c4c8da0b89a"


@pytest.fixture(scope="module")
def reference() -> pd.DataFrame:
    return market.load_reference()


def claim(value, qualifier="exact", market_name="World", year=2023, article_id=A, **extra) -> dict:
    return {
        "article_id": article_id,
        "market": market_name,
        "value": value,
        "qualifier": qualifier,
        "claim_year": year,
        **extra,
    }


def compare(rows, reference, **kwargs) -> pd.DataFrame:
    kwargs.setdefault("region_map", {})
    return market.compare_claims(pd.DataFrame(rows), reference, **kwargs)


def figure(**overrides) -> dict:
    row = {
        "article_id": A,
        "kind": "percent",
        "value": 20.0,
        "unit": "%",
        "qualifier": "approximately",
        "subject": "EV share of the car market",
        "market": "China",
        "market_kind": "market",
        "period": None,
        "period_start": None,
        "period_end": None,
        "is_ev_share": True,
        "start": 10,
        "end": 13,
        "evidence": "In China, EVs currently command approximately 20% of the market share.",
    }
    row.update(overrides)
    return row


# ------------------------------------------------------------------------------------------ reference


def test_load_reference_reads_the_project_copy(reference):
    assert (config.REFERENCE_DIR / "iea_ev_sales_share.csv").exists()
    assert len(reference) == 35
    assert set(reference["region"]) == {"World", "China", "Europe", "United States", "Japan"}
    assert reference["year"].min() == 2018 and reference["year"].max() == 2024
    assert reference["ev_sales_share_pct"].dtype == "float64"
    assert reference[["region", "year"]].equals(reference[["region", "year"]].sort_values(["region", "year"]))
    china_2023 = reference.query("region == 'China' and year == 2023")["ev_sales_share_pct"].item()
    assert china_2023 == 38
    assert set(reference["licence"]) == {"CC BY 4.0"}


def test_reference_file_is_a_verbatim_copy_of_the_shared_one():
    shared = config.PROJ_ROOT.parent / "shared" / "reference" / "iea_ev_sales_share.csv"
    if not shared.exists():
        pytest.skip("../shared is not beside the repository")
    assert (config.REFERENCE_DIR / "iea_ev_sales_share.csv").read_bytes() == shared.read_bytes()


def test_load_reference_keeps_latest_edition_and_powertrain(tmp_path):
    path = tmp_path / "ref.csv"
    pd.DataFrame(
        [
            ("China", 2021, 16, "BEV+PHEV", "Global EV Outlook 2024"),
            ("China", 2021, 15, "BEV+PHEV", "Global EV Outlook 2025"),
            ("China", 2021, 12, "BEV", "Global EV Outlook 2025"),
        ],
        columns=["region", "year", "ev_sales_share_pct", "powertrain", "edition"],
    ).to_csv(path, index=False)
    ref = market.load_reference(path)
    assert ref["ev_sales_share_pct"].tolist() == [15]
    assert market.load_reference(path, powertrain="BEV")["ev_sales_share_pct"].tolist() == [12]


def test_load_reference_rejects_a_table_without_the_columns(tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text("region,share\nChina,38\n")
    with pytest.raises(ValueError, match="year"):
        market.load_reference(path)


# ------------------------------------------------------------------------------------------ regions


def test_region_map_from_markets_csv(tmp_path):
    path = tmp_path / "markets.csv"
    path.write_text(
        "name,kind,aliases,adjectives,parent,iea_region,source\n"
        "United States,country,U.S.|US|America,American,North America,United States,ISO\n"
        "European Union,region,EU,EU,Europe,,UN\n"
        "Norway,country,,Norwegian,Europe,,ISO\n"
    )
    mapping = market.load_region_map(path)
    assert mapping["United States"] == "United States"
    assert mapping["US"] == "United States"
    assert mapping["European Union"] is None
    regions = {"United States", "Europe"}
    assert market.reference_region("America", mapping, regions) == "United States"
    assert market.reference_region("EU", mapping, regions) is None  # not IEA's Europe, on purpose
    assert market.reference_region("europe", mapping, regions) == "Europe"  # not listed: identity
    assert market.reference_region(None, mapping, regions) is None
    assert market.load_region_map(tmp_path / "missing.csv") == {}


def test_project_markets_csv_maps_the_seed_markets():
    mapping = market.load_region_map()
    if not mapping:
        pytest.skip("data/reference/markets.csv not present")
    assert market.reference_region("China", mapping) == "China"
    assert market.reference_region("Japan", mapping) == "Japan"
    assert market.reference_region("U.S.", mapping) == "United States"


# --------------------------------------------------------------------------------------- share_claims


def test_share_claims_keeps_market_ev_shares_only():
    figures = pd.DataFrame(
        [
            figure(),
            figure(market="Honda", market_kind="company", value=0.5, qualifier="less_than"),
            figure(market="Fisker", market_kind="company", value=15, is_ev_share=False),
            figure(market="Japan", value=2.0, qualifier="exact", is_ev_share=False),
            figure(market="Japan", value=2.0, qualifier="exact", start=20, end=22),
        ]
    )
    claims = market.share_claims(figures, region_map={})
    assert claims["market"].tolist() == ["China", "Japan"]
    assert list(claims.columns[: len(market.CLAIM_COLUMNS)]) == market.CLAIM_COLUMNS


def test_share_claims_dates_claims_from_period_or_publication():
    figures = pd.DataFrame(
        [
            figure(article_id="a", period="2022", period_start="2022-01-01", period_end="2022-12-31"),
            figure(article_id="b"),
            figure(article_id="c"),
        ]
    )
    articles = pd.DataFrame({"article_id": ["a", "b", "c"], "published": ["2024-03", "2024-03-15", None]})
    claims = market.share_claims(figures, articles, region_map={}).set_index("article_id")
    assert claims.loc["a", "claim_year"] == 2022
    assert claims.loc["a", "claim_year_basis"] == "period"
    # a "current" share in an article of March 2024 is the last full year's: 2023
    assert claims.loc["b", "claim_year"] == 2023
    assert claims.loc["b", "claim_year_basis"] == "published"
    assert pd.isna(claims.loc["c", "claim_year"])
    assert pd.isna(claims.loc["c", "claim_year_basis"])
    same_year = market.share_claims(figures, articles, region_map={}, current_lag_years=0)
    assert same_year.set_index("article_id").loc["b", "claim_year"] == 2024


def test_share_claims_reads_published_from_figures_and_maps_regions():
    figures = pd.DataFrame([figure(market="US", published="2024-05-01")])
    claims = market.share_claims(figures, region_map={"US": "United States"})
    assert claims["region"].tolist() == ["United States"]
    assert claims["claim_year"].tolist() == [2023]


def test_share_claims_on_empty_or_partial_input():
    assert market.share_claims(pd.DataFrame()).empty
    assert list(market.share_claims(pd.DataFrame({"article_id": []})).columns) == market.CLAIM_COLUMNS
    assert market.share_claims(pd.DataFrame([figure(is_ev_share=None)]), region_map={}).empty


# -------------------------------------------------------------------------------------- compare_claims


@pytest.mark.parametrize(
    ("value", "qualifier", "market_name", "verdict"),
    [
        # World 2023 = 18; tolerance max(2 pp, 15% of 18 = 2.7 pp) = 2.7 pp
        (18, "exact", "World", "consistent"),
        (20, "exact", "World", "consistent"),
        (25, "exact", "World", "higher"),
        (10, "exact", "World", "lower"),
        (20, "approximately", "World", "consistent"),
        (15.5, "approximately", "World", "consistent"),
        (30, "approximately", "World", "higher"),
        # China 2023 = 38: "approximately 20" is far below
        (20, "approximately", "China", "lower"),
        # lower bounds: "more than 20" is consistent with 22 (Europe), with anything above, and within
        # tolerance just below; it overstates when the reference is well below
        (20, "more_than", "Europe", "consistent"),
        (5, "more_than", "China", "consistent"),
        (20, "more_than", "World", "consistent"),
        (30, "more_than", "World", "higher"),
        (20, "at_least", "World", "consistent"),
        (30, "at_least", "World", "higher"),
        # upper bounds: "less than 5" is consistent with Japan's 3.5; "less than 10" understates China
        (5, "less_than", "Japan", "consistent"),
        (2, "less_than", "Japan", "consistent"),
        (10, "less_than", "China", "lower"),
        (40, "up_to", "China", "consistent"),
        (10, "up_to", "China", "lower"),
    ],
)
def test_verdict_honours_the_qualifier(reference, value, qualifier, market_name, verdict):
    out = compare([claim(value, qualifier, market_name)], reference)
    assert out["verdict"].item() == verdict
    assert out["reference_year"].item() == 2023


def test_less_than_half_a_percent_against_a_smaller_reference():
    ref = pd.DataFrame({"region": ["Honda"], "year": [2023], "ev_sales_share_pct": [0.3]})
    out = compare([claim(0.5, "less_than", "Honda")], ref)
    assert out["verdict"].item() == "consistent"
    assert out["comparison"].item() == "claim <0.5% vs reference 2023: 0.3% -> consistent (tolerance 2 pp)"


def test_comparison_text_and_numbers(reference):
    out = compare([claim(20, "approximately", "China")], reference)
    row = out.iloc[0]
    assert row["comparison"] == "claim ~20% vs IEA 2023: 38% -> lower by 18 pp"
    assert row["reference_value"] == 38
    assert row["diff_pp"] == -18
    assert row["diff_rel"] == pytest.approx(-18 / 38)
    assert row["tolerance_pp"] == pytest.approx(5.7)
    assert row["year_gap"] == 0
    assert row["reference_region"] == "China"
    assert row["reference_source"] == "IEA (2025) Global EV Outlook 2025"
    consistent = compare([claim(20, "more_than", "Europe")], reference)["comparison"].item()
    assert consistent == "claim >20% vs IEA 2023: 22% -> consistent (tolerance 3.3 pp)"


def test_relative_tolerance(reference):
    # China 2024 = 48: 44 is 4 pp off, inside 15% of 48 (7.2 pp) but outside 2 pp
    assert compare([claim(44, market_name="China", year=2024)], reference)["verdict"].item() == "consistent"
    strict = compare([claim(44, market_name="China", year=2024)], reference, tolerance_rel=0.0)
    assert strict["verdict"].item() == "lower"
    assert strict["comparison"].item() == "claim 44% vs IEA 2024: 48% -> lower by 4 pp"


def test_nearest_year_and_gap(reference):
    out = compare(
        [
            claim(22, market_name="World", year=2025),
            claim(2.5, market_name="World", year=2016),
            claim(2.5, market_name="World", year=2010),
        ],
        reference,
    )
    assert out["reference_year"].tolist()[:2] == [2024, 2018]
    assert out["year_gap"].tolist()[:2] == [-1, 2]
    assert out["verdict"].tolist() == ["consistent", "consistent", "no reference"]
    assert "IEA 2024 (nearest to 2025): 22%" in out["comparison"][0]
    assert "8 years away" in out["comparison"][2]
    unlimited = compare([claim(2.5, market_name="World", year=2010)], reference, max_gap_years=None)
    assert unlimited["reference_year"].item() == 2018
    assert unlimited["year_gap"].item() == 8


def test_nearest_year_tie_goes_to_the_earlier_year():
    ref = pd.DataFrame({"region": ["World", "World"], "year": [2020, 2022], "ev_sales_share_pct": [4.4, 15]})
    out = compare([claim(5, year=2021)], ref)
    assert out["reference_year"].item() == 2020
    assert out["year_gap"].item() == -1


def test_no_reference_cases(reference):
    out = compare(
        [
            claim(90, market_name="Norway"),
            claim(20, market_name="European Union"),
            claim(20, market_name="China", year=None),
            claim(None, market_name="China"),
        ],
        reference,
        region_map={"European Union": None},
    )
    assert out["verdict"].tolist() == ["no reference"] * 4
    assert out["reference_value"].isna().all()
    assert "Norway: no reference series" in out["comparison"][0]
    assert "European Union" in out["comparison"][1]
    assert "no year" in out["comparison"][2]
    assert "no value" in out["comparison"][3]


def test_region_mapping_through_the_map(reference):
    out = compare([claim(9, market_name="U.S.")], reference, region_map={"U.S.": "United States"})
    assert out["reference_region"].item() == "United States"
    assert out["verdict"].item() == "consistent"
    # not in the map: the name itself, case-insensitively
    assert compare([claim(9, market_name="united states")], reference)["verdict"].item() == "consistent"


def test_compare_keeps_claim_columns_and_does_not_mutate(reference):
    claims = pd.DataFrame([claim(20, "approximately", "China", evidence="x")], index=[7])
    before = claims.copy()
    out = market.compare_claims(claims, reference, region_map={})
    pd.testing.assert_frame_equal(claims, before)
    assert list(out.columns) == list(claims.columns) + market.COMPARISON_COLUMNS
    assert out["evidence"].item() == "x"
    assert out.index.tolist() == [7]  # the caller's index is kept
    assert set(out["verdict"]) <= set(market.VERDICTS)
    # comparing twice replaces the comparison columns instead of duplicating them
    again = market.compare_claims(out, reference, region_map={})
    assert list(again.columns) == list(out.columns)


def test_end_to_end_from_figures(reference):
    figures = pd.DataFrame([figure(), figure(market="Japan", value=2.0, qualifier="exact", start=20, end=22)])
    articles = pd.DataFrame({"article_id": [A], "published": ["2024-03"]})
    out = market.compare_claims(market.share_claims(figures, articles), reference)
    assert out[["market", "claim_year", "verdict"]].values.tolist() == [
        ["China", 2023, "lower"],
        ["Japan", 2023, "consistent"],
    ]


def test_format_number():
    assert market.format_number(20.0) == "20"
    assert market.format_number(0.5) == "0.5"
    assert market.format_number(3.25) == "3.2"  # round half to even, one decimal above 1
    assert market.format_number(0.774) == "0.77"
    assert market.format_number(math.nan) == "?"
