"""Recover title, byline, source, publication date and the clean body of web-copied articles.

Plain-text copies of web pages carry the page's furniture: breadcrumbs, "3 min read", image
placeholders, share and comment widgets, "Read also" lists, author bios and promos. HTML tools
(trafilatura, jusText) cannot see it once the markup is gone, so this module uses line rules
(`LINE_RULES`, each with a reason) plus corpus-level evidence (`repeated_lines`: lines that recur
across articles of one source). Every removed line is returned with its reason so a reader can
audit the cleaning.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from .corpus import Article
from .text import normalize_text

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
_DATE_MDY = re.compile(rf"\b({_MONTH_RE})\s+(\d{{1,2}}),?\s+((?:19|20)\d\d)\b")
_DATE_DMY = re.compile(rf"\b(\d{{1,2}})\s+({_MONTH_RE})\s+((?:19|20)\d\d)\b")
_DATE_ISO = re.compile(r"\b((?:19|20)\d\d)-(\d\d)-(\d\d)\b")

# Line rules: (reason, compiled pattern matched against the whole normalized line, case-insensitive).
LINE_RULES: list[tuple[str, re.Pattern[str]]] = [
    (reason, re.compile(pattern, re.IGNORECASE))
    for reason, pattern in [
        ("reading_time", r"\d+\s*(?:-\s*)?(?:min(?:ute)?s?|mins?)\.?\s*(?:read|reading time)"),
        ("reading_time", r"(?:reading time|read time)\s*:?\s*\d+\s*(?:min(?:ute)?s?)"),
        ("image_placeholder", r"(?:article\s+)?(?:main\s+|featured\s+|hero\s+|lead\s+)?(?:image|photo|picture|video)"),
        ("image_placeholder", r"(?:image|photo|picture|photograph)\s*(?:credit|courtesy|source)?\s*:.{0,80}"),
        ("image_placeholder", r"(?:\(|\[)?(?:photo|image|picture)s?\s*(?:by|via|courtesy of)\b.{0,80}"),
        ("image_placeholder", r".{0,60}\b(?:getty images|shutterstock|afp via getty|/ ?reuters photo)\)?"),
        ("related_links", r"(?:read|see)\s+(?:also|more|next)\s*:?.{0,0}"),
        ("related_links", r"(?:also read|related(?: articles| stories| posts| news)?|recommended(?: for you)?|more from .{1,40}|you may also like|trending(?: now)?|most read|popular)\s*:?"),
        ("share_widget", r"(?:share(?: this(?: article| story| post)?)?(?: on)?|tweet|pin it|copy link|print|email|e-mail|facebook|twitter|x|linkedin|whatsapp|reddit|telegram|flipboard)\s*:?"),
        ("share_widget", r"(?:share|follow us)(?: on)?\s*:?\s*(?:facebook|twitter|x|linkedin|whatsapp|email|[,|/ ])+"),
        ("subscribe_widget", r"(?:subscribe|sign up|join)\b.{0,120}(?:newsletter|news|updates|inbox|free|today|event|alerts?)\b.{0,40}"),
        ("subscribe_widget", r"(?:get|receive) (?:the latest|our).{0,80}(?:newsletter|inbox|updates)\b.{0,40}"),
        ("subscribe_widget", r"follow us on .{0,80}"),
        ("comments_widget", r"(?:notify of|inline feedbacks?|view all comments|leave a (?:comment|reply)|\d+\s+comments?|no comments(?: yet)?|comments?|login to comment|add a comment|post a comment|show comments|be the first to comment.*|oldest|newest|most voted)\s*:?"),
        ("comments_widget", r"published\s+categori[sz]ed as .{0,200}"),
        ("tags", r"(?:tagged|tags|topics|filed under|categories|category)\s*:.{0,200}"),
        ("byline_label", r"(?:written|posted|published|reported|edited) by\s*:?"),
        ("advert", r"(?:advertisement|advertising|sponsored(?: content)?|ad|scroll to continue(?: with content)?|continue reading(?: below)?|story continues below(?: advertisement)?)"),
        ("promo", r".{0,200}\?\s*(?:head|go|click|check) (?:over|here|out)\b.{0,200}"),
        ("promo", r"(?:want|looking) to (?:learn|know|read) more\b.{0,200}"),
        ("promo", r"(?:click here|download (?:our|the) app|get the app|advertise with us|sponsored by).{0,200}"),
        ("copyright", r"(?:©|\(c\)|copyright)\s*.{0,160}|all rights reserved\.?"),
    ]
]  # fmt: skip
_SOURCE_LINE = re.compile(
    r"^(?:source|sources|via|originally published (?:by|in|on))\s*:\s*(.{2,80})$", re.IGNORECASE
)
_BYLINE = re.compile(
    r"^by\s*(?P<who>[^•|,\-\d][^•|\d]{0,60}?)?\s*(?:[•|,\-]\s*(?P<rest>.*))?$", re.IGNORECASE
)
_DATE_LINE = re.compile(
    r"^(?:published|updated|posted|last updated|date)\s*:?\s*(?:on\s+)?(?P<rest>.{6,60})$", re.IGNORECASE
)
_AUTHOR_BIO = re.compile(
    r"^(?:(?:[A-Z][\w'.-]+\s){0,3}(?:is|was|has been)\s+an?\s+(?:\w+\s){0,4}"
    r"(?:journalist|writer|reporter|editor|correspondent|contributor|author|blogger|enthusiast)\b"
    r"|(?:previously|formerly) (?:in|at|with|a|an)\b.{0,300}(?:she|he|they)\b)",
)
_ABOUT_PROMO = re.compile(
    r"^about\s+(?!\d)\S.{40,}\b(?:marketplace|platform|website|our (?:site|mission|readers)|we (?:are|offer|help)|"
    r"leading|founded|headquartered|is a (?:global|leading))\b",
    re.IGNORECASE,
)
_LIST_ITEM = re.compile(r"^[-*•·]\s+\S")
_FOOTER_STARTERS = {"byline_label", "comments_widget"}


@dataclass
class CleanArticle:
    """What cleaning recovers from one article; `removed` lists (line_no, text, reason)."""

    title: str | None = None
    subtitle: str | None = None
    author: str | None = None
    source: str | None = None
    url: str | None = None
    published: str | None = None
    published_precision: str | None = None
    published_basis: str = "unknown"
    published_text: str | None = None
    body: str = ""
    removed: list[tuple[int, str, str]] = field(default_factory=list)


def classify_line(line: str, position: float = 1.0) -> str | None:
    """Return the boilerplate reason for one normalized line, or None when it may be body text.

    `position` (0 = first line, 1 = last) guards rules that only make sense at the foot of a page:
    an author bio or an "About us" promo in the first half is more likely a sentence of the story.
    """
    stripped = line.strip()
    if not stripped:
        return None
    if len(stripped) <= 400:
        for reason, pattern in LINE_RULES:
            if pattern.fullmatch(stripped):
                return reason
    if position >= 0.5 and _AUTHOR_BIO.match(stripped):
        return "author_bio"
    if position >= 0.5 and _ABOUT_PROMO.match(stripped):
        return "promo"
    return None


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
        if month and 1 <= month <= 12 and 1 <= day <= 31:
            return f"{year:04d}-{month:02d}-{day:02d}", "day", m.group(0)
    return None


def normalize_published(value: str | None) -> tuple[str, str] | None:
    """Normalize a metadata date ('2024-03', '2024-03-15T09:00Z', 'March 15, 2024') to (iso, precision)."""
    if not value:
        return None
    value = value.strip()
    m = re.match(r"^((?:19|20)\d\d)(?:-(\d\d)(?:-(\d\d))?)?", value)
    if m:
        year, month, day = m.group(1), m.group(2), m.group(3)
        if day and 1 <= int(month) <= 12 and 1 <= int(day) <= 31 and len(value) >= 10:
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


def clean_article(article: Article, repeated: set[str] | None = None) -> CleanArticle:
    """Clean one article. `repeated` holds lines known (corpus-wide) to be boilerplate of its source."""
    lines = normalize_text(article.raw).split("\n")
    meta = {k: normalize_text(v).strip() for k, v in article.meta.items() if v and v.strip()}
    out = CleanArticle(url=meta.get("url"))
    reasons: dict[int, str] = {}

    # 1. line rules, list blocks and footers
    in_related = False
    footer_from: int | None = None
    n_lines = max(len(lines) - 1, 1)
    for i, line in enumerate(lines):
        if not line:
            continue
        reason = None
        src = _SOURCE_LINE.match(line)
        if src:
            reason = "source_line"
            out.source = out.source or src.group(1).strip()
        reason = reason or classify_line(line, i / n_lines)
        if (
            reason is None
            and in_related
            and (_LIST_ITEM.match(line) or (_is_heading(line) and len(line) < 120))
        ):
            reason = "related_links"
        in_related = reason == "related_links"
        if reason is None and repeated and line in repeated:
            reason = "repeated_in_source"
        if reason is None:
            reason = _byline(line, out)
        if reason:
            reasons[i] = reason
            if reason in _FOOTER_STARTERS and footer_from is None and i > len(lines) // 2:
                footer_from = i

    # A footer marker late in the page ("Written By", comment widgets): everything after it is furniture,
    # and the first short line after "Written By" is the author's name.
    if footer_from is not None:
        for j in range(footer_from + 1, len(lines)):
            if lines[j] and j not in reasons:
                if reasons[footer_from] == "byline_label" and out.author is None and _is_heading(lines[j]):
                    out.author = lines[j].strip()
                    reasons[j] = "author"
                else:
                    reasons[j] = (
                        "author_bio" if reasons[footer_from] == "byline_label" else reasons[footer_from]
                    )

    _header(lines, reasons, out, meta)
    _bio_author(lines, reasons, out)

    body_lines = [line for i, line in enumerate(lines) if line and i not in reasons]
    out.body = "\n\n".join(body_lines)
    out.removed = [(i + 1, lines[i], reasons[i]) for i in sorted(reasons)]
    _apply_metadata(out, meta)
    return out


def _byline(line: str, out: CleanArticle) -> str | None:
    """Recognise 'By Jane Doe • April 2, 2024' and 'Published: March 3, 2024' lines; record what they say."""
    m = _BYLINE.match(line)
    if m and len(line) <= 120:
        who = (m.group("who") or "").strip()
        date = parse_date(m.group("rest") or "") or parse_date(line)
        looks_like_name = bool(who) and len(who.split()) <= 5 and all(w[:1].isupper() for w in who.split())
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


def _header(lines: list[str], reasons: dict[int, str], out: CleanArticle, meta: dict[str, str]) -> None:
    """Find breadcrumbs, title and subtitle among the lines before the first body paragraph."""
    header: list[int] = []
    for i, line in enumerate(lines):
        if not line or i in reasons:
            continue
        if _is_paragraph(line) and not _LIST_ITEM.match(line):
            break
        header.append(i)
    crumbs = [i for i in header if _LIST_ITEM.match(lines[i]) and _is_heading(lines[i].lstrip("-*•· "))]
    # breadcrumbs are the list items at the very top
    crumbs = [i for n, i in enumerate(crumbs) if header[n] == i]
    for i in crumbs:
        reasons[i] = "breadcrumb"
    headings = [i for i in header if i not in reasons and _is_heading(lines[i])]
    known_title = meta.get("title")
    if known_title:
        for i in headings:
            if lines[i].strip().lower() == known_title.lower():
                reasons[i] = "title"
        out.title = known_title
    else:
        for n, i in enumerate(headings):
            nxt = lines[i + 1] if i + 1 < len(lines) else ""
            standalone = not nxt or (i + 1) in reasons
            if _is_title_case(lines[i]) or (standalone and not lines[i].endswith("?") and n == 0):
                out.title = lines[i]
                reasons[i] = "title"
                break
        if out.title is None and crumbs:
            last = lines[crumbs[-1]].lstrip("-*•· ").strip()
            if len(last.split()) >= 3:
                out.title = last
                reasons[crumbs[-1]] = "breadcrumb_title"
    if out.title:
        # subtitle: the next heading-like line of the header; repeats of the title are furniture
        title_idx = max((i for i in reasons if reasons[i] in ("title", "breadcrumb_title")), default=-1)
        for i in header:
            if i in reasons or i < title_idx or not _is_heading(lines[i]):
                continue
            if lines[i].lower() == out.title.lower():
                reasons[i] = "title_repeat"
                continue
            if out.subtitle is None and len(lines[i].split()) >= 4 and _is_title_case(lines[i]):
                out.subtitle = lines[i]
                reasons[i] = "subtitle"
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


def _apply_metadata(out: CleanArticle, meta: dict[str, str]) -> None:
    """Sidecar and structured metadata override what the text suggests (basis 'metadata')."""
    for key in ("title", "subtitle", "author", "source", "url"):
        if meta.get(key):
            setattr(out, key, meta[key])
    published = normalize_published(meta.get("published"))
    if published:
        out.published, out.published_precision = published
        out.published_basis = "metadata"
        out.published_text = meta["published"]
    elif out.published is None and out.url:
        m = re.search(r"/((?:19|20)\d\d)/(0[1-9]|1[0-2])(?:/(0[1-9]|[12]\d|3[01]))?/", out.url)
        if m:
            out.published = "-".join(g for g in m.groups() if g)
            out.published_precision = "day" if m.group(3) else "month"
            out.published_basis = "inferred"


def repeated_lines(
    articles: Iterable[Article], min_articles: int = 2, max_share: float = 0.5
) -> dict[str, set[str]]:
    """Corpus-level evidence: per source, lines that recur in several different articles of that source.

    Articles that share most of their lines with others are syndicated copies, not templates; their
    lines are not counted (the dedup stage handles copies).
    """
    by_source: dict[str, list[set[str]]] = defaultdict(list)
    for art in articles:
        source = (art.meta.get("source") or "").strip().lower()
        if not source:
            continue
        lines = {ln for ln in normalize_text(art.raw).split("\n") if 3 <= len(ln) <= 300}
        by_source[source].append(lines)
    out: dict[str, set[str]] = {}
    for source, docs in by_source.items():
        if len(docs) < min_articles:
            continue
        counts = Counter(line for doc in {frozenset(d) for d in docs} for line in doc)
        common = {line for line, n in counts.items() if n >= min_articles}
        if not common:
            continue
        template_docs = [d for d in docs if d and len(d & common) / len(d) <= max_share]
        counts = Counter(line for doc in template_docs for line in doc)
        lines = {
            line for line, n in counts.items() if n >= min_articles and not _is_paragraph_like_fact(line)
        }
        if lines:
            out[source] = lines
    return out


def _is_paragraph_like_fact(line: str) -> bool:
    """Long sentences with numbers are kept even when repeated: they may be reported facts."""
    return len(line.split()) > 25 and bool(re.search(r"\d", line))
