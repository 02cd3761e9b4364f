"""Drive headless Chromium (Debian's /usr/bin/chromium, no browser download) with Playwright.

A `Visit` records what a page did while it loaded: console messages, dialogs (dismissed), uncaught page
errors, popups and every request the browser made (non-file requests are answered with an abort, so a
test never reaches the network). Tests then query the DOM through `visit.page`.

    with chromium() as browser:
        visit = browser.visit(report_dir / "01-corpus.html")
        assert visit.dialogs == [] and visit.foreign_requests() == []

Without a browser the caller is skipped with the reason, except under CI (env var CI set), where a
missing browser fails the test: a CI run must not pass by skipping its browser checks.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = os.environ.get("EVWATCH_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
LOCAL_SCHEMES = ("file:", "data:")


def find_chromium() -> str | None:
    """The Chromium executable to drive, or None when there is none."""
    path = CHROMIUM if os.path.isabs(CHROMIUM) else shutil.which(CHROMIUM)
    return path if path and os.path.isfile(path) and os.access(path, os.X_OK) else None


def require_chromium() -> str:
    """The Chromium path; skip the test when absent (fail under CI, where the browser is required)."""
    path = find_chromium()
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError as exc:
        _missing(f"the playwright package is not installed ({exc})")
    if path is None:
        _missing(f"no Chromium at {CHROMIUM} (install Debian's chromium or set EVWATCH_CHROMIUM)")
    return path


def _missing(reason: str) -> None:
    if os.environ.get("CI"):
        pytest.fail(f"browser check required under CI: {reason}", pytrace=False)
    pytest.skip(reason)


@dataclass
class Visit:
    """What one page load did."""

    url: str
    page: Any
    console: list[tuple[str, str]] = field(default_factory=list)  # (type, text)
    dialogs: list[tuple[str, str]] = field(default_factory=list)  # (type, message)
    page_errors: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)  # every URL requested, in order
    popups: list[str] = field(default_factory=list)

    def foreign_requests(self) -> list[str]:
        """Requests for anything but file: and data: URLs (a self-contained page makes none)."""
        return [u for u in self.requests if not u.startswith(LOCAL_SCHEMES)]


class Browser:
    """One headless Chromium; `visit` opens each page in a fresh context (no shared state)."""

    def __init__(self, playwright: Any, executable: str) -> None:
        self._browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        self._contexts: list[Any] = []

    def visit(self, target: str | Path, settle_ms: int = 250, javascript: bool = True) -> Visit:
        url = (
            Path(target).resolve().as_uri() if not str(target).startswith(("file:", "http")) else str(target)
        )
        context = self._browser.new_context(java_script_enabled=javascript, service_workers="block")
        self._contexts.append(context)
        visit = Visit(url=url, page=None)

        def route(r: Any) -> None:
            if r.request.url.startswith(LOCAL_SCHEMES):
                r.continue_()
            else:
                r.abort()

        context.route("**/*", route)
        context.on("request", lambda req: visit.requests.append(req.url))
        page = context.new_page()
        visit.page = page
        page.on("popup", lambda p: visit.popups.append(p.url))
        page.on("console", lambda msg: visit.console.append((msg.type, msg.text)))
        page.on("pageerror", lambda exc: visit.page_errors.append(str(exc)))

        def dialog(d: Any) -> None:
            visit.dialogs.append((d.type, d.message))
            d.dismiss()

        page.on("dialog", dialog)
        page.goto(url, wait_until="load")
        # scroll through the page (lazy images, intersection observers), then let timers fire
        page.evaluate("window.scrollTo(0, document.body ? document.body.scrollHeight : 0)")
        page.wait_for_timeout(settle_ms)
        return visit

    def close(self) -> None:
        for context in self._contexts:
            context.close()
        self._browser.close()


@contextmanager
def chromium() -> Iterator[Browser]:
    """A headless Chromium for the duration of the block (skips or fails when absent, see above)."""
    executable = require_chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = Browser(pw, executable)
        try:
            yield browser
        finally:
            browser.close()
