"""A deterministic synthetic corpus of EV-alliance news for benchmarks and scale tests.

Articles are plain-text web copies assembled from varied sentence templates: alliance events of every
type in ``data/reference/alliance_types.csv`` (with hedges, negations and cancellations), EV market-share
sentences by country and brand, money in many currencies, counts, and dates of every kind (full dates,
months, years, fiscal years, quarters, halves, ranges, relative expressions). Company names come from
``companies.csv``, markets from ``markets.csv``, sources from ``publications.csv``. Page furniture is mixed
in the way copied pages carry it (reading time, bylines, "Read also:" lists, share widgets, author bios,
subscribe promos, per-source taglines that recur across a source's articles), and some articles are
syndicated copies of an earlier one with a new intro and the copying site's furniture.

Every article is a pure function of ``(seed, index)``: the corpus of N articles is a prefix of the corpus
of N + 1, so sizes can grow without changing earlier files. Articles are 2-5 kB.

    .venv/bin/python benchmarks/synthetic.py /tmp/evwatch-synth --articles 2000 --seed 0

writes ``shard-0000/0000000_<slug>.txt`` ... (1000 articles per shard folder, each with its own
``metadata.csv`` sidecar: file, url, source, published, author).
"""

from __future__ import annotations

import argparse
import csv
import io
import random
import re
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

REFERENCE_DIR = Path(__file__).resolve().parents[1] / "data" / "reference"
SHARD_SIZE = 1000
DUP_SHARE = 0.08  # share of articles that are syndicated copies of an earlier one
META_FIELDS = ("file", "url", "source", "published", "author")


@dataclass
class SyntheticArticle:
    """One generated article: its file name (relative to the corpus folder), text and sidecar metadata."""

    index: int
    name: str
    text: str
    meta: dict[str, str] = field(default_factory=dict)
    copy_of: int | None = None  # index of the original when this is a syndicated copy


# --------------------------------------------------------------------------------------------------
# Reference data (read once)


def _read(name: str) -> list[dict[str, str]]:
    with (REFERENCE_DIR / name).open(encoding="utf-8", newline="") as fh:
        return [{k: (v or "").strip() for k, v in row.items() if k} for row in csv.DictReader(fh)]


def _split(value: str) -> list[str]:
    return [v.strip() for v in (value or "").split("|") if v.strip()]


@dataclass
class _Ref:
    makers: list[str]
    batteries: list[str]
    suppliers: list[str]
    aliases: dict[str, list[str]]
    countries: list[tuple[str, str]]  # (name, adjective or "")
    places: list[str]  # states, provinces, cities: plant locations
    regions: list[str]
    sources: list[str]
    types: list[str]


@lru_cache(maxsize=1)
def _ref() -> _Ref:
    companies = _read("companies.csv")
    by_kind: dict[str, list[str]] = {}
    aliases: dict[str, list[str]] = {}
    for row in companies:
        by_kind.setdefault(row["kind"], []).append(row["name"])
        usable = [a for a in _split(row.get("aliases", "")) if len(a) > 2 and not a.isupper()]
        if usable:
            aliases[row["name"]] = usable
    markets = _read("markets.csv")
    # the big EV markets (those with an IEA series) weigh three times as much as other countries
    countries = [
        (m["name"], (_split(m["adjectives"]) or [""])[0])
        for m in markets
        if m["kind"] == "country" and m.get("iea_region")
    ] * 3
    countries += [
        (m["name"], (_split(m["adjectives"]) or [""])[0])
        for m in markets
        if m["kind"] == "country" and _split(m["adjectives"])
    ]
    places = [m["name"] for m in markets if m["kind"] in ("state", "province", "city")]
    regions = [m["name"] for m in markets if m["kind"] == "region"]
    pubs = [p["name"] for p in _read("publications.csv") if p["kind"] in ("website", "magazine", "newspaper")]
    types = [r["type"] for r in _read("alliance_types.csv")]
    return _Ref(
        makers=sorted(by_kind.get("automaker", []) + by_kind.get("ev_startup", [])),
        batteries=sorted(by_kind.get("battery", [])),
        suppliers=sorted(by_kind.get("supplier", []) + by_kind.get("tech", [])),
        aliases=aliases,
        countries=countries,
        places=places,
        regions=regions,
        sources=pubs[::2][:24],
        types=types,
    )


# --------------------------------------------------------------------------------------------------
# Vocabulary

MONTHS = "January February March April May June July August September October November December".split()
FIRST = (
    "Anna Ben Carla David Elena Farid Grace Hiro Isabel Jun Kenji Laura Marco Nadia Oliver Priya Quentin "
    "Rosa Samir Tomoko Ulrich Vera Wei Yuki Zofia Daniel Mei Lukas Sofia Rahul Hana Pierre Ingrid Mateo"
).split()
LAST = (
    "Tanaka Schmidt Rossi Kim Novak Dubois Garcia Sato Becker Moreau Lindqvist Park Suzuki Fischer Khan "
    "Bianchi Chen Okafor Nakamura Weber Silva Ivanova Hoffmann Larsen Costa Yamamoto Brennan Haddad"
).split()
ROLES = (
    "chief executive",
    "CEO",
    "president",
    "chief financial officer",
    "head of electrification",
    "chief technology officer",
    "chairman",
    "senior vice president for strategy",
)
ANALYST_FIRMS = ("Bernstein", "Jefferies", "Morningstar", "Citi", "UBS", "Nomura", "Macquarie", "BNEF")
TECH = (
    "solid-state batteries",
    "software-defined vehicles",
    "battery swapping",
    "fast charging",
    "autonomous driving",
    "electric drive units",
    "hydrogen fuel cells",
    "LFP battery cells",
    "in-car operating systems",
    "battery recycling",
)
VEHICLES = (
    "an electric pickup truck",
    "a compact electric SUV",
    "small electric cars",
    "electric commercial vans",
    "a family of affordable EVs",
    "a premium electric sedan",
    "electric buses",
    "plug-in hybrids",
)
PLATFORMS = ("E-GMP", "CMF-EV", "MEB", "SEA", "Ultium", "STLA Medium", "e-TNGA", "SSP", "PPE")
CURRENCIES = (
    ("${v} billion", 1),
    ("US${v} million", 1),
    ("€{v} billion", 1),
    ("€{v} million", 1),
    ("¥{v} billion", 1),
    ("{v} billion yen", 1),
    ("{v} billion yuan", 1),
    ("CNY {v} billion", 1),
    ("£{v} million", 1),
    ("{v} trillion won", 1),
    ("₩{v} billion", 1),
    ("C${v} billion", 1),
    ("A${v} million", 1),
    ("Rs {v} billion", 1),
    ("R${v} million", 1),
    ("{v} billion Swedish kronor", 1),
)
QUALIFIERS = ("", "", "", "about ", "more than ", "nearly ", "up to ", "at least ", "roughly ", "less than ")
UNITS = (
    "vehicles a year",
    "jobs",
    "GWh of annual capacity",
    "charging stations",
    "new models",
    "dealers",
    "employees",
    "units",
    "battery packs",
    "orders",
)
FILLER = (
    "The automotive industry is undergoing a costly transition to electric vehicles, and few carmakers can "
    "afford to fund every technology on their own.",
    "Analysts have long argued that scale is the deciding factor in the race to make electric cars as cheap "
    "as combustion models.",
    "Price competition from Chinese manufacturers has squeezed margins across the sector.",
    "Demand for electric vehicles has grown more slowly than many manufacturers expected, prompting a wave "
    "of revised plans.",
    "Battery costs account for a large part of the price of an electric car.",
    "Tariffs and local-content rules have pushed manufacturers to build batteries close to where they sell "
    "cars.",
    "Software has become a battleground, with legacy automakers struggling to match newer rivals.",
    "Charging infrastructure remains patchy in many markets, which weighs on consumer demand.",
    "Investors have rewarded companies that show a credible path to profitable electric models.",
    "The companies did not give further details on the financial terms.",
    "Shares of both companies moved little after the announcement.",
    "Neither side commented on how the arrangement would affect existing suppliers.",
    "Industry observers expect more such tie-ups as development costs keep rising.",
    "The move follows a period of consolidation among battery makers.",
)


# --------------------------------------------------------------------------------------------------
# Generation


class _Gen:
    """Builds one article from its own RNG; every choice is drawn from `self.rng`."""

    def __init__(self, seed: int, index: int, part: str):
        self.rng = random.Random(f"ev-alliance-watch:{seed}:{index}:{part}")
        self.ref = _ref()
        r = self.rng
        self.year = r.randint(2018, 2026)
        self.month = r.randint(1, 12)
        self.day = r.randint(1, 28)

    # --- small pieces -----------------------------------------------------------------------------

    def pick(self, seq):
        return seq[self.rng.randrange(len(seq))]

    def company_name(self, name: str) -> str:
        """Mostly the canonical name, sometimes a plain alias (legal name, short form)."""
        aliases = self.ref.aliases.get(name)
        if aliases and self.rng.random() < 0.25:
            return self.pick(aliases)
        return name

    def person(self) -> str:
        return f"{self.pick(FIRST)} {self.pick(LAST)}"

    def money(self) -> str:
        template, _ = self.pick(CURRENCIES)
        value = self.pick(
            ("1", "1.2", "2.5", "3", "4.8", "5", "7.5", "10", "12", "15", "20", "35", "150", "400")
        )
        if "{v} million" in template or "₩" in template:
            value = self.pick(("80", "120", "250", "300", "450", "600", "750", "900"))
        return self.pick(QUALIFIERS) + template.format(v=value)

    @staticmethod
    def poss(name: str) -> str:
        return name + ("'" if name.endswith("s") else "'s")

    def percent(self) -> str:
        value = self.pick(
            (
                f"{self.rng.randint(2, 60)}",
                f"{self.rng.randint(1, 49)}.{self.rng.randint(1, 9)}",
                f"{self.rng.randint(5, 50)}",
            )
        )
        return f"{value}%" if self.rng.random() < 0.7 else f"{value} percent"

    def count(self, units: tuple[str, ...] = UNITS) -> str:
        n = self.pick(
            (
                f"{self.rng.randint(2, 40)}",
                f"{self.rng.randint(1, 900)},000",
                f"{self.rng.randint(1, 9)} million",
                f"{self.rng.randint(10, 99)}",
            )
        )
        return f"{self.pick(QUALIFIERS)}{n} {self.pick(units)}"

    def country(self) -> tuple[str, str]:
        return self.pick(self.ref.countries)

    def date_phrase(self, tense: str = "past") -> str:
        """A time expression of one of many kinds, consistent with the article's date where it matters."""
        y, r = self.year, self.rng
        if tense == "future":
            fy = y + r.randint(1, 6)
            return self.pick(
                (
                    f"in {fy}",
                    f"by {fy}",
                    f"by fiscal year {fy}",
                    f"in FY{fy}",
                    f"from {fy}",
                    f"between {fy} and {fy + r.randint(1, 4)}",
                    f"in the first half of {fy}",
                    f"in the second half of {fy}",
                    f"in the {self.pick(('first', 'second', 'third', 'fourth'))} quarter of {fy}",
                    f"Q{r.randint(1, 4)} {fy}",
                    f"by the end of {fy}",
                    f"early {fy}",
                    f"late {fy}",
                    f"in mid-{fy}",
                    "next year",
                    "within the next two years",
                    "within three years",
                    "by the end of the decade",
                    f"in {self.pick(MONTHS)} {fy}",
                )
            )
        py = y - r.randint(0, 3)
        month = self.pick(MONTHS)
        return self.pick(
            (
                f"on {month} {r.randint(1, 28)}, {py}",
                f"on {r.randint(1, 28)} {month} {py}",
                f"in {month} {py}",
                f"in {py}",
                "last year",
                "last month",
                "earlier this year",
                f"on {py}-{r.randint(1, 12):02d}-{r.randint(1, 28):02d}",
                f"on {self.pick(('Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday'))}",
                "this week",
                f"{self.pick(('two', 'three', 'five'))} years ago",
                f"in fiscal {py}",
                f"in the {self.pick(('first', 'second', 'third', 'fourth'))} quarter",
                f"in late {py}",
            )
        )

    # --- sentences --------------------------------------------------------------------------------

    def alliance_sentence(self, kind: str, a: str, b: str) -> str:
        """One alliance event of the given type between a and b (display names)."""
        when, later = self.date_phrase("past"), self.date_phrase("future")
        country, adj = self.country()
        place = self.pick(self.ref.places)
        t = {
            "mou": (
                f"{a} and {b} signed a memorandum of understanding {when} to explore cooperation in {self.pick(TECH)}.",
                f"{a} said {when} it had signed a non-binding agreement with {b} covering {self.pick(TECH)} in {country}.",
                f"{b} and {a} inked a letter of intent {when} to study joint projects in {country}.",
            ),
            "joint_development": (
                f"{a} and {b} will jointly develop {self.pick(VEHICLES)} for {country}, with sales starting {later}.",
                f"{a} agreed {when} to co-develop {self.pick(VEHICLES)} with {b}.",
                f"The two companies plan to develop {self.pick(VEHICLES)} together, {a} said {when}.",
            ),
            "investment": (
                f"{a} will invest {self.money()} in {b}, taking a {self.percent()} stake.",
                f"{a} agreed {when} to buy a {self.percent()} stake in {b} for {self.money()}.",
                f"{b} received an equity investment of {self.money()} from {a} {when}.",
            ),
            "joint_venture": (
                f"{a} and {b} will form a 50-50 joint venture to build batteries in {place}, starting {later}.",
                f"{a} and {b} set up a joint venture {when} that will produce {self.pick(VEHICLES)} in {country}.",
                f"The joint venture between {a} and {b} plans {self.count(('vehicles a year', 'GWh of annual capacity', 'new models'))} {later}.",
            ),
            "supply": (
                f"{b} will supply battery cells to {a} {later} under a deal worth {self.money()}.",
                f"{a} will source battery cells from {b} for its plant in {place}.",
                f"Under the supply deal signed {when}, {b} will deliver batteries to {a} {later}.",
            ),
            "platform_sharing": (
                f"{b} will build {self.pick(VEHICLES)} on {self.poss(a)} {self.pick(PLATFORMS)} platform {later}.",
                f"The new model from {b} is based on the {self.pick(PLATFORMS)} architecture developed by {a}.",
                f"{a} agreed {when} to share its electric vehicle platform with {b}.",
            ),
            "technology_sharing": (
                f"{a} will license its {self.pick(TECH)} technology to {b}.",
                f"{b} will gain access to {self.poss(a)} {self.pick(TECH)} technology under the agreement.",
                f"{a} and {b} agreed {when} to share software and battery technology.",
            ),
            "merger_talks": (
                f"{a} and {b} are in talks about a merger that would create a group worth {self.money()}.",
                f"{a} and {b} said {when} they would study a business integration under a joint holding company.",
                f"Executives at {a} and {b} discussed a possible merger {when}, people familiar with the matter said.",
            ),
            "acquisition": (
                f"{a} agreed {when} to acquire {b} for {self.money()}.",
                f"{a} completed its takeover of {b} {when}.",
                f"{a} will take a controlling stake in {b}, the companies said {when}.",
            ),
            "cancellation": (
                f"{a} and {b} called off their merger talks {when}.",
                f"{a} pulled out of the planned joint venture with {b} {when}.",
                f"Talks between {a} and {b} collapsed {when} after the two sides failed to agree on terms.",
                f"{a} terminated its supply agreement with {b} {when}.",
            ),
            "scale_back": (
                f"{a} will reduce its stake in {b} from {self.percent()} to {self.percent()} {later}.",
                f"{a} and {b} agreed {when} to loosen their alliance ties.",
                f"{a} scaled back its partnership with {b} {when}, citing weaker demand.",
            ),
            "other": (
                f"{a} and {b} announced a strategic partnership {when} covering {self.pick(TECH)}.",
                f"{a} has teamed up with {b} to expand in {country}.",
                f"{a} and {b} said {when} they would collaborate on {self.pick(TECH)}.",
            ),
        }
        return self.pick(t[kind])

    def hedge(self, a: str, b: str) -> str:
        return self.pick(
            (
                f"{a} could also consider deeper cooperation with {b}, though no decision has been made.",
                f"{a} is reportedly weighing a broader tie-up with {b}, sources said.",
                f"Talks between {a} and {b} are at an early stage and may not lead to a deal, a person familiar with the matter said.",
                f"{a} denied reports that it was in talks with {b} about a merger.",
                f"{b} has no plans to sell a stake to {a}, a spokesperson said.",
                f"{a} might expand the partnership with {b} to other markets, analysts said.",
            )
        )

    def market_share(self) -> str:
        country, adj = self.country()
        maker = self.company_name(self.pick(self.ref.makers))
        year = self.year - self.rng.randint(0, 2)
        market = f"the {adj} EV market" if adj else f"the EV market in {country}"
        return self.pick(
            (
                f"Electric vehicles accounted for {self.percent()} of new car sales in {country} in {year}.",
                f"{self.poss(maker)} share of {market} rose to {self.percent()} in {year}.",
                f"Battery-electric cars made up {self.percent()} of {self.poss(country)} new car registrations last year.",
                f"In {country}, EVs took a {self.percent()} share of the market in the first half of {year}.",
                f"{maker} held {self.percent()} of {market} in {self.pick(MONTHS)} {year}, according to {self.pick(ANALYST_FIRMS)}.",
                f"The EV share of new car sales in {self.pick(self.ref.regions)} reached {self.percent()} in {year}.",
            )
        )

    def figure_sentence(self, a: str) -> str:
        place = self.pick(self.ref.places)
        return self.pick(
            (
                f"{a} plans to spend {self.money()} on electrification {self.date_phrase('future')}.",
                f"The plant in {place} will have capacity for {self.count(('vehicles a year', 'GWh of annual capacity', 'battery packs'))} once it is fully running.",
                f"{a} expects to launch {self.rng.randint(3, 30)} new electric models {self.date_phrase('future')}.",
                f"{a} reported an operating profit of {self.money()} for the {self.pick(('first', 'second', 'third', 'fourth'))} quarter.",
                f"The project will create {self.count(('jobs',))} in {place}, officials said {self.date_phrase('past')}.",
                f"{a} delivered {self.count(('vehicles', 'EVs', 'units'))} in {self.year - 1}, up {self.percent()} from a year earlier.",
                f"{a} cut its sales target to {self.count(('vehicles', 'EVs', 'units'))} for fiscal year {self.year}.",
            )
        )

    def quote(self, a: str) -> str:
        return self.pick(
            (
                f'"This partnership allows us to move faster and at lower cost," said {self.person()}, {self.poss(a)} {self.pick(ROLES)}.',
                f'"We will keep investing in electrification even as the market slows," {a} {self.pick(ROLES)} {self.person()} told reporters.',
                f"{self.person()}, {self.pick(ROLES)} of {a}, said the company was open to further partnerships.",
                f'"Scale matters more than ever in this industry," said {self.person()}, an analyst at {self.pick(ANALYST_FIRMS)}.',
            )
        )

    def paragraph(self, sentences: list[str]) -> str:
        return " ".join(sentences)

    # --- the story --------------------------------------------------------------------------------

    def story(self) -> tuple[str, str, list[str]]:
        """Title, subtitle and body paragraphs (without furniture). Sized to 1.7-4.5 kB."""
        ref, r = self.ref, self.rng
        kind = self.pick(ref.types)
        a_name = self.pick(ref.makers)
        pool = ref.batteries if kind in ("supply", "joint_venture") and r.random() < 0.6 else ref.makers
        if kind == "technology_sharing" and r.random() < 0.4:
            pool = ref.suppliers
        b_name = self.pick([c for c in pool if c != a_name] or pool)
        a, b = self.company_name(a_name), self.company_name(b_name)
        pair_verb, one_verb = {
            "cancellation": ("End Talks", "Walks Away From"),
            "scale_back": ("Loosen Ties", "Scales Back Ties With"),
            "merger_talks": ("Explore Merger", "In Merger Talks With"),
            "acquisition": ("Agree Takeover", "To Buy"),
            "investment": ("Seal Investment Deal", "Invests In"),
            "supply": ("Sign Battery Supply Deal", "Signs Supply Deal With"),
        }.get(kind, ("Team Up", "Partners With"))
        title = self.pick(
            (
                f"{a_name} and {b_name} {pair_verb} on {self.pick(TECH).title()}",
                f"{a_name} {one_verb} {b_name} in {self.country()[0]}",
                f"Why {self.poss(a_name)} Deal With {b_name} Matters",
            )
        )
        subtitle = self.pick(
            (
                f"The move is the latest sign of consolidation as {self.pick(TECH)} costs climb",
                f"Both companies expect first results {self.date_phrase('future')}",
                f"Analysts see the tie-up reshaping competition in {self.country()[0]}",
            )
        )
        target = r.randint(1700, 4500)
        paras = [
            self.paragraph(
                [self.alliance_sentence(kind, a, b), self.pick(FILLER) if r.random() < 0.5 else self.quote(a)]
            )
        ]
        size = len(paras[0])
        while size < target:
            choice = r.random()
            third = self.company_name(self.pick(ref.makers + ref.batteries))
            if choice < 0.22:
                sents = [self.alliance_sentence(self.pick(ref.types), self.pick((a, b)), third)]
            elif choice < 0.36:
                sents = [self.market_share(), self.market_share()]
            elif choice < 0.54:
                sents = [self.figure_sentence(self.pick((a, b, third)))]
            elif choice < 0.66:
                sents = [self.hedge(a, b)]
            elif choice < 0.78:
                sents = [self.quote(self.pick((a, b)))]
            else:  # stock sentences only ever follow a specific one (never a whole repeated line)
                sents = [self.figure_sentence(self.pick((a, b))), self.pick(FILLER)]
            if r.random() < 0.4:
                extra = self.pick(FILLER)
                if extra not in sents:
                    sents.append(extra)
            paras.append(self.paragraph(sents))
            size += len(paras[-1]) + 2
        return title, subtitle, paras

    def headline(self) -> str:
        """A headline of another story (for "Read also" lists)."""
        a, b = self.pick(self.ref.makers), self.pick(self.ref.makers + self.ref.batteries)
        return self.pick(
            (
                f"{a} unveils {self.pick(VEHICLES).split(' ', 1)[1]} for {self.country()[0]}",
                f"{a} and {b} deepen ties on {self.pick(TECH)}",
                f"{a} cuts EV targets as demand cools",
                f"What {a}'s new strategy means for {b}",
                f"{a} opens battery plant in {self.pick(self.ref.places)}",
            )
        )

    def intro(self) -> str:
        """A new first paragraph for a syndicated copy."""
        lead = self.pick(
            ("In a widely watched move", "As expected", "In a surprise announcement", "Earlier today")
        )
        filler = self.pick(FILLER)
        return self.paragraph([f"{lead}, {filler[0].lower()}{filler[1:]}", self.market_share()])


def _source_furniture(source: str) -> dict[str, str]:
    """Lines a source repeats on every page (corpus-level boilerplate evidence)."""
    rng = random.Random(f"source:{source}")
    return {
        "tagline": rng.choice(
            (
                f"{source} brings you the stories shaping the future of mobility",
                f"Independent coverage of electric cars and batteries from the {source} newsroom",
                f"Stay ahead of the transition with {source} Premium",
            )
        ),
        "section": rng.choice(
            ("Electric Vehicles", "Industry | EV", "News > Business > Autos", "Technology")
        ),
    }


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:60]


def _dressed(g: _Gen, title: str, subtitle: str, paras: list[str], source: str, related: list[str]) -> str:
    """Wrap a story in a web page's furniture, as copied to plain text."""
    r = g.rng
    furn = _source_furniture(source)
    author = g.person()
    date = f"{MONTHS[g.month - 1]} {g.day}, {g.year}"
    lines: list[str] = []
    if r.random() < 0.4:
        lines.append(furn["section"])
    lines.append(title)
    if r.random() < 0.6:
        lines.append(subtitle)
    if r.random() < 0.5:
        lines.append(g.pick(("3 min read", "5 min read", "Reading time: 4 minutes", "2 min read")))
    if r.random() < 0.7:
        lines.append(g.pick((f"By {author} • {date}", f"By {author}", f"Published: {date}")))
    if r.random() < 0.3:
        lines.append(g.pick(("Article main image", f"Image: {source}", "Photo: Getty Images")))
    body = list(paras)
    if len(body) > 4 and r.random() < 0.3:
        body.insert(3, "Advertisement")
    if len(body) > 5 and r.random() < 0.3:
        body.insert(len(body) // 2, "Read also: " + related[0])
    lines.extend(body)
    if r.random() < 0.5:
        lines.append("\n".join(["Read also:", *(f"- {t}" for t in related[: r.randint(2, 4)])]))
    if r.random() < 0.5:
        lines.append(g.pick(("Share this article\nFacebook\nTwitter\nLinkedIn", "Share:\nCopy link")))
    if r.random() < 0.6:
        lines.append(f"Tags: EV, batteries, {title.split()[0]}")
    lines.append(furn["tagline"])
    if r.random() < 0.6:
        lines.append(
            f"{author} is a senior reporter who covers the auto industry and the shift to electric vehicles "
            f"for {source}."
        )
    if r.random() < 0.5:
        lines.append(
            g.pick(
                (
                    "Subscribe to our newsletter for the latest EV news in your inbox.",
                    "Sign up for our free daily newsletter",
                    f"© {g.year} {source}. All rights reserved.",
                    "0 Comments",
                )
            )
        )
    return "\n\n".join(lines) + "\n"


def _copied_from(rng: random.Random, index: int) -> int | None:
    """The first draws of an article's page RNG: is it a syndicated copy, and of which earlier article?"""
    if index > 0 and rng.random() < DUP_SHARE:
        return rng.randrange(max(0, index - 500), index)
    return None


def make_article(index: int, seed: int = 0) -> SyntheticArticle:
    """Article `index` of the corpus with this seed (a pure function of both)."""
    g = _Gen(seed, index, "page")  # furniture, metadata and the copy decision
    ref = g.ref
    copy_of = _copied_from(g.rng, index)
    if copy_of is not None:
        while (earlier := _copied_from(_Gen(seed, copy_of, "page").rng, copy_of)) is not None:
            copy_of = earlier  # a copy of a copy carries the original story
        original = _Gen(seed, copy_of, "story")
        title, subtitle, paras = original.story()
        g.year, g.month, g.day = original.year, original.month, min(original.day + 1, 28)
        if g.rng.random() < 0.7:  # a new intro; otherwise a verbatim copy in another site's furniture
            paras = [g.intro(), *paras[1:]]
    else:
        story = _Gen(seed, index, "story")
        title, subtitle, paras = story.story()
        g.year, g.month, g.day = story.year, story.month, story.day
    source = g.pick(ref.sources)
    related = [g.headline() for _ in range(4)]
    text = _dressed(g, title, subtitle, paras, source, related)
    slug = _slug(title)
    name = f"shard-{index // SHARD_SIZE:04d}/{index:07d}_{slug}.txt"
    roll = g.rng.random()
    published = (
        f"{g.year}-{g.month:02d}-{g.day:02d}"
        if roll < 0.7
        else f"{g.year}-{g.month:02d}"
        if roll < 0.85
        else str(g.year)
        if roll < 0.9
        else ""
    )
    host = re.sub(r"[^a-z0-9]+", "", source.lower())
    meta = {
        "url": f"https://www.{host}.example/{g.year}/{g.month:02d}/{slug}",
        "source": source,
        "published": published,
        "author": "" if g.rng.random() < 0.5 else g.person(),
    }
    return SyntheticArticle(index, name, text, meta, copy_of)


def iter_articles(n: int, seed: int = 0, start: int = 0) -> Iterator[SyntheticArticle]:
    """Yield articles `start` .. `start + n - 1` of the corpus with this seed."""
    for i in range(start, start + n):
        yield make_article(i, seed)


OWN_MARKER = ".synthetic-corpus"  # a folder holding it was written by write_corpus: stale files may go


def write_corpus(folder: str | Path, n: int, seed: int = 0) -> dict[str, int]:
    """Write n articles as .txt files in shard folders with metadata.csv sidecars; return counts.

    The folder then holds exactly this corpus: existing identical files are left alone, and .txt files of
    an earlier generation (another n, or names drawn from since-edited reference tables) are removed. A
    folder with .txt files that this function did not write is refused, never emptied.
    """
    folder = Path(folder)
    if any(folder.rglob("*.txt")) and not (folder / OWN_MARKER).exists():
        raise ValueError(f"{folder} holds .txt files that are not a synthetic corpus: choose an empty folder")
    folder.mkdir(parents=True, exist_ok=True)
    (folder / OWN_MARKER).write_text("written by benchmarks/synthetic.py\n", encoding="utf-8")
    n_bytes = n_files = 0
    written: set[Path] = set()
    shard_rows: dict[str, list[dict[str, str]]] = {}
    for art in iter_articles(n, seed):
        path = folder / art.name
        written.add(path)
        data = art.text.encode("utf-8")
        if not (path.exists() and path.stat().st_size == len(data)):
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
        n_bytes += len(data)
        n_files += 1
        shard_rows.setdefault(path.parent.name, []).append({"file": path.name, **art.meta})
        if len(shard_rows) > 1:  # a shard is complete: write its sidecar and forget its rows
            done = next(iter(shard_rows))
            _write_sidecar(folder / done, shard_rows.pop(done))
    for shard, rows in shard_rows.items():
        _write_sidecar(folder / shard, rows)
    for stale in set(folder.rglob("*.txt")) - written:
        stale.unlink()
    return {"articles": n_files, "bytes": n_bytes}


def _write_sidecar(shard: Path, rows: list[dict[str, str]]) -> None:
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=META_FIELDS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    (shard / "metadata.csv").write_text(buf.getvalue(), encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", help="folder to write the corpus into")
    parser.add_argument("--articles", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    counts = write_corpus(args.out, args.articles, args.seed)
    print(f"wrote {counts['articles']} articles, {counts['bytes'] / 1e6:.1f} MB -> {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
