"""EV market-share claims in the corpus, compared with a reference series (IEA Global EV Outlook).

Three steps, each a plain DataFrame in and out:

- `load_reference()` reads data/reference/iea_ev_sales_share.csv (region, year, ev_sales_share_pct, ...).
- `share_claims(figures)` keeps the figures that state the EV share of a *market's* car sales and dates
  each claim (`claim_year`): from the figure's own period when it has one, otherwise from the article's
  publication date (see `share_claims` for why that means the last full year before publication).
- `compare_claims(claims, reference)` looks up the reference value for the same region in the nearest
  available year and gives a verdict that honours the claim's qualifier ("more than 20%" is consistent
  with 25%), plus a one-line human-readable `comparison`.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from pathlib import Path

import pandas as pd

from helpers import config

REFERENCE_FILE = "iea_ev_sales_share.csv"
MARKETS_FILE = "markets.csv"
REFERENCE_COLUMNS = ("region", "year", "ev_sales_share_pct")
# The series the comparison uses when a reference holds several powertrain breakdowns.
DEFAULT_POWERTRAIN = "BEV+PHEV"

# Default tolerance of a comparison: a claim is consistent when it is within 2 percentage points OR
# within 15 % (relative) of the reference value; news rounds hard and IEA rounds to two significant figures.
DEFAULT_TOLERANCE_PP = 2.0
DEFAULT_TOLERANCE_REL = 0.15
# A claim more than this many years from the nearest reference year is not compared (a 2030 target is not
# a 2024 statistic).
DEFAULT_MAX_GAP_YEARS = 3

VERDICTS = ("consistent", "higher", "lower", "no reference")
# How each qualifier is written in the `comparison` text and on charts (ASCII only).
QUALIFIER_SYMBOLS = {
    "exact": "",
    "approximately": "~",
    "more_than": ">",
    "at_least": ">=",
    "less_than": "<",
    "up_to": "<=",
}
LOWER_BOUND_QUALIFIERS = ("more_than", "at_least")  # the claim says: the true value is at least this
UPPER_BOUND_QUALIFIERS = ("less_than", "up_to")  # the claim says: the true value is at most this

CLAIM_COLUMNS = [
    "article_id",
    "market",
    "region",
    "value",
    "qualifier",
    "subject",
    "period",
    "period_start",
    "period_end",
    "published",
    "claim_year",
    "claim_year_basis",
    "start",
    "end",
    "evidence",
]
COMPARISON_COLUMNS = [
    "reference_region",
    "reference_year",
    "year_gap",
    "reference_value",
    "reference_source",
    "diff_pp",
    "diff_rel",
    "tolerance_pp",
    "verdict",
    "comparison",
]


def load_reference(
    path: str | Path | None = None, powertrain: str | None = DEFAULT_POWERTRAIN
) -> pd.DataFrame:
    """Read the reference EV sales-share series, sorted by region and year.

    `path` defaults to ``config.REFERENCE_DIR / "iea_ev_sales_share.csv"``. When the file holds several
    powertrain breakdowns, only `powertrain` is kept (``None`` keeps all). Where the same region and year
    appear in more than one edition, the latest edition (by its text) wins.
    """
    path = Path(path) if path is not None else config.REFERENCE_DIR / REFERENCE_FILE
    ref = pd.read_csv(path, dtype={"region": "string"})
    missing = [c for c in REFERENCE_COLUMNS if c not in ref.columns]
    if missing:
        raise ValueError(f"{path}: reference table lacks column(s) {', '.join(missing)}")
    ref["year"] = pd.to_numeric(ref["year"], errors="raise").astype("int64")
    ref["ev_sales_share_pct"] = pd.to_numeric(ref["ev_sales_share_pct"], errors="raise").astype("float64")
    if powertrain is not None and "powertrain" in ref.columns and (ref["powertrain"] == powertrain).any():
        ref = ref[ref["powertrain"] == powertrain]
    return _one_value_per_region_year(ref)


def _one_value_per_region_year(ref: pd.DataFrame) -> pd.DataFrame:
    keys = ["region", "year"]
    order = keys + (["edition"] if "edition" in ref.columns else [])
    ref = ref.sort_values(order, kind="stable")
    return ref.drop_duplicates(keys, keep="last").reset_index(drop=True)


def load_region_map(path: str | Path | None = None) -> dict[str, str | None]:
    """Market name (and alias) -> reference region, from the `iea_region` column of markets.csv.

    A market listed with an empty `iea_region` maps to ``None``: it has no reference series on purpose
    (the European Union is not IEA's "Europe"; Bavaria is not Germany). Returns an empty mapping when
    the file (or the column) does not exist; `reference_region` then matches names to regions directly.
    """
    path = Path(path) if path is not None else config.REFERENCE_DIR / MARKETS_FILE
    if not path.exists():
        return {}
    markets = pd.read_csv(path, dtype="string", keep_default_na=False)
    if "name" not in markets.columns or "iea_region" not in markets.columns:
        return {}
    aliases = markets["aliases"] if "aliases" in markets.columns else pd.Series("", index=markets.index)
    mapping: dict[str, str | None] = {}
    for name, region in zip(markets["name"], markets["iea_region"], strict=True):
        if name.strip():
            mapping[name.strip()] = region.strip() or None
    for alias_list, region in zip(aliases, markets["iea_region"], strict=True):
        for alias in alias_list.split("|"):
            if alias.strip() and alias.strip() not in mapping:  # a canonical name wins over an alias
                mapping[alias.strip()] = region.strip() or None
    return mapping


def reference_region(
    market: object, region_map: Mapping[str, str | None], regions: set[str] | None = None
) -> str | None:
    """The reference region of a market name (exact, then case-insensitive).

    A name in `region_map` maps to its entry (``None`` = deliberately no series); a name not in it is
    taken as a region name itself. With `regions`, the result is spelled as in `regions`.
    """
    if not isinstance(market, str) or not market.strip():
        return None
    name = market.strip()
    if name in region_map:
        region = region_map[name]
    else:
        folded = {k.casefold(): v for k, v in region_map.items()}
        region = folded.get(name.casefold(), name)
    if region is None:
        return None
    if regions:
        by_fold = {r.casefold(): r for r in regions}
        return by_fold.get(region.casefold(), region)
    return region


def share_claims(
    figures: pd.DataFrame,
    articles: pd.DataFrame | None = None,
    *,
    region_map: Mapping[str, str | None] | None = None,
    current_lag_years: int = 1,
) -> pd.DataFrame:
    """EV market-share claims: figures with ``is_ev_share`` true and ``market_kind == "market"``.

    Each claim gets a `claim_year` and the basis it came from (`claim_year_basis`):

    - ``"period"``: the year of the figure's `period_start` (its own period, e.g. "in 2023");
    - ``"published"``: no period stated, so the claim describes the share *at publication*; the latest
      full-year statistic a writer can cite then is the previous year's (annual shares are published after
      the year ends), so `claim_year` = publication year - `current_lag_years` (default 1; pass 0 to use
      the publication year itself);
    - ``None``: neither a period nor a publication date is known.

    The publication date is read from a `published` column of `figures` or, failing that, from `articles`
    (joined on article_id). `region` is the reference region the market maps to (see `compare_claims`).
    The result is sorted by region, claim year, article and offset.
    """
    if figures is None or figures.empty or "is_ev_share" not in figures.columns:
        return pd.DataFrame(columns=CLAIM_COLUMNS)
    is_share = figures["is_ev_share"].fillna(False).astype(bool)
    if "market_kind" in figures.columns:
        is_share &= figures["market_kind"].eq("market").fillna(False).astype(bool)
    claims = figures[is_share].copy()
    if "published" not in claims.columns and articles is not None and "published" in articles.columns:
        pub = articles[["article_id", "published"]].drop_duplicates("article_id")
        claims = claims.merge(pub, on="article_id", how="left")
    for col in CLAIM_COLUMNS:
        if col not in claims.columns:
            claims[col] = None
    claims["value"] = pd.to_numeric(claims["value"], errors="coerce").astype("float64")
    claims["qualifier"] = claims["qualifier"].fillna("exact")

    period_year = _year_of(claims["period_start"])
    pub_year = _year_of(claims["published"])
    claim_year = period_year.fillna(pub_year - current_lag_years)
    claims["claim_year"] = claim_year.astype("Int64")
    basis = pd.Series(None, index=claims.index, dtype="object")
    basis[pub_year.notna()] = "published"
    basis[period_year.notna()] = "period"
    claims["claim_year_basis"] = basis

    if region_map is None:
        region_map = load_region_map()
    claims["region"] = [reference_region(m, region_map) for m in claims["market"]]
    extra = [c for c in claims.columns if c not in CLAIM_COLUMNS]
    claims = claims[CLAIM_COLUMNS + extra]
    claims = claims.sort_values(
        ["region", "claim_year", "article_id", "start"], kind="stable", na_position="last"
    )
    return claims.reset_index(drop=True)


def _year_of(values: pd.Series) -> pd.Series:
    """The calendar year of ISO-ish date strings ("2024", "2024-03", "2024-03-15"), NaN when unknown."""
    years = values.astype("string").str.extract(r"^\s*(\d{4})", expand=False)
    return pd.to_numeric(years, errors="coerce").astype("float64")


def compare_claims(
    claims: pd.DataFrame,
    reference: pd.DataFrame,
    tolerance_pp: float = DEFAULT_TOLERANCE_PP,
    tolerance_rel: float = DEFAULT_TOLERANCE_REL,
    *,
    region_map: Mapping[str, str | None] | None = None,
    max_gap_years: int | None = DEFAULT_MAX_GAP_YEARS,
) -> pd.DataFrame:
    """Compare each claim with the reference value for the same region in the nearest available year.

    Region: the claim's `market` mapped through `region_map` (default: the `iea_region` column of
    data/reference/markets.csv, when that file exists), falling back to the market name itself.
    Year: the reference year nearest to `claim_year` (ties go to the earlier year, the one known at the
    time); `year_gap` = reference_year - claim_year. A claim without a year, without a reference series
    for its region, or more than `max_gap_years` from the nearest year gets the verdict "no reference".

    The tolerance at a reference value r is ``max(tolerance_pp, tolerance_rel * r)`` percentage points.
    Verdicts (claim vs reference), honouring the qualifier:

    - exact / approximately: "consistent" when |claim - r| <= tolerance, else "higher" / "lower";
    - more_than / at_least (a lower bound): "consistent" when r >= claim - tolerance, else "higher";
    - less_than / up_to (an upper bound): "consistent" when r <= claim + tolerance, else "lower".

    Adds the columns in `COMPARISON_COLUMNS`; `diff_pp` = claim - reference (percentage points) and
    `diff_rel` = diff_pp / reference.
    """
    out = claims.copy()
    if region_map is None:
        region_map = load_region_map()
    ref = reference.dropna(subset=["region", "year", "ev_sales_share_pct"])
    series = {
        str(region): group.sort_values("year")
        for region, group in ref.groupby("region", sort=True, observed=True)
    }
    rows = [
        _compare_one(row, series, region_map, tolerance_pp, tolerance_rel, max_gap_years)
        for row in out.to_dict("records")
    ]
    result = pd.DataFrame(rows, columns=COMPARISON_COLUMNS, index=out.index)
    out = out.drop(columns=[c for c in COMPARISON_COLUMNS if c in out.columns])
    out = pd.concat([out, result], axis=1)
    out["reference_year"] = out["reference_year"].astype("Int64")
    out["year_gap"] = out["year_gap"].astype("Int64")
    for col in ("reference_value", "diff_pp", "diff_rel", "tolerance_pp"):
        out[col] = out[col].astype("float64")
    return out


def _compare_one(
    claim: dict,
    series: dict[str, pd.DataFrame],
    region_map: Mapping[str, str | None],
    tolerance_pp: float,
    tolerance_rel: float,
    max_gap_years: int | None,
) -> dict:
    value = _num(claim.get("value"))
    qualifier = claim.get("qualifier") if isinstance(claim.get("qualifier"), str) else "exact"
    claim_text = f"{QUALIFIER_SYMBOLS.get(qualifier, '')}{format_number(value)}%"
    market = claim.get("market")
    region = reference_region(market, region_map, set(series))
    result = dict.fromkeys(COMPARISON_COLUMNS)
    result.update(reference_region=region, verdict="no reference")

    year = _num(claim.get("claim_year"))
    if region not in series:
        result["comparison"] = f"claim {claim_text} for {market or 'an unnamed market'}: no reference series"
        return result
    if math.isnan(year) or math.isnan(value):
        missing = "year" if math.isnan(year) else "value"
        result["comparison"] = f"claim {claim_text} for {region}: the claim has no {missing} to compare"
        return result

    years = series[region]["year"].to_numpy()
    values = series[region]["ev_sales_share_pct"].to_numpy()
    idx = min(range(len(years)), key=lambda i: (abs(int(years[i]) - year), years[i]))
    ref_year, ref_value = int(years[idx]), float(values[idx])
    gap = int(ref_year - year)
    year_note = "" if gap == 0 else f" (nearest to {int(year)})"
    if max_gap_years is not None and abs(gap) > max_gap_years:
        result["comparison"] = (
            f"claim {claim_text} for {int(year)}: nearest {region} reference year {ref_year} is "
            f"{abs(gap)} years away -> no reference"
        )
        return result

    diff = value - ref_value
    tol = max(tolerance_pp, tolerance_rel * ref_value)
    if qualifier in LOWER_BOUND_QUALIFIERS:
        verdict = "consistent" if ref_value >= value - tol else "higher"
    elif qualifier in UPPER_BOUND_QUALIFIERS:
        verdict = "consistent" if ref_value <= value + tol else "lower"
    elif abs(diff) <= tol:
        verdict = "consistent"
    else:
        verdict = "higher" if diff > 0 else "lower"
    if verdict == "consistent":
        outcome = f"consistent (tolerance {format_number(tol)} pp)"
    else:
        outcome = f"{verdict} by {format_number(abs(diff))} pp"
    source = _source_of(series[region].iloc[idx])
    result.update(
        reference_year=ref_year,
        year_gap=gap,
        reference_value=ref_value,
        reference_source=source,
        diff_pp=diff,
        diff_rel=diff / ref_value if ref_value else math.nan,
        tolerance_pp=tol,
        verdict=verdict,
        comparison=(
            f"claim {claim_text} vs {short_source(source)} {ref_year}{year_note}: "
            f"{format_number(ref_value)}% -> {outcome}"
        ),
    )
    return result


def _source_of(row: pd.Series) -> str | None:
    value = row.get("source")
    return value if isinstance(value, str) and value else None


def short_source(source: str | None) -> str:
    """The publisher part of a citation: 'IEA (2025) Global EV Outlook 2025' -> 'IEA'."""
    if not source:
        return "reference"
    return source.split("(")[0].strip() or "reference"


def _num(value: object) -> float:
    try:
        if value is None or value is pd.NA:
            return math.nan
        return float(value)
    except (TypeError, ValueError):
        return math.nan


def format_number(value: float) -> str:
    """Numbers as a reader writes them: 20, 0.5, 18.3 (at most one decimal above 1, two below)."""
    if math.isnan(value):
        return "?"
    digits = 1 if abs(value) >= 1 else 2
    return f"{round(value, digits):g}"
