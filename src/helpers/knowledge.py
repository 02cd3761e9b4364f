"""The curated knowledge in data/reference, loaded once per process.

Knowledge is data: company names and aliases, markets and their adjectives, products, publications,
keyword patterns for alliance types and statuses, figure qualifiers and units all live in reviewed CSV
tables. This module only reads them into fast lookup structures.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from . import config
from .scan import PatternScanner

# Kinds of companies.csv rows whose deals are their parent's deals.
ACTS_THROUGH_PARENT = {"brand", "unit"}


def _rows(name: str, folder: Path | None = None) -> list[dict[str, str]]:
    path = (folder or config.REFERENCE_DIR) / name
    if not path.exists():
        return []
    with path.open(encoding="utf-8", newline="") as fh:
        return [{k: (v or "").strip() for k, v in row.items() if k} for row in csv.DictReader(fh)]


def _split(value: str) -> list[str]:
    return [v.strip() for v in (value or "").split("|") if v.strip()]


@dataclass
class Entry:
    """One surface form in the gazetteer: what kind of thing it names and its canonical name(s)."""

    kind: str  # company | product | place | publication
    canonicals: tuple[str, ...]  # more than one when the alias is ambiguous
    company: str | None = None  # for products: the maker


@dataclass(eq=False)  # hashed by identity: lookup structures are cached per loaded knowledge base
class Knowledge:
    """Lookup tables built from data/reference."""

    surface: dict[str, list[Entry]] = field(default_factory=dict)
    context_aliases: dict[str, str] = field(default_factory=dict)  # alias -> company, valid only if defined
    company_kind: dict[str, str] = field(default_factory=dict)
    company_parent: dict[str, str] = field(default_factory=dict)
    company_country: dict[str, str] = field(default_factory=dict)
    ambiguous_default: dict[str, str] = field(default_factory=dict)
    market_kind: dict[str, str] = field(default_factory=dict)
    market_iea: dict[str, str] = field(default_factory=dict)
    adjectives: set[str] = field(default_factory=set)
    currencies: list[dict[str, str]] = field(default_factory=list)
    alliance_types: list[tuple[str, re.Pattern[str]]] = field(default_factory=list)
    statuses: list[tuple[str, int, re.Pattern[str]]] = field(default_factory=list)
    negation: re.Pattern[str] | None = None
    qualifiers: list[tuple[str, str]] = field(default_factory=list)
    units: dict[str, tuple[str, str]] = field(default_factory=dict)
    roles: list[tuple[str, str]] = field(default_factory=list)
    # the alliance-type and status patterns above, in that order, found in one automaton pass
    keyword_scanner: PatternScanner | None = None

    def add(self, text: str, entry: Entry) -> None:
        """Register a surface form; the same string may name several things (kept in order of priority)."""
        if not text or len(text) < 2:
            return
        bucket = self.surface.setdefault(text, [])
        for existing in bucket:
            if existing.kind == entry.kind and existing.canonicals == entry.canonicals:
                return
        bucket.append(entry)

    def top_company(self, name: str) -> str:
        """Brands (Chevrolet, Lexus) and wholly owned units (Ampere, Cariad) act through their parent."""
        seen = set()
        while (
            self.company_kind.get(name) in ACTS_THROUGH_PARENT
            and self.company_parent.get(name)
            and name not in seen
        ):
            seen.add(name)
            name = self.company_parent[name]
        return name


def _case_variants(alias: str) -> list[str]:
    """Aliases are case-sensitive proper nouns; an all-caps headline style variant is also accepted."""
    out = [alias]
    if alias.upper() != alias and len(alias) > 3:
        out.append(alias.upper())
    return out


def _sentence_start_variants(alias: str) -> list[str]:
    """A lower-case place word also opens sentences: "Worldwide, 17 million EVs were sold", "The EU ..."."""
    if alias[:1].islower():
        return [alias, alias[0].upper() + alias[1:]]
    return [alias]


def lower_pattern(pattern: str) -> re.Pattern[str]:
    """Compile a keyword pattern for lower-cased text (escapes such as \\W would change meaning: refuse them)."""
    if re.search(r"\\[A-Z]", pattern):
        raise ValueError(f"keyword patterns may not use upper-case escapes: {pattern[:60]!r}")
    return re.compile(pattern.lower())


def lower_same_length(text: str) -> str:
    """Lower-case text without changing its length, so offsets stay valid (rare characters such as
    'İ' lower-case to two characters; those are kept as they are)."""
    low = text.lower()
    if len(low) == len(text):
        return low
    return "".join(c if len(c.lower()) != 1 else c.lower() for c in text)


@lru_cache(maxsize=4)
def load_knowledge(folder: str | None = None) -> Knowledge:
    """Read every reference table (cached per folder)."""
    base = Path(folder) if folder else config.REFERENCE_DIR
    kb = Knowledge()
    for row in _rows("companies.csv", base):
        name = row.get("name")
        if not name:
            continue
        kb.company_kind[name] = row.get("kind", "")
        kb.company_country[name] = row.get("country", "")
        if row.get("parent"):
            kb.company_parent[name] = row["parent"]
    company_aliases: dict[str, list[str]] = {}
    for row in _rows("companies.csv", base):
        name = row.get("name")
        if not name:
            continue
        for alias in [name, *_split(row.get("aliases", ""))]:
            for variant in _case_variants(alias):
                company_aliases.setdefault(variant, [])
                if name not in company_aliases[variant]:
                    company_aliases[variant].append(name)
        for alias in _split(row.get("context_aliases", "")):
            kb.context_aliases.setdefault(alias, name)
    for row in _rows("ambiguous_aliases.csv", base):
        if row.get("alias") and row.get("default"):
            kb.ambiguous_default[row["alias"]] = row["default"]
    for alias, names in company_aliases.items():
        kb.add(alias, Entry("company", tuple(names)))
    for row in _rows("publications.csv", base):
        for alias in [row.get("name", ""), *_split(row.get("aliases", ""))]:
            kb.add(alias, Entry("publication", (row["name"],)))
    for row in _rows("products.csv", base):
        name = row.get("name")
        if not name:
            continue
        for alias in [name, *_split(row.get("aliases", ""))]:
            kb.add(alias, Entry("product", (name,), company=row.get("company") or None))
    for row in _rows("markets.csv", base):
        name = row.get("name")
        if not name:
            continue
        kb.market_kind[name] = row.get("kind", "")
        if row.get("iea_region"):
            kb.market_iea[name] = row["iea_region"]
        for alias in [name, *_split(row.get("aliases", ""))]:
            for variant in _sentence_start_variants(alias):
                kb.add(variant, Entry("place", (name,)))
        for adj in _split(row.get("adjectives", "")):
            kb.adjectives.add(adj)
            for variant in _sentence_start_variants(adj):
                kb.add(variant, Entry("place", (name,)))
    kb.currencies = _rows("currencies.csv", base)
    # Keyword patterns are matched case-insensitively; they are compiled lower-cased and run over a
    # lower-cased copy of the text (`lower_same_length`), which is about twice as fast as re.IGNORECASE.
    kb.alliance_types = [
        (r["type"], lower_pattern(r["pattern"]))
        for r in sorted(_rows("alliance_types.csv", base), key=lambda r: int(r.get("priority") or 99))
    ]
    kb.statuses = [
        (r["status"], int(r.get("priority") or 99), lower_pattern(r["pattern"]))
        for r in _rows("alliance_statuses.csv", base)
    ]
    negs = [r["pattern"] for r in _rows("negations.csv", base) if r.get("pattern")]
    kb.keyword_scanner = PatternScanner(
        [pattern for _, pattern in kb.alliance_types] + [pattern for _, _, pattern in kb.statuses]
    )
    kb.negation = re.compile("|".join(negs), re.IGNORECASE) if negs else None
    kb.qualifiers = [(r["qualifier"], r["pattern"]) for r in _rows("qualifiers.csv", base)]
    kb.units = {r["noun"]: (r["unit"], r["subject"]) for r in _rows("figure_units.csv", base)}
    kb.roles = [(r["role"], r["pattern"]) for r in _rows("roles.csv", base)]
    return kb
