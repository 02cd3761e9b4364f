"""Load articles from files, folders and globs; account for every input.

Every input ends as exactly one `Article` or one `Quarantined` record (with a reason code and a sentence
saying why): nothing is silently dropped. Loading is a generator so a large corpus streams through in
bounded memory.

What counts as one input (tests assert ``inputs == articles + quarantined`` on a hostile corpus):

- Every path the walk reaches that it does not descend into: each file given or found in a folder given
  (folders recursively, glob patterns expanded), reached directly or through a symlink. Besides readable
  articles that includes ``binary`` files (a known magic number, or a NUL byte anywhere), ``empty`` ones
  (also: only white space or invisible characters), ``undecodable`` ones (text must be UTF-8, or UTF-16/32
  with a byte-order mark, unless ``encoding=`` names a fallback), oversized ones (``too_large``, never
  read) and ``unsupported_type``; FIFOs, sockets and devices (``not_a_file``, never read); broken links
  and missing arguments (``not_found``); link loops (``symlink_loop``); links inside a corpus folder that
  lead outside every corpus root (``outside_corpus``, never opened); folders that cannot be listed
  (``unreadable``); and any file or folder reached a second time, through a symlink alias or overlapping
  arguments (``duplicate_path``, naming the first path). A glob pattern that matches nothing is one input.
- Inside a JSON, JSONL or CSV/TSV export the *records* are the inputs, not the file: each element of a
  JSON list (or the single object), each non-blank JSONL line, each CSV data record (a bad record is one
  row at the line where it starts; reading goes on after it). A record is quarantined when it is not an
  object (``malformed_record``), has no text (``no_text``), or its text holds NUL characters or unpaired
  surrogates. An export that cannot be read as a whole (undecodable, truncated JSON, nested too deeply,
  too large) or that holds no record at all is one input.
- Not inputs, skipped silently: names starting with ``.`` (.git, .DS_Store, editors' temp files) and the
  ``metadata.csv`` sidecars, which describe inputs. A sidecar that cannot be used (unreadable, not UTF-8,
  a link leading outside the corpus) is reported as one extra ``bad_sidecar`` row.

Safety: only regular files inside the corpus roots are opened (opened non-blocking, checked with fstat,
read up to the size limit + 1 byte); names in a sidecar are dictionary keys, never paths to open. Byte-
identical copies under different names are both loaded (with distinct ids); the dedup stage marks them.

Code: the records in `corpus_records`, the walk in `corpus_walk`, the export readers (HTML, JSON, JSONL,
CSV) in `corpus_formats`; this module reads files and sidecars and puts the parts together.
"""

from __future__ import annotations

import codecs
import csv
import io
import os
import re
import stat
from array import array
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from . import config
from .corpus_formats import _from_csv, _from_html, _from_json, _from_jsonl
from .corpus_records import Article, Quarantined, _Input, _Refused, content_id, display_path
from .corpus_walk import SIDECAR_NAME, _resolve, _Walker, _within

TEXT_SUFFIXES = {".txt", ".md", ".markdown", ".text"}
HTML_SUFFIXES = {".html", ".htm", ".xhtml"}
JSON_SUFFIXES = {".json"}
JSONL_SUFFIXES = {".jsonl", ".ndjson"}
CSV_SUFFIXES = {".csv", ".tsv"}
SUPPORTED_SUFFIXES = TEXT_SUFFIXES | HTML_SUFFIXES | JSON_SUFFIXES | JSONL_SUFFIXES | CSV_SUFFIXES
SIDECAR_FIELDS = ("url", "source", "published", "author", "title")
SIDECAR_MAX_BYTES = 16 * 1024 * 1024

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
# Byte-order marks, longest first (the UTF-32-LE mark starts with the UTF-16-LE one).
_BOMS = (
    (b"\xff\xfe\x00\x00", "utf-32"),
    (b"\x00\x00\xfe\xff", "utf-32"),
    (b"\xff\xfe", "utf-16"),
    (b"\xfe\xff", "utf-16"),
)
# One character that prints something: a text without any (only white space and the invisible characters
# below) is empty. `\s` is the white space str.strip() removes; searching stops at the first visible
# character, so the check costs nothing on a real article (translating the whole text cost ~60% of loading).
_VISIBLE = re.compile(r"[^\s\u200b\u200c\u200d\u2060\ufeff\u00ad]")


def _read_regular(path: str, limit: int) -> bytes:
    """The bytes of a regular file, at most `limit`; _Refused for FIFOs, devices and larger files.

    Opened non-blocking (a FIFO cannot hang the run) and checked with fstat on the open descriptor.
    """
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
    except OSError as exc:
        raise _Refused("unreadable", f"cannot open the file: {exc.strerror or exc}") from None
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise _Refused("not_a_file", "not a regular file (a FIFO, socket or device); it is not read")
        if st.st_size > limit:
            raise _Refused("too_large", f"{st.st_size:,} bytes exceeds the limit of {limit:,} bytes")
        chunks, size = [], 0
        while size <= limit:
            want = min(limit + 1 - size, max(st.st_size + 1 - size, 1 << 16), 1 << 24)
            chunk = os.read(fd, want)
            chunks.append(chunk)
            size += len(chunk)
            if len(chunk) < want:  # a short read of a regular file: end of file
                break
        if size > limit:  # it grew after fstat
            raise _Refused("too_large", f"more than {limit:,} bytes (the limit)")
        return b"".join(chunks)
    except OSError as exc:
        raise _Refused("unreadable", f"cannot read the file: {exc.strerror or exc}") from None
    finally:
        os.close(fd)


def _sidecar(folder: str, walker: _Walker | None) -> tuple[dict[str, dict[str, str]], Quarantined | None]:
    sidecar = os.path.join(folder, SIDECAR_NAME)
    if not os.path.lexists(sidecar):
        return {}, None
    shown = display_path(sidecar)
    try:
        real = _resolve(sidecar)
        if walker is not None and not walker.inside(real):
            raise _Refused("bad_sidecar", "the sidecar is a link leading outside the corpus; it is not read")
        data = _read_regular(real, SIDECAR_MAX_BYTES)
        text = data.decode("utf-8-sig")
        rows = list(csv.DictReader(io.StringIO(text, newline="")))
    except _Refused as exc:
        return {}, Quarantined(shown, "bad_sidecar", f"sidecar metadata ignored: {exc.detail}")
    except (UnicodeDecodeError, csv.Error) as exc:
        return {}, Quarantined(shown, "bad_sidecar", f"sidecar metadata ignored: {type(exc).__name__}: {exc}")
    out: dict[str, dict[str, str]] = {}
    for row in rows:
        name = row.get("file")
        name = name.strip() if isinstance(name, str) else ""
        if not name or name != Path(name).name or name in {".", ".."}:
            continue
        meta = {}
        for key in SIDECAR_FIELDS:
            value = row.get(key)
            if isinstance(value, str) and value.strip():
                meta[key] = value.strip()
        if meta:
            out[name] = meta
    return out, None


def load_sidecar(folder: Path) -> dict[str, dict[str, str]]:
    """Read `metadata.csv` in a folder: file name -> metadata overriding what cleaning infers.

    Only plain file names are honoured: a row naming a path (``../x``, ``/etc/passwd``) is ignored. Names
    are only ever looked up, never opened, so sidecars can never point the loader outside the corpus.
    """
    return _sidecar(os.fspath(folder), None)[0]


def sniff_problem(data: bytes) -> tuple[str, str] | None:
    """Return (reason, detail) when bytes cannot be an article: empty or binary."""
    if not data.strip():
        return ("empty", "the file is empty or holds only white space")
    if data.startswith(tuple(bom for bom, _ in _BOMS)):
        return None  # UTF-16/32 with a byte-order mark: NUL bytes are expected
    if data.startswith(_BINARY_MAGIC):
        return ("binary", "the file is a binary format (PDF, image, archive or executable), not text")
    if b"\x00" in data:
        return ("binary", "the file contains NUL bytes: binary data (or UTF-16 without a byte-order mark)")
    return None


def decode(data: bytes, fallback_encoding: str | None = None) -> str:
    """Decode UTF-8 (with or without BOM) or BOM-marked UTF-16/UTF-32; else the fallback encoding if given.

    Raises UnicodeDecodeError with a position otherwise: guessing an 8-bit encoding silently would put
    mojibake into company names and quotes.
    """
    for bom, codec in _BOMS:
        if data.startswith(bom):
            return data.decode(codec)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        if fallback_encoding:
            return data.decode(fallback_encoding)
        raise


class _OpenSidecars:
    """The sidecar rows of the folders the walk is in: the folder of the last input and its ancestors.

    The walk is depth-first, so once it yields an input outside a folder it only comes back to that folder
    through a symlink or a later argument: its rows are dropped then (memory stays O(depth), not O(corpus))
    and read again in that rare case. A bad sidecar is reported the first time only.
    """

    def __init__(self, walker: _Walker) -> None:
        self.walker = walker
        self.rows: dict[str, dict[str, dict[str, str]]] = {}
        self.read: set[str] = set()  # folders whose sidecar was read (or found missing) once

    def get(self, folder: str) -> tuple[dict[str, dict[str, str]], Quarantined | None]:
        """The sidecar rows of a folder and, the first time only, the bad_sidecar record to yield."""
        rows = self.rows.get(folder)
        if rows is not None:
            return rows, None
        self.rows = {f: r for f, r in self.rows.items() if _within(folder, f)}
        rows, problem = _sidecar(folder, self.walker)
        self.rows[folder] = rows
        if folder in self.read:
            problem = None
        self.read.add(folder)
        return rows, problem


class SeenIds:
    """The 64-bit article ids yielded so far, in an open-addressing table of 8-byte slots.

    A set of the 16-hex-digit id strings cost ~130 bytes per article; this costs 16 to 32 bytes (the table
    is kept between a quarter and half full). Slots are chosen by hash() of the id's bytes, which Python
    salts per process, so crafted ids cannot pile up in one run of slots.
    """

    def __init__(self) -> None:
        self.slots = array("Q", bytes(8 * 1024))  # 0 marks an empty slot; id 0 is kept in `has_zero`
        self.used = 0
        self.has_zero = False

    def add(self, article_id: str) -> bool:
        """Remember an id; True when it was there already."""
        key = int(article_id, 16)
        if key == 0:
            seen, self.has_zero = self.has_zero, True
            return seen
        i = self._slot(key)
        if self.slots[i] == key:
            return True
        self.slots[i] = key
        self.used += 1
        if 2 * self.used > len(self.slots):
            old, self.slots = self.slots, array("Q", bytes(16 * len(self.slots)))
            for k in old:
                if k:
                    self.slots[self._slot(k)] = k
        return False

    def final_id(self, article_id: str, renamed: Callable[[], str]) -> str:
        """The id an article keeps: its own, or `renamed()` when that id was seen (a byte-identical copy).

        A byte-identical copy under another name is kept with an id of its own; dedup marks it.
        """
        if not self.add(article_id):
            return article_id
        new_id = renamed()
        self.add(new_id)
        return new_id

    def _slot(self, key: int) -> int:
        """The slot holding `key`, or the empty slot where it belongs (linear probing)."""
        mask = len(self.slots) - 1
        i = hash(key.to_bytes(8, "big")) & mask
        while self.slots[i] and self.slots[i] != key:
            i = (i + 1) & mask
        return i


def load_corpus(
    inputs: Iterable[str | Path],
    *,
    max_bytes: int = config.MAX_INPUT_BYTES,
    fields: dict[str, tuple[str, ...] | str] | None = None,
    encoding: str | None = None,
) -> Iterator[Article | Quarantined]:
    """Yield one `Article` or `Quarantined` per input (per record for JSON/JSONL/CSV exports).

    See the module docstring for what counts as an input. Raises ValueError for an unknown `encoding`.
    The state kept while streaming is a few bytes per article (see `_Walker`, `_OpenSidecars`, `SeenIds`).
    It is `walk_inputs` + `load_input` + `SeenIds`: the streaming engine runs the same three parts with
    `load_input` on its workers.
    """
    check_encoding(encoding)
    field_map = field_map_for(fields)
    seen_ids = SeenIds()
    for entry in walk_inputs(inputs):
        if isinstance(entry, Quarantined):
            yield entry
            continue
        for rec in load_input(*entry, max_bytes=max_bytes, field_map=field_map, encoding=encoding):
            if isinstance(rec, Article):
                rec.article_id = seen_ids.final_id(rec.article_id, lambda rec=rec: renamed_id(rec))
            yield rec


def check_encoding(encoding: str | None) -> None:
    """ValueError for a fallback encoding Python does not know (before any file is read)."""
    if encoding:
        try:
            codecs.lookup(encoding)
        except LookupError:
            raise ValueError(f"unknown encoding {encoding!r}") from None


def walk_inputs(inputs: Iterable[str | Path]) -> Iterator[tuple[_Input, dict[str, str]] | Quarantined]:
    """The inputs in corpus order, each with its sidecar row, and the walk's own quarantine records.

    Only lists folders and reads sidecars: no article is opened (that is `load_input`, which may run in
    another process). A bad sidecar's record comes just before the first input of its folder.
    """
    walker = _Walker(inputs)
    sidecars = _OpenSidecars(walker)
    for item in walker.run():
        if isinstance(item, Quarantined):
            yield item
            continue
        folder, name = os.path.split(item.path)
        rows, problem = sidecars.get(folder)
        if problem:
            yield problem
        yield item, rows.get(name, {})


def load_input(
    item: _Input,
    side: dict[str, str],
    *,
    max_bytes: int = config.MAX_INPUT_BYTES,
    field_map: dict[str, tuple[str, ...]] | None = None,
    encoding: str | None = None,
) -> Iterator[Article | Quarantined]:
    """The records of one input that `walk_inputs` reached, its sidecar row applied to each article.

    Ids are the content ids; `load_corpus` (or the streaming engine's driver) renames the second of two
    byte-identical copies (`renamed_id`), which needs the whole corpus in order.
    """
    field_map = field_map or field_map_for(None)
    for rec in _load_file(item, max_bytes=max_bytes, field_map=field_map, encoding=encoding):
        if isinstance(rec, Article):
            rec.meta.update(side)
        yield rec


def renamed_id(article: Article) -> str:
    """The id of a byte-identical copy under another name: content and path hashed together."""
    return content_id(article.raw.encode("utf-8") + article.path.encode("utf-8"))


def field_map_for(fields: dict[str, tuple[str, ...] | str] | None) -> dict[str, tuple[str, ...]]:
    merged = dict(DEFAULT_FIELDS)
    for key, names in (fields or {}).items():
        merged[key] = (names,) if isinstance(names, str) else tuple(names)
    return merged


def _load_file(
    item: _Input, *, max_bytes: int, field_map: dict[str, tuple[str, ...]], encoding: str | None
) -> Iterator[Article | Quarantined]:
    shown = item.shown
    suffix = os.path.splitext(item.path)[1].lower()
    if suffix not in SUPPORTED_SUFFIXES:
        yield Quarantined(shown, "unsupported_type", f"unsupported file type {suffix or '(none)'!r}")
        return
    try:
        data = _read_regular(item.real, max_bytes)
    except _Refused as exc:
        yield Quarantined(shown, exc.reason, exc.detail)
        return
    problem = sniff_problem(data)
    if problem:
        yield Quarantined(shown, *problem)
        return
    try:
        text = decode(data, encoding)
    except UnicodeDecodeError as exc:
        codec = next((c for bom, c in _BOMS if data.startswith(bom)), "UTF-8")
        hint = "" if codec != "UTF-8" else "; re-save as UTF-8 or pass --encoding (e.g. cp1252)"
        yield Quarantined(
            shown, "undecodable", f"not valid {codec.upper()} (bad byte at offset {exc.start}){hint}"
        )
        return
    if "\x00" in text:
        yield Quarantined(shown, "binary", "the decoded text contains NUL characters: binary data, not text")
        return
    if not _VISIBLE.search(text):
        yield Quarantined(shown, "empty", "the file holds only white space or invisible characters")
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
        delimiter = "\t" if suffix == ".tsv" else ","
        yield from _from_csv(text, shown, field_map, delimiter=delimiter, max_bytes=max_bytes)
