"""The extraction stage: one clean article in, its mentions, figures, time expressions and alliances out.

Order matters: time expressions and mentions first, because figures bind to them (market, period)
and alliance events bind to all three (parties, when, how much).
"""

from __future__ import annotations

from .alliances import extract_alliances
from .clean import CleanArticle
from .entities import find_mentions
from .figures import extract_figures
from .knowledge import Knowledge, load_knowledge
from .text import sentence_at, sentence_spans
from .timeline import extract_timeline, parse_normalized


def extract_facts(
    article_id: str, cleaned: CleanArticle, kb: Knowledge | None = None
) -> dict[str, list[dict]]:
    """All facts of one article as row lists for the mentions, figures, timeline and alliances tables."""
    kb = kb or load_knowledge()
    body = cleaned.body
    sentences = sentence_spans(body)
    timeline = extract_timeline(
        body, cleaned.published, cleaned.published_precision, article_id=article_id, sentences=sentences
    )
    if cleaned.published and cleaned.published_basis == "dateline":  # a date the text itself states
        timeline.insert(0, _published_row(article_id, cleaned))
    mentions = find_mentions(body, kb)
    mention_rows = []
    evidence: dict[tuple[int, int], str] = {}  # one string per sentence, shared by its mentions
    for m in mentions:
        span = sentence_at(body, sentences, m.start)
        if span not in evidence:
            evidence[span] = body[span[0] : span[1]]
        row = {k: v for k, v in vars(m).items() if k != "company"}
        mention_rows.append({"article_id": article_id, **row, "sentence": evidence[span]})
    figures = extract_figures(
        body, kb, mentions, sentences, timeline, cleaned.published, cleaned.published_precision, article_id
    )
    alliances = extract_alliances(
        body,
        kb,
        mentions,
        sentences,
        timeline,
        figures,
        cleaned.published,
        cleaned.published_precision,
        article_id,
    )
    return {"mentions": mention_rows, "figures": figures, "timeline": timeline, "alliances": alliances}


def _published_row(article_id: str, cleaned: CleanArticle) -> dict:
    """The publication date as a timeline row (no body offsets: it comes from the byline or metadata)."""
    try:
        start_date, end_date = parse_normalized(cleaned.published)
    except (ValueError, TypeError):
        start_date = end_date = None
    return {
        "article_id": article_id,
        "text": cleaned.published_text or cleaned.published,
        "normalized": cleaned.published,
        "precision": cleaned.published_precision,
        "start_date": start_date,
        "end_date": end_date,
        "role": "published",
        "start": None,
        "end": None,
        "evidence": f"publication date ({cleaned.published_basis})",
    }
