"""Loaders: every input becomes one article or one quarantine row with a clear reason."""

from __future__ import annotations

import json

import pytest

from helpers import config
from helpers.corpus import Article, Quarantined, load_corpus
from helpers.pipeline import run_pipeline

FIXTURES = config.PROJ_ROOT / "tests" / "fixtures"


def _load(*paths, **kwargs):
    recs = list(load_corpus([str(p) for p in paths], **kwargs))
    return [r for r in recs if isinstance(r, Article)], [r for r in recs if isinstance(r, Quarantined)]


def test_folder_loads_every_supported_format():
    arts, bad = _load(FIXTURES / "articles")
    assert bad == []
    fmts = sorted({a.fmt for a in arts})
    assert fmts == ["csv", "html", "json", "jsonl", "txt"]
    assert len(arts) == 7  # 2 csv rows + 1 json + 2 jsonl + 1 html + 1 txt


def test_html_main_text_and_metadata():
    (art,), _ = _load(FIXTURES / "articles" / "toyota-byd.html")
    assert art.meta["title"] == "Toyota and BYD deepen EV joint venture in China"
    assert art.meta["author"] == "Kenji Arakawa"
    assert art.meta["published"].startswith("2024-05-20")
    assert art.meta["source"] == "Motor Ledger"
    assert "Blade battery" in art.raw
    assert "Copyright" not in art.raw and "Toyota recalls" not in art.raw  # footer and related box dropped


def test_json_exports_map_configurable_fields(tmp_path):
    path = tmp_path / "custom.jsonl"
    path.write_text(
        json.dumps({"hed": "A title", "copy": "Kia and Hyundai share a platform.", "when": "2024-01-02"})
    )
    arts, bad = _load(path, fields={"title": "hed", "text": "copy", "published": "when"})
    assert bad == [] and arts[0].meta == {"title": "A title", "published": "2024-01-02"}
    assert arts[0].raw == "Kia and Hyundai share a platform."


def test_ids_are_stable_content_hashes(tmp_path):
    a = tmp_path / "a.txt"
    a.write_text("Same text about Nissan.")
    first = _load(a)[0][0].article_id
    assert first == _load(a)[0][0].article_id and len(first) == 16
    b = tmp_path / "b.txt"
    b.write_text("Same text about Nissan.")
    ids = {x.article_id for x in _load(tmp_path)[0]}
    assert len(ids) == 2  # byte-identical copies keep distinct ids; dedup marks the copy


def test_sidecar_overrides_and_cannot_escape(tmp_path):
    (tmp_path / "a.txt").write_text(
        "Headline Here For The Story\n\nBody sentence about Honda and Nissan talks."
    )
    (tmp_path / "metadata.csv").write_text(
        "file,url,source,published,author\na.txt,https://x.example/a,Sidecar Daily,2024-03,Ann Lee\n"
        "../../etc/passwd,,,,\n"
    )
    arts, bad = _load(tmp_path)
    assert bad == [] and len(arts) == 1
    assert arts[0].meta == {
        "url": "https://x.example/a",
        "source": "Sidecar Daily",
        "published": "2024-03",
        "author": "Ann Lee",
    }


def test_glob_patterns(tmp_path):
    for name in ("x1.txt", "x2.txt", "y.md"):
        (tmp_path / name).write_text(f"Text of {name} about Toyota.")
    arts, _ = _load(tmp_path / "x*.txt")
    assert sorted(a.path.rsplit("/", 1)[-1] for a in arts) == ["x1.txt", "x2.txt"]


@pytest.fixture()
def bad_folder(tmp_path):
    (tmp_path / "good.txt").write_text(
        "Nissan And Honda Sign An MOU\n\nNissan and Honda signed a memorandum of understanding."
    )
    (tmp_path / "binary.txt").write_bytes(b"\x00\x01\x02\x03PNG\x00" * 50)
    (tmp_path / "image.html").write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 100)
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "blank.md").write_text("  \n\n\t\n")
    (tmp_path / "latin1.txt").write_bytes("Renault et Nissan: l'alliance évolue.".encode("latin-1"))
    (tmp_path / "feed.jsonl").write_text(
        json.dumps({"title": "ok", "text": "Toyota invests in BYD venture."})
        + "\n{not json}\n"
        + json.dumps([1, 2])
        + "\n"
    )
    (tmp_path / "broken.json").write_text('{"title": "x", "text": "unterminated')
    (tmp_path / "huge.txt").write_text("Nissan " * 400_000)  # one 2.8 MB line
    (tmp_path / "notes.docx").write_bytes(b"PK\x03\x04 docx")
    return tmp_path


def test_bad_inputs_are_quarantined_with_reasons(bad_folder):
    arts, bad = _load(bad_folder, max_bytes=1_000_000)
    reasons = {q.path.rsplit("/", 1)[-1]: q.reason for q in bad}
    assert reasons == {
        "binary.txt": "binary",
        "image.html": "binary",
        "empty.txt": "empty",
        "blank.md": "empty",
        "latin1.txt": "undecodable",
        "feed.jsonl:2": "malformed_json",
        "feed.jsonl:3": "malformed_record",
        "broken.json": "malformed_json",
        "huge.txt": "too_large",
        "notes.docx": "unsupported_type",
    }
    assert all(q.detail for q in bad)  # every row says why in words
    assert sorted(a.path.rsplit("/", 1)[-1] for a in arts) == ["feed.jsonl:1", "good.txt"]


def test_fallback_encoding_recovers_latin1(bad_folder):
    arts, _ = _load(bad_folder / "latin1.txt", encoding="cp1252")
    assert "évolue" in arts[0].raw


def test_pipeline_keeps_going_and_writes_quarantine(bad_folder):
    tables = run_pipeline([bad_folder], max_bytes=1_000_000)
    assert len(tables["articles"]) == 2
    assert len(tables["quarantine"]) == 10
    assert list(tables["quarantine"].columns[:3]) == ["path", "reason", "detail"]


def test_second_visits_name_the_first_path(tmp_path):
    """Files are remembered by a hash in their folder's listing: aliases must still name the first path."""
    (tmp_path / "a" / "sub").mkdir(parents=True)
    (tmp_path / "b").mkdir()
    for rel in ("a/x.txt", "a/sub/y.txt", "b/z.txt"):
        (tmp_path / rel).write_text(f"Toyota and BYD story {rel}.")
    (tmp_path / "b" / "alias.txt").symlink_to("../a/x.txt")
    (tmp_path / "b" / "dir_alias").symlink_to("../a/sub")
    recs = list(load_corpus([tmp_path / "a" / "sub" / "y.txt", tmp_path, tmp_path / "a" / "x.txt"]))
    dups = {"/".join(r.path.split("/")[-2:]): r.detail for r in recs if isinstance(r, Quarantined)}
    assert dups == {
        "sub/y.txt": f"the same file as {tmp_path}/a/sub/y.txt, read once",  # the argument came first
        "b/alias.txt": f"the same file as {tmp_path}/a/x.txt, read once",
        "b/dir_alias": f"the same folder as {tmp_path}/a/sub, read once",
        "a/x.txt": f"the same file as {tmp_path}/a/x.txt, read once",  # the later argument
    }
    loaded = sorted(r.path.rsplit("/", 1)[-1] for r in recs if isinstance(r, Article))
    assert loaded == ["x.txt", "y.txt", "z.txt"]


def test_sidecars_apply_and_report_once_when_a_folder_is_revisited(tmp_path):
    """Sidecar rows are dropped when the walk leaves a folder and read again if it comes back."""
    (tmp_path / "bad").mkdir()
    (tmp_path / "good" / "deeper").mkdir(parents=True)
    (tmp_path / "bad" / "c.txt").write_text("Stellantis and Leapmotor formed a venture.")
    (tmp_path / "bad" / "d.txt").write_text("Renault and Geely build engines together.")
    (tmp_path / "bad" / "metadata.csv").write_bytes(b"file,title\nc.txt,caf\xe9\n")
    for name in ("a.txt", "m.txt", "deeper/b.txt"):
        (tmp_path / "good" / name).write_text(f"Honda and Nissan story {name}.")
    (tmp_path / "good" / "metadata.csv").write_text("file,source\na.txt,Src A\nm.txt,Src M\n")
    (tmp_path / "good" / "deeper" / "metadata.csv").write_text("file,source\nb.txt,Src B\n")
    recs = list(load_corpus([tmp_path / "bad" / "c.txt", tmp_path / "good" / "m.txt", tmp_path]))
    bad = [r for r in recs if isinstance(r, Quarantined)]
    assert [(r.path.rsplit("/", 2)[-2], r.reason) for r in bad] == [
        ("bad", "bad_sidecar"),  # once, though the folder is read again for d.txt
        ("bad", "duplicate_path"),
        ("good", "duplicate_path"),
    ]
    sources = {r.path.rsplit("/", 1)[-1]: r.meta.get("source") for r in recs if isinstance(r, Article)}
    assert sources == {"c.txt": None, "m.txt": "Src M", "d.txt": None, "a.txt": "Src A", "b.txt": "Src B"}
