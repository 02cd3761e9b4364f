"""Readers of `corpus` for exports: an HTML page (trafilatura), and the records of JSON, JSONL and
CSV/TSV files, each record an `Article` or a `Quarantined` row.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator

from . import config
from .corpus_records import Article, Quarantined, content_id


def _from_html(data: bytes, text: str, shown: str) -> Article | Quarantined:
    """Main text and metadata of a web page via trafilatura (boilerplate removal built for HTML)."""
    import trafilatura  # imported lazily: it is slow to import and only HTML inputs need it

    try:
        doc = trafilatura.bare_extraction(
            text, with_metadata=True, include_comments=False, include_tables=False, favor_recall=True
        )
    except Exception as exc:  # trafilatura raises assorted lxml errors on hostile markup
        return Quarantined(shown, "malformed_html", f"the HTML could not be parsed: {type(exc).__name__}")
    if doc is None:
        return Quarantined(shown, "no_text", "no article text found in the HTML page")
    get = doc.get if isinstance(doc, dict) else lambda k: getattr(doc, k, None)
    body = get("text") or ""
    if not body.strip():
        return Quarantined(shown, "no_text", "no article text found in the HTML page")
    meta = {
        "title": get("title"),
        "author": get("author"),
        "published": get("date"),
        "url": get("url"),
        "source": get("sitename"),
        "subtitle": get("description"),
    }
    return Article(
        content_id(data), shown, body, "html", len(data), {k: str(v) for k, v in meta.items() if v}
    )


def _record_to_article(
    rec: object, shown: str, field_map: dict[str, tuple[str, ...]], fmt: str
) -> Article | Quarantined:
    if not isinstance(rec, dict):
        return Quarantined(
            shown, "malformed_record", f"expected an object with a text field, got {type(rec).__name__}"
        )
    lowered = {str(k).lower(): v for k, v in rec.items()}

    def pick(name: str) -> str:
        for key in field_map[name]:
            value = lowered.get(key.lower())
            if isinstance(value, list):
                value = ", ".join(str(v) for v in value if v and not isinstance(v, dict | list))
            if value not in (None, "") and not isinstance(value, dict):
                return str(value)
        return ""

    body = pick("text")
    if not body.strip():
        return Quarantined(
            shown, "no_text", f"record has no text in any of the fields {list(field_map['text'])}"
        )
    if "\x00" in body:
        return Quarantined(shown, "binary", "the record's text contains NUL characters")
    try:
        canonical = json.dumps(rec, sort_keys=True, ensure_ascii=False, default=str).encode(
            "utf-8", "surrogatepass"
        )
    except (ValueError, RecursionError):
        canonical = repr(rec).encode("utf-8", "surrogatepass")
    meta = {k: pick(k) for k in ("title", "published", "url", "source", "author", "subtitle")}
    article = Article(
        content_id(canonical), shown, body, fmt, len(canonical), {k: v for k, v in meta.items() if v}
    )
    if _has_surrogates(article):
        return Quarantined(shown, "undecodable", "the record holds unpaired UTF-16 surrogates (\\udXXX)")
    return article


def _has_surrogates(article: Article) -> bool:
    try:
        article.raw.encode("utf-8")
        for value in article.meta.values():
            value.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def _parse_json(text: str) -> tuple[object, str | None]:
    """json.loads, or (None, why) when the text is not JSON Python can hold."""
    try:
        return json.loads(text), None
    except json.JSONDecodeError as exc:
        return None, f"{exc.msg} at line {exc.lineno} column {exc.colno}"
    except RecursionError:
        return None, "the JSON is nested too deeply to read"
    except ValueError as exc:  # e.g. an integer with more than 4,300 digits
        return None, f"the JSON holds a value Python refuses: {str(exc)[:120]}"


def _from_jsonl(
    text: str, shown: str, field_map: dict[str, tuple[str, ...]]
) -> Iterator[Article | Quarantined]:
    any_line = False
    for line_no, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        any_line = True
        where = f"{shown}:{line_no}"
        rec, problem = _parse_json(line)
        if problem:
            yield Quarantined(where, "malformed_json", f"line {line_no}: {problem}")
            continue
        yield _record_to_article(rec, where, field_map, "jsonl")
    if not any_line:
        yield Quarantined(shown, "empty", "the JSONL file has no records")


def _from_json(
    text: str, shown: str, field_map: dict[str, tuple[str, ...]]
) -> Iterator[Article | Quarantined]:
    doc, problem = _parse_json(text)
    if problem:
        yield Quarantined(shown, "malformed_json", problem)
        return
    if isinstance(doc, dict):
        for key in ("articles", "items", "data", "results", "records"):
            if isinstance(doc.get(key), list):
                doc = doc[key]
                break
    records = doc if isinstance(doc, list) else [doc]
    if not records:
        yield Quarantined(shown, "empty", "the JSON file holds an empty list")
    for i, rec in enumerate(records):
        where = shown if len(records) == 1 else f"{shown}#{i}"
        yield _record_to_article(rec, where, field_map, "json")


class _CountingLines:
    """Lines of a text for csv.reader, counting those consumed (its line_num stalls after an error)."""

    def __init__(self, text: str) -> None:
        self._it = iter(io.StringIO(text, newline=""))
        self.n = 0

    def __iter__(self) -> _CountingLines:
        return self

    def __next__(self) -> str:
        line = next(self._it)
        self.n += 1
        return line


def _from_csv(
    text: str, shown: str, field_map: dict[str, tuple[str, ...]], delimiter: str, max_bytes: int
) -> Iterator[Article | Quarantined]:
    """One record per CSV row; a bad row is quarantined at its line and reading goes on after it."""
    csv.field_size_limit(max(max_bytes, config.MAX_INPUT_BYTES))
    lines = _CountingLines(text)
    reader = csv.DictReader(lines, delimiter=delimiter, strict=True)
    try:
        header = reader.fieldnames
    except csv.Error as exc:
        yield Quarantined(shown, "malformed_csv", f"the header row cannot be read: {exc}")
        return
    if not header:
        yield Quarantined(shown, "empty", "the CSV file has no header row")
        return
    n_records = 0
    while True:
        line_no = lines.n + 1
        where = f"{shown}:{line_no}"
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            n_records += 1
            yield Quarantined(where, "malformed_csv", f"line {line_no}: {exc}")
            continue
        n_records += 1
        if None in row:  # more cells than header names
            yield Quarantined(where, "malformed_csv", f"line {line_no} has more cells than the header")
            continue
        yield _record_to_article(row, where, field_map, "csv")
    if not n_records:
        yield Quarantined(shown, "empty", "the CSV file has a header but no rows")
