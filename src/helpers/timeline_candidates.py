"""Candidate time expressions of `timeline`: (start, end, spec) triples found at the anchors and
widened by the context patterns. A spec is a hashable tuple whose first item is its kind.
"""

from __future__ import annotations

import re

from .timeline_vocab import (
    _AGO_RIGHT,
    _ALLOW_BEFORE_YEAR,
    _ANCHOR,
    _BARE_MONTH_LEFT,
    _BARE_Q_BAD_RIGHT,
    _BARE_Q_LEFT,
    _CY_RIGHT,
    _DMY_LEFT,
    _FIRST_N_LEFT,
    _FISCAL_RIGHT,
    _FISCAL_WORD_LEFT,
    _FROM_NOW_RIGHT,
    _ID_BEFORE,
    _IN_BAD_RIGHT,
    _IN_LEFT,
    _LIST_LEFT,
    _LOWER_ANCHORS,
    _MOD_THE_LEFT,
    _MON_MOD_LEFT,
    _MON_RIGHT,
    _MONTH_FULL,
    _MONTH_NUM,
    _MONTH_SEARCH,
    _MONTH_TOKENS,
    _N_LEFT,
    _NEXT_WORD,
    _NUM_WORDS,
    _OF_NON_YEAR,
    _ORD_LEFT,
    _ORDINALS,
    _PART_LEFT,
    _PHONE_LEFT,
    _PHONE_RIGHT,
    _QH_FISCAL_LEFT,
    _QH_RIGHT,
    _RANGE_TO_MONTH,
    _REL_LEFT,
    _SEASON_LEFT,
    _SEASONS,
    _SINGULAR_GATE,
    _SPAN_LEFT,
    _TIME_RIGHT,
    _UNIT_AFTER,
    _WEEKDAY_DATE_RIGHT,
    _WEEKDAY_LEFT,
    _WEEKDAYS,
    _WITHIN_LEFT,
    _YEAR_ENDING_RIGHT,
    _YEAR_MOD_GATE,
    _YEAR_MOD_LEFT,
    _YEAR_RIGHT,
    _YEARSPEC_RIGHT,
    MAX_YEAR,
    MIN_YEAR,
)

# ----------------------------------------------------------------------------------------------------------
# Candidates: (start, end, spec). A spec is a hashable tuple; its first item is the kind. Absolute kinds carry
# a year slot second: an int (stated), None (take it from the publication date), ("rel", k) (publication
# year, or fiscal year, plus k) or "?" (anaphoric: "the same year", never resolved).


def _candidates(body: str) -> list[tuple[int, int, tuple]]:
    out: list[tuple[int, int, tuple]] = []
    add = out.append
    for m in _ANCHOR.finditer(body):
        tok = m.group()
        if tok[0].isdigit():
            c = _digit_cand(body, m.start(), m.end())
        elif tok in _MONTH_TOKENS:
            c = _month_cand(body, m.start(), m.end())
        else:
            c = _unit_cand(body, m.start(), m.end(), tok)
        if c:
            add(c)
    for rx in _LOWER_ANCHORS:
        for m in rx.finditer(body):
            c = _unit_cand(body, m.start(), m.end(), m.group())
            if c:
                add(c)
    return out


def _boundary_before(body: str, i: int) -> bool:
    return i == 0 or not body[i - 1].isalnum()


def _prev_word(body: str, i: int) -> str:
    """The word ending just before offset i, skipping spaces and hyphens ("mid-2024" -> "mid"), as written.

    A cheap gate: the left-context regexes only run when this word could begin what they match.
    """
    j = i
    while j > 0 and body[j - 1] in " -\t":
        j -= 1
    k = j
    while k > 0 and (body[k - 1].isalnum() or body[k - 1] in "'."):
        k -= 1
    return body[k:j]


def _word_after(body: str, i: int) -> str:
    m = _NEXT_WORD.match(body, i)
    return m.group(1).lower() if m else ""


def _strip_the(body: str, start: int) -> int:
    if body.startswith(("the ", "The ", "THE "), start):
        return start + 4
    return start


def _year_value(s: str, two_digit_ok: bool) -> int | None:
    if len(s) == 2:
        if not two_digit_ok:
            return None
        y = 2000 + int(s)
    else:
        y = int(s)
    return y if MIN_YEAR <= y <= MAX_YEAR else None


# --- month names ---


def _month_cand(body: str, s: int, e: int) -> tuple[int, int, tuple] | None:
    if not _boundary_before(body, s) or (e < len(body) and (body[e].isalnum() or body[e] == "_")):
        return None
    word = body[s:e]
    mon = _MONTH_NUM[word.lower()]
    r = _MON_RIGHT.match(body, e)
    end = e
    day = day2 = year = None
    if r and r.end() > e:
        if r["ym"]:
            year, end = int(r["ym"]), r.end()
        elif r["yy"]:
            year, end = 2000 + int(r["yy"]), r.end()
        elif r["d"]:
            if _word_after(body, r.end("d2") if r["d2"] else r.end("d")) in _UNIT_AFTER and not r["y"]:
                pass
            else:
                day = int(r["d"])
                day2 = int(r["d2"]) if r["d2"] else None
                year = int(r["y"]) if r["y"] else None
                end = r.end()
    if year is None:
        ry = _MON_REL_YEAR.match(body, end)  # "in April last year", "March 3 next year"
        if ry:
            year, end = ("rel", _REL_OFFSET[ry["rel"].lower()]), ry.end()
    start = s
    lo = max(0, s - 30)
    if day is None:
        dl = _DMY_LEFT.search(body, lo, s)
        if dl:
            day = int(dl["d"])
            if dl["d1"]:
                day, day2 = int(dl["d1"]), day
            start = _strip_the(body, dl.start())
    which = None
    ml = _MON_MOD_LEFT.search(body, lo, start)
    if ml:
        w = ml["which"].lower()
        if w in ("last", "next", "this"):
            which = w if year is None else None
        start = _strip_the(body, ml.start())
    if day is None and year is None:
        # A bare month name is only a date after a preposition or as part of a range ("March to June").
        if word.lower() not in _MONTH_FULL:
            return None
        if not (ml or _BARE_MONTH_LEFT.search(body, lo, s) or _RANGE_TO_MONTH.match(body, e)):
            lst = _LIST_LEFT.search(body, lo, s)
            if not (lst and _MONTH_SEARCH.search(body, max(0, lst.start() - 12), lst.start())):
                return None
    if isinstance(year, int) and not MIN_YEAR <= year <= MAX_YEAR:
        return None
    if day is not None:
        known = year if isinstance(year, int) else None
        if not 1 <= day <= _days_in(mon, known) or (
            day2 is not None and not day < day2 <= _days_in(mon, known)
        ):
            return None
        if day2 is not None:
            return start, end, ("dayrange", year, mon, day, day2)
        return start, end, ("day", year, mon, day, which)
    return start, end, ("month", year, mon, which)


# "last year", "this quarter", "the coming year": how many periods from the publication's
_REL_OFFSET = {"last": -1, "this": 0, "current": 0, "next": 1, "coming": 1}
_MON_REL_YEAR = re.compile(r"\s+(?:of\s+)?(?P<rel>last|next|this)\s+year\b", re.IGNORECASE)


def _days_in(month: int, year: int | None) -> int:
    if month == 2:
        return 29 if year is None or (year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)) else 28
    return 30 if month in (4, 6, 9, 11) else 31


# --- digits: years, ISO dates, year ranges, decades, 3Q24 ---


def _digit_cand(body: str, s: int, e: int) -> tuple[int, int, tuple] | None:
    tok = body[s:e]
    if tok[1] in "QH":
        if not _boundary_before(body, s):
            return None
        return _qh_cand(body, s, e, tok[1], int(tok[0]))
    if s and (body[s - 1].isalnum() or body[s - 1] in "$€£¥#.,/_+@:&%"):
        return None
    ml = (
        _YEAR_MOD_LEFT.search(body, max(0, s - 30), s)
        if _prev_word(body, s).lower() in _YEAR_MOD_GATE
        else None
    )
    if not ml and s >= 2 and body[s - 1] in "-–—" and body[s - 2].isalnum():
        return None  # "F-2024", "pre-2020", the second half of "2025-2030"
    y = int(tok)
    if not MIN_YEAR <= y <= MAX_YEAR:
        return None
    r = _YEAR_RIGHT.match(body, e)
    end = e
    spec: tuple | None = None
    if r:
        if r["im"]:
            mo, d = int(r["im"]), int(r["id"])
            if 1 <= mo <= 12 and 1 <= d <= _days_in(mo, y):
                spec, end = ("day", y, mo, d, None), r.end()
        elif r["sm"]:
            mo, d = int(r["sm"]), int(r["sd"])
            if 1 <= mo <= 12 and 1 <= d <= _days_in(mo, y):
                spec, end = ("day", y, mo, d, None), r.end()
        elif r["dec"]:
            after_the = body[max(0, s - 4) : s].lower() == "the "
            if y % 10 == 0 and (r["dec"] == "s" or after_the):
                spec, end = ("decade", y, None), r.end()
            elif r["dec"] == "s":
                return None  # "2024s"
        elif r["y2"]:
            spec = _year_pair(y, r["y2"], r["sep"])
            if spec is not None:
                end = r.end()
    if spec is None:
        nxt = body[e : e + 2]
        if nxt[:1].isalnum() or nxt[:1] == "%" or (nxt[:1] in ".,:-–—/" and nxt[1:2].isdigit()):
            return None
    start = s
    if ml and spec is None:
        mod = ml["mod"].lower()
        start = _strip_the(body, ml.start())
        if mod in _SEASONS:
            return start, end, ("season", y, mod)
        mod = "end" if mod.startswith("year") else mod.split()[0]
        return start, end, ("yearpart", y, mod)
    if ml and spec is not None and spec[0] == "decade":
        mod = ml["mod"].lower().split()[0]
        if mod in ("early", "mid", "late"):
            return _strip_the(body, ml.start()), end, ("decade", y, mod)
    if spec is None or spec[0] in ("yrange",):
        if _not_a_year(body, s, end):
            return None
        spec = spec or ("year", y)
    return start, end, spec


def _year_pair(y: int, y2s: str, sep: str) -> tuple | None:
    if len(y2s) == 2:
        n = int(y2s)
        if sep in "-–—" and n <= 12 and n != (y + 1) % 100 and n != 0:
            return ("month", y, n, None)  # ISO month "2024-04"
        y2 = (y // 100) * 100 + n
    else:
        y2 = int(y2s)
    if not (MIN_YEAR <= y2 <= MAX_YEAR) or y2 <= y:
        return None
    return ("yrange", y, y2)


def _not_a_year(body: str, s: int, e: int) -> bool:
    """A four-digit number that is a name, an identifier or a quantity rather than a date."""
    word = _prev_word(body, s) if s and body[s - 1] in " \t" else ""
    if word[:1].isalpha():
        low = word.lower().rstrip(".")
        if low in _ID_BEFORE:
            return True
        if word[0].isupper() and low not in _ALLOW_BEFORE_YEAR and not low.endswith(("'s", "s'")):
            return True  # "Vision 2030", "MC Shared Value 2024", "CES 2024"
    if _word_after(body, e) in _UNIT_AFTER:
        return True
    if _PHONE_LEFT.search(body, max(0, s - 8), s) or _PHONE_RIGHT.match(body, e):
        return True
    return False


# --- quarters and halves written Q3 / 3Q / H1 / 1H ---


def _qh_cand(body: str, s: int, e: int, letter: str, n: int) -> tuple[int, int, tuple] | None:
    kind = "quarter" if letter == "Q" else "half"
    if kind == "half" and n > 2:
        return None
    if e < len(body) and body[e].isalpha() and not body[e : e + 2].upper() == "FY":
        return None
    r = _QH_RIGHT.match(body, e)
    fiscal = False
    start, end = s, e
    fl = _QH_FISCAL_LEFT.search(body, max(0, s - 10), s)
    if fl:
        fiscal, start = True, fl.start()
    year: int | None | tuple = None
    if r:
        if r["fyy"]:
            year, fiscal = _year_value(r["fyy"], True), True
        elif r["y"]:
            year = _year_value(r["y"], False)
        else:
            year = _year_value(r["yy"] or r["yy2"], True)
        if year is None:
            return None
        end = r.end()
    else:
        if e < len(body) and body[e].isdigit():
            return None
        ys = _YEARSPEC_RIGHT.match(body, e)
        if ys:
            year, fiscal2 = _yearspec(ys)
            fiscal = fiscal or fiscal2
            end = ys.end()
        elif (
            kind == "half"
            or not _BARE_Q_LEFT.search(body, max(0, s - 10), s)
            or _BARE_Q_BAD_RIGHT.match(body, e)
        ):
            return None  # "H2" is hydrogen; "Audi Q4 e-tron" is a car
    return start, end, (kind, year, n, fiscal)


def _yearspec(m: re.Match) -> tuple[int | None | tuple | str, bool]:
    """Year slot and fiscal flag of a _YEARSPEC match."""
    if m["fyy"]:
        return _year_value(m["fyy"], True), True
    if m["y"]:
        return int(m["y"]), False
    rel = (m["rel"] or m["rel2"] or "this").lower()
    fiscal = bool(m["relfy"])
    if rel in ("same", "previous", "following", "prior"):
        return "?", fiscal
    return ("rel", _REL_OFFSET[rel]), fiscal


# --- unit words ---


def _unit_cand(body: str, s: int, e: int, word: str) -> tuple[int, int, tuple] | None:
    if not _boundary_before(body, s):
        return None
    low = word.lower()
    if low in ("fiscal", "fy", "financial", "cy"):
        return _fiscal_cand(body, s, e, low)
    if low[0] == "q" and len(low) == 2:
        return _qh_cand(body, s, e, "Q", int(low[1]))
    if low[0] == "h" and len(low) == 2:
        return _qh_cand(body, s, e, "H", int(low[1]))
    if e < len(body) and (body[e].isalpha() or body[e].isdigit()):
        return None
    if low in ("today", "yesterday", "tomorrow"):
        return s, e, ("rel", "day", {"today": 0, "yesterday": -1, "tomorrow": 1}[low])
    if low in _WEEKDAYS:
        return _weekday_cand(body, s, e, low)
    if low in _SEASONS:
        left = _SEASON_LEFT.search(body, max(0, s - 8), s)
        if not left or _YEARSPEC_RIGHT.match(body, e) and _YEARSPEC_RIGHT.match(body, e)["y"]:
            return None
        k = _REL_OFFSET[left["dir"].lower()]
        return left.start(), e, ("season", ("rel", k), low)
    plural = low.endswith("s") and low != "days"
    unit = low[:-1] if plural else low
    if low == "days":
        unit, plural = "day", True
    if unit == "half":
        return _half_cand(body, s, e)
    return _rel_unit_cand(body, s, e, unit, plural)


def _fiscal_cand(body: str, s: int, e: int, low: str) -> tuple[int, int, tuple] | None:
    if e < len(body) and body[e].isalpha() and low != "fy":
        return None
    if low == "cy":
        m = _CY_RIGHT.match(body, e)
        if not m or (e < len(body) and body[e].isalpha()):
            return None
        y = _year_value(m["y"], True)
        return (s, m.end(), ("year", y)) if y else None
    if low == "fy" and e < len(body) and body[e].isalpha():
        return None
    r = _FISCAL_RIGHT.match(body, e)
    if not r or (low == "financial" and not re.match(r"(?i)[\s-]+year", body[e : e + 6])):
        return None
    if r["ey"]:
        return s, r.end(), ("fyend", int(r["ey"]), _MONTH_NUM[r["em"].lower()[:3]])
    y = _year_value(r["y"], low == "fy" or bool(re.match(r"\s*'", body[r.start("y") - 1 : r.start("y")])))
    if y is None:
        return None
    end = r.end()
    if r["qh"]:
        qh = r["qh"].upper()
        letter, n = (qh[0], int(qh[1])) if qh[0] in "QH" else (qh[1], int(qh[0]))
        if letter == "Q":
            return s, end, ("quarter", y, n, True)
        return s, end, ("half", y, n, True)
    if r["y2"]:
        y2 = _year_value(r["y2"], True) if len(r["y2"]) == 4 else (y // 100) * 100 + int(r["y2"])
        if y2 == y + 1 and not re.search(r"(?i)FY", body[r.end("y") : r.start("y2")]):
            return s, end, ("fy", y)  # "FY2025/26" is one fiscal year
        if y2 and y2 > y and MIN_YEAR <= y2 <= MAX_YEAR:
            return s, end, ("fyrange", y, y2)
        end = r.end("y")
    return s, end, ("fy", y)


def _half_cand(body: str, s: int, e: int) -> tuple[int, int, tuple] | None:
    lo = max(0, s - 30)
    ol = _ORD_LEFT.search(body, lo, s)
    if not ol:
        return None
    o = ol["ord"].lower()
    h = {"first": 1, "1st": 1, "second": 2, "2nd": 2, "latter": 2}.get(o)
    if h is None:
        return None
    return _period_tail(body, _strip_the(body, ol.start()), e, ("half", h), bool(ol["fisc1"] or ol["fisc2"]))


def _period_tail(body: str, start: int, e: int, head: tuple, fiscal: bool) -> tuple[int, int, tuple] | None:
    """Attach the year that follows a quarter, half or months head ("of 2023", "of next year", none)."""
    ys = _YEARSPEC_RIGHT.match(body, e)
    year: int | None | tuple | str = None
    end = e
    if ys:
        year, fiscal2 = _yearspec(ys)
        if year is None:
            return None
        fiscal = fiscal or fiscal2
        end = ys.end()
    elif _OF_NON_YEAR.match(body, e):
        return None  # "first half of the decade", "third quarter of the game"
    kind = head[0]
    if kind == "months":
        return start, end, ("months", year, head[1], head[2], fiscal)
    return start, end, (kind, year, head[1], fiscal)


def _rel_unit_cand(body: str, s: int, e: int, unit: str, plural: bool) -> tuple[int, int, tuple] | None:
    lo = max(0, s - 60)
    pw = _prev_word(body, s).lower()
    if plural:
        if not (pw.isdigit() or pw in _NUM_WORDS):
            return None
        end = e
        if e < len(body) and body[e] == "'":
            end = e + 1
        ago = _AGO_RIGHT.match(body, e)
        if ago:
            nl = _N_LEFT.search(body, lo, s)
            n = _num(nl["n"]) if nl else None
            return (nl.start(), ago.end(), ("ago", unit, n)) if n else None
        fn = _FROM_NOW_RIGHT.match(body, e)
        if fn:
            nl = _N_LEFT.search(body, lo, s)
            n = _num(nl["n"]) if nl else None
            return (nl.start(), fn.end(), ("in", unit, n)) if n else None
        if unit in ("month", "quarter"):
            fl = _FIRST_N_LEFT.search(body, lo, s)
            if fl:
                n = _num(fl["n"])
                months = n * (3 if unit == "quarter" else 1) if n else 0
                first = fl["fl"].lower() == "first"
                if 1 <= months <= 12 and (first or _YEARSPEC_RIGHT.match(body, e)):
                    return _period_tail(
                        body, _strip_the(body, fl.start()), e, ("months", first, months), False
                    )
        sp = _SPAN_LEFT.search(body, lo, s)
        if sp:
            n = _num(sp["n"]) if sp["n"] else None
            d = sp["dir"].lower()
            if n is None or d in ("previous", "following", "prior"):
                return None
            return (
                _strip_the(body, sp.start()),
                e,
                ("span", unit, n, 1 if d in ("next", "coming", "upcoming") else -1),
            )
        wl = _WITHIN_LEFT.search(body, lo, s)
        if wl:
            n = _num(wl["n"])
            return (wl.start(), e, ("span", unit, n, 1)) if n else None
        il = _IN_LEFT.search(body, lo, s)
        if il and not _IN_BAD_RIGHT.match(body, e):
            n = _num(il["n"])
            if not n or n == 1:
                return None
            t = _TIME_RIGHT.match(body, e)
            return il.start(), t.end() if t else end, ("in", unit, n)
        return None
    # singular
    if unit == "year":
        yr = _YEAR_ENDING_RIGHT.match(body, e)
        if yr:
            fw = _FISCAL_WORD_LEFT.search(body, lo, s)
            start = _strip_the(body, fw.start()) if fw else s
            return start, yr.end(), ("fyend", int(yr["ey"]), _MONTH_NUM[yr["em"].lower()[:3]])
    if pw not in _SINGULAR_GATE:
        return None
    ago = _AGO_RIGHT.match(body, e)
    if ago:
        nl = _N_LEFT.search(body, lo, s)
        if nl and _num(nl["n"]) == 1:
            return nl.start(), ago.end(), ("ago", unit, 1)
        return None
    if unit == "quarter":
        ol = _ORD_LEFT.search(body, lo, s)
        if ol:
            o = ol["ord"].lower()
            fiscal = bool(ol["fisc1"] or ol["fisc2"])
            if o == "last":
                if not _YEARSPEC_RIGHT.match(body, e):
                    ol = None  # "last quarter" is relative
                else:
                    o = "final"
            if ol and o in _ORDINALS:
                return _period_tail(body, _strip_the(body, ol.start()), e, ("quarter", _ORDINALS[o]), fiscal)
            if ol and o not in ("last",):
                return None
    sp = _SPAN_LEFT.search(body, lo, s)
    if sp:
        n = _num(sp["n"]) if sp["n"] else 1
        d = sp["dir"].lower()
        if n != 1 or d in ("previous", "following", "prior"):
            return None
        return (
            _strip_the(body, sp.start()),
            e,
            ("span", unit, 1, 1 if d in ("next", "coming", "upcoming") else -1),
        )
    pl = _PART_LEFT.search(body, lo, s)
    if pl and unit in ("year", "month", "week"):
        return pl.start(), e, ("part", unit, pl["part"].lower())
    mt = _MOD_THE_LEFT.search(body, lo, s)
    if mt and unit == "year":
        mod = mt["mod"].lower()
        if mt["fisc"]:
            return None
        return _strip_the(body, mt.start()), e, ("yearpart", ("rel", 0), mod)
    rl = _REL_LEFT.search(body, lo, s)
    if not rl:
        return None
    d = rl["dir"].lower().split()[-1]
    k = _REL_OFFSET[d]
    start = _strip_the(body, rl.start())
    mod = rl["mod"].lower().split()[0] if rl["mod"] else None
    if rl["fisc"]:
        return (start, e, ("fy", ("rel", k))) if unit == "year" and not mod else None
    if unit == "year":
        if mod:
            return start, e, ("yearpart", ("rel", k), "mid" if mod == "middle" else mod)
        return start, e, ("year", ("rel", k))
    if mod:
        return None
    if unit == "decade":
        return start, e, ("decade", ("rel", k), None)
    if unit == "day":
        return None
    return start, e, ("rel", unit, k)


def _weekday_cand(body: str, s: int, e: int, low: str) -> tuple[int, int, tuple] | None:
    wl = _WEEKDAY_LEFT.search(body, max(0, s - 12), s)
    if not wl or _WEEKDAY_DATE_RIGHT.match(body, e):
        return None
    w = wl["w"].lower()
    which = w if w in ("last", "next", "this") else None
    start = wl.start() if which else s
    return start, e, ("weekday", _WEEKDAYS[low], which)


def _num(s: str | None) -> int | None:
    if not s:
        return None
    s = s.lower()
    if s.isdigit():
        n = int(s)
        return n if n > 0 else None
    return _NUM_WORDS.get(s)
