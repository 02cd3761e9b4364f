"""Many keyword regexes over one text in a single automaton pass, with exactly `finditer`'s results.

The rule tables (alliance types, status cues, role titles, ...) are regexes that mostly start with a
word from a known list: `\\b(?:cancel(?:led)?|scrap(?:ped)?|...)`. Running each with `finditer` makes
the regex engine try every position of the text, once per pattern, which dominated extraction time.
`PatternScanner` reads each pattern's parse tree to find the literal prefixes every match must begin
with, finds all of them at once with an Aho-Corasick automaton (C speed), and tries the pattern only
at those positions. The prefixes are a sound over-approximation (zero-width assertions are skipped,
optional parts branch), so every position where `finditer` could match is tried, in the same order
and with the same non-overlap rule: the matches are identical. A pattern whose prefixes cannot be
derived (it may begin with `\\w`, `.`, a big class) is simply run with `finditer`.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from re import _constants as C  # noqa: N812  (the regex parser's opcodes)
from re import _parser as P  # noqa: N812

import ahocorasick

MIN_PREFIX = 2  # a shorter prefix would hit almost everywhere: run that pattern plainly
MAX_PREFIXES = 400  # per pattern; beyond this the expansion is not worth it
_CLASS_BRANCH = 6  # a character class of up to this many literals branches ([sz] -> s, z)


class _Unbounded(Exception):
    """The pattern can start with something that is not a short list of literals."""


def _expand(items: list, prefixes: set[str], want: int) -> set[str]:
    """Literal prefixes (up to `want` chars) that a match of `items` can start with, given `prefixes`."""
    out: set[str] = set()
    for prefix in prefixes:
        out |= _walk(items, 0, prefix, want)
        if len(out) > MAX_PREFIXES:
            raise _Unbounded
    return out


def _walk(items: list, i: int, prefix: str, want: int) -> set[str]:
    if len(prefix) >= want or i >= len(items):
        return {prefix}
    op, av = items[i]
    if op is C.LITERAL:
        return _walk(items, i + 1, prefix + chr(av), want)
    if op in (C.AT, C.ASSERT, C.ASSERT_NOT):  # zero-width: skipping it only adds candidates
        return _walk(items, i + 1, prefix, want)
    if op is C.IN:
        chars = [chr(a) for o, a in av if o is C.LITERAL]
        if len(chars) != len(av) or len(chars) > _CLASS_BRANCH:
            return {prefix}
        return set().union(*(_walk(items, i + 1, prefix + ch, want) for ch in chars))
    if op is C.SUBPATTERN:
        if av[1] & re.IGNORECASE:  # (?i:...) inside: the literals are not the only spellings
            raise _Unbounded
        return _walk(list(av[3]) + items[i + 1 :], 0, prefix, want)
    if op is C.BRANCH:
        rest = items[i + 1 :]
        return set().union(*(_walk(list(alt) + rest, 0, prefix, want) for alt in av[1]))
    if op in (C.MAX_REPEAT, C.MIN_REPEAT, C.POSSESSIVE_REPEAT):
        low, high, sub = av
        # `x?` is followed by the rest; after a longer repeat we only know its first repetition begins it
        once = _walk(list(sub) + items[i + 1 :] if high == 1 else list(sub), 0, prefix, want)
        return once | _walk(items, i + 1, prefix, want) if low == 0 else once
    return {prefix}  # anything else (\w, ., a big class): the literal prefix ends here


def literal_prefixes(pattern: re.Pattern, want: int = 8) -> set[str] | None:
    """Literal strings one of which starts every match of `pattern`, or None if there is no short list."""
    if pattern.flags & re.IGNORECASE:
        return None
    try:
        found = _expand(list(P.parse(pattern.pattern, pattern.flags)), {""}, want)
    except (_Unbounded, RecursionError):
        return None
    if not found or any(_too_common(p) for p in found):
        return None
    return found


def _too_common(prefix: str) -> bool:
    """An empty prefix says nothing; one letter, digit or space hits almost everywhere ('~' is fine)."""
    return not prefix or (len(prefix) < MIN_PREFIX and (prefix.isalnum() or prefix.isspace()))


class PatternScanner:
    """Run several compiled patterns over a text; `scan(text)[k] == list(patterns[k].finditer(text))`."""

    def __init__(self, patterns: Sequence[re.Pattern]) -> None:
        self.patterns = list(patterns)
        self.plain: list[int] = []  # patterns that run with finditer
        owners: dict[str, list[int]] = {}
        for k, pattern in enumerate(self.patterns):
            prefixes = literal_prefixes(pattern)
            if prefixes is None:
                self.plain.append(k)
                continue
            for prefix in prefixes:
                owners.setdefault(prefix, []).append(k)
        self._automaton = ahocorasick.Automaton()
        for prefix, ks in owners.items():
            self._automaton.add_word(prefix, (len(prefix), tuple(ks)))
        if owners:
            self._automaton.make_automaton()
        self._has_words = bool(owners)

    def _prefix_starts(self, text: str) -> list[set[int]]:
        starts: list[set[int]] = [set() for _ in self.patterns]
        if self._has_words:
            for end, (length, ks) in self._automaton.iter(text):
                start = end - length + 1
                for k in ks:
                    starts[k].add(start)
        return starts

    def candidate_starts(self, text: str) -> list[set[int]]:
        """For each pattern, a superset of the positions where one of its matches can start."""
        starts = self._prefix_starts(text)
        for k in self.plain:  # no prefixes known: every position is a candidate
            starts[k] = set(range(len(text) + 1))
        return starts

    def scan(self, text: str) -> list[list[re.Match]]:
        """Every pattern's matches, as `finditer` would give them (ordered, non-overlapping)."""
        starts = self._prefix_starts(text)
        results: list[list[re.Match]] = []
        for k, pattern in enumerate(self.patterns):
            if k in self.plain:
                results.append(list(pattern.finditer(text)))
                continue
            found, last_end = [], 0
            for start in sorted(starts[k]):
                if start < last_end:
                    continue
                m = pattern.match(text, start)
                if m is not None:
                    found.append(m)
                    last_end = max(m.end(), start + 1)
            results.append(found)
        return results
