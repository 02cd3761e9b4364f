"""Load articles from files, folders and globs; account for every input.

Every input ends as exactly one `Article` or one `Quarantined` record: nothing is silently
dropped. Loading is a generator so a large corpus streams through in bounded memory.
"""

from __future__ import annotations

import csv
import glob
import hashlib
import io
import json
import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from . import config

TEXT_SUFFIXES = {".txt", ".md", ".markdown", ".text"}
HTML_SUFFIXES = {".html", ".htm", ".xhtml"}
JSON_SUFFIXES = {".json"}
JSONL_SUFFIXES = {".jsonl", ".ndjson"}
CSV_SUFFIXES = {".csv", ".tsv"}
SUPPORTED_SUFFIXES = TEXT_SUFFIXES | HTML_SUFFIXES | JSON_SUFFIXES | JSONL_SUFFIXES | CSV_SUFFIXES
SIDECAR_NAME = "metadata.csv"
SIDECAR_FIELDS = ("url", "source", "published", "author", "title")

# Field names tried, in order, for each article field in JSON/CSV exports (override with `fields=`).
DEFAULT_FIELDS: dict[str, tuple[str, ...]] = {
    "text": ("text", "body", "content", "article", "maintext", "full_text"),
    "title": ("title", "headline", "name"),
    "published": ("published", "date", "publish_date", "published_at", "pubdate", "date_publish", "datetime"),
    "url": ("url", "link", "href", "canonical_url"),
    "source": ("source", "site", "sitename", "publisher", "source_name", "outlet"),
    "author": ("author", "authors", "byline", "creator"),
    "subtitle": ("subtitle", "description", "dek", "summary"),
}

_BINARY_MAGIC = (
    b"%PDF",
    b"\x89PNG",
    b"GIF8",
    b"\xff\xd8\xff",
    b"PK\x03\x04",
    b"\x1f\x8b",
    b"\x7fELF",
    b"BZh",
)


@dataclass
class Article:
    """One loaded article before cleaning: raw text plus whatever metadata the input carried."""

    article_id: str
    path: str
    raw: str
    fmt: str
    n_bytes: int
    meta: dict[str, str] = field(default_factory=dict)


@dataclass
class Quarantined:
    """An input that could not become an article, with a reason code and a human message."""

    path: str
    reason: str
    detail: str


def display_path(path: Path | str) -> str:
    """Path as shown in tables: relative to the project root when inside it (no absolute paths in reports)."""
    p = Path(path)
    try:
        return p.resolve().relative_to(config.PROJ_ROOT).as_posix()
    except (ValueError, OSError):
        return p.as_posix()


def content_id(data: bytes) -> str:
    """Stable article id: the first 16 hex digits of the SHA-256 of the raw bytes."""
    return hashlib.sha256(data).hexdigest()[:16]


def iter_input_files(inputs: Iterable[str | Path]) -> Iterator[Path | Quarantined]:
    """Expand files, folders (recursively) and glob patterns into files, sorted, each once.

    Symlink loops and missing inputs are reported as `Quarantined`; sidecar metadata files are skipped
    (they describe articles, they are not articles).
    """
    seen: set[Path] = set()
    for item in inputs:
        item_str = str(item)
        candidates: list[Path]
        if any(ch in item_str for ch in "*?[") and not Path(item_str).exists():
            candidates = [Path(p) for p in sorted(glob.glob(item_str, recursive=True))]
            if not candidates:
                yield Quarantined(item_str, "not_found", f"no file matches the pattern {item_str!r}")
                continue
        else:
            candidates = [Path(item_str)]
        for cand in candidates:
            yield from _expand(cand, seen)


def _expand(path: Path, seen: set[Path]) -> Iterator[Path | Quarantined]:
    try:
        real = path.resolve(strict=True)
    except FileNotFoundError:
        yield Quarantined(display_path(path), "not_found", "the path does not exist (or is a broken link)")
        return
    except (RuntimeError, OSError) as exc:  # symlink loop, permission denied on a parent
        yield Quarantined(display_path(path), "unreadable", f"cannot resolve the path: {exc}")
        return
    if real.is_dir():
        if real in seen:
            return
        seen.add(real)
        try:
            entries = sorted(os.scandir(real), key=lambda e: e.name)
        except OSError as exc:
            yield Quarantined(display_path(path), "unreadable", f"cannot list the folder: {exc}")
            return
        for entry in entries:
            if entry.name.startswith(".") or entry.name == SIDECAR_NAME:
                continue
            yield from _expand(path / entry.name, seen)
        return
    if real in seen:
        return
    seen.add(real)
    if path.name == SIDECAR_NAME:
        return
    yield path


def load_sidecar(folder: Path) -> dict[str, dict[str, str]]:
    """Read `metadata.csv` in a folder: file name -> metadata overriding what cleaning infers.

    Only plain file names are honoured: a row naming a path (``../x``) is ignored, so sidecars can never
    point the loader outside the corpus.
    """
    sidecar = folder / SIDECAR_NAME
    if not sidecar.is_file():
        return {}
    try:
        text = sidecar.read_text(encoding="utf-8-sig")
        rows = list(csv.DictReader(io.StringIO(text)))
    except (OSError, UnicodeDecodeError, csv.Error):
        return {}
    out: dict[str, dict[str, str]] = {}
    for row in rows:
        name = (row.get("file") or "").strip()
        if not name or name != Path(name).name or name in {".", ".."}:
            continue
        meta = {k: (row.get(k) or "").strip() for k in SIDECAR_FIELDS if (row.get(k) or "").strip()}
        if meta:
            out[name] = meta
    return out


def sniff_problem(data: bytes) -> tuple[str, str] | None:
    """Return (reason, detail) when bytes cannot be an article: empty or binary."""
    if not data.strip():
        return ("empty", "the file is empty or holds only white space")
    head = data[:8192]
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return None  # UTF-16 with BOM: NUL bytes are expected
    if head.startswith(_BINARY_MAGIC):
        return ("binary", "the file is a binary format (PDF, image, archive or executable), not text")
    if b"\x00" in head:
        return ("binary", "the file contains NUL bytes: binary data, not text")
    return None


def decode(data: bytes, fallback_encoding: str | None = None) -> str:
    """Decode UTF-8 (with or without BOM) or BOM-marked UTF-16; else the fallback encoding if given.

    Raises UnicodeDecodeError with a position otherwise: guessing an 8-bit encoding silently would put
    mojibake into company names and quotes.
    """
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        if fallback_encoding:
            return data.decode(fallback_encoding)
        raise


def load_corpus(
    inputs: Iterable[str | Path],
    *,
    max_bytes: int = config.MAX_INPUT_BYTES,
    fields: dict[str, tuple[str, ...] | str] | None = None,
    encoding: str | None = None,
) -> Iterator[Article | Quarantined]:
    """Yield one `Article` or `Quarantined` per input (per record for JSON/JSONL/CSV exports)."""
    field_map = _field_map(fields)
    sidecars: dict[Path, dict[str, dict[str, str]]] = {}
    seen_ids: set[str] = set()
    for item in iter_input_files(inputs):
        if isinstance(item, Quarantined):
            yield item
            continue
        folder = item.parent
        if folder not in sidecars:
            sidecars[folder] = load_sidecar(folder)
        side = sidecars[folder].get(item.name, {})
        for rec in _load_file(item, max_bytes=max_bytes, field_map=field_map, encoding=encoding):
            if isinstance(rec, Article):
                rec.meta.update(side)
                if rec.article_id in seen_ids:  # byte-identical copy under another name: keep, dedup marks it
                    rec.article_id = content_id(rec.raw.encode("utf-8") + rec.path.encode("utf-8"))
                seen_ids.add(rec.article_id)
            yield rec


def _field_map(fields: dict[str, tuple[str, ...] | str] | None) -> dict[str, tuple[str, ...]]:
    merged = dict(DEFAULT_FIELDS)
    for key, names in (fields or {}).items():
        merged[key] = (names,) if isinstance(names, str) else tuple(names)
    return merged


def _load_file(
    path: Path, *, max_bytes: int, field_map: dict[str, tuple[str, ...]], encoding: str | None
) -> Iterator[Article | Quarantined]:
    shown = display_path(path)
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        yield Quarantined(shown, "unsupported_type", f"unsupported file type {suffix or '(none)'!r}")
        return
    try:
        size = path.stat().st_size
        if size > max_bytes:
            yield Quarantined(shown, "too_large", f"{size:,} bytes exceeds the limit of {max_bytes:,} bytes")
            return
        data = path.read_bytes()
    except OSError as exc:
        yield Quarantined(shown, "unreadable", f"cannot read the file: {exc.strerror or exc}")
        return
    problem = sniff_problem(data)
    if problem:
        yield Quarantined(shown, *problem)
        return
    try:
        text = decode(data, encoding)
    except (UnicodeDecodeError, LookupError) as exc:
        pos = getattr(exc, "start", "?")
        yield Quarantined(
            shown,
            "undecodable",
            f"not valid UTF-8 (bad byte at offset {pos}); re-save as UTF-8 or pass --encoding (e.g. cp1252)",
        )
        return
    if suffix in TEXT_SUFFIXES:
        yield Article(content_id(data), shown, text, suffix.lstrip("."), len(data))
    elif suffix in HTML_SUFFIXES:
        yield _from_html(data, text, shown)
    elif suffix in JSONL_SUFFIXES:
        yield from _from_jsonl(text, shown, field_map)
    elif suffix in JSON_SUFFIXES:
        yield from _from_json(text, shown, field_map)
    else:
        yield from _from_csv(text, shown, field_map, delimiter="\t" if suffix == ".tsv" else ",")


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
                value = ", ".join(str(v) for v in value if v)
            if value not in (None, "") and not isinstance(value, dict):
                return str(value)
        return ""

    body = pick("text")
    if not body.strip():
        return Quarantined(
            shown, "no_text", f"record has no text in any of the fields {list(field_map['text'])}"
        )
    canonical = json.dumps(rec, sort_keys=True, ensure_ascii=False, default=str).encode("utf-8")
    meta = {k: pick(k) for k in ("title", "published", "url", "source", "author", "subtitle")}
    return Article(
        content_id(canonical), shown, body, fmt, len(canonical), {k: v for k, v in meta.items() if v}
    )


def _from_jsonl(
    text: str, shown: str, field_map: dict[str, tuple[str, ...]]
) -> Iterator[Article | Quarantined]:
    any_line = False
    for line_no, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        any_line = True
        where = f"{shown}:{line_no}"
        try:
            rec = json.loads(line)
        except json.JSONDecodeError as exc:
            yield Quarantined(where, "malformed_json", f"line {line_no}: {exc.msg} at column {exc.colno}")
            continue
        yield _record_to_article(rec, where, field_map, "jsonl")
    if not any_line:
        yield Quarantined(shown, "empty", "the JSONL file has no records")


def _from_json(
    text: str, shown: str, field_map: dict[str, tuple[str, ...]]
) -> Iterator[Article | Quarantined]:
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        yield Quarantined(shown, "malformed_json", f"{exc.msg} at line {exc.lineno} column {exc.colno}")
        return
    except RecursionError:
        yield Quarantined(shown, "malformed_json", "the JSON is nested too deeply to read")
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


def _from_csv(
    text: str, shown: str, field_map: dict[str, tuple[str, ...]], delimiter: str
) -> Iterator[Article | Quarantined]:
    csv.field_size_limit(config.MAX_INPUT_BYTES)
    reader = csv.DictReader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    row_no = 1
    try:
        if not reader.fieldnames:
            yield Quarantined(shown, "empty", "the CSV file has no header row")
            return
        for row_no, row in enumerate(reader, start=2):
            where = f"{shown}:{row_no}"
            if None in row:  # more cells than header names
                yield Quarantined(where, "malformed_csv", f"row {row_no} has more cells than the header")
                continue
            yield _record_to_article(row, where, field_map, "csv")
    except csv.Error as exc:
        yield Quarantined(f"{shown}:{row_no + 1}", "malformed_csv", f"CSV error after row {row_no}: {exc}")
