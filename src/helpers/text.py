"""Text utilities shared by every stage: Unicode normalization and sentence spans.

Offsets everywhere in the project are character offsets into the *clean* body, so every
stage must split sentences the same way; this module is that one way.
"""

from __future__ import annotations

import re
import unicodedata

# Typographic characters mapped to plain equivalents of the same meaning (and the same length,
# so normalization never shifts offsets within a line).
_TRANSLATE = str.maketrans(
    {
        "\u2018": "'",
        "\u2019": "'",
        "\u201a": "'",
        "\u201b": "'",
        "\u2032": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u201e": '"',
        "\u201f": '"',
        "\u2033": '"',
        "\u00ab": '"',
        "\u00bb": '"',
        "\u2010": "-",
        "\u2011": "-",
        "\u2012": "-",
        "\u2013": "-",
        "\u2014": "-",
        "\u2015": "-",
        "\u2212": "-",
        "\u00a0": " ",
        "\u2007": " ",
        "\u202f": " ",
        "\u2009": " ",
        "\u200a": " ",
        "\u2002": " ",
        "\u2003": " ",
        "\u3000": " ",
        "\u200b": "",
        "\u200c": "",
        "\u200d": "",
        "\u2060": "",
        "\ufeff": "",
        "\u00ad": "",
        "\u2026": "...",
    }
)
_NON_ASCII = re.compile(r"[^\x00-\x7f]")


def _map_char(m: re.Match[str]) -> str:
    ch = m.group()
    mapped = _TRANSLATE.get(ord(ch), ch)
    return mapped if isinstance(mapped, str) else ch if mapped is None else chr(mapped)


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# Only runs that change: a tab, or a space followed by more white space (a lone space is left alone, and
# matching every space between words cost half of normalize_text).
_SPACES = re.compile(r"\t[ \t]*| [ \t]+")


def normalize_text(text: str) -> str:
    """Normalize Unicode without changing meaning: NFKC, straight quotes, ASCII dashes, plain spaces.

    Line structure is kept (the cleaner works line by line); runs of spaces become one space.
    """
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not text.isascii():  # str.translate walks every character; only the rare non-ASCII ones need mapping
        text = _NON_ASCII.sub(_map_char, text)
    text = unicodedata.normalize("NFKC", text)
    text = _CONTROL.sub("", text)
    if "\t" in text or "  " in text:  # substring checks in C; most texts have no run to collapse
        text = _SPACES.sub(" ", text)  # once over the whole text: the runs never cross a line break
    return "\n".join(line.strip() for line in text.split("\n"))


# Abbreviations after which a period does not end a sentence.
# The common nouns that stand for a company already named ("the company", "the Japanese carmaker"): one list
# for the figure binder and the alliance party resolver.
COMPANY_NOUN = r"(?:company|automaker|carmaker|automobile manufacturer|firm|group|manufacturer)"

_ABBREV = {
    "mr", "mrs", "ms", "dr", "prof", "inc", "corp", "co", "ltd", "jr", "sr", "st", "vs", "etc",
    "no", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec",
    "u.s", "u.k", "e.g", "i.e", "approx", "est", "fig", "gen", "gov", "sen", "rep", "dept",
}  # fmt: skip
_SENT_END = re.compile(r"[.!?]+[\"')\]]*(?=\s+|$)|\n+")


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """Split text into sentence spans (start, end), end exclusive, trimmed of surrounding spaces.

    Rule-based and fast: a sentence ends at . ! ? followed by space, or at a line break
    (paragraphs never share a sentence). Abbreviations (U.S., Inc., Mr.) and single initials
    do not end a sentence.
    """
    spans: list[tuple[int, int]] = []
    start = 0
    for m in _SENT_END.finditer(text):
        end = m.end()
        if text[m.start()] == ".":
            token = _last_word(text, start, m.start() + 1).rstrip(".").lstrip("(\"'").lower()
            nxt = text[end : end + 2].lstrip()
            if token in _ABBREV or (len(token) == 1 and token.isalpha()):
                # "U.S. market" continues; "in the U.S. The ..." ends when a capital follows an abbreviation
                # that is not a title; keep it simple: continue unless the next word is capitalized and
                # the token is a place abbreviation at the end of a clause.
                if not (token in {"u.s", "u.k", "etc"} and nxt[:1].isupper()):
                    continue
        _append_span(text, start, end, spans)
        start = end
    _append_span(text, start, len(text), spans)
    return spans


def _last_word(text: str, start: int, stop: int) -> str:
    """The run of non-space characters ending at `stop` (not before `start`): the word a period ends.

    Walking back from the period costs the word's length; a regex over the sentence so far would cost the
    sentence's length at every period (quadratic in a long paragraph)."""
    i = stop
    while i > start and not text[i - 1].isspace():
        i -= 1
    return text[i:stop]


def _append_span(text: str, start: int, end: int, spans: list[tuple[int, int]]) -> None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if end > start:
        spans.append((start, end))


def sentence_at(text: str, spans: list[tuple[int, int]], offset: int) -> tuple[int, int]:
    """Return the sentence span containing `offset` (binary search over `sentence_spans` output)."""
    lo, hi = 0, len(spans) - 1
    while lo <= hi:
        mid = (lo + hi) // 2
        s, e = spans[mid]
        if offset < s:
            hi = mid - 1
        elif offset >= e:
            lo = mid + 1
        else:
            return spans[mid]
    return (offset, offset)
