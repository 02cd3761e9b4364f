"""A hostile corpus, generated into tmp_path: every input is accounted for and nothing it carries gets out.

The corpus (`make_hostile_corpus`) holds binary files, NUL bytes, broken and foreign encodings, empty
files, a 50 MB single line, deeply nested HTML and folders, script/markup injection in titles, bodies, file
names and sidecar metadata, spreadsheet formulas, sidecar rows naming paths outside the corpus, symlink
loops and links leading out, byte-identical copies, malformed and truncated JSON/JSONL/CSV, and (for the
accounting test) 20,000 tiny files. Each input comes with the outcome it must have, so the tests check
`inputs == articles + quarantined` input by input (the rule for "input" is in helpers/corpus.py).

One real render of the hostile corpus (module scope, ~30 s) is then opened in headless Chromium
(tests/browser.py): no dialog, no console message or page error, no request but file:/data:, and no
injected element or attribute in any page.
"""

from __future__ import annotations

import csv
import json
import os
import random
import subprocess
import sys
import tempfile
import time
import tracemalloc
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import SimpleNamespace

import pandas as pd
import pytest

from helpers import config
from helpers.corpus import Article, Quarantined, load_corpus
from helpers.pipeline import run_pipeline
from helpers.scale import extract_streaming, read_tables

MARK = "EVWXSS"  # every injected payload carries it: any sign of it outside escaped text is a failure
ARTICLE = "article"
N_TINY = 20_000
HUGE_BYTES = 50 * 1024 * 1024
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
EVWATCH = str(Path(sys.executable).with_name("evwatch"))
STORY = (
    "Nissan and Honda signed a memorandum of understanding on EV software in March 2024, "
    "with Honda investing $1.5 billion, about 20% more than planned."
)


def _write(path: Path, data: bytes | str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    return path


def make_hostile_corpus(root: Path, *, huge: bool = False) -> dict[str, set[str]]:
    """Write the hostile corpus under `root`; return {input key: allowed outcomes}.

    The key is the input's path relative to `root` as the loader shows it (``file.jsonl:3`` for a record);
    the outcome is "article" or the quarantine reason. `outside` (beside `root`) holds a secret that
    symlinks and sidecar rows point at: it must never be read.
    """
    exp: dict[str, set[str]] = {}
    outside = root.parent / f"{root.name}-outside"
    outside.mkdir(parents=True, exist_ok=True)
    secret = _write(outside / "secret.txt", f"SECRET-{MARK} Toyota and BYD formed a venture.")

    def add(rel: str, data: bytes | str, *outcomes: str) -> None:
        _write(root / rel, data)
        exp[rel] = set(outcomes) or {ARTICLE}

    # binary, whatever the extension says
    rng = random.Random(8)
    add("binary/png.txt", b"\x89PNG\r\n\x1a\n" + rng.randbytes(2000), "binary")
    add("binary/pdf.md", b"%PDF-1.7\n" + rng.randbytes(2000), "binary")
    add("binary/elf.html", b"\x7fELF\x02\x01\x01" + rng.randbytes(2000), "binary")
    add("binary/zip.json", b"PK\x03\x04" + rng.randbytes(500), "binary")
    add("binary/gzip.csv", b"\x1f\x8b\x08" + rng.randbytes(500), "binary")
    add("binary/random.txt", rng.randbytes(4096) + b"\x00", "binary")
    add("binary/photo.png", b"\x89PNG\r\n\x1a\n", "unsupported_type")
    # NUL bytes and NUL characters
    add("nul/early.txt", b"Nissan and Honda\x00 signed an MOU.", "binary")
    add("nul/late.txt", b"Nissan and Honda signed an MOU. " * 3000 + b"\x00tail", "binary")
    add("nul/record.jsonl", json.dumps({"text": "Nissan\u0000Honda"}) + "\n", "binary")
    exp["nul/record.jsonl:1"] = exp.pop("nul/record.jsonl")
    add("nul/utf16_nul.txt", "Nissan\x00Honda talks.".encode("utf-16"), "binary")
    # encodings: only UTF-8 and BOM-marked UTF-16/32 load without --encoding
    add("enc/bad_utf8.txt", b"Nissan \xff\xfe\xfd Honda signed an MOU.", "undecodable")
    add("enc/overlong.txt", b"Nissan \xc0\xaf Honda.", "undecodable")
    add(
        "enc/cp1252.txt",
        "Renault \u2013 Nissan: l\u2019alliance \u00e9volue.".encode("cp1252"),
        "undecodable",
    )
    add(
        "enc/shift_jis.txt",
        "日産とホンダが経営統合に向けた協議を開始した。".encode("shift_jis"),
        "undecodable",
    )
    add("enc/latin1.md", "Citroën et Renault, société anonyme.".encode("latin-1"), "undecodable")
    add("enc/utf16le_bom.txt", ("Toyota and BYD formed a joint venture in Shenzhen. " * 3).encode("utf-16"))
    add("enc/utf16be_bom.md", b"\xfe\xff" + ("Honda and Sony teamed up on Afeela. " * 3).encode("utf-16-be"))
    add("enc/utf32_bom.txt", ("Hyundai and LG Energy Solution build a battery plant. " * 2).encode("utf-32"))
    add("enc/utf8_bom.txt", "\ufeffKia and Hyundai share a platform for electric vans.")
    add("enc/utf16_odd.txt", "Nissan".encode("utf-16") + b"\x41", "undecodable")
    add(
        "enc/utf16_lone_surrogate.txt",
        b"\xff\xfe" + b"\x00\xd8" + "A Honda story.".encode("utf-16-le"),
        "undecodable",
    )
    add("enc/surrogate.jsonl", '{"text": "\\ud800 Nissan and Honda talk."}\n', "undecodable")
    exp["enc/surrogate.jsonl:1"] = exp.pop("enc/surrogate.jsonl")
    # empty in every way
    add("empty/zero.txt", b"", "empty")
    add("empty/spaces.md", b"  \n\n\t\r\n", "empty")
    add("empty/newlines.html", b"\n\n\n", "empty")
    add("empty/invisible.txt", "\u3000\u00a0\u200b\ufeff\n\u2060", "empty")
    add("empty/utf16_blank.txt", "  \n\t ".encode("utf-16"), "empty")
    add("empty/bom_only.txt", b"\xef\xbb\xbf", "empty")
    add("empty/zero.json", b"", "empty")
    add("empty/list.json", b"[]", "empty")
    add("empty/articles.json", b'{"articles": []}', "empty")
    add("empty/blank.jsonl", b"\n \n\t\n", "empty")
    add("empty/header_only.csv", b"title,text\n", "empty")
    add("empty/header_blank_rows.csv", b"title,text\n\n\n", "empty")
    # HTML: deep nesting and script injection in title, meta and body
    add("html/deep_divs.html", "<html><body>" + "<div>" * 100_000 + STORY + "</div>" * 100_000 + "</body></html>",
        ARTICLE, "no_text", "malformed_html")  # fmt: skip
    add(
        "html/deep_unclosed.html",
        "<html><body>" + "<div><span>" * 50_000 + STORY,
        ARTICLE,
        "no_text",
        "malformed_html",
    )
    add(
        "html/script_only.html",
        f"<html><head><script>alert('{MARK}-so')</script></head><body></body></html>",
        "no_text",
    )
    add(
        "html/xss.html",
        f"""<html><head><title>&lt;script&gt;alert('{MARK}-t1')&lt;/script&gt; Nissan deal</title>
<meta name="description" content="&lt;img src=x onerror=alert('{MARK}-d1')&gt;">
<meta name="author" content="=HYPERLINK(&quot;http://evil.example/{MARK}&quot;)">
<meta http-equiv="refresh" content="0;url=javascript:alert('{MARK}-r1')">
<base href="http://evil.example/"><link rel="stylesheet" href="http://evil.example/{MARK}.css">
<script>alert('{MARK}-h1')</script></head>
<body onload="alert('{MARK}-b1')"><article><h1>Nissan <img src=x onerror="alert('{MARK}-i1')"> deal</h1>
<p>Nissan and Honda agreed to study a merger, with &lt;img src=x onerror=alert('{MARK}-e1')&gt; quoted in
the text. <a href="javascript:alert('{MARK}-j1')">click</a> and <svg onload="alert('{MARK}-s1')"></svg>
more about the deal, which was valued at $1 billion in 2024, the companies said on Monday.</p>
<p>&lt;script&gt;alert('{MARK}-e2')&lt;/script&gt; was also in the escaped body, as was
&lt;a href="javascript:alert('{MARK}-j2')"&gt;a link&lt;/a&gt; and
&lt;iframe src="http://evil.example/{MARK}"&gt;&lt;/iframe&gt; that must stay text.</p>
<iframe src="javascript:alert('{MARK}-f1')"></iframe><img src="http://evil.example/{MARK}.png">
</article></body></html>""",
    )
    # Markdown / LaTeX / raw HTML that would render as markup
    add(
        "markup/markup.md",
        f"# **Bold** $$\\int_0^1 x\\,dx$$ <img src=x onerror=alert('{MARK}-m1')>\n\n"
        f"Toyota and BYD said **bold** things about $$\\int$$ and $x^2$ and <img src=x onerror=alert('{MARK}-m2')> "
        f"and <script>alert('{MARK}-m3')</script> and [click](javascript:alert('{MARK}-m4')) and "
        f"![px](http://evil.example/{MARK}.png) and <iframe src=http://evil.example/{MARK}></iframe> and "
        f"<style>@import url(http://evil.example/{MARK}.css)</style> and "
        f"<details open ontoggle=alert('{MARK}-m5')> and <svg><script>alert('{MARK}-m6')</script></svg> "
        f"and <math><mtext><img src=x onerror=alert('{MARK}-m7')></mtext></math> in 2024.\n",
    )
    add(
        "markup/xss_title.txt",
        f"<script>alert('{MARK}-x1')</script> Honda And Nissan <b onmouseover=alert(1)>Merge</b>\n\n"
        f"Honda and Nissan said <img src=x onerror=alert('{MARK}-x2')> they would combine under a holding "
        f"company by 2026, see <a href=\"javascript:alert('{MARK}-x3')\">here</a>.\n",
    )
    # spreadsheet formula injection in titles, sources, authors and bodies
    add(
        "formula/formula.txt",
        f'=HYPERLINK("http://evil.example/{MARK}","click")\n\n'
        "+cmd|' /C calc'!A0 partnered with Nissan on batteries in 2024 for more than $2 billion.\n\n"
        "-2+3 was the score, said @SUM(A1:A9).\n",
    )
    add(
        "formula/formula.jsonl",
        json.dumps({"title": "=1+1", "source": "@evil", "author": "+44 20 7946 0000",
                    "text": "-Nissan and Honda talk about a merger in 2024."}) + "\n"
        + json.dumps({"title": "\tTab title", "source": "-minus", "text": "=Toyota invests $1 billion in BYD."})
        + "\n",
    )  # fmt: skip
    for i in (1, 2):
        exp[f"formula/formula.jsonl:{i}"] = {ARTICLE}
    del exp["formula/formula.jsonl"]
    add(
        "formula/formula.csv",
        'title,source,author,text\n"=HYPERLINK(""http://evil.example"")",=cmd,@me,"+Ford and CATL license LFP cells."\n'
        '"@SUM(1+1)*cmd|\' /C calc\'!A0",+src,-au,"Kia and Hyundai, =1+2, share a platform."\n',
    )
    for line in (2, 3):
        exp[f"formula/formula.csv:{line}"] = {ARTICLE}
    del exp["formula/formula.csv"]
    # sidecar metadata: hostile values, and rows naming paths outside the corpus (never opened)
    add("sidecar/a.txt", "Honda and Nissan talk about software. " * 3)
    add("sidecar/b.txt", "Ford and Volkswagen share a platform. " * 3)
    _write(
        root / "sidecar/metadata.csv",
        "file,url,source,published,author,title\n"
        f"a.txt,javascript:alert('{MARK}-u1'),=evil,2024-03,@me,<script>alert('{MARK}-st')</script>\n"
        f"b.txt,http://evil.example/{MARK},<img src=x onerror=alert('{MARK}-so')>,2024-04-01,-au,+title\n"
        "../../etc/passwd,,passwd,,,\n/etc/passwd,,passwd,,,\n"
        f"../../{outside.name}/secret.txt,,secret,,,\n{secret},,secret,,,\n",
    )
    add("badsidecar/c.txt", "Stellantis and Leapmotor formed a venture. " * 3)
    _write(root / "badsidecar/metadata.csv", "file,title\nc.txt,caf\xe9\n".encode("latin-1"))
    exp["badsidecar/metadata.csv"] = {"bad_sidecar"}
    add("linksidecar/d.txt", "Renault and Geely build engines together. " * 3)
    os.symlink(outside / "secret.txt", root / "linksidecar/metadata.csv")
    exp["linksidecar/metadata.csv"] = {"bad_sidecar"}
    # symlinks: loops, broken, aliases, links out of the corpus, a FIFO
    links = root / "links"
    links.mkdir()
    for name, target, outcome in [
        ("loop_a.txt", "loop_b.txt", "symlink_loop"),
        ("loop_b.txt", "loop_a.txt", "symlink_loop"),
        ("self.txt", "self.txt", "symlink_loop"),
        ("up", "..", "symlink_loop"),
        ("broken.txt", "missing.txt", "not_found"),
        ("alias.txt", "../enc/utf8_bom.txt", "duplicate_path"),
        ("dir_alias", "../formula", "duplicate_path"),
        ("passwd.txt", "/etc/passwd", "outside_corpus"),
        ("secret.txt", str(secret), "outside_corpus"),
        ("outside_dir", str(outside), "outside_corpus"),
    ]:
        os.symlink(target, links / name)
        exp[f"links/{name}"] = {outcome}
    os.mkfifo(links / "fifo.txt")
    exp["links/fifo.txt"] = {"not_a_file"}
    # byte-identical copies under different names: all load, dedup marks the copies
    for name in ("dups/copy1.txt", "dups/copy2.txt", "dups/copy3.md"):
        add(name, STORY)
    # malformed and truncated JSON / JSONL / CSV
    add("json/truncated.json", '{"title": "x", "text": "unterminated', "malformed_json")
    add("json/trailing.json", '{"text": "a Nissan story"} {"text": "b"}', "malformed_json")
    add("json/deep.json", "[" * 100_000 + "]" * 100_000, "malformed_json")
    add("json/bigint.json", '{"text": ' + "9" * 5000 + "}", "malformed_json")
    add("json/scalar.json", "42", "malformed_record")
    add("json/null.json", "null", "malformed_record")
    add("json/nan.json", '{"text": "Nissan and Honda talk.", "score": NaN}')
    add("json/list.json", json.dumps([{"text": "Toyota invests in BYD."}, 5, {"title": "no text"},
                                      {"text": "Mazda joins Toyota.", "title": {"nested": True}}]))  # fmt: skip
    del exp["json/list.json"]
    exp.update({"json/list.json#0": {ARTICLE}, "json/list.json#1": {"malformed_record"},
                "json/list.json#2": {"no_text"}, "json/list.json#3": {ARTICLE}})  # fmt: skip
    add(
        "jsonl/mixed.jsonl",
        json.dumps({"text": "Nissan and Mitsubishi extend their alliance."})
        + "\n{not json\n[1, 2]\n"
        + "[" * 100_000
        + "\n"
        + "9" * 5000
        + '\n\n{"text": "truncated',
    )
    del exp["jsonl/mixed.jsonl"]
    exp.update({"jsonl/mixed.jsonl:1": {ARTICLE}, "jsonl/mixed.jsonl:2": {"malformed_json"},
                "jsonl/mixed.jsonl:3": {"malformed_record"}, "jsonl/mixed.jsonl:4": {"malformed_json"},
                "jsonl/mixed.jsonl:5": {"malformed_json"}, "jsonl/mixed.jsonl:7": {"malformed_json"}})  # fmt: skip
    add("csv/bad_quote.csv", 'title,text\na,"Nissan and Honda\nb,"x"y"\nc,Toyota and BYD venture\n')
    del exp["csv/bad_quote.csv"]
    exp.update({"csv/bad_quote.csv:2": {"malformed_csv"}, "csv/bad_quote.csv:4": {ARTICLE}})
    add("csv/extra_cells.csv", "title,text\na,b,c\nd,Kia builds EVs in Georgia\n")
    del exp["csv/extra_cells.csv"]
    exp.update({"csv/extra_cells.csv:2": {"malformed_csv"}, "csv/extra_cells.csv:3": {ARTICLE}})
    add("csv/truncated.csv", 'title,text\nok,Honda and Sony build cars\nt,"unterminated', "malformed_csv")
    del exp["csv/truncated.csv"]
    exp.update({"csv/truncated.csv:2": {ARTICLE}, "csv/truncated.csv:3": {"malformed_csv"}})
    add("csv/no_text_column.csv", "foo,bar\n1,2\n")
    del exp["csv/no_text_column.csv"]
    exp["csv/no_text_column.csv:2"] = {"no_text"}
    add("csv/bad_header.csv", '"title,text\n', "malformed_csv")
    add("csv/tabs.tsv", "title\ttext\nT\tGM and Hyundai co-develop five vehicles.\n")
    del exp["csv/tabs.tsv"]
    exp["csv/tabs.tsv:2"] = {ARTICLE}
    # hostile and odd file names; hidden files are not inputs
    add(f"names/<img src=x onerror=alert('{MARK}-fn')>.txt", STORY + " (name)")
    add("names/=HYPERLINK(1).txt", STORY + " (formula name)")
    add("names/new\nline.txt", STORY + " (newline)")
    add("names/UPPER.TXT", STORY + " (upper)")
    add("names/noext", STORY, "unsupported_type")
    add("names/report.docx", b"PK\x03\x04docx", "unsupported_type")
    bad_name = os.fsdecode(b"names/\xff-not-utf8.txt")
    _write(root / bad_name, STORY + " (bytes name)")
    exp["names/\\xff-not-utf8.txt"] = {ARTICLE}
    _write(root / "names/.hidden.txt", "hidden: not an input")
    _write(root / ".git/config", "[core]\n")
    # folders nested deeper than Python's recursion limit (made with relative mkdir: makedirs recurses)
    here = os.getcwd()
    try:
        os.makedirs(root / "nest")
        os.chdir(root / "nest")
        for _ in range(1200):
            os.mkdir("d")
            os.chdir("d")
        Path("leaf.txt").write_text(STORY + " (deep)")
    finally:
        os.chdir(here)
    exp["nest/" + "d/" * 1200 + "leaf.txt"] = {ARTICLE}
    if huge:
        (root / "huge").mkdir()
        with open(root / "huge" / "line.txt", "wb") as fh:
            block = b"Nissan " * (1 << 17)
            for _ in range(HUGE_BYTES // len(block) + 1):
                fh.write(block)
            fh.truncate(HUGE_BYTES)  # one line of exactly 50 MiB, no line break
        exp["huge/line.txt"] = {"too_large"}
    return exp


def make_tiny_files(folder: Path, n: int) -> dict[str, set[str]]:
    """`n` tiny articles, written with bare os calls (20,000 in well under 2 s)."""
    folder.mkdir(parents=True)
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL
    for i in range(n):
        fd = os.open(folder / f"t{i:05d}.txt", flags, 0o644)
        os.write(fd, b"Toyota note %d." % i)
        os.close(fd)
    return {f"t{i:05d}.txt": {ARTICLE} for i in range(n)}


def _key(root: Path, shown: str) -> str:
    prefix = str(root) + "/"
    assert shown.startswith(prefix), shown
    return shown[len(prefix) :]


def _outcome(rec: Article | Quarantined) -> str:
    return ARTICLE if isinstance(rec, Article) else rec.reason


def _mismatches(outcomes: dict[str, str], expected: dict[str, set[str]]) -> dict[str, tuple]:
    keys = set(outcomes) | set(expected)
    return {
        k: (outcomes.get(k), expected.get(k))
        for k in sorted(keys)
        if outcomes.get(k) not in expected.get(k, ())
    }


# ------------------------------------------------------------------------------------------ accounting


def remove_in_background(path: Path) -> None:
    """`rm -rf` in a detached process: rmdir costs ~3 ms here and the nest has 1,200 levels (and
    shutil.rmtree, like pytest's tmp_path clean-up, recurses and fails on it)."""
    subprocess.Popen(["rm", "-rf", "--one-file-system", str(path)], start_new_session=True)


@pytest.fixture(scope="module")
def hostile():
    """The hostile corpus (with the 50 MB line) and, beside it, 20,000 tiny files.

    Kept outside pytest's tmp_path, whose clean-up could not delete the deeply nested folders.
    """
    base = Path(tempfile.mkdtemp(prefix="evwatch-hostile-"))
    try:
        started = time.perf_counter()
        root = base / "corpus"
        expected = make_hostile_corpus(root, huge=True)
        tiny = make_tiny_files(base / "tiny", N_TINY)
        yield SimpleNamespace(
            base=base, root=root, expected=expected, tiny=tiny, gen_s=time.perf_counter() - started
        )
    finally:
        remove_in_background(base)


def test_every_input_is_exactly_one_article_or_one_quarantine_row(hostile):
    root, gen_s = hostile.base, hostile.gen_s
    expected = {f"corpus/{k}": v for k, v in hostile.expected.items()}
    expected.update({f"tiny/{k}": v for k, v in hostile.tiny.items()})
    started = time.perf_counter()
    records = list(load_corpus([hostile.root, hostile.base / "tiny"]))
    load_s = time.perf_counter() - started
    outcomes = Counter(_key(root, r.path) for r in records)
    assert [k for k, n in outcomes.items() if n > 1] == []  # one record per input
    articles = [r for r in records if isinstance(r, Article)]
    quarantined = [r for r in records if isinstance(r, Quarantined)]
    assert len(expected) == len(articles) + len(quarantined)  # inputs == articles + quarantined
    assert _mismatches({_key(root, r.path): _outcome(r) for r in records}, expected) == {}
    assert all(q.detail and q.reason for q in quarantined)
    kinds = Counter(_outcome(r) for r in records)
    print(f"\n{len(expected)} inputs -> {kinds}; generated in {gen_s:.1f}s, loaded in {load_s:.1f}s")
    assert len(kinds) >= 15  # article + at least 14 distinct quarantine reasons
    assert load_s < 30, f"loading {len(expected)} inputs took {load_s:.1f}s"  # ~1.5 s measured


def test_decoded_text_is_right(hostile):
    root = hostile.root
    texts = {_key(root, a.path): a.raw for a in load_corpus([root / "enc"]) if isinstance(a, Article)}
    assert texts["enc/utf16le_bom.txt"].startswith("Toyota and BYD formed a joint venture in Shenzhen.")
    assert texts["enc/utf16be_bom.md"].startswith("Honda and Sony teamed up")
    assert texts["enc/utf32_bom.txt"].startswith("Hyundai and LG Energy Solution")
    assert texts["enc/utf8_bom.txt"].startswith("Kia")  # the BOM is not part of the text
    recovered = list(load_corpus([root / "enc" / "cp1252.txt"], encoding="cp1252"))
    assert recovered[0].raw == "Renault \u2013 Nissan: l\u2019alliance \u00e9volue."
    sjis = list(load_corpus([root / "enc" / "shift_jis.txt"], encoding="shift_jis"))
    assert sjis[0].raw.startswith("日産とホンダ")
    with pytest.raises(ValueError, match="unknown encoding"):
        list(load_corpus([root / "enc"], encoding="no-such-codec"))


def test_the_50_mb_line_is_quarantined_without_being_read(hostile):
    root = hostile.root
    huge = root / "huge" / "line.txt"
    assert huge.stat().st_size > config.MAX_INPUT_BYTES
    tracemalloc.start()
    try:
        started = time.perf_counter()
        (rec,) = load_corpus([huge])
        elapsed = time.perf_counter() - started
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert isinstance(rec, Quarantined) and rec.reason == "too_large", rec
    assert rec.detail == f"{HUGE_BYTES:,} bytes exceeds the limit of {config.MAX_INPUT_BYTES:,} bytes"
    assert peak < 1_000_000 and elapsed < 1.0, (peak, elapsed)  # never read into memory


def test_pipeline_tables_account_for_every_input(hostile):
    root, expected = hostile.root, hostile.expected
    tables = run_pipeline([root], progress=False)
    got = {_key(root, p): ARTICLE for p in tables["articles"]["path"]}
    quarantine = tables["quarantine"]
    got.update({_key(root, p): r for p, r in zip(quarantine["path"], quarantine["reason"], strict=True)})
    assert len(tables["articles"]) + len(quarantine) == len(expected)
    assert _mismatches(got, expected) == {}
    dups = tables["duplicates"].merge(tables["articles"][["article_id", "path"]], on="article_id")
    exact_copies = [
        p for p, kind in zip(dups["path"], dups["kind"], strict=True) if "/dups/" in p and kind == "exact"
    ]
    assert len(exact_copies) >= 2  # of three byte-identical copies, at least two are marked exact copies
    everything = pd.concat([df.astype(str) for df in tables.values()], ignore_index=True).to_string()
    assert "SECRET-" not in everything and "root:x:0:0" not in everything  # nothing read from outside


# --------------------------------------------------------------------------- paths outside the corpus

_AUDIT: dict[str, list | bool] = {"on": False, "events": []}


def _audit_hook(event: str, args: tuple) -> None:
    if _AUDIT["on"] and event in ("open", "os.scandir", "os.listdir") and args:
        target = args[0]
        if isinstance(target, str | bytes | os.PathLike):
            _AUDIT["events"].append((event, os.path.abspath(os.fsdecode(target))))


def _real(path: str) -> str:
    """The resolved path, from the kernel in one call (os.path.realpath lstats each of the nest's 1,200
    levels, for each of its paths: half a million calls)."""
    try:
        fd = os.open(path, os.O_PATH | os.O_CLOEXEC)
    except OSError:
        return os.path.abspath(path)
    try:
        return os.readlink(f"/proc/self/fd/{fd}")
    finally:
        os.close(fd)


@contextmanager
def recording_opens() -> Iterator[list[tuple[str, str]]]:
    """Record every path opened or listed inside the block (audit events "open", "os.scandir", ...)."""
    if not getattr(sys, "_evwatch_audit_hook", False):
        sys.addaudithook(_audit_hook)  # audit hooks cannot be removed: install one, switch it on and off
        sys._evwatch_audit_hook = True
    events: list[tuple[str, str]] = []
    _AUDIT["events"], _AUDIT["on"] = events, True
    try:
        yield events
    finally:
        _AUDIT["on"] = False


def test_no_path_from_metadata_or_links_is_opened_outside_the_corpus(hostile):
    root = hostile.root
    outside = root.parent / f"{root.name}-outside"
    with recording_opens() as opened:
        tables = run_pipeline([root], progress=False)
    touched = {_real(p) for _, p in opened}
    assert str(outside / "secret.txt") not in touched and "/etc/passwd" not in touched
    assert not any(p.startswith(str(outside)) for p in touched)
    # every corpus-side access stays under the root; the rest is code and reference data
    allowed = [str(root.resolve()), str(config.PROJ_ROOT), sys.prefix, sys.base_prefix, "/usr/", "/proc/",
               "/dev/", "/sys/", "/etc/localtime"]  # fmt: skip
    foreign = sorted(p for p in touched if not any(p == a or p.startswith(a) for a in allowed))
    assert foreign == []
    side = tables["articles"].set_index(tables["articles"]["path"].map(lambda p: _key(root, p)))
    assert side.loc["sidecar/a.txt", "title"] == f"<script>alert('{MARK}-st')</script>"  # kept as text
    assert "secret" not in set(tables["articles"]["source"].dropna())


def test_the_streaming_engine_reads_the_hostile_corpus_like_run_pipeline(hostile, tmp_path):
    """Its workers read the inputs the driver's walk found (twice): same tables, same quarantine rows,
    and still nothing opened outside the corpus."""
    root = hostile.root
    expected = run_pipeline([root], progress=False)
    outside = root.parent / f"{root.name}-outside"
    with recording_opens() as opened:
        extract_streaming([root], tmp_path / "out", chunk_size=7, lifecycles=False)
    touched = {_real(p) for _, p in opened}
    assert not any(p.startswith(str(outside)) for p in touched) and "/etc/passwd" not in touched
    got = read_tables(tmp_path / "out")
    for name in ("articles", "removed_lines", "quarantine", "duplicates", "mentions", "alliances"):
        pd.testing.assert_frame_equal(expected[name], got[name], obj=name)


# ---------------------------------------------------------------------------------- CSV from the CLI


def _formula_cells(path: Path) -> list[str]:
    bad = []
    with open(path, newline="", encoding="utf-8") as fh:
        for row in csv.reader(fh):
            for cell in row:
                try:
                    float(cell)
                    continue  # a number (negative ones start with "-") is data, not a formula
                except ValueError:
                    pass
                if cell.startswith(FORMULA_PREFIXES):
                    bad.append(cell[:60])
    return bad


def test_cli_csv_export_is_spreadsheet_safe_and_complete(hostile, tmp_path):
    root, expected = hostile.root, hostile.expected
    out = tmp_path / "out"
    proc = subprocess.run(
        [EVWATCH, "extract", str(root), "--out", str(out), "--csv", "--quiet"],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    csv_files = sorted(out.glob("*.csv"))
    assert {p.stem for p in csv_files} >= {"articles", "quarantine", "mentions", "figures", "timeline"}
    assert {p.name: _formula_cells(p) for p in csv_files} == {p.name: [] for p in csv_files}
    articles = pd.read_csv(out / "articles.csv", dtype=str, keep_default_na=False)
    quarantine = pd.read_csv(out / "quarantine.csv", dtype=str, keep_default_na=False)
    assert len(articles) + len(quarantine) == len(expected)
    titles = set(articles["title"])
    assert {"'=1+1", "'+title"} <= titles  # neutralized, not dropped
    assert {"'=cmd", "'@evil", "'-minus", "'+src"} <= set(articles["source"])
    assert '\'=HYPERLINK("http://evil.example")' in titles
    # the parquet tables keep the original text
    assert "=1+1" in set(pd.read_parquet(out / "articles.parquet")["title"])


# -------------------------------------------------------------------------------- report in a browser


@pytest.fixture(scope="module")
def hostile_report(tmp_path_factory, hostile):
    from helpers.render import render_reports

    root = hostile.root
    out = tmp_path_factory.mktemp("hostile-reports") / "reports"
    report = render_reports(date="2024-06-01", corpus=[str(root)], out=out, jobs=2, progress=False)
    return out, report


@pytest.fixture(scope="module")
def browser():
    from browser import chromium

    with chromium() as b:
        yield b


def _pages(hostile_report) -> list[Path]:
    out, report = hostile_report
    return [out / "index.html", report / "index.html", *sorted(report.glob("[0-9][0-9]-*.html"))]


_DOM_CHECK = """
(mark) => {
  const bad = [];
  const banned = new Set(['script', 'iframe', 'frame', 'frameset', 'object', 'embed', 'applet', 'base',
                          'form', 'portal', 'math', 'noscript', 'template']);
  for (const el of document.querySelectorAll('*')) {
    const tag = el.tagName.toLowerCase();
    if (banned.has(tag)) bad.push('<' + tag + '>');
    if (tag === 'meta' && (el.getAttribute('http-equiv') || '').toLowerCase() === 'refresh') bad.push('meta refresh');
    if (tag === 'link' && el.href && !/^(file|data):/.test(el.href)) bad.push('link ' + el.href);
    if (tag === 'img' && !(el.getAttribute('src') || '').startsWith('data:')) bad.push('img ' + el.src);
    if (tag === 'a' && el.hasAttribute('href') && !['http:', 'https:', 'file:', 'mailto:'].includes(new URL(el.href).protocol))
      bad.push('a ' + el.getAttribute('href'));
    for (const a of el.attributes) {
      const name = a.name.toLowerCase(), value = a.value.toLowerCase();
      if (name.startsWith('on')) bad.push(tag + '[' + name + ']');
      if (/^\\s*(javascript|vbscript):/.test(value)) bad.push(tag + '[' + name + '=' + value.slice(0, 40) + ']');
      if (a.value.includes(mark) && !(tag === 'a' && name === 'href')) bad.push(tag + '[' + name + '] carries the payload');
    }
  }
  for (const el of document.querySelectorAll('strong, b, em, i')) {
    if (/^bold$/i.test(el.textContent.trim())) bad.push('markdown rendered: ' + el.outerHTML);
  }
  if (document.querySelector('mjx-container, .MathJax, .katex, .MathJax_Display')) bad.push('math rendered');
  return bad;
}
"""


def test_no_script_runs_in_any_page_of_the_hostile_report(hostile_report, browser):
    pages = _pages(hostile_report)
    assert len(pages) >= 6
    for path in pages:
        visit = browser.visit(path)
        assert visit.dialogs == [], (path.name, visit.dialogs)
        assert visit.page_errors == [], (path.name, visit.page_errors)
        assert visit.console == [], (path.name, visit.console)
        assert visit.popups == [], (path.name, visit.popups)
        assert visit.foreign_requests() == [], (path.name, visit.foreign_requests())
        assert visit.page.title() != MARK
        assert visit.page.evaluate(_DOM_CHECK, MARK) == [], path.name


def test_hostile_text_is_shown_as_escaped_text(hostile_report, browser):
    _, report = hostile_report
    page = browser.visit(report / "01-corpus.html").page
    text = page.inner_text("body")
    assert "**Bold** $$\\int_0^1 x\\,dx$$ <img src=x onerror=alert(" in text  # the title, verbatim
    assert f"<img src=x onerror=alert('{MARK}-fn')>.txt" in text  # a file name, verbatim
    assert "not_a_file" in text and "outside_corpus" in text and "too_large" in text  # quarantine shown
    extraction = browser.visit(report / "02-extraction.html").page.inner_text("body")
    assert f"<img src=x onerror=alert('{MARK}-e1')>" in extraction


def test_the_browser_checks_catch_a_page_that_does_run_script(browser, tmp_path):
    """Control: the same checks on a page that is *not* sanitized must see everything it does."""
    page = tmp_path / "unsafe.html"
    page.write_text(
        f"<html><body><script>console.log('{MARK}-log'); alert('{MARK}-alert');</script>"
        f"<img src=x onerror=\"console.log('{MARK}-onerror')\"><img src='http://evil.example/{MARK}.png'>"
        f"<a href=\"javascript:alert('{MARK}')\">x</a><p><strong>bold</strong></p></body></html>"
    )
    visit = browser.visit(page)
    assert (("alert", f"{MARK}-alert")) in visit.dialogs
    assert ("log", f"{MARK}-log") in visit.console and ("log", f"{MARK}-onerror") in visit.console
    assert visit.foreign_requests() == [f"http://evil.example/{MARK}.png"]
    found = visit.page.evaluate(_DOM_CHECK, MARK)
    assert (
        "<script>" in found
        and "img[onerror]" in found
        and any(f.startswith("a[href=javascript:") for f in found)
    )
    assert any(f.startswith("markdown rendered") for f in found)
