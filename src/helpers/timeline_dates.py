"""Normalized time values of `timeline`: the intervals they stand for (`parse_normalized`), month
arithmetic, formatting at a precision, and the publication date as the reference point.
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from functools import lru_cache

from .timeline_vocab import _Pub

_NORM_PART = re.compile(
    r"(?:FY(?P<fy>\d{4})(?:-Q(?P<fq>[1-4]))?|(?P<y>\d{4})(?:-Q(?P<q>[1-4])|-(?P<m>\d\d)(?:-(?P<d>\d\d))?)?)"
)


@lru_cache(maxsize=8192)
def parse_normalized(normalized: str | None) -> tuple[str | None, str | None]:
    """The inclusive ISO start and end dates a normalized value stands for; (None, None) for None.

    The one place that gives normalized strings their meaning, so every table (timeline, alliances,
    figures) derives dates from a value the same way. Accepts "2024-04-02", "2024-03", "2024", "2024-Q3",
    "FY2026", "FY2024-Q3" and "START/END" ranges of those; raises ValueError on anything else.
    """
    if normalized is None:
        return None, None
    if not isinstance(normalized, str):
        raise TypeError(f"normalized date must be a string, not {type(normalized).__name__}")
    parts = normalized.split("/")
    if len(parts) > 2:
        raise ValueError(f"not a normalized date: {normalized!r}")
    start, _ = _part_interval(parts[0], normalized)
    _, end = _part_interval(parts[-1], normalized)
    if start > end:
        raise ValueError(f"range ends before it starts: {normalized!r}")
    return start.isoformat(), end.isoformat()


# ----------------------------------------------------------------------------------------------------------
# Normalized values


def _part_interval(part: str, whole: str) -> tuple[date, date]:
    m = _NORM_PART.fullmatch(part)
    if not m:
        raise ValueError(f"not a normalized date: {whole!r}")
    try:
        if m["fy"]:
            y = int(m["fy"])
            if m["fq"]:
                return _month_span(y, 4 + 3 * (int(m["fq"]) - 1), 3)
            return date(y, 4, 1), date(y + 1, 3, 31)
        y = int(m["y"])
        if m["q"]:
            return _month_span(y, 1 + 3 * (int(m["q"]) - 1), 3)
        if m["d"]:
            day = date(y, int(m["m"]), int(m["d"]))
            return day, day
        if m["m"]:
            if not 1 <= int(m["m"]) <= 12:
                raise ValueError(m["m"])
            return _month_span(y, int(m["m"]), 1)
        return date(y, 1, 1), date(y, 12, 31)
    except (ValueError, OverflowError) as exc:
        raise ValueError(f"not a normalized date: {whole!r}") from exc


def _month_span(y: int, m0: int, n: int) -> tuple[date, date]:
    """First day of month m0 of year y (m0 may exceed 12) to the last day n months later."""
    y0, m0 = y + (m0 - 1) // 12, (m0 - 1) % 12 + 1
    nxt = _add_months(date(y0, m0, 1), n)
    return date(y0, m0, 1), nxt - timedelta(days=1)


def _add_months(d: date, n: int) -> date:
    k = d.year * 12 + d.month - 1 + n
    y, m = divmod(k, 12)
    m += 1
    last = (date(y + (m == 12), m % 12 + 1, 1) - timedelta(days=1)).day
    return date(y, m, min(d.day, last))


def _month_range(y: int, m0: int, n: int) -> str:
    """Normalized months m0..m0+n-1 of year y ("2025-01/2025-06"), one month alone when n == 1."""
    s, e = _month_span(y, m0, n)
    if n == 1:
        return f"{s.year:04d}-{s.month:02d}"
    return f"{s.year:04d}-{s.month:02d}/{e.year:04d}-{e.month:02d}"


def _fmt(d: date, prec: str) -> str:
    if prec == "day":
        return d.isoformat()
    if prec == "month":
        return f"{d.year:04d}-{d.month:02d}"
    return f"{d.year:04d}"


def _span_value(lo: date, hi: date, prec: str) -> tuple[str, str]:
    a, b = _fmt(lo, prec), _fmt(hi, prec)
    return (a, prec) if a == b else (f"{a}/{b}", "range")


def _week(d: date) -> str:
    monday = d - timedelta(days=d.weekday())
    return f"{monday.isoformat()}/{(monday + timedelta(days=6)).isoformat()}"


# ----------------------------------------------------------------------------------------------------------
# Publication date


@lru_cache(maxsize=1024)
def _parse_pub(published: str | None, precision: str | None) -> _Pub | None:
    if not published:
        return None
    m = re.match(r"\s*(\d{4})(?:-(\d\d)(?:-(\d\d))?)?", published)
    if not m:
        return None
    y = int(m[1])
    mo = int(m[2]) if m[2] else None
    d = int(m[3]) if m[3] else None
    if precision in ("year", "fiscal_year"):
        mo = d = None
    elif precision == "month":
        d = None
    if not 1000 <= y <= 9000:
        return None
    try:
        if d is not None and mo is not None:
            lo = hi = date(y, mo, d)
            prec = "day"
        elif mo is not None:
            lo, hi = _month_span(y, mo, 1)
            prec = "month"
        else:
            lo, hi = date(y, 1, 1), date(y, 12, 31)
            prec = "year"
    except ValueError:
        return None
    return _Pub(y, mo, d if mo is not None else None, prec, lo, hi, _fmt(lo, prec))


def _pub_fy(pub: _Pub) -> int | None:
    """The fiscal year the publication date falls in (needs at least its month)."""
    if pub.m is None:
        return None
    return pub.y if pub.m >= 4 else pub.y - 1


def _shift(d: date, unit: str, n: int) -> date:
    if unit == "day":
        return d + timedelta(days=n)
    if unit == "week":
        return d + timedelta(days=7 * n)
    months = {"month": 1, "quarter": 3, "year": 12, "decade": 120}[unit] * n
    return _add_months(d, months)
