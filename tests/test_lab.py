"""The JupyterLab workspace (`make lab`): explorer logic, `helpers.load_tables`, the two workspace
notebooks, and a real JupyterLab server driven over REST, the kernel websocket and headless Chromium.

The server runs from this environment on a free loopback port with a random token and private Jupyter
folders (config, data, runtime, settings, workspaces; the project kernel is installed into a temporary
prefix, checkpoints kept there too), autosave off; everything is shut down in a finally block, and the
notebooks the browser runs are checked byte for byte afterwards. Screenshots land in test-artifacts/
(git-ignored).
"""

from __future__ import annotations

import ast
import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import nbformat  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402
from browser import CHROMIUM_ARGS, require_chromium  # noqa: E402

import helpers  # noqa: E402
from helpers import config, explorer  # noqa: E402
from helpers.pipeline import write_tables  # noqa: E402
from helpers.report_index import notebook_title  # noqa: E402

NOTEBOOKS = config.NOTEBOOKS_DIR
START = NOTEBOOKS / "00-start-here.ipynb"
EXPLORER = NOTEBOOKS / "05-explorer.ipynb"
ARTIFACTS = config.PROJ_ROOT / "test-artifacts"
PARAMETERS = ["corpus", "processed_dir", "focus", "since", "until", "report_date"]


# ------------------------------------------------------------------------------------ explorer logic

COLS = ["article_id", "party_a", "party_b", "type", "status", "when", "precision", "start_date", "end_date"]


@pytest.fixture
def events() -> pd.DataFrame:
    rows = [
        ("a1", "Nissan", "Honda", "mou", "signed", "2024-03-15", "day", "2024-03-15", "2024-03-15"),
        ("a1", "Nissan", "Honda", "joint_venture", "exploring", None, None, None, None),
        ("a2", "Honda", "General Motors", "cancellation", "cancelled", "2023", "year", "2023-01-01", "2023-12-31"),
        ("a3", "Nissan", "Mitsubishi Motors", "joint_development", "planned", "2027/2031", "range",
         "2027-01-01", "2031-12-31"),
        ("a3", "Renault", "Nissan", "scale_back", "reduced", "FY2024", "fiscal_year", "2024-04-01", "2025-03-31"),
    ]  # fmt: skip
    return pd.DataFrame(rows, columns=COLS).assign(evidence="A sentence.", confidence=0.9)


def _pairs(df: pd.DataFrame) -> list[tuple[str, str, str]]:
    return list(zip(df["party_a"], df["party_b"], df["type"], strict=True))


def test_filter_by_company_is_case_insensitive_and_resolves_aliases(events):
    assert len(explorer.filter_alliances(events)) == len(events)
    honda = explorer.filter_alliances(events, company="honda")
    assert set(_pairs(honda)) == {
        ("Nissan", "Honda", "mou"),
        ("Nissan", "Honda", "joint_venture"),
        ("Honda", "General Motors", "cancellation"),
    }
    # "GM" is an alias and Chevrolet a brand of General Motors in data/reference/companies.csv
    assert _pairs(explorer.filter_alliances(events, company="GM")) == [
        ("Honda", "General Motors", "cancellation")
    ]
    assert _pairs(explorer.filter_alliances(events, company="Chevrolet")) == _pairs(
        explorer.filter_alliances(events, company="General Motors")
    )
    assert explorer.filter_alliances(events, company="Toyota").empty
    assert len(explorer.filter_alliances(events, company="all")) == len(events)


def test_filter_by_type_and_status_forgives_spelling_and_rejects_unknown_values(events):
    assert _pairs(explorer.filter_alliances(events, alliance_type="Joint Venture")) == [
        ("Nissan", "Honda", "joint_venture")
    ]
    both = explorer.filter_alliances(events, alliance_type=["mou", "joint-development"])
    assert {t for *_, t in _pairs(both)} == {"mou", "joint_development"}
    assert len(explorer.filter_alliances(events, status=[])) == len(events)
    assert _pairs(explorer.filter_alliances(events, company="Nissan", status="signed")) == [
        ("Nissan", "Honda", "mou")
    ]
    with pytest.raises(ValueError, match="unknown alliance type 'partnership'.*joint_venture"):
        explorer.filter_alliances(events, alliance_type="partnership")
    with pytest.raises(ValueError, match="unknown status"):
        explorer.filter_alliances(events, status="rumoured")


def test_date_window_keeps_spans_that_meet_it_and_undated_events_unless_asked(events):
    in_2024 = explorer.filter_alliances(events, since="2024", until="2024")
    # the day, the fiscal year that starts in 2024, and the undated event; not 2023 nor 2027-2031
    assert _pairs(in_2024) == [
        ("Nissan", "Honda", "mou"),
        ("Renault", "Nissan", "scale_back"),
        ("Nissan", "Honda", "joint_venture"),
    ]
    assert (
        _pairs(explorer.filter_alliances(events, since="2024", until="2024", undated=False))
        == _pairs(in_2024)[:2]
    )
    assert _pairs(explorer.filter_alliances(events, since="2030-06", undated=False)) == [
        ("Nissan", "Mitsubishi Motors", "joint_development")
    ]
    assert _pairs(explorer.filter_alliances(events, until="2023-12-31", undated=False)) == [
        ("Honda", "General Motors", "cancellation")
    ]
    # dated first, in date order; undated last
    assert list(explorer.filter_alliances(events)["when"].fillna("-")) == [
        "2023", "2024-03-15", "FY2024", "2027/2031", "-",
    ]  # fmt: skip
    with pytest.raises(ValueError, match="starts after it ends"):
        explorer.filter_alliances(events, since="2025", until="2024")
    with pytest.raises(ValueError, match="not an ISO date"):
        explorer.filter_alliances(events, since="March 2024")


def test_window_bounds():
    assert explorer.window_bound("2024") == "2024-01-01"
    assert explorer.window_bound("2024", end=True) == "2024-12-31"
    assert explorer.window_bound("2024-02", end=True) == "2024-02-29"
    assert explorer.window_bound("2023-12", end=True) == "2023-12-31"
    assert explorer.window_bound(pd.Timestamp("2024-05-06 13:00")) == "2024-05-06"
    assert explorer.window_bound("") is None and explorer.window_bound(None) is None


def test_choices_follow_the_vocabulary_and_the_data(events):
    opts = explorer.choices(events)
    assert opts["companies"] == ["Nissan", "Honda", "General Motors", "Mitsubishi Motors", "Renault"]
    assert opts["types"] == ["mou", "joint_development", "joint_venture", "cancellation", "scale_back"]
    assert opts["statuses"] == ["exploring", "signed", "planned", "cancelled", "reduced"]
    assert opts["months"][0] == "2023-01" and opts["months"][-1] == "2031-12"
    assert explorer.choices(events.iloc[[1]])["months"] == []


def test_selection_view_on_the_seeds(seed_tables):
    line, fig, table = explorer.selection_view(seed_tables, company="honda")
    assert line.startswith(f"{len(table)} alliance events involving Honda;")
    assert len(table) and table["parties"].str.contains("Honda").all()
    assert {"parties", "type", "status", "when", "evidence", "article", "url"} <= set(table.columns)
    assert table["evidence"].str.len().gt(20).all()
    assert fig._suptitle.get_text().startswith("Honda is in ")
    everything = explorer.selection_view(seed_tables)[2]
    assert len(everything) == len(seed_tables["alliances"])


def test_explorer_widgets_refilter_and_redraw(seed_tables):
    ui = explorer.Explorer(seed_tables, company="Honda")
    assert ui.redraws == 1 and ui.selection()["company"] == "Honda"
    assert ui.events()["party_a"].eq("Honda").__or__(ui.events()["party_b"].eq("Honda")).all()
    ui.company.value = ""
    ui.status.value = "exploring"
    assert ui.redraws == 3
    assert set(ui.events()["status"]) == {"exploring"}
    ui.undated.value = False
    assert ui.events().empty  # the seeds' exploring events are all undated
    months = ui.window.options
    ui.window.index = (months.index("2024-01"), months.index("2024-12"))
    assert ui.selection()["since"] == "2024-01-01" and ui.selection()["until"] == "2024-12-31"
    ui._reset()
    assert ui.selection() == {
        "company": None, "alliance_type": None, "status": None, "since": None, "until": None, "undated": True,
    }  # fmt: skip
    assert len(ui.events()) == len(seed_tables["alliances"])
    assert (
        explorer.Explorer(seed_tables, company="Toyota", status="merger talks").selection()["company"] is None
    )


def test_outside_a_live_session_the_views_are_static(seed_tables, capsys):
    assert explorer.is_live_session() is False
    assert explorer.interactive_view(seed_tables) is None
    assert "Interactive controls appear here when" in capsys.readouterr().out
    explorer.show(seed_tables, company="Nissan")
    out = capsys.readouterr().out
    assert "alliance events involving Nissan" in out and "Figure" in out


# ------------------------------------------------------------------------------------ helpers at the prompt


def test_import_helpers_stays_light():
    code = "import sys, helpers; print([m for m in ('pandas', 'numpy', 'matplotlib', 'pyarrow') if m in sys.modules])"
    run = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", code], capture_output=True, text=True, timeout=60
    )
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip() == "[]"
    total = [int(m.group(1)) for m in re.finditer(r"\|\s*(\d+) \| helpers$", run.stderr, re.M)]
    assert total, run.stderr[-500:]
    print(f"import helpers: {total[0] / 1000:.1f} ms")  # shown with -s; about 3 ms here
    assert helpers.charts.alliance_timeline and helpers.explorer.filter_alliances  # submodules on first use
    assert {"charts", "explorer", "load_tables", "views"} <= set(dir(helpers))


def test_load_tables_reads_a_folder_or_a_report(seed_tables, tmp_path):
    write_tables(seed_tables, tmp_path / "processed")
    tables = helpers.load_tables(tmp_path / "processed")
    assert isinstance(tables, dict) and tables.folder == tmp_path / "processed"
    assert {k: len(v) for k, v in tables.items()} == {k: len(v) for k, v in seed_tables.items()}
    al = tables["alliances"]
    assert pd.api.types.is_string_dtype(al["party_a"]) and pd.api.types.is_string_dtype(al["start_date"])
    assert al["start_date"].dropna().str.fullmatch(r"\d{4}-\d{2}-\d{2}").all()  # ISO strings, not datetimes
    assert re.search(r"^  alliances\s+\d+ rows x \d+ columns$", repr(tables), re.M)

    report = tmp_path / "reports" / "2024-05-06"
    shutil.copytree(tmp_path / "processed", report / "data")
    assert len(helpers.load_tables(report)["articles"]) == len(seed_tables["articles"])
    with pytest.raises(FileNotFoundError, match="no such folder"):
        helpers.load_tables(tmp_path / "missing")
    (tmp_path / "empty").mkdir()
    with pytest.raises(FileNotFoundError, match="evwatch extract"):
        helpers.load_tables(tmp_path / "empty")
    assert "Parameters" in helpers.load_tables.__doc__  # numpydoc: JupyterLab's contextual help shows it


# ------------------------------------------------------------------------------------ the two notebooks


def _parameters(nb) -> list[str]:
    cells = [c for c in nb.cells if "parameters" in c.metadata.get("tags", [])]
    assert len(cells) == 1, "exactly one cell tagged parameters"
    return [
        t.id for node in ast.parse(cells[0].source).body if isinstance(node, ast.Assign) for t in node.targets
    ]


def _links(markdown: str) -> list[tuple[str, str]]:
    return re.findall(r"(?<!!)\[([^\]]+)\]\(([^)\s]+)\)", markdown)


def test_start_here_lists_every_notebook_by_its_title_with_working_links():
    nb = nbformat.read(START, as_version=4)
    assert nb.metadata["kernelspec"]["name"] == "python3"
    assert notebook_title(nb, default="") == "Start here: following automakers' EV alliances through the news"
    text = "\n".join(c.source for c in nb.cells if c.cell_type == "markdown")
    links = _links(text)
    for path in sorted(NOTEBOOKS.glob("[0-9][0-9]-*.ipynb")):
        if path != START:
            title = notebook_title(nbformat.read(path, as_version=4), default=path.stem)
            assert (f"**{title}**", path.name) in [(f"**{t}**", h) for t, h in links if t == title], (
                f"{path.name} ({title!r}) is not listed: rebuild with tools/build_lab_notebooks.py"
            )
    for _, href in links:
        if not href.startswith(("http://", "https://")):
            # a file: JupyterLab opens files from Markdown links, not folders ("is a directory")
            assert (NOTEBOOKS / href).resolve().is_file(), f"broken link {href}"
    for needle in ("data/raw", "metadata.csv", "make report", "evwatch render --focus Honda", "make lab"):
        assert needle in text
    assert _parameters(nb) == PARAMETERS
    # the one output is the collection index (so nbval has something to compare): every notebook, by file
    outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", [])]
    index = "".join(o.get("data", {}).get("text/plain", "") for o in outputs)
    assert all(p.name in index for p in NOTEBOOKS.glob("[0-9][0-9]-*.ipynb"))


def test_explorer_notebook_is_parameterized_and_stores_no_widgets():
    nb = nbformat.read(EXPLORER, as_version=4)
    assert nb.metadata["kernelspec"]["name"] == "python3"
    assert "widgets" not in nb.metadata
    assert _parameters(nb) == PARAMETERS + ["interactive"]
    assert _parameters(nbformat.read(NOTEBOOKS / "03-alliances.ipynb", as_version=4)) == PARAMETERS
    sources = [c.source for c in nb.cells if c.cell_type == "code"]
    assert any("load_or_run(processed_dir, corpus)" in s for s in sources)
    ignored = [s for s in sources if "# NBVAL_IGNORE_OUTPUT" in s.splitlines()]
    assert len(ignored) == 1 and "interactive_view(" in ignored[0]
    outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", [])]
    assert outputs, "execute it: python -m helpers.notebooks notebooks/05-explorer.ipynb"
    assert not any(k.startswith("application/vnd.jupyter.widget") for o in outputs for k in o.get("data", {}))
    assert any("Interactive controls appear here" in o.get("text", "") for o in outputs)


# ------------------------------------------------------------------------------------ a real JupyterLab


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Lab:
    def __init__(self, port: int, token: str, proc: subprocess.Popen, log: Path) -> None:
        self.port, self.token, self.proc, self.log = port, token, proc, log
        self.base = f"http://127.0.0.1:{port}"

    def log_tail(self, chars: int = 3000) -> str:
        return self.log.read_text(errors="replace")[-chars:]

    def api(self, method: str, path: str, **kwargs):
        import requests

        headers = {"Authorization": f"token {self.token}"}
        r = requests.request(method, f"{self.base}{path}", headers=headers, timeout=30, **kwargs)
        r.raise_for_status()
        return r.json() if r.content else None

    def execute(self, kernel_id: str, code: str, timeout: float = 120) -> dict:
        """Run code on a kernel through /api/kernels/<id>/channels; stdout, results and errors."""
        import websocket

        session = uuid.uuid4().hex
        ws = websocket.create_connection(
            f"ws://127.0.0.1:{self.port}/api/kernels/{kernel_id}/channels?session_id={session}",
            header=[f"Authorization: token {self.token}"],
            timeout=10,
        )
        try:
            msg_id = uuid.uuid4().hex
            header = {"msg_id": msg_id, "msg_type": "execute_request", "session": session,
                      "username": "test", "version": "5.3", "date": ""}  # fmt: skip
            content = {"code": code, "silent": False, "store_history": False, "user_expressions": {},
                       "allow_stdin": False, "stop_on_error": True}  # fmt: skip
            ws.send(json.dumps({"header": header, "parent_header": {}, "metadata": {}, "content": content,
                                "channel": "shell", "buffers": []}))  # fmt: skip
            out = {"stdout": "", "stderr": "", "results": [], "error": None, "reply": None, "idle": False}
            deadline = time.monotonic() + timeout
            while not (out["idle"] and out["reply"]):
                ws.settimeout(max(0.1, deadline - time.monotonic()))
                if time.monotonic() > deadline:
                    raise TimeoutError(f"kernel did not finish in {timeout}s: {out}")
                msg = json.loads(ws.recv())
                if msg.get("parent_header", {}).get("msg_id") != msg_id:
                    continue
                kind, c = msg["msg_type"], msg["content"]
                if kind == "stream":
                    out[c["name"]] += c["text"]
                elif kind in ("execute_result", "display_data"):
                    out["results"].append(c["data"])
                elif kind == "error":
                    out["error"] = f"{c['ename']}: {c['evalue']}"
                elif kind == "status" and c["execution_state"] == "idle":
                    out["idle"] = True
                elif kind == "execute_reply":
                    out["reply"] = c["status"]
            return out
        finally:
            ws.close()


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    """`jupyter lab` as `make lab` starts it, but on a free port with a random token and private dirs."""
    pytest.importorskip("websocket")
    root = tmp_path_factory.mktemp("lab")
    prefix = root / "prefix"
    subprocess.run(
        [sys.executable, "-m", "ipykernel", "install", "--prefix", str(prefix), "--name", "ev-alliance-watch",
         "--display-name", "Python (ev-alliance-watch)"],
        check=True, capture_output=True, timeout=60,
    )  # fmt: skip
    settings = root / "settings" / "@jupyterlab"
    for plugin, values in {
        "apputils-extension/notification": {"fetchNews": "false", "checkForUpdates": False},
        "docmanager-extension/plugin": {"autosave": False},
    }.items():
        (settings / plugin).parent.mkdir(parents=True, exist_ok=True)
        (settings / f"{plugin}.jupyterlab-settings").write_text(json.dumps(values))
    env = {
        **os.environ,
        "JUPYTER_CONFIG_DIR": str(root / "config"),
        "JUPYTER_DATA_DIR": str(root / "data"),
        "JUPYTER_RUNTIME_DIR": str(root / "runtime"),
        "JUPYTER_PATH": str(prefix / "share" / "jupyter"),
        "JUPYTERLAB_SETTINGS_DIR": str(root / "settings"),
        "JUPYTERLAB_WORKSPACES_DIR": str(root / "workspaces"),
    }
    env.pop("JPY_SESSION_NAME", None)
    port, token = _free_port(), secrets.token_hex(16)
    args = [sys.executable, "-m", "jupyterlab", "--no-browser", f"--port={port}", "--ServerApp.port_retries=0",
            f"--ServerApp.token={token}", "--ServerApp.ip=127.0.0.1", f"--ServerApp.root_dir={config.PROJ_ROOT}",
            "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate", "--LabApp.expose_app_in_browser=True",
            "--ServerApp.shutdown_no_activity_timeout=600", f"--FileCheckpoints.checkpoint_dir={root / 'checkpoints'}"]  # fmt: skip
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        args.append("--allow-root")
    opened = {p: p.read_bytes() for p in (START, EXPLORER)}  # the browser test opens and runs these
    log = root / "lab.log"
    with open(log, "wb") as fh:
        proc = subprocess.Popen(args, stdout=fh, stderr=subprocess.STDOUT, env=env, cwd=config.PROJ_ROOT,
                                start_new_session=True)  # fmt: skip
    server = Lab(port, token, proc, log)
    try:
        deadline = time.monotonic() + 90
        while True:
            if proc.poll() is not None:
                pytest.fail(f"jupyter lab exited ({proc.returncode}):\n{log.read_text()[-3000:]}")
            try:
                server.api("GET", "/api/status")
                break
            except Exception:
                if time.monotonic() > deadline:
                    pytest.fail(f"jupyter lab not ready in 90 s:\n{log.read_text()[-3000:]}")
                time.sleep(0.3)
        yield server
    finally:
        try:
            for kernel in server.api("GET", "/api/kernels") or []:
                server.api("DELETE", f"/api/kernels/{kernel['id']}")
            server.api("POST", "/api/shutdown")
            proc.wait(timeout=30)
        except Exception:
            pass
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGTERM)
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(timeout=10)
        changed = [p.name for p, data in opened.items() if p.read_bytes() != data]
        assert not changed, f"the JupyterLab session saved {changed}: check with git diff"


def test_lab_lists_the_notebooks_and_the_project_kernel(lab):
    listing = lab.api("GET", "/api/contents/notebooks")
    names = {item["name"] for item in listing["content"] if item["type"] == "notebook"}
    assert {"00-start-here.ipynb", "01-corpus.ipynb", "03-alliances.ipynb", "05-explorer.ipynb"} <= names
    start = lab.api("GET", "/api/contents/notebooks/00-start-here.ipynb")
    assert start["content"]["metadata"]["kernelspec"]["name"] == "python3"
    specs = lab.api("GET", "/api/kernelspecs")["kernelspecs"]
    assert {"python3", "ev-alliance-watch"} <= set(specs)
    assert specs["ev-alliance-watch"]["spec"]["argv"][0] == sys.executable


def test_a_lab_kernel_imports_helpers_and_loads_tables(lab, seed_tables, tmp_path):
    write_tables(seed_tables, tmp_path)
    kernel = lab.api("POST", "/api/kernels", json={"name": "ev-alliance-watch"})
    code = f"""
import json, sys, time
t0 = time.perf_counter()
import helpers
import_ms = (time.perf_counter() - t0) * 1000
tables = helpers.load_tables({str(tmp_path)!r})
from helpers import explorer
print(json.dumps({{
    "python": sys.executable, "helpers": helpers.__file__, "import_ms": import_ms, "repr": repr(tables),
    "rows": {{k: len(v) for k, v in tables.items()}}, "start_date": str(tables["alliances"]["start_date"].dtype),
    "live": explorer.is_live_session(),
}}))
"""
    try:
        out = lab.execute(kernel["id"], code)
    finally:
        lab.api("DELETE", f"/api/kernels/{kernel['id']}")
    assert out["error"] is None and out["reply"] == "ok", out
    got = json.loads(out["stdout"].strip().splitlines()[-1])
    assert got["python"] == sys.executable
    assert Path(got["helpers"]).resolve() == (config.PROJ_ROOT / "src" / "helpers" / "__init__.py").resolve()
    assert got["rows"] == {k: len(v) for k, v in seed_tables.items()}
    assert got["start_date"] in ("str", "string")
    assert "alliances" in got["repr"] and got["live"] is False  # a bare kernel, no notebook session


def test_a_notebook_session_kernel_counts_as_live(lab):
    session = lab.api(
        "POST",
        "/api/sessions",
        json={
            "path": "notebooks/05-explorer.ipynb",
            "name": "05-explorer.ipynb",
            "type": "notebook",
            "kernel": {"name": "python3"},
        },  # fmt: skip
    )
    try:
        out = lab.execute(
            session["kernel"]["id"],
            "import os\nfrom helpers import explorer\nprint(explorer.is_live_session(), os.path.basename(os.getcwd()))",
        )
    finally:
        lab.api("DELETE", f"/api/sessions/{session['id']}")
    assert out["error"] is None, out
    assert out["stdout"].split() == ["True", "notebooks"]


def test_lab_in_a_browser_shows_the_start_page_and_a_working_explorer(lab):
    executable = require_chromium()
    import playwright.sync_api as sync_api

    ARTIFACTS.mkdir(exist_ok=True)
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS, headless=True)
        try:
            page = browser.new_page(viewport={"width": 1440, "height": 1000})
            page.set_default_timeout(60_000)
            page.goto(f"{lab.base}/lab/tree/notebooks/00-start-here.ipynb?reset&token={lab.token}")
            heading = page.locator(".jp-NotebookPanel:visible .jp-RenderedMarkdown h1").first
            heading.wait_for()
            assert heading.inner_text().strip().startswith("Start here")
            links = page.locator(".jp-NotebookPanel:visible .jp-RenderedMarkdown a[href*='.ipynb?']")
            assert links.count() >= 5
            page.wait_for_timeout(1500)  # let the kernel indicator and fonts settle
            page.screenshot(path=str(ARTIFACTS / "lab-00-start-here.png"))
            third = notebook_title(nbformat.read(NOTEBOOKS / "03-alliances.ipynb", as_version=4), default="")
            page.locator(".jp-NotebookPanel:visible .jp-RenderedMarkdown a", has_text=third).first.click()
            page.locator(".lm-TabBar-tabLabel", has_text="03-alliances.ipynb").wait_for()  # a live link

            page.goto(f"{lab.base}/lab/tree/notebooks/05-explorer.ipynb?reset&token={lab.token}")
            page.locator(".jp-NotebookPanel:visible .jp-RenderedMarkdown h1").first.wait_for()
            page.wait_for_function("() => window.jupyterapp && window.jupyterapp.shell.currentWidget")
            # Run All once the notebook's kernel is connected; resolves when every cell has run
            ran = page.evaluate(
                """async () => {
                    const panel = window.jupyterapp.shell.currentWidget;
                    const run = (async () => {
                        await panel.context.ready;
                        await panel.sessionContext.ready;
                        return await window.jupyterapp.commands.execute('notebook:run-all-cells');
                    })();
                    const late = new Promise((_, no) => setTimeout(() => no(new Error('Run All: 180 s')), 180000));
                    return await Promise.race([run, late]);
                }"""
            )
            # JupyterLab skips rendering off-screen cells (content-visibility): wait for the widget to be
            # attached and drawn, then bring the top of its cell into view
            company = page.locator(".jp-NotebookPanel:visible .widget-dropdown select").first
            try:
                assert ran, "Run All Cells stopped at an error"
                company.wait_for(state="attached", timeout=60_000)
            except Exception as exc:
                page.screenshot(path=str(ARTIFACTS / "lab-05-explorer-failed.png"))
                outputs = page.locator(".jp-NotebookPanel:visible .jp-OutputArea-output").all_inner_texts()
                pytest.fail(f"{exc}; cell outputs: {[o[:300] for o in outputs]}\n{lab.log_tail()}")
            ui = page.locator(".jp-NotebookPanel:visible .jp-OutputArea-output:has(.widget-dropdown)").first
            drawn = "([el, text]) => el.innerText.includes(text) && el.querySelector('.widget-output img')"
            ui.evaluate("el => el.scrollIntoView({block: 'start'})")
            page.wait_for_function(
                drawn, arg=[ui.element_handle(), "alliance events; type: all; status: all"], timeout=120_000
            )
            page.wait_for_timeout(500)
            page.screenshot(path=str(ARTIFACTS / "lab-05-explorer.png"))

            label = next(o for o in company.locator("option").all_inner_texts() if o.startswith("Honda"))
            company.select_option(label=label)
            page.wait_for_function(
                drawn, arg=[ui.element_handle(), "alliance events involving Honda"], timeout=60_000
            )
            assert "Nissan – Mitsubishi Motors" not in ui.inner_text()  # the table lists Honda's events only
            ui.evaluate("el => el.scrollIntoView({block: 'start'})")
            page.wait_for_timeout(500)
            page.screenshot(path=str(ARTIFACTS / "lab-05-explorer-honda.png"))
        finally:
            browser.close()
