"""A reader's check of a rendered report in headless Chromium: pages load offline, charts show, links work."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import unquote, urlparse

import pytest
from browser import chromium

from helpers import config
from helpers.render import render_reports

ARTIFACTS = config.PROJ_ROOT / "test-artifacts"


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    out = tmp_path_factory.mktemp("reports")
    render_reports(date="2024-06-01", out=out, jobs=2, progress=False)
    return out


@pytest.fixture(scope="module")
def browser():
    with chromium() as b:
        yield b


def _visit(browser, path: Path, screenshot: Path | None = None) -> dict:
    visit = browser.visit(path)
    page = visit.page
    seen = {
        "console": [f"{kind}: {text}" for kind, text in visit.console],
        "errors": visit.page_errors,
        "requests": visit.requests,
        "images": page.eval_on_selector_all("img", "els => els.map(e => [e.complete, e.naturalWidth])"),
        "links": page.eval_on_selector_all("a[href]", "els => els.map(e => e.getAttribute('href'))"),
    }
    if screenshot:
        screenshot.parent.mkdir(parents=True, exist_ok=True)
        page.evaluate("window.scrollTo(0, 0)")
        page.set_viewport_size({"width": 1280, "height": 900})
        page.screenshot(path=str(screenshot))
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
