"""Sentences, tense cues and roles of `timeline` rows: why an expression is mentioned (deadline,
planned, period, past, range, mention), read from cue words around it.
"""

from __future__ import annotations

from .text import sentence_at, sentence_spans
from .timeline_candidates import _prev_word
from .timeline_vocab import (
    _ABS_KINDS,
    _CUE_KIND,
    _CUE_WINDOW,
    _LOCAL_CUE,
    _LOCAL_GATE,
    _MAYBE_END,
    _PERIOD_KINDS,
    _TENSE_CUE,
)

# ----------------------------------------------------------------------------------------------------------
# Sentences, cues and roles


class _Sentences:
    """Exact `sentence_spans` sentences around time expressions, without splitting the whole body.

    `sentence_spans` never lets a sentence cross a line break and decides each boundary from the characters
    around it only. So splitting a window of the paragraph that starts and ends at a space gives the true
    sentences everywhere except the window's first and last span; the window grows until the sentence
    wanted is neither. Callers that already split the body pass its spans instead.
    """

    def __init__(self, body: str, spans: list[tuple[int, int]] | None = None) -> None:
        self.body = body
        self.spans = spans
        self.last: tuple[int, int] = (0, 0)
        self.para: tuple[int, int] = (0, -1)

    def span(self, start: int, end: int) -> tuple[int, int]:
        last = self.last
        if last[0] <= start and end <= last[1]:
            return last
        if self.spans is not None:
            s0, e0 = sentence_at(self.body, self.spans, start)
            if e0 < end:
                e0 = max(e0, sentence_at(self.body, self.spans, end - 1)[1])
            found = (s0, e0) if e0 > s0 else (start, end)
        else:
            found = self._window(start, end)
        self.last = found
        return found

    def _window(self, start: int, end: int) -> tuple[int, int]:
        body = self.body
        ps, pe = self.para
        if not ps <= start < end <= pe:  # expressions come in text order: one look-up per paragraph
            ps = body.rfind("\n", 0, start) + 1
            pe = body.find("\n", start)
            if pe == -1:
                pe = len(body)
            self.para = (ps, pe)
        k, reach = 1, 400
        while True:
            # Window start: the word before the k-th possible sentence end left of the expression, so that
            # boundary is decided inside the window. Window end: the word after the k-th one to the right.
            a = ps
            ends = [m.start() for m in _MAYBE_END.finditer(body, max(ps, start - reach), start)]
            if len(ends) >= k:
                sp = body.rfind(" ", ps, ends[-k])
                a = sp + 1 if sp != -1 else ps
            b = pe
            n = 0
            for m in _MAYBE_END.finditer(body, end, min(pe, end + reach)):
                n += 1
                if n == k:
                    sp = body.find(" ", m.end() + 1, pe)  # m.end() is the space itself; keep the next word
                    b = sp if sp != -1 else pe
                    break
            spans = sentence_spans(body[a:b])
            i = j = -1
            for idx, (s0, e0) in enumerate(spans):
                if i < 0 and s0 + a <= start < e0 + a:
                    i = idx
                if s0 + a < end <= e0 + a:
                    j = idx
                    break
            exact_left, exact_right = i > 0 or a == ps, (0 <= j < len(spans) - 1) or b == pe
            if 0 <= i <= j and exact_left and exact_right:
                return spans[i][0] + a, spans[j][1] + a
            if a == ps and b == pe:
                return (spans[i][0] + a, spans[j][1] + a) if 0 <= i <= j else (start, end)
            k += 1
            reach *= 2


def _local_cue(body: str, start: int) -> str | None:
    if _prev_word(body, start).lower() not in _LOCAL_GATE:
        return None
    m = _LOCAL_CUE.search(body, max(0, start - 40), start)
    if not m:
        return None
    return "deadline" if m["deadline"] else "period"


def _tense(body: str, s_start: int, s_end: int, start: int, end: int) -> str | None:
    """Past or future from the cue word nearest to the expression within its sentence; a cue before the
    expression counts first, since the verb that governs "in December" comes before it ("signed an MOU in
    December to begin talks" is past), a cue after it only when none comes before ("which in December
    announced")."""
    lo, hi = max(s_start, start - _CUE_WINDOW), min(s_end, end + _CUE_WINDOW)
    text = body[lo:hi]
    low = text.lower()
    if len(low) != len(text):  # rare Unicode whose lower case changes length: keep offsets right
        low = text
    a, b = start - lo, end - lo
    best, best_d = None, None
    for m in _TENSE_CUE.finditer(low):
        cs, ce = m.start(), m.end()
        if cs and low[cs - 1].isalnum() and low[cs] != "'":
            continue
        if ce <= a:
            d = a - ce
        elif cs >= b:
            d = cs - b + _CUE_WINDOW  # after every cue before the expression
        else:
            continue
        if best_d is None or d < best_d:
            best, best_d = _CUE_KIND[m.group()], d
    return best


def _direction(spec: tuple) -> str | None:
    k = spec[0]
    if k in _ABS_KINDS:
        slot = spec[1]
        which = spec[-1] if k in ("day", "month") else None
        if isinstance(slot, tuple):
            return "past" if slot[1] < 0 else "future" if slot[1] > 0 else None
        return {"last": "past", "next": "future"}.get(which) if isinstance(which, str) else None
    if k == "rel":
        return "past" if spec[2] < 0 else "future" if spec[2] > 0 else None
    if k == "span":
        return "future" if spec[3] > 0 else "past"
    if k == "in":
        return "future"
    if k == "ago":
        return "past"
    if k == "part":
        return "past" if spec[2] == "earlier" else "future"
    if k == "weekday":
        return {"last": "past", "next": "future"}.get(spec[2])
    return None


def _role(spec: tuple, local: str | None, tense: str | None) -> str:
    if local:
        return local
    d = _direction(spec)
    if d:
        return "past" if d == "past" else "planned"
    if spec[0] in _PERIOD_KINDS:
        return "planned" if tense == "future" else "period"
    if tense:
        return "planned" if tense == "future" else "past"
    if spec[0] in ("range", "yrange", "fyrange", "dayrange", "decade"):
        return "range"
    return "mention"
