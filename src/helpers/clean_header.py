"""The page's header and byline: title, subtitle, masthead and source, author, publication date.

Split from `clean` (which removes furniture line by line and assembles the article): the lines before the
story say who published it, who wrote it and when, in many layouts ("By Jane Doe • April 2, 2024", a date
line above the headline, a publication's name as the first line, a press release's dateline). The date and
line-shape helpers here are shared with `clean`'s line rules.
"""

from __future__ import annotations

import re
from datetime import date as _date
from functools import lru_cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .clean import CleanArticle

MONTHS = {
    m: i
    for i, names in enumerate(
        [
            ("jan", "january"), ("feb", "february"), ("mar", "march"), ("apr", "april"), ("may",),
            ("jun", "june"), ("jul", "july"), ("aug", "august"), ("sep", "sept", "september"),
            ("oct", "october"), ("nov", "november"), ("dec", "december"),
        ],
        start=1,
    )
    for m in names
}  # fmt: skip
_MONTH_RE = r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|Sept?(?:ember)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?"
# Dates in bylines and date lines: "March 15, 2024", "SEPTEMBER 23, 2019", "15 March 2024", "2024-03-15",
# "2023.10.05" (Korean and Japanese sites)
_DATE_MDY = re.compile(rf"\b({_MONTH_RE})\s+(\d{{1,2}}),?\s+((?:19|20)\d\d)\b", re.IGNORECASE)
_DATE_DMY = re.compile(rf"\b(\d{{1,2}})\s+({_MONTH_RE})\s+((?:19|20)\d\d)\b", re.IGNORECASE)
_DATE_ISO = re.compile(r"\b((?:19|20)\d\d)[-./](\d\d)[-./](\d\d)\b")


_BYLINE = re.compile(
    r"^(?:(?:posted|written|published|reported)\s+)?by\s*(?P<who>[^•|,\-\d][^•|\d]{0,60}?)?\s*(?:[•|,\-]\s*(?P<rest>.*))?$",
    re.IGNORECASE,
)
_DATE_LINE = re.compile(
    r"^(?:published|updated|posted|last updated|date)\s*:?\s*(?:on\s+)?(?P<rest>.{6,60})$", re.IGNORECASE
)


_LIST_ITEM = re.compile(r"^[-*•·]\s+\S")


def parse_date(text: str) -> tuple[str, str, str] | None:
    """Find the first full date in a string: (ISO date, 'day', matched text). Used for bylines and datelines."""
    for regex, order in ((_DATE_MDY, "mdy"), (_DATE_DMY, "dmy"), (_DATE_ISO, "ymd")):
        m = regex.search(text)
        if not m:
            continue
        if order == "mdy":
            month, day, year = MONTHS.get(m.group(1).rstrip(".").lower()), int(m.group(2)), int(m.group(3))
        elif order == "dmy":
            day, month, year = int(m.group(1)), MONTHS.get(m.group(2).rstrip(".").lower()), int(m.group(3))
        else:
            year, month, day = int(m.group(1)), int(m.group(2)), int(m.group(3))
        if month and _real_date(year, month, day):  # "February 31, 2024" is not a date
            return f"{year:04d}-{month:02d}-{day:02d}", "day", m.group(0)
    return None


def _real_date(year: int, month: int, day: int) -> bool:
    try:
        _date(year, month, day)
    except ValueError:
        return False
    return True


def normalize_published(value: str | None) -> tuple[str, str] | None:
    """Normalize a metadata date ('2024-03', '2024-03-15T09:00Z', 'March 15, 2024') to (iso, precision)."""
    if not value:
        return None
    value = value.strip()
    m = re.match(r"^((?:19|20)\d\d)(?:-(\d\d)(?:-(\d\d))?)?", value)
    if m:
        year, month, day = m.group(1), m.group(2), m.group(3)
        if day and _real_date(int(year), int(month), int(day)) and len(value) >= 10:
            return f"{year}-{month}-{day}", "day"
        if month and 1 <= int(month) <= 12:
            return f"{year}-{month}", "month"
        return year, "year"
    date = parse_date(value)
    return (date[0], date[1]) if date else None


def _is_heading(line: str) -> bool:
    """A short line without sentence punctuation: a title, subtitle, breadcrumb or section heading."""
    words = line.split()
    return 0 < len(words) <= 22 and len(line) <= 180 and not line.rstrip().endswith((".", ":", ";", ","))


def _is_title_case(line: str) -> bool:
    words = [w for w in re.findall(r"[A-Za-z][\w'-]*", line) if len(w) > 3]
    if len(words) < 2:
        return False
    return sum(w[0].isupper() for w in words) / len(words) >= 0.6


def _is_paragraph(line: str) -> bool:
    n_words = len(line.split())
    return n_words >= 30 or (n_words >= 6 and line.rstrip().endswith((".", '"', "!", "?", "'")))


# A date line of the page's header, split into its parts: "SEPTEMBER 23, 2019 / 7:12 AM / UPDATED 6 YEARS AGO",
# "December 19, 2023 · by Tomás Ferreira · 6 min read · 4 comments", "Issue 62 · Friday 2 September 2022",
# "Reporter Park Ji-hoon | Published 2023.10.05 15:41 | Updated 2023.10.05 17:02"
_LINE_PARTS = re.compile(r"\s+(?:\||·|•|/)\s+")
_TIME = r"\d{1,2}[:.]\d{2}\s*(?:[ap]\.?m\.?)?(?:\s+[A-Z]{2,4})?"
_AROUND_DATE = re.compile(
    rf"(?i)(?:published|posted|updated|last updated|date|on|at|,|:|(?:mon|tues?|wed(?:nes)?|thu(?:rs)?|fri|"
    rf"sat(?:ur)?|sun)(?:day)?|{_TIME}|\s)*"
)
_PART_FURNITURE = re.compile(
    rf"(?i)(?:at\s+)?{_TIME}|updated\b.{{0,40}}|\d+\s+comments?|issue\s+(?:no\.?\s*)?\d+|\d+\s*min(?:ute)?s?(?:\s+read)?"
    r"|(?:listen|print|share)\b.{0,20}"
)
_PART_AUTHOR = re.compile(r"(?i)(?:by|reporter|written by)\s+(?P<who>[^\d|·•/,]{2,60})")


def _header_date_line(line: str, out: CleanArticle) -> str | None:
    """A line of the page's header made of a date, times, an author and page furniture only: record the date
    (and the author) the way a byline's are recorded, and name the line "dateline"."""
    if len(line) > 160:
        return None
    date = author = None
    for part in _LINE_PARTS.split(line.strip()):
        found = parse_date(part) if date is None else None
        if found and _AROUND_DATE.fullmatch(part.replace(found[2], " ", 1)):
            date = found
        elif _PART_FURNITURE.fullmatch(part):
            continue
        elif author is None and (m := _PART_AUTHOR.fullmatch(part)):
            author = m["who"].strip()
        else:
            return None
    if date is None:
        return None
    if out.published is None:
        out.published, out.published_precision, out.published_basis = date[0], date[1], "dateline"
        out.published_text = date[2]
    if author and out.author is None and all(w[:1].isupper() for w in author.split()):
        out.author = author
    return "dateline"


def _byline(line: str, out: CleanArticle) -> str | None:
    """Recognise 'By Jane Doe • April 2, 2024' and 'Published: March 3, 2024' lines; record what they say."""
    m = _BYLINE.match(line)
    if m and len(line) <= 120:
        who = re.sub(r"\s+(?:in|for|at)\s+.*$", "", (m.group("who") or "").strip())
        date = parse_date(m.group("rest") or "") or parse_date(line)
        names = [w for w in who.split() if w not in ("and", "&")]  # "By Laura Chen and Matt Osei"
        looks_like_name = bool(names) and len(names) <= 6 and all(w[:1].isupper() for w in names)
        if date or looks_like_name or not who:
            if looks_like_name and out.author is None:
                out.author = who
            if date and out.published is None:
                out.published, out.published_precision, out.published_basis = date[0], date[1], "dateline"
                out.published_text = date[2]
            return "byline"
    m = _DATE_LINE.match(line)
    if m:
        date = parse_date(m.group("rest"))
        if date:
            if out.published is None:
                out.published, out.published_precision, out.published_basis = date[0], date[1], "dateline"
                out.published_text = date[2]
            return "dateline"
    return None


_KICKERS = {
    "analysis", "opinion", "exclusive", "breaking", "explainer", "feature", "news", "review", "interview",
    "commentary", "sponsored", "update", "live", "insight", "deep dive", "briefing", "comment", "editorial",
}  # fmt: skip
_SEPARATOR = re.compile(r"\s+(?:\||/|-|>|::)\s+")
_JOINERS = {"on", "of", "and", "&", "the", "for", "in", "de", "du", "la", "le", "a"}


def _is_masthead(line: str) -> bool:
    """A publication or section name: a few capitalised words ("Swap Talk", "IndiaAuto Wire | Companies")."""
    head = _SEPARATOR.split(line)[0].strip()
    words = head.split()
    if not 1 <= len(words) <= 5 or re.search(r"[.,;:!?\d]$", head) or re.search(r"\d", head):
        return False
    return all(w[0].isupper() or w.lower() in _JOINERS for w in words) and words[0][0].isupper()


def _is_breadcrumb_trail(line: str) -> bool:
    """'Home > EV > Batteries', 'Home / Autos / Technology', 'Companies › Daimler': short steps, separated."""
    if " > " in line:
        return True
    steps = re.split(r"\s(?:/|›|»)\s", line)
    return len(steps) >= 2 and all(1 <= len(step.split()) <= 3 for step in steps)


def _is_section_label(line: str) -> bool:
    """A label above the headline: one or two words, or a few in capitals ("Market Data", "AUTOS & MOBILITY")."""
    words = line.split()
    return len(words) < 3 or (len(words) <= 4 and line.isupper())


def _is_leading_masthead(line: str, meta: dict[str, str]) -> bool:
    """The publication's name as the page's first line: the sidecar's source or a known publication, maybe
    followed by an edition ("Shanghai Auto Daily | English Edition")."""
    parts = _SEPARATOR.split(line)
    head = parts[0].strip()
    if not _is_masthead(line) and not head.isupper():
        return False
    if meta.get("source") and head.lower() == meta["source"].lower():
        return True
    # "KOREA INDUSTRY TIMES | English Edition"
    edition = len(parts) == 2 and bool(_EDITION.fullmatch(parts[1].strip()))
    return edition or head in _publication_names()


def _is_unknown_masthead(line: str, nxt: str) -> bool:
    """The page's first line, a short name that is not a section ("The Clarion", "THE CELL COUNT", not
    "BUSINESS NEWS"), above a headline of six words or more: an unknown publication's masthead."""
    head = _SEPARATOR.split(line)[0].strip()
    words = [w.lower().strip("&") for w in head.split()]
    if not (_is_masthead(line) or (head.isupper() and len(words) <= 5)) or len(nxt.split()) < 6:
        return False
    return not all(w in _SECTION_WORDS or w in _JOINERS or not w for w in words)


_SECTION_WORDS = {
    "business", "news", "world", "markets", "market", "technology", "tech", "autos", "auto", "motoring", "industry",
    "energy", "economy", "companies", "opinion", "analysis", "cars", "ev", "evs", "mobility", "transport", "science",
    "politics", "finance", "money", "batteries", "latest", "top", "stories", "home", "data", "electric", "vehicles",
}  # fmt: skip
_EDITION = re.compile(
    r"(?i)(?:english|international|global|asia|europe|us|uk|online|print|digital|weekend) edition"
)


def _masthead(i: int, lines: list[str], reasons: dict[int, str], out: CleanArticle) -> None:
    """Line i names the publication: furniture, and the article's source unless one is known already."""
    reasons[i] = "masthead"
    out.source = out.source or _publication_name(_SEPARATOR.split(lines[i])[0].strip())


def _publication_name(head: str) -> str:
    """A masthead as a name: "THE CELL COUNT" -> "The Cell Count" (short words such as "EV" stay capitals)."""
    if not head.isupper():
        return head
    words = head.split()
    return " ".join(
        w.capitalize() if len(w) > 3 or w.lower() in _JOINERS or i == 0 else w for i, w in enumerate(words)
    )


@lru_cache(maxsize=1)
def _publication_names() -> frozenset[str]:
    """Names and aliases of the publications in data/reference/publications.csv."""
    from .knowledge import load_knowledge

    kb = load_knowledge()
    return frozenset(
        text for text, entries in kb.surface.items() if any(e.kind == "publication" for e in entries)
    )


def _header_lines(lines: list[str], reasons: dict[int, str]) -> list[int]:
    """Lines before the body: up to the first paragraph (a long line, or a sentence followed by a blank line)."""
    header: list[int] = []
    for i, line in enumerate(lines):
        if not line or i in reasons:
            continue
        n_words = len(line.split())
        nxt = next((lines[k] for k in range(i + 1, len(lines)) if k not in reasons), "")
        sentence_like = n_words >= 6 and line.rstrip().endswith((".", '"', "!", "'"))
        if not _LIST_ITEM.match(line) and (
            n_words >= 30 or (sentence_like and (not nxt or _is_paragraph(nxt)))
        ):
            break
        header.append(i)
    return header


def _header(lines: list[str], reasons: dict[int, str], out: CleanArticle, meta: dict[str, str]) -> None:
    """Find breadcrumbs, section labels, title, subtitle and masthead among the lines before the body."""
    header = _header_lines(lines, reasons)
    # a list with sentence-long items is a summary of the story ("• Capacity could reach up to 50 GWh"
    # among "• Plant at Stellantis' Zaragoza site targeted to start production by end of 2026"), whose
    # shorter items are not breadcrumbs either; breadcrumb items stay a few words long
    highlights = any(_LIST_ITEM.match(lines[i]) and len(lines[i].split()) > 12 for i in header)
    for i in header:
        text = lines[i]
        n_words = len(text.split())
        if (_LIST_ITEM.match(text) and n_words <= (4 if highlights else 12)) or _is_breadcrumb_trail(text):
            reasons[i] = "breadcrumb"
        elif text.strip().lower().rstrip(":") in _KICKERS:
            reasons[i] = "section_label"
    top = next((i for i, line in enumerate(lines) if line), -1)
    if reasons.get(top) == "nav_links" and _is_leading_masthead(
        lines[top], meta
    ):  # "KOREA TIMES | English Edition"
        _masthead(top, lines, reasons, out)
    rest = [i for i in header if i not in reasons]
    first_line = next((i for i, line in enumerate(lines) if line and i not in reasons), -1)
    # above the headline: the publication's name ("Battery Tech Dispatch", "AUTO BRIEF - International Edition")
    # and short section labels ("Market Data", "AUTOS & MOBILITY")
    while rest and (
        _is_leading_masthead(lines[rest[0]], meta)
        or (rest[0] == first_line and len(rest) > 1 and _is_unknown_masthead(lines[rest[0]], lines[rest[1]]))
    ):
        _masthead(rest[0], lines, reasons, out)
        rest = rest[1:]
    while len(rest) > 1 and _is_section_label(lines[rest[0]]) and len(lines[rest[1]].split()) >= 3:
        reasons[rest[0]] = "section_label"
        rest = rest[1:]
    known_title = meta.get("title")
    if known_title:
        for i in rest:
            if lines[i].strip().lower() == known_title.lower():
                reasons[i] = "title"
        out.title = known_title
    elif rest and len(lines[rest[0]].split()) >= 3 and _is_heading_like(lines[rest[0]]):
        first = rest[0]
        nxt = lines[first + 1] if first + 1 < len(lines) else ""
        # a lone sentence-case heading glued to the first paragraph is a section heading, not a title
        glued = nxt and (first + 1) not in reasons and _is_paragraph(nxt) and len(rest) == 1
        if _is_title_case(lines[first]) or not glued:
            out.title = lines[first]
            reasons[first] = "title"
    if out.title is None:
        crumbs = [i for i in header if reasons.get(i) == "breadcrumb" and _LIST_ITEM.match(lines[i])]
        if crumbs and len(lines[crumbs[-1]].split()) >= 4:
            out.title = lines[crumbs[-1]].lstrip("-*•· ").strip()
            reasons[crumbs[-1]] = "breadcrumb_title"
    if out.title:
        title_idx = max((i for i in reasons if reasons[i] in ("title", "breadcrumb_title")), default=-1)
        for i in header:
            if i in reasons or i < title_idx:
                continue
            text = lines[i]
            if text.lower() == out.title.lower() or text.lower().lstrip("-*•· ") == out.title.lower():
                reasons[i] = "title_repeat"
            elif _is_leading_masthead(text, meta):  # "Battery Europe Report - Cells & Plants" under the title
                _masthead(i, lines, reasons, out)
            elif (
                out.subtitle is None
                and len(text.split()) >= 6
                and not _LIST_ITEM.match(text)
                and len(text.split()) <= 45
            ):
                out.subtitle = text
                reasons[i] = "subtitle"
            elif _is_masthead(text):
                _masthead(i, lines, reasons, out)
    for i, line in enumerate(lines):  # widgets that quote the title ("No Comments on <title>")
        if (
            out.title
            and i not in reasons
            and out.title in line
            and line != out.title
            and len(line) < 2 * len(out.title) + 60
            and not line.endswith(".")
        ):
            reasons[i] = "comments_widget"
    _body_dateline(lines, reasons, out)


def _is_heading_like(line: str) -> bool:
    return 0 < len(line.split()) <= 30 and not line.rstrip().endswith((".", ":", ";", ","))


_PRESS_DATELINE = re.compile(
    rf"^[A-Z][A-Za-z .,'/-]{{1,40}}[,-]\s*(?P<date>(?:{_MONTH_RE})\s+\d{{1,2}},?\s+(?:19|20)\d\d|\d{{1,2}}\s+(?:{_MONTH_RE})\s+(?:19|20)\d\d)"
)


def _body_dateline(lines: list[str], reasons: dict[int, str], out: CleanArticle) -> None:
    """'AMSTERDAM, May 14, 2024 /PRNewswire/ -- ...': the first paragraph's dateline dates the article."""
    if out.published:
        return
    leading = [line for i, line in enumerate(lines) if line and i not in reasons][:4]
    for first in leading:
        m = _PRESS_DATELINE.match(first)
        if not m:
            continue
        date = parse_date(m.group("date"))
        if date:
            out.published, out.published_precision, out.published_basis = date[0], date[1], "dateline"
            out.published_text = date[2]
            return


def _bio_author(lines: list[str], reasons: dict[int, str], out: CleanArticle) -> None:
    """An author bio ('Robert is an experienced journalist ...') names the author when no byline did."""
    if out.author:
        return
    for i in sorted(reasons):
        if reasons[i] == "author_bio":
            m = re.match(r"^((?:[A-Z][\w'.-]+\s?){1,3}?)\s+(?:is|was|has been)\s", lines[i])
            if m:
                out.author = m.group(1).strip()
                return
