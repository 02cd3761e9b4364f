"""Report rendering (helpers.render): layout, self-contained HTML, manifest, changes, safety.

Real kernels start here (3-7 s each), so one module-scoped pair of renders is shared by most tests;
the data stage is a fake ``helpers.pipeline`` that turns corpus lines into tiny parquet tables.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import signal
import subprocess
import sys
import textwrap
import time
import types
from pathlib import Path

import nbformat
import papermill
import pytest

from helpers import render
from helpers.changes import diff_keys
from helpers.render import RenderError, render_lock, render_reports
from helpers.report_index import network_references, sanitize_html_fragment

FAKE_PIPELINE = '''
"""Stand-in for helpers.pipeline: corpus line 'A|B|type|status|when' is an alliance,
'FIG|kind|market|value|qualifier|period' a figure."""
from pathlib import Path

import pandas as pd

CALLS = []
COLUMNS = {
    "articles": ["article_id", "path", "title", "subtitle", "author", "source", "url", "published",
                 "published_precision", "published_basis", "body", "n_chars_raw", "n_chars_clean",
                 "duplicate_of"],
    "removed_lines": ["article_id", "line_no", "text", "reason"],
    "quarantine": ["path", "reason", "detail"],
    "mentions": ["article_id", "kind", "text", "canonical", "start", "end", "sentence"],
    "figures": ["article_id", "kind", "value", "unit", "currency", "value_usd", "qualifier", "subject",
                "market", "period", "start", "end", "evidence"],
    "timeline": ["article_id", "text", "normalized", "precision", "start_date", "end_date", "role",
                 "start", "end", "evidence"],
    "alliances": ["article_id", "party_a", "party_b", "type", "status", "when", "start_date", "end_date",
                  "value_usd", "evidence", "confidence"],
}


def extract_corpus(paths, out_dir, csv=False):
    CALLS.append(list(paths))
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    files = []
    for p in map(Path, paths):
        files += sorted(x for x in p.rglob("*") if x.is_file()) if p.is_dir() else [p]
    rows = {name: [] for name in COLUMNS}
    for i, f in enumerate(files):
        aid, text = f"a{i:03d}", f.read_text()
        rows["articles"].append(dict(article_id=aid, path=str(f), title=f.stem, source="test",
                                     url=f"https://example.com/{f.stem}", published="2024-01-01",
                                     body=text, n_chars_raw=len(text), n_chars_clean=len(text)))
        for line in text.splitlines():
            parts = line.strip().split("|")
            if parts[0] == "FIG":
                _, kind, market, value, qualifier, period = parts
                rows["figures"].append(dict(article_id=aid, kind=kind, market=market, value=float(value),
                                            qualifier=qualifier, period=period, evidence=line))
            elif len(parts) == 5:
                a, b, typ, status, when = parts
                rows["alliances"].append(dict(article_id=aid, party_a=a, party_b=b, type=typ, status=status,
                                              when=when, start_date=when, end_date=when, evidence=line,
                                              confidence=0.9))
    for name, cols in COLUMNS.items():
        pd.DataFrame(rows[name], columns=cols).to_parquet(out_dir / f"{name}.parquet", index=False)
    return {name: len(r) for name, r in rows.items()}
'''

PARAMS = """corpus = None
processed_dir = "../data/processed"
focus = None
since = None
until = None
report_date = None"""

MAIN_CELLS = [
    """import pathlib
import pandas as pd
SOURCE_MARKER_7731 = 1
alliances = pd.read_parquet(pathlib.Path(processed_dir) / 'alliances.parquet')
print('date:', report_date, 'cwd:', pathlib.Path.cwd().name, 'focus:', focus)""",
    ("headline", "print(f'{len(alliances)} alliances in the corpus')"),
    """import matplotlib.pyplot as plt
fig, ax = plt.subplots(figsize=(3, 2))
ax.bar(['a', 'b'], [1, 2])
plt.show()""",
    """from IPython.display import HTML, Javascript, display
display(HTML('<table><tr><td>ok-cell</td></tr></table><script>alert("x1")</script>'
             '<img src="https://evil.example/x.png"><a href="https://example.com/article">article link</a>'))
display(Javascript('alert("x2")'))""",
]


def write_notebook(path: Path, title: str, cells: list) -> Path:
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    params = nbformat.v4.new_code_cell(PARAMS)
    params.metadata["tags"] = ["parameters"]
    nb.cells = [nbformat.v4.new_markdown_cell(f"# {title}\n\nA tiny notebook for the render tests."), params]
    for cell in cells:
        tag, src = cell if isinstance(cell, tuple) else (None, cell)
        code = nbformat.v4.new_code_cell(src)
        if tag:
            code.metadata["tags"] = [tag]
        nb.cells.append(code)
    nbformat.write(nb, path)
    return path


def notebooks(root: Path, name: str, specs: dict[str, list]) -> Path:
    folder = root / name
    folder.mkdir(parents=True)
    for fname, cells in specs.items():
        write_notebook(folder / fname, fname[3:-6].replace("-", " ").title(), cells)
    return folder


def corpus(root: Path, name: str, files: dict[str, str]) -> Path:
    folder = root / name
    folder.mkdir(parents=True)
    for fname, text in files.items():
        (folder / fname).write_text(text)
    return folder


BASE_CORPUS = {
    "a.txt": "Toyota|BYD|joint_venture|signed|2024-03-01\nFIG|percent|China|35|approximately|2023\n"
}
ADDED_LINE = "Honda|Nissan|merger_talks|exploring|2024-12-23\n"


@pytest.fixture(scope="module")
def fake_pipeline(tmp_path_factory):
    folder = tmp_path_factory.mktemp("fake")
    (folder / "fake_pipeline.py").write_text(FAKE_PIPELINE)
    module = types.ModuleType("helpers.pipeline")
    exec(compile(FAKE_PIPELINE, str(folder / "fake_pipeline.py"), "exec"), module.__dict__)
    with pytest.MonkeyPatch.context() as mp:
        mp.setitem(sys.modules, "helpers.pipeline", module)
        yield types.SimpleNamespace(module=module, folder=folder)


@pytest.fixture(scope="module")
def rendered(tmp_path_factory, fake_pipeline):
    """Two real renders: 2024-05-06 (jobs=2) and 2024-05-13 (jobs=1) with one alliance added."""
    root = tmp_path_factory.mktemp("render")
    nbdir = notebooks(
        root, "nbs", {"01-alliance-overview.ipynb": MAIN_CELLS, "02-figures.ipynb": ["print('two')"]}
    )
    c1 = corpus(root, "corpus1", BASE_CORPUS)
    c2 = corpus(root, "corpus2", {**BASE_CORPUS, "b.txt": ADDED_LINE})
    out = root / "reports"
    kw = dict(out=out, notebooks_dir=nbdir, progress=False)
    r1 = render_reports(date="2024-05-06", corpus=[str(c1)], focus="BYD", jobs=2, **kw)
    r2 = render_reports(date="2024-05-13", corpus=[str(c2)], jobs=1, **kw)
    return types.SimpleNamespace(root=root, out=out, nbdir=nbdir, r1=r1, r2=r2, c1=c1, c2=c2)


def tree_digest(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and p.name != ".render.lock" and "_failed" not in p.parts
    }


# ------------------------------------------------------------------------------ full render (shared)


def test_full_render_layout(rendered):
    out = rendered.out
    assert rendered.r1 == out / "2024-05-06" and rendered.r2 == out / "2024-05-13"
    for report in (rendered.r1, rendered.r2):
        names = sorted(p.name for p in report.iterdir())
        assert names == [
            "01-alliance-overview.html", "01-alliance-overview.ipynb", "02-figures.html", "02-figures.ipynb",
            "changes.json", "data", "index.html", "manifest.json",
        ]  # fmt: skip
        assert (report / "data" / "alliances.parquet").is_file()
    assert (out / "index.html").is_file()
    assert not list(out.glob(".tmp-*")) and not (out / "_failed").exists()


def test_notebook_html_is_self_contained_and_sanitized(rendered):
    page = (rendered.r1 / "01-alliance-overview.html").read_text()
    assert network_references(page) == []
    assert "SOURCE_MARKER_7731" not in page and "read_parquet" not in page  # no input code
    assert "<script" not in page.lower() and "alert(" not in page
    assert "evil.example" not in page
    assert "ok-cell" in page and 'href="https://example.com/article"' in page
    assert "Javascript object" not in page
    assert "data:image/png;base64," in page  # the matplotlib figure, embedded
    assert "@media print" in page and "max-width" in page
    assert "<title>Alliance Overview</title>" in page
    # parameters were injected and the kernel ran in the notebooks folder
    assert f"date: 2024-05-06 cwd: {rendered.nbdir.name} focus: BYD" in page
    for report in (rendered.r1, rendered.r2):
        for html_file in report.glob("*.html"):
            assert network_references(html_file.read_text()) == [], html_file


def test_manifest(rendered):
    m = json.loads((rendered.r1 / "manifest.json").read_text())
    assert m["parameters"]["date"] == "2024-05-06" and m["parameters"]["focus"] == "BYD"
    assert m["parameters"]["corpus"] == [str(rendered.c1.resolve())]
    assert {
        "python",
        "pandas",
        "matplotlib",
        "seaborn",
        "papermill",
        "nbconvert",
        "ev-alliance-watch",
    } <= set(m["versions"])
    assert [(n["name"], n["status"]) for n in m["notebooks"]] == [
        ("01-alliance-overview", "ok"),
        ("02-figures", "ok"),
    ]
    assert all(isinstance(n["duration_s"], float) for n in m["notebooks"])
    nb1 = m["notebooks"][0]
    assert nb1["title"] == "Alliance Overview" and nb1["headline"] == "1 alliances in the corpus"
    sha = hashlib.sha256((rendered.c1 / "a.txt").read_bytes()).hexdigest()
    assert [f["sha256"] for f in m["corpus"]["files"]] == [sha]
    assert m["corpus"]["article_ids"] == ["a000"]
    assert m["data_stage"]["counts"]["alliances"] == 1 and m["data_stage"]["counts"]["figures"] == 1
    assert m["headline"] == "1 alliance, newest event 2024-03-01, 1 figure from 1 article"


def test_changes_list_exactly_the_added_alliance(rendered):
    first = json.loads((rendered.r1 / "changes.json").read_text())
    assert first["previous"] is None
    ch = json.loads((rendered.r2 / "changes.json").read_text())
    assert ch["previous"] == "2024-05-06"
    assert ch["alliances"] == {
        "new": [
            {
                "party_a": "Honda",
                "party_b": "Nissan",
                "type": "merger_talks",
                "status": "exploring",
                "when": "2024-12-23",
            }
        ],
        "vanished": [],
        "changed": [],
    }
    assert ch["figures"] == {"new": [], "vanished": [], "changed": []}
    summary = (rendered.r2 / "index.html").read_text()
    assert "Honda – Nissan: merger_talks, exploring, 2024-12-23" in summary
    assert 'href="01-alliance-overview.html"' in summary and "2 alliances in the corpus" in summary


def test_top_index_lists_reports_newest_first(rendered):
    page = (rendered.out / "index.html").read_text()
    assert network_references(page) == [] and "<script" not in page
    assert page.index("2024-05-13/index.html") < page.index("2024-05-06/index.html")
    assert "Since 2024-05-06: 1 new alliance, 0 vanished, 0 changed" in page
    assert 'href="2024-05-13/01-alliance-overview.html">Alliance Overview</a>' in page


def test_saved_notebook_points_at_published_data(rendered):
    nb = nbformat.read(rendered.r2 / "01-alliance-overview.ipynb", as_version=4)
    injected = [c for c in nb.cells if "injected-parameters" in c.metadata.get("tags", [])]
    assert injected and str(rendered.r2 / "data") in injected[0].source and ".tmp-" not in injected[0].source


# ------------------------------------------------------------------------- refused before any kernel


@pytest.fixture
def no_kernel(monkeypatch, fake_pipeline):
    calls = []
    monkeypatch.setattr(papermill, "execute_notebook", lambda *a, **k: calls.append(a))
    fake_pipeline.module.CALLS.clear()
    yield calls
    assert calls == [] and fake_pipeline.module.CALLS == [], "a kernel or the data stage started"


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"date": "2024-13-01"}, "not a real date"),
        ({"date": "2024-02-30"}, "not a real date"),
        ({"date": "../etc"}, "ISO date"),
        ({"date": "20240101"}, "ISO date"),
        ({"date": "2024-01-01/../../x"}, "ISO date"),
        ({"since": "2024-06-01", "until": "2024-01-01"}, "after until"),
        ({"until": "2024-1-1"}, "ISO date"),
        ({"focus": "../BYD"}, "plain company name"),
        ({"focus": "BYD\x00"}, "plain company name"),
        ({"focus": "BYD\u202e"}, "plain company name"),
        ({"corpus": ["/nonexistent/corpus"]}, "not found"),
        ({"corpus": []}, "empty"),
        ({"jobs": 0}, "positive integer"),
        ({"kernel_name": "no-such-kernel"}, "no Jupyter kernel"),
    ],
)
def test_invalid_parameters_refused_before_any_kernel(tmp_path, no_kernel, kwargs, message):
    nbdir = notebooks(tmp_path, "nbs", {"01-x.ipynb": []})
    args = {"date": "2024-05-06", "corpus": [str(nbdir)], "out": tmp_path / "reports", "notebooks_dir": nbdir}
    with pytest.raises(RenderError, match=message):
        render_reports(**{**args, **kwargs})
    assert not (tmp_path / "reports").exists()


def test_out_must_be_a_directory_and_notebooks_must_exist(tmp_path, no_kernel):
    (tmp_path / "file").write_text("x")
    nbdir = notebooks(tmp_path, "nbs", {"01-x.ipynb": []})
    with pytest.raises(RenderError, match="must be a directory"):
        render_reports(date="2024-05-06", corpus=[str(nbdir)], out=tmp_path / "file", notebooks_dir=nbdir)
    (tmp_path / "empty").mkdir()
    with pytest.raises(RenderError, match="no numbered notebooks"):
        render_reports(
            date="2024-05-06", corpus=[str(nbdir)], out=tmp_path / "r", notebooks_dir=tmp_path / "empty"
        )


def test_existing_report_refused_without_force(rendered, no_kernel):
    with pytest.raises(RenderError, match="already exists.*--force"):
        render_reports(
            date="2024-05-06", corpus=[str(rendered.c1)], out=rendered.out, notebooks_dir=rendered.nbdir
        )


def test_lock_held_refuses_second_render(tmp_path, no_kernel):
    nbdir = notebooks(tmp_path, "nbs", {"01-x.ipynb": []})
    out = tmp_path / "reports"
    out.mkdir()
    with render_lock(out):
        with pytest.raises(RenderError, match=rf"another render is running \(pid {os.getpid()}\)"):
            render_reports(date="2024-05-06", corpus=[str(nbdir)], out=out, notebooks_dir=nbdir)
    assert not list(out.glob(".tmp-*"))


def test_failed_data_stage_is_kept_and_raised(tmp_path, monkeypatch, fake_pipeline, capsys):
    calls = []
    monkeypatch.setattr(papermill, "execute_notebook", lambda *a, **k: calls.append(a))

    def broken(paths, out_dir, csv=False):
        raise OSError("disk on fire")

    monkeypatch.setattr(fake_pipeline.module, "extract_corpus", broken)
    nbdir = notebooks(tmp_path, "nbs", {"01-x.ipynb": []})
    out = tmp_path / "reports"
    with pytest.raises(RenderError, match="data stage failed: OSError: disk on fire"):
        render_reports(date="2024-05-06", corpus=[str(nbdir)], out=out, notebooks_dir=nbdir, progress=True)
    assert calls == []
    assert "disk on fire" in (out / "_failed" / "2024-05-06" / "error.txt").read_text()
    assert not (out / "2024-05-06").exists() and not (out / "index.html").exists()
    assert "data stage" in capsys.readouterr().err


# ------------------------------------------------------------------------------- with real kernels


def test_force_replaces_existing_report(tmp_path, fake_pipeline):
    nbdir = notebooks(tmp_path, "nbs", {"01-quick.ipynb": ["print('fresh')"]})
    c = corpus(tmp_path, "c", BASE_CORPUS)
    out = tmp_path / "reports"
    (out / "2024-05-06").mkdir(parents=True)
    (out / "2024-05-06" / "old.txt").write_text("old")
    report = render_reports(date="2024-05-06", corpus=[str(c)], out=out, notebooks_dir=nbdir, force=True)
    assert not (report / "old.txt").exists() and (report / "01-quick.html").is_file()
    assert "fresh" in (report / "01-quick.html").read_text()
    assert not list(out.glob(".old-*")) and not list(out.glob(".tmp-*"))
    assert "2024-05-06/index.html" in (out / "index.html").read_text()


def test_failing_notebook_keeps_earlier_reports_intact(rendered, tmp_path, fake_pipeline):
    out = tmp_path / "reports"
    shutil.copytree(rendered.out, out)
    before = tree_digest(out)
    nbdir = notebooks(tmp_path, "bad", {"01-ok.ipynb": ["print('fine')"], "02-boom.ipynb": ["1 / 0"]})
    # even with force, the existing 2024-05-13 report survives a failed re-render
    with pytest.raises(RenderError, match=r"02-boom: ZeroDivisionError"):
        render_reports(date="2024-05-13", corpus=[str(rendered.c2)], out=out, notebooks_dir=nbdir, force=True)
    assert tree_digest(out) == before
    failed = out / "_failed" / "2024-05-13"
    executed = nbformat.read(failed / "02-boom.ipynb", as_version=4)
    assert any(o.get("ename") == "ZeroDivisionError" for c in executed.cells for o in c.get("outputs", []))
    assert json.loads((failed / "manifest.json").read_text())["notebooks"][1]["status"] == "failed"
    assert not list(out.glob(".tmp-*")) and not list(out.glob(".old-*"))


RUNNER = """
import json, sys
sys.path.insert(0, sys.argv[2])
import fake_pipeline
sys.modules["helpers.pipeline"] = fake_pipeline
from helpers.render import RenderError, render_reports
try:
    render_reports(**json.loads(sys.argv[1]))
except RenderError as exc:
    print(exc, file=sys.stderr)
    sys.exit(3)
"""


def spawn(fake_pipeline, **kwargs) -> subprocess.Popen:
    args = json.dumps({k: str(v) if isinstance(v, Path) else v for k, v in kwargs.items()})
    return subprocess.Popen(
        [sys.executable, "-c", RUNNER, args, str(fake_pipeline.folder)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )


def wait_for(predicate, timeout=90.0, what="condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


def test_two_concurrent_renders_one_gets_the_lock_error(tmp_path, fake_pipeline):
    nbdir = notebooks(tmp_path, "slow", {"01-slow.ipynb": ["import time\ntime.sleep(3)\nprint('slept')"]})
    c = corpus(tmp_path, "c", BASE_CORPUS)
    out = tmp_path / "reports"
    common = dict(corpus=[str(c)], out=out, notebooks_dir=nbdir)
    first = spawn(fake_pipeline, date="2024-05-06", **common)
    try:
        wait_for(lambda: list(out.glob(".tmp-*")) or first.poll() is not None, what="first render to lock")
        second = spawn(fake_pipeline, date="2024-05-07", **common)
        _, err2 = second.communicate(timeout=60)
        _, err1 = first.communicate(timeout=120)
    finally:
        if first.poll() is None:
            os.killpg(first.pid, signal.SIGKILL)
    assert first.returncode == 0, err1
    assert second.returncode == 3 and f"another render is running (pid {first.pid})" in err2
    assert sorted(p.name for p in out.iterdir() if not p.name.startswith(".")) == ["2024-05-06", "index.html"]
    assert (out / "2024-05-06" / "01-slow.html").is_file() and not list(out.glob(".tmp-*"))


def test_killed_render_leaves_no_partial_report_and_next_run_cleans_up(tmp_path, fake_pipeline):
    slow = notebooks(tmp_path, "slow", {"01-forever.ipynb": ["import time\ntime.sleep(300)"]})
    quick = notebooks(tmp_path, "quick", {"01-quick.ipynb": ["print('ok')"]})
    c = corpus(tmp_path, "c", BASE_CORPUS)
    out = tmp_path / "reports"
    proc = spawn(fake_pipeline, date="2024-05-06", corpus=[str(c)], out=out, notebooks_dir=slow)

    def sleeping() -> bool:
        for nb_file in out.glob(".tmp-*/01-forever.ipynb"):
            try:
                nb = json.loads(nb_file.read_text())
            except ValueError:
                return False
            return any(
                cell["metadata"].get("papermill", {}).get("status") == "running" for cell in nb["cells"]
            )
        return False

    try:
        wait_for(lambda: sleeping() or proc.poll() is not None, what="the sleeping cell to start")
        assert proc.poll() is None, proc.communicate()
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
    assert not (out / "2024-05-06").exists() and not (out / "index.html").exists()
    assert list(out.glob(".tmp-2024-05-06-*")), "the killed render's staging folder should be left behind"

    report = render_reports(date="2024-05-06", corpus=[str(c)], out=out, notebooks_dir=quick, progress=False)
    assert (report / "01-quick.html").is_file()
    assert not list(out.glob(".tmp-*"))
    assert "2024-05-06/index.html" in (out / "index.html").read_text()


# --------------------------------------------------------------------------------------- unit level


def test_interrupted_force_swap_is_restored(tmp_path):
    out = tmp_path / "reports"
    (out / ".old-2024-05-06-999").mkdir(parents=True)
    (out / ".old-2024-05-06-999" / "manifest.json").write_text("{}")
    (out / ".tmp-2024-05-07-998").mkdir()
    render._remove_stale(out)
    assert (out / "2024-05-06" / "manifest.json").is_file()
    assert not list(out.glob(".*-2024-*"))


def test_sanitize_html_fragment():
    dirty = textwrap.dedent("""
        <style>.x { color: red }</style><style>td { background: url(https://t.example/p) }</style>
        <table border="1" class="dataframe"><tr><td style="color: red; position: fixed">1</td></tr></table>
        <script>alert(1)</script><img src="https://evil.example/x.png" onerror="alert(2)">
        <img src="data:image/png;base64,AAAA"><a href="javascript:alert(3)">j</a>
        <a href="https://example.com/a">a</a><mark class="hit">m</mark><iframe src="https://x.example"></iframe>
    """)
    clean = sanitize_html_fragment(dirty)
    assert "<style>.x { color: red }</style>" in clean and "t.example" not in clean
    assert '<td style="color:red">1</td>' in clean
    for bad in ("script", "alert", "evil.example", "javascript:", "iframe", "onerror"):
        assert bad not in clean
    assert 'src="data:image/png;base64,AAAA"' in clean and 'href="https://example.com/a"' in clean
    assert '<mark class="hit">m</mark>' in clean


def test_diff_keys_pairs_changed_status():
    fields = ("party_a", "party_b", "type", "status", "when")
    old = {
        ("BYD", "Toyota", "joint_venture", "announced", "2024"),
        ("Ford", "VW", "platform_sharing", "active", None),
    }
    new = {
        ("BYD", "Toyota", "joint_venture", "signed", "2024-03"),
        ("Honda", "Nissan", "mou", "signed", None),
    }
    d = diff_keys(old, new, identity=lambda k: k[:3], fields=fields)
    assert [x["party_a"] for x in d["new"]] == ["Honda"]
    assert [x["party_a"] for x in d["vanished"]] == ["Ford"]
    assert d["changed"] == [
        {
            "before": dict(zip(fields, ("BYD", "Toyota", "joint_venture", "announced", "2024"), strict=True)),
            "after": dict(zip(fields, ("BYD", "Toyota", "joint_venture", "signed", "2024-03"), strict=True)),
        }
    ]
