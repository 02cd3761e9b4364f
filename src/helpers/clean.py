"""Recover the clean body of web-copied articles, with title, byline, source and date (`clean_header`).

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

from .clean_header import (
    _LIST_ITEM,
    _MONTH_RE,
    _bio_author,
    _byline,
    _header,
    _header_date_line,
    _is_heading,
    normalize_published,
    parse_date,
)
from .corpus import Article
from .text import normalize_text

__all__ = ["CleanArticle", "classify_line", "clean_article", "parse_date", "repeated_lines", "source_key"]


# Line rules: (reason, compiled pattern matched against the whole normalized line, case-insensitive).
LINE_RULES: list[tuple[str, re.Pattern[str]]] = [
    (reason, re.compile(pattern, re.IGNORECASE))
    for reason, pattern in [
        ("reading_time", r"\d+\s*(?:-\s*)?(?:min(?:ute)?s?|mins?)\.?\s*(?:read|reading time)"),
        ("reading_time", r"(?:reading time|read time)\s*:?\s*\d+\s*(?:min(?:ute)?s?)"),
        ("image_placeholder", r"(?:article\s+)?(?:main\s+|featured\s+|hero\s+|lead\s+)?(?:image|photo|picture|video)"),
        ("image_placeholder", r"(?:image|photo|picture|photograph)\s*(?:credit|courtesy|source)?\s*:.{0,80}|file photo\s*:.{0,300}"),
        ("image_placeholder", r"(?:\(|\[)?(?:photo|image|picture)s?\s*(?:by|via|courtesy of)\b.{0,80}"),
        ("image_placeholder", r".{0,60}\b(?:getty images|shutterstock|afp via getty|/ ?reuters photo)\)?"),
        ("related_links", r"(?:read|see)\s+(?:also|more|next)\s*:?.{0,0}"),
        ("related_links", r"(?:also read|related(?: articles| stories| posts| news| coverage| reading)?|further reading|more coverage|previously on .{1,60}|recommended(?: for you)?|more from .{1,40}|you may also like|trending(?: now)?|most read|popular(?: articles| stories| now)?|most (?:viewed|popular|shared|emailed)(?: (?:in|on|from) .{1,40})?)\s*:?"),
        ("share_widget", r"(?:share(?: this(?: article| story| post)?)?(?: on)?|tweet|pin it|copy link|print|email|e-mail|facebook|twitter|x|linkedin|whatsapp|reddit|telegram|flipboard)\s*:?"),
        ("share_widget", r"(?:share(?: this(?: article| story| post)?)?|follow us)(?: on)?\s*:?\s*(?:facebook|twitter|x|linkedin|whatsapp|email|e-mail|wechat|weibo|telegram|reddit|threads|bluesky|copy link|print|[,|/ ·])+"),
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
        ("copyright", r"\[?(?:©|ⓒ|\(c\)|copyright)\s*.{0,160}|all rights reserved\.?"),
        ("credits", r"(?:reporting|writing|additional reporting|editing|compiled|research) by .{2,200}"),
        ("credits", r"(?:our standards|trust principles)\s*:.{0,200}"),
        ("byline", r"(?:staff report|staff writer|staff reporter|by staff|wire report|from wire reports)"),
        ("dateline", r"(?:updated|posted|published|last updated)\s*:?\s*\d{1,2}[:.]\d{2}\s*(?:[ap]\.?m\.?)?.{0,30}"),
        ("promo", r"(?:have a (?:news )?tip|got a (?:news )?tip|send us a tip)\b.{0,120}"),
        ("comments_widget", r"comments are (?:closed|disabled)\.?|(?:join|read) the (?:discussion|conversation)\.?"),
        ("caption", r"(?:chart|graphic|graph|infographic|map|table|figure|video|watch)\s*:.{0,160}"),
        ("subscribe_widget", r".{0,80}\bnewsletters?\b.{0,200}(?:inbox|sign up|subscribe|free|every (?:day|week|friday|monday|morning))\b.{0,80}"),
        ("subscribe_widget", r"sign up(?: now| today| here| for free)?[.!]?|subscribe(?: now| today| here)?[.!]?"),
        ("nav_links", r"(?:[A-Za-z][\w&' .:+-]{0,30}\s\|\s){1,8}[A-Za-z][\w&' .:+-]{0,30}"),
        ("related_links", r"(?:related|(?:read|see) (?:also|more|next))\s*:\s*.{1,160}|more (?:in|on) [A-Z][\w&' ,-]{1,40}"),
        ("comments_widget", r"what do you think\b.{0,200}\b(?:let us know|comments?|below)\b.{0,80}"),
        ("share_widget", r"follow(?: @\w+)?|listen to (?:this )?(?:article|story)\b.{0,40}|listen(?:\s*[·|:-]?\s*\d+\s*min(?:ute)?s?)?"),
        ("subscribe_widget", r"follow .{1,60} on (?:linkedin|x|twitter|facebook|instagram|wechat|weibo|youtube|threads|bluesky)\b.{0,20}|(?:get|receive) .{1,80}\bin your inbox\b.{0,120}"),
        ("page_controls", r"(?:font|text) size\s*:?.{0,20}|print this (?:article|page)|(?:increase|decrease) font"),
        ("subscribe_widget", r"(?:subscribe to|sign up for)\b.{0,200}"),
        ("caption", r"(?:data|source|sources)\s*:.{0,160}"),
        # a sidebar of the companies in the story ("Companies" / "Renault SA" / "Follow")
        ("tags", r"(?:companies|related companies|topics|tags)\s*:?"),
        ("dateline", r"(?:updated|posted|published)\s+\d+\s+(?:minutes?|mins?|hours?|hrs?|days?)\s+ago(?:\s*[·|•]\s*\d+\s*min(?:ute)?s?\s*read)?"),
        ("dateline", rf"(?:(?:published|posted|updated|last updated)\s*:?\s*)?(?:(?:mon|tues?|wed(?:nes)?|thu(?:rs)?|fri|sat(?:ur)?|sun)(?:day)?,?\s+)?(?:\d{{1,2}}\s+{_MONTH_RE},?\s+(?:19|20)\d\d|{_MONTH_RE}\s+\d{{1,2}},?\s+(?:19|20)\d\d)(?:,?\s+(?:at\s+)?\d{{1,2}}[:.]\d{{2}}\s*(?:[ap]\.?m\.?)?\s*(?:[A-Z]{{2,4}})?)?"),
        ("byline", r"(?:written |posted |reported )?by (?:the )?[\w .'-]{0,30}\b(?:staff|team|desk|editors|reporters)"),
        ("comments_widget", r"comments?\s*\(\d+\)|(?:log ?in|sign in|register) to (?:join|comment|reply|read)\b.{0,60}"),
        ("cookie_notice", r"(?:we use cookies|this (?:web)?site uses cookies|by continuing to (?:use|browse)).{0,300}"),
        ("ticker", r"(?:[A-Z]{1,6}(?:\.[A-Z]{1,3})?\s+[+\u2212-]\d+(?:\.\d+)?%\s*){2,}|market data (?:is )?delayed\b.{0,120}"),
        ("newsletter_chrome", r"view (?:this (?:email|newsletter)|it|this issue) (?:in|on) (?:your|a|the) (?:web )?browser\.?|unsubscribe(?: here)?\.?|update your preferences\.?|forwarded this (?:email|newsletter)\?.{0,60}|you(?:'re| are) receiving this\b.{0,200}"),
        ("ticker", r"trending (?:tickers?|stocks)\s*:.{0,120}"),
        ("disclaimer", r"this (?:article|content|material|story) is (?:provided )?for (?:general )?information(?:al)? purposes only\b.{0,200}"),
        ("print_note", r"a version of this (?:story|article) (?:appears|appeared) (?:in|on) .{0,200}"),
        ("translation_note", r"\[?this (?:article|story) (?:was|has been) (?:machine[- ])?translated\b.{0,200}"),
        ("related_links", r"read the (?:full|original|whole|rest of the) (?:story|article) (?:at|on|in) .{1,80}"),
        ("share_widget", r"(?:save|share|hide(?: this story)?|print|email|comment|like|bookmark)(?:\s*[·|•]\s*(?:save|share|hide(?: this story)?|print|email|comment|like|bookmark))+"),
        ("byline", r"(?=.{0,100}$)(?:[A-Z][\w'-]*\s){0,4}[\w.+-]+@[\w-]+(?:\.[\w-]+)+"),
        ("section_label", r"in brief|briefly|the big story|also this week|in other news|quick hits"),
        ("tags", r"(?=.{0,60}$)[A-Z][\w&.'-]*(?: [\w&.'-]+){0,5},? (?:SA|S\.A\.|AG|SE|N\.?V\.|plc|PLC|Inc\.?|Corp\.?|Co\., ?Ltd\.?|Ltd\.?|LLC|GmbH|S\.p\.A\.)"),
    ]
]  # fmt: skip
# All rules as one alternation, one group per rule: a full match names the first rule (in order) that matches
# the whole line, exactly as trying the rules one by one did, in one call instead of ~30.
if any(pattern.groups for _, pattern in LINE_RULES):
    raise ValueError("LINE_RULES patterns must not capture: group i + 1 of the alternation is rule i")
_ALL_RULES = re.compile("|".join(f"({pattern.pattern})" for _, pattern in LINE_RULES), re.IGNORECASE)
# Most of the matching time goes to the four rules that may start anywhere in a line, and each of them
# needs a word: an ASCII line (where IGNORECASE is plain ASCII case folding) without any of these words
# cannot match them, and is tried against the other rules only (same order, so the same first match).
_UNANCHORED_RULES: tuple[tuple[str, tuple[str, ...]], ...] = (  # (a piece of the rule's pattern, its words)
    (r"\?\s*(?:head|go|click|check)", ("?",)),  # promo ".{0,200}\?\s*(?:head|go|click|check) ..."
    (r"\s\|\s", ("|",)),  # nav_links "(?:[A-Za-z][\w&' .-]{0,30}\s\|\s){1,8}..."
    (r"getty images|shutterstock", ("getty", "shutterstock", "reuters photo")),  # image credits
    (r"\bnewsletters?\b", ("newsletter",)),  # subscribe_widget ".{0,80}\bnewsletters?\b..."
)


def _rule_index(piece: str) -> int:
    """The position in LINE_RULES of the one rule whose pattern contains `piece` (found, not hard-coded,
    so reordering or adding rules cannot attach the words to the wrong rule)."""
    found = [i for i, (_, pattern) in enumerate(LINE_RULES) if piece in pattern.pattern]
    if len(found) != 1:
        raise ValueError(f"{len(found)} LINE_RULES patterns contain {piece!r}; expected exactly one")
    return found[0]


_UNANCHORED_RULE_WORDS = {_rule_index(piece): words for piece, words in _UNANCHORED_RULES}
_UNANCHORED_WORDS = tuple(word for words in _UNANCHORED_RULE_WORDS.values() for word in words)
_ANCHORED_INDEX = [i for i in range(len(LINE_RULES)) if i not in _UNANCHORED_RULE_WORDS]
_ANCHORED_RULES = re.compile(
    "|".join(f"({LINE_RULES[i][1].pattern})" for i in _ANCHORED_INDEX), re.IGNORECASE
)
_SOURCE_LINE = re.compile(
    r"^(?:(?:source|sources|via|originally published (?:by|in|on))\s*:|via)\s*(.{2,80})$", re.IGNORECASE
)
_AUTHOR_BIO = re.compile(
    r"^(?:(?:[A-Z][\w'.-]+\s){0,3}(?:is|was|has been)\s+an?\s+(?:[\w-]+\s){0,4}"
    r"(?:journalist|writer|reporter|editor|correspondent|contributor|author|blogger|enthusiast)\b"
    r"|(?:[A-Z][\w'.-]+\s){1,3}(?:covers|writes about|reports on|has covered|has written)\b"
    r"|(?:previously|formerly) (?:in|at|with|a|an)\b.{0,300}(?:she|he|they)\b)",
)
_ABOUT_PROMO = re.compile(
    r"^about\s+(?!\d)\S.{40,}\b(?:marketplace|platform|website|our (?:site|mission|readers)|we (?:are|offer|help)|"
    r"leading|founded|headquartered|is a (?:global|leading))\b",
    re.IGNORECASE,
)
# "Battery Tech Dispatch is an independent trade publication ...", "Auto Brief is published by ...": the page
# describing its publication (at the foot of a page only, like _ABOUT_PROMO)
_ABOUT_PUBLICATION = re.compile(
    r"^(?:[A-Z][\w&'.-]*\s){1,5}(?:is|are)\s(?:(?:an?|the)\s(?:[\w-]+\s){0,4}(?:publication|magazine|newsletter|"
    r"news (?:site|service|outlet|agency)|website|journal)\b|(?:published|written|edited|produced) by\b)"
)
_FOOTER_STARTERS = {"byline_label", "comments_widget", "press_release"}
# Press-release tails: "About Stellantis", "Forward-Looking Statements", "Media contacts:", "SOURCE Stellantis N.V."
_PRESS_TAIL = re.compile(
    r"^(?:About (?:the )?[A-Z][\w&.,' -]{1,60}|Forward-Looking Statements?|Safe Harbou?r Statement|"
    r"(?:Media|Press|Investor) (?:C|c)ontacts?:?|Contacts?:|SOURCE [A-Z].{0,80}|Disclaimer:?)$"
)


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
        if stripped.isascii() and not _has_unanchored_word(stripped):
            m = _ANCHORED_RULES.fullmatch(stripped)
            if m and m.lastindex:
                return LINE_RULES[_ANCHORED_INDEX[m.lastindex - 1]][0]
        else:
            m = _ALL_RULES.fullmatch(stripped)
            if m and m.lastindex:
                return LINE_RULES[m.lastindex - 1][0]
    if position >= 0.5 and _AUTHOR_BIO.match(stripped):
        return "author_bio"
    if position >= 0.5 and (_ABOUT_PROMO.match(stripped) or _ABOUT_PUBLICATION.match(stripped)):
        return "promo"
    return None


def _has_unanchored_word(line: str) -> bool:
    """Could one of the unanchored rules match this ASCII line? (False: it needs none of them tried.)"""
    lowered = line.lower()
    return any(word in lowered for word in _UNANCHORED_WORDS)


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
        if reason is None and i / n_lines < 0.35:  # a date line belongs to the page's header
            reason = _header_date_line(line, out)
        reason = reason or classify_line(line, i / n_lines)
        if reason is None and i / n_lines >= 0.5 and _PRESS_TAIL.match(line):
            reason = "press_release"
        if (
            reason is None
            and in_related
            and (_LIST_ITEM.match(line) or (_is_heading(line) and len(line) < 120))
        ):
            reason = "related_links"
        in_related = reason == "related_links"
        if reason is None and repeated and line in repeated:
            reason = "repeated_in_source"
        if (
            reason is None
            and i / n_lines >= 0.5
            and meta.get("source")
            and line.strip().lower() == meta["source"].lower()
        ):
            reason = "masthead"  # the publication's name on a line of its own at the foot (the top: _header)
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


REPEATED_MIN_LEN, REPEATED_MAX_LEN = 3, 300  # line lengths `repeated_lines` considers


def source_key(article: Article) -> str:
    """The source whose articles are compared for repeated lines."""
    return (article.meta.get("source") or "").strip().lower()


def candidate_lines(raw: str) -> set[str]:
    """The distinct normalized lines of a raw text that can count as repeated boilerplate."""
    return {ln for ln in normalize_text(raw).split("\n") if REPEATED_MIN_LEN <= len(ln) <= REPEATED_MAX_LEN}


def repeated_lines(
    articles: Iterable[Article], min_articles: int = 2, max_share: float = 0.5
) -> dict[str, set[str]]:
    """Corpus-level evidence: per source, lines that recur in several different articles of that source.

    Articles that share most of their lines with others are syndicated copies, not templates; their
    lines are not counted (the dedup stage handles copies).
    """
    by_source: dict[str, list[set[str]]] = defaultdict(list)
    for art in articles:
        source = source_key(art)
        if not source:
            continue
        by_source[source].append(candidate_lines(art.raw))
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
