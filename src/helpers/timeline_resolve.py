"""Resolution of `timeline` candidates: overlaps dropped, ranges merged, each spec normalized
against the publication date at its precision (never against today).
"""

from __future__ import annotations

from bisect import bisect_left
from datetime import date, timedelta
from functools import lru_cache

from .timeline_dates import (
    _add_months,
    _fmt,
    _month_range,
    _month_span,
    _pub_fy,
    _shift,
    _span_value,
    _week,
    parse_normalized,
)
from .timeline_vocab import _ABS_KINDS, _EXPLICIT_ONLY, _RANGE_GAP, _RANGE_LEFT, _SEASONS, _Pub

# ----------------------------------------------------------------------------------------------------------
# Overlaps and ranges


def _drop_overlaps(cands: list[tuple[int, int, tuple]]) -> list[tuple[int, int, tuple]]:
    """Keep the longest of overlapping candidates ("between 2027 and 2031" over "2027"), then sort by offset."""
    cands.sort(key=lambda c: (c[0] - c[1], c[0]))
    starts: list[int] = []
    kept: list[tuple[int, int, tuple]] = []
    for c in cands:
        i = bisect_left(starts, c[0])
        if i > 0 and kept[i - 1][1] > c[0]:
            continue
        if i < len(kept) and kept[i][0] < c[1]:
            continue
        starts.insert(i, c[0])
        kept.insert(i, c)
    return kept


def _merge_ranges(body: str, cands: list[tuple[int, int, tuple]]) -> list[tuple[int, int, tuple]]:
    """Join "A to B", "between A and B", "A-B" into one range candidate."""
    out: list[tuple[int, int, tuple]] = []
    i = 0
    while i < len(cands):
        a = cands[i]
        if i + 1 < len(cands):
            b = cands[i + 1]
            merged = _try_range(body, a, b)
            if merged:
                out.append(merged)
                i += 2
                continue
        out.append(a)
        i += 1
    return out


def _try_range(body: str, a: tuple, b: tuple) -> tuple[int, int, tuple] | None:
    sa, ka = a[2], b[2]
    if sa[0] not in _ABS_KINDS or ka[0] not in _ABS_KINDS or b[0] - a[1] > 12:
        return None
    g = _RANGE_GAP.fullmatch(body, a[1], b[0])
    if not g:
        return None
    left = _RANGE_LEFT.search(body, max(0, a[0] - 10), a[0])
    word = (g["word"] or "").lower()
    if word == "and" and not (left and left["w"].lower() == "between"):
        return None
    if sa[0] == "fy" and ka[0] == "year":
        ka = ("fy", ka[1])
    ya, yb = sa[1], ka[1]
    if ya is None and isinstance(yb, int):
        sa = _with_year(sa, _year_before(sa, ka, yb))
    elif yb is None and isinstance(ya, int):
        ka = _with_year(ka, _year_after(sa, ka, ya))
    if isinstance(sa[1], int) and isinstance(ka[1], int):
        va, vb = _norm_abs(sa, sa[1]), _norm_abs(ka, ka[1])
        if not va or not vb:
            return None
        (a0, a1), (b0, b1) = parse_normalized(va[0]), parse_normalized(vb[0])
        if not (a0 <= b0 and a1 <= b1 and a0 < b1):
            return None
    start = left.start() if left else a[0]
    return start, b[1], ("range", sa, ka)


def _with_year(spec: tuple, y: int | None) -> tuple:
    return (spec[0], y, *spec[2:])


def _year_before(sa: tuple, sb: tuple, yb: int) -> int | None:
    """Year for an undated range start so that it precedes the dated end ("November to March 2025")."""
    va, vb = _norm_abs(sa, yb), _norm_abs(sb, yb)
    if not va or not vb:
        return yb
    return yb if parse_normalized(va[0])[0] <= parse_normalized(vb[0])[0] else yb - 1


def _year_after(sa: tuple, sb: tuple, ya: int) -> int | None:
    va, vb = _norm_abs(sa, ya), _norm_abs(sb, ya)
    if not va or not vb:
        return ya
    return ya if parse_normalized(vb[0])[0] >= parse_normalized(va[0])[0] else ya + 1


# ----------------------------------------------------------------------------------------------------------
# Resolution


_INTRINSIC_PREC = {
    "day": "day", "dayrange": "range", "month": "month", "year": "year", "fy": "fiscal_year", "quarter": "quarter",
    "half": "range", "months": "range", "yearpart": "range", "season": "range", "decade": "range",
    "yrange": "range", "fyrange": "range", "fyend": "fiscal_year", "range": "range", "span": "range",
    "part": "range", "weekday": "day",
}  # fmt: skip


def _intrinsic_prec(spec: tuple) -> str:
    k = spec[0]
    if k == "rel" or k in ("in", "ago"):
        return {"day": "day", "week": "range", "month": "month", "quarter": "quarter"}.get(spec[1], "year")
    if k == "yearpart" and spec[2] in ("end", "beginning", "start"):
        return "month"
    return _INTRINSIC_PREC.get(k, "range")


def _norm_abs(spec: tuple, y: int) -> tuple[str, str] | None:
    """Normalized value and precision of an absolute spec in year y; None when the date does not exist."""
    if not 1 <= y <= 9998:
        return None
    k = spec[0]
    try:
        if k == "day":
            date(y, spec[2], spec[3])
            return f"{y:04d}-{spec[2]:02d}-{spec[3]:02d}", "day"
        if k == "dayrange":
            date(y, spec[2], spec[4])
            return f"{y:04d}-{spec[2]:02d}-{spec[3]:02d}/{y:04d}-{spec[2]:02d}-{spec[4]:02d}", "range"
        if k == "month":
            return f"{y:04d}-{spec[2]:02d}", "month"
        if k == "year":
            return f"{y:04d}", "year"
        if k == "fy":
            return f"FY{y:04d}", "fiscal_year"
        if k == "quarter":
            return (f"FY{y:04d}-Q{spec[2]}" if spec[3] else f"{y:04d}-Q{spec[2]}"), "quarter"
        if k == "half":
            return _month_range(y, (4 if spec[3] else 1) + 6 * (spec[2] - 1), 6), "range"
        if k == "months":
            first, n, fiscal = spec[2], spec[3], spec[4]
            if n == 12:
                return (f"FY{y:04d}", "fiscal_year") if fiscal else (f"{y:04d}", "year")
            m0 = (4 if fiscal else 1) + (0 if first else 12 - n)
            return _month_range(y, m0, n), "month" if n == 1 else "range"
        if k == "yearpart":
            mod = spec[2]
            if mod == "end":
                return f"{y:04d}-12", "month"
            if mod in ("beginning", "start"):
                return f"{y:04d}-01", "month"
            m0 = {"early": 1, "mid": 5, "middle": 5, "late": 9}[mod]
            return _month_range(y, m0, 4), "range"
        if k == "season":
            return _month_range(y, _SEASONS[spec[2]], 3), "range"
        if k == "decade":
            lo, hi = {None: (0, 9), "early": (0, 3), "mid": (4, 6), "late": (7, 9)}[spec[2]]
            return f"{y + lo:04d}/{y + hi:04d}", "range"
        if k == "yrange":
            return f"{spec[1]:04d}/{spec[2]:04d}", "range"
        if k == "fyrange":
            return f"FY{spec[1]:04d}/FY{spec[2]:04d}", "range"
        if k == "fyend":
            m = spec[2]
            if m == 3:
                return f"FY{y - 1:04d}", "fiscal_year"
            if m == 12:
                return f"{y:04d}", "fiscal_year"
            return _month_range(y - 1, m + 1, 12), "fiscal_year"
    except (ValueError, KeyError):
        return None
    return None


def _is_fiscal(spec: tuple) -> bool:
    k = spec[0]
    if k == "fy":
        return True
    if k in ("quarter", "half"):
        return bool(spec[3])
    if k == "months":
        return bool(spec[4])
    return False


def _year_for(spec: tuple, pub: _Pub | None, tense: str | None) -> int | None:
    slot = spec[1]
    if isinstance(slot, int):
        return slot
    if pub is None or slot == "?":
        return None
    fiscal = _is_fiscal(spec)
    base = _pub_fy(pub) if fiscal else pub.y
    if base is None:
        return None
    if isinstance(slot, tuple):
        if spec[0] == "decade":
            return (pub.y // 10) * 10 + 10 * slot[1]
        return base + slot[1]
    if pub.m is None:
        return base
    v = _norm_abs(spec, base)
    if v is None:
        return base
    s, e = (date.fromisoformat(x) for x in parse_normalized(v[0]))
    which = spec[-1] if spec[0] in ("day", "month") else None
    if which == "last":
        return base - 1 if s >= pub.lo else base
    if which == "next":
        return base + 1 if e <= pub.hi else base
    if which == "this":
        return base
    if tense == "past" and s > pub.hi:
        return base - 1
    if tense == "future" and e < pub.lo:
        return base + 1
    return base


@lru_cache(maxsize=16384)
def _resolve(spec: tuple, pub: _Pub | None, tense: str | None) -> tuple[str | None, str]:
    """Normalized value and precision of a candidate; (None, precision) when it cannot be settled."""
    prec = _intrinsic_prec(spec)
    k = spec[0]
    try:
        if k in _ABS_KINDS or k in _EXPLICIT_ONLY:
            y = _year_for(spec, pub, tense)
            if y is None:
                return None, prec
            v = _norm_abs(spec, y)
            return v if v else (None, prec)
        if k == "range":
            a, b = spec[1], spec[2]
            ya = _year_for(a, pub, tense)
            if ya is not None and b[1] is None:
                b = _with_year(b, _year_after(a, b, ya))
            yb = _year_for(b, pub, tense)
            va = _norm_abs(a, ya) if ya is not None else None
            vb = _norm_abs(b, yb) if yb is not None else None
            if not va or not vb:
                return None, "range"
            value = f"{va[0].split('/')[0]}/{vb[0].split('/')[-1]}"
            parse_normalized(value)  # raises ValueError when the range runs backwards
            return value, "range"
        if pub is None:
            return None, prec
        return _resolve_relative(spec, pub, tense, prec)
    except (ValueError, OverflowError):
        return None, prec


def _resolve_relative(spec: tuple, pub: _Pub, tense: str | None, prec: str) -> tuple[str | None, str]:
    k = spec[0]
    if k == "rel":
        unit, off = spec[1], spec[2]
        if unit == "day":
            if pub.prec == "day":
                return (pub.lo + timedelta(days=off)).isoformat(), "day"
            return (pub.text, pub.prec) if off == 0 else (None, prec)
        if unit == "week":
            return (_week(pub.lo + timedelta(days=7 * off)), "range") if pub.prec == "day" else (None, prec)
        if unit == "month":
            if pub.m is not None:
                return _fmt(_add_months(date(pub.y, pub.m, 1), off), "month"), "month"
            return (pub.text, pub.prec) if off == 0 else (None, prec)
        if unit == "quarter":
            if pub.m is not None:
                q = pub.y * 4 + (pub.m - 1) // 3 + off
                return f"{q // 4:04d}-Q{q % 4 + 1}", "quarter"
            return (pub.text, pub.prec) if off == 0 else (None, prec)
        return None, prec
    if k == "span":
        unit, n, sign = spec[1], spec[2], spec[3]
        lo, hi = pub.lo, pub.hi
        if sign > 0:
            hi = _shift(hi, unit, n)
        else:
            lo = _shift(lo, unit, -n)
        return _span_value(lo, hi, pub.prec)
    if k in ("in", "ago"):
        unit, n = spec[1], spec[2] * (1 if k == "in" else -1)
        if unit in ("year", "decade"):
            return f"{pub.y + n * (10 if unit == 'decade' else 1):04d}", "year"
        if unit in ("month", "quarter"):
            if pub.m is None:
                return None, prec
            d = _add_months(date(pub.y, pub.m, 1), n * (3 if unit == "quarter" else 1))
            if unit == "quarter":
                return f"{d.year:04d}-Q{(d.month - 1) // 3 + 1}", "quarter"
            return _fmt(d, "month"), "month"
        if pub.prec != "day":
            return None, prec
        if unit == "week":
            return _week(pub.lo + timedelta(days=7 * n)), "range"
        return (pub.lo + timedelta(days=n)).isoformat(), "day"
    if k == "part":
        unit, part = spec[1], spec[2]
        if unit == "year":
            first, last = date(pub.y, 1, 1), date(pub.y, 12, 31)
        elif unit == "month":
            if pub.m is None:
                return pub.text, pub.prec
            first, last = _month_span(pub.y, pub.m, 1)
        else:
            if pub.prec != "day":
                return None, prec
            first = pub.lo - timedelta(days=pub.lo.weekday())
            last = first + timedelta(days=6)
        lo, hi = (first, pub.hi) if part == "earlier" else (pub.lo, last)
        return _span_value(lo, hi, pub.prec)
    if k == "weekday":
        if pub.prec != "day":
            return None, prec
        wd, which = spec[1], spec[2]
        delta = (pub.lo.weekday() - wd) % 7
        if which == "next" or (which != "last" and tense == "future"):
            ahead = (wd - pub.lo.weekday()) % 7 or 7
            return (pub.lo + timedelta(days=ahead)).isoformat(), "day"
        if which == "last" and delta == 0:
            delta = 7
        return (pub.lo - timedelta(days=delta)).isoformat(), "day"
    return None, prec
