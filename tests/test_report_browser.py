"""A reader's check of a rendered report in headless Chromium: pages load offline, charts show, links work."""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from urllib.parse import unquote, urlparse

import pytest

from helpers import config
from helpers.render import render_reports

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARTIFACTS = config.PROJ_ROOT / "test-artifacts"
FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
         "--disable-sync", "--no-first-run", "--disable-quic"]  # fmt: skip


def _browser_or_skip():
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI"):
            pytest.fail("chromium is not installed: .ci/run must install it (apt-get install chromium)")
        pytest.skip("no chromium on this machine (apt-get install chromium); CI installs it")
    sync_api = pytest.importorskip("playwright.sync_api")
    return sync_api


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    out = tmp_path_factory.mktemp("reports")
    render_reports(date="2024-06-01", out=out, jobs=2, progress=False)
    return out


@pytest.fixture(scope="module")
def browser():
    sync_api = _browser_or_skip()
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield b
        b.close()


def _visit(browser, path: Path, screenshot: Path | None = None) -> dict:
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    seen = {"console": [], "errors": [], "requests": []}
    page.on("console", lambda m: seen["console"].append(f"{m.type}: {m.text}"))
    page.on("pageerror", lambda e: seen["errors"].append(str(e)))
    page.on("request", lambda r: seen["requests"].append(r.url))
    page.goto(path.as_uri(), wait_until="load")
    seen["images"] = page.eval_on_selector_all("img", "els => els.map(e => [e.complete, e.naturalWidth])")
    seen["links"] = page.eval_on_selector_all("a[href]", "els => els.map(e => e.getAttribute('href'))")
    if screenshot:
        screenshot.parent.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(screenshot))
    page.close()
    return seen


def test_every_page_loads_offline_with_its_charts(report, browser):
    dated = report / "2024-06-01"
    pages = [report / "index.html", dated / "index.html", *sorted(dated.glob("[0-9][0-9]-*.html"))]
    assert len(pages) >= 6
    charts = 0
    for page in pages:
        seen = _visit(browser, page)
        assert seen["errors"] == [], (page.name, seen["errors"])
        assert [c for c in seen["console"] if c.startswith("error")] == [], (page.name, seen["console"])
        foreign = [u for u in seen["requests"] if urlparse(u).scheme not in ("file", "data")]
        assert foreign == [], (page.name, foreign)
        assert all(complete and width > 0 for complete, width in seen["images"]), (page.name, seen["images"])
        charts += len(seen["images"])
    assert charts >= 6  # corpus (2), alliances (2), market share (2) at least


def test_index_links_resolve(report, browser):
    for index in (report / "index.html", report / "2024-06-01" / "index.html"):
        links = _visit(browser, index)["links"]
        local = [h for h in links if not urlparse(h).scheme and not h.startswith("#")]
        assert local, index
        for href in local:
            target = (index.parent / unquote(href.split("#")[0])).resolve()
            assert target.exists(), (index.name, href)


def test_first_screen_screenshot(report, browser):
    shot = ARTIFACTS / "report-first-screen.png"
    _visit(browser, report / "2024-06-01" / "03-alliances.html", screenshot=shot)
    assert shot.stat().st_size > 10_000
