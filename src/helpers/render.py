"""Render dated reports: data stage once, then every numbered notebook through papermill and nbconvert.

``render_reports`` validates everything before any kernel starts, takes ``out/.render.lock``, builds the
report in ``out/.tmp-<date>-<pid>/`` and renames it to ``out/<date>/`` only when every notebook succeeded.
A failed render leaves earlier reports and ``out/index.html`` untouched and keeps its executed notebooks
(with papermill's error banner) in ``out/_failed/<date>/``.

Layout of a report::

    out/<date>/data/*.parquet         the data stage's tables (the next report diffs against them)
    out/<date>/NN-name.ipynb, .html   executed notebook and its self-contained HTML (no code, no network)
    out/<date>/manifest.json          parameters, corpus fingerprint, versions, per-notebook status/duration
    out/<date>/changes.json           what changed since the previous dated report
    out/<date>/index.html             summary page; out/index.html lists every report, newest first

Parameter checks live in ``helpers.render_params`` (re-exported here: ``RenderError``, ``RenderParams``,
``validate_params``, ``default_corpus``), the manifest's corpus fingerprint, table counts, headline and
versions in ``helpers.render_manifest``.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import json
import os
import re
import shutil
import sys
import time
import traceback
from collections.abc import Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor, as_completed
from contextlib import contextmanager
from dataclasses import dataclass, field
from importlib import import_module
from pathlib import Path
from typing import Any

from helpers.changes import compute_changes, find_previous_report
from helpers.render_manifest import (
    corpus_fingerprint,
    data_headline,
    display_path,
    package_versions,
    table_counts,
)
from helpers.render_params import RenderError, RenderParams, default_corpus, validate_params
from helpers.report_index import (
    export_notebook_html,
    notebook_headline,
    notebook_title,
    report_index_html,
    write_top_index,
)

__all__ = [
    "RenderError",
    "RenderParams",
    "default_corpus",
    "render_lock",
    "render_reports",
    "validate_params",
]

LOCK_NAME = ".render.lock"
FAILED_DIR = "_failed"


@dataclass
class NotebookResult:
    name: str
    status: str = "skipped"  # ok | failed | skipped
    duration_s: float = 0.0
    title: str = ""
    headline: str = ""
    error: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "ipynb": f"{self.name}.ipynb",
            "html": f"{self.name}.html",
            "title": self.title or self.name,
            "headline": self.headline,
            "status": self.status,
            "duration_s": round(self.duration_s, 1),
            "error": self.error,
        }


# ------------------------------------------------------------------------------------ lock and cleanup


@contextmanager
def render_lock(out: Path, wait: bool = False) -> Iterator[Path]:
    """Exclusive ``out/.render.lock`` (flock; released by the OS even when the process is killed)."""
    path = out / LOCK_NAME
    fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
        except BlockingIOError:
            holder = os.pread(fd, 32, 0).decode(errors="replace").strip() or "unknown"
            raise RenderError(f"another render is running (pid {holder}); lock file {path}") from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
        yield path
    finally:
        os.close(fd)


def _remove_stale(out: Path) -> list[str]:
    """With the lock held: drop .tmp-* leftovers of killed renders; finish or undo an interrupted swap."""
    removed = []
    for folder in (out, out / FAILED_DIR):
        if not folder.is_dir():
            continue
        for p in folder.iterdir():
            m = re.fullmatch(r"\.old-([0-9]{4}-[0-9]{2}-[0-9]{2})-[0-9]+", p.name)
            if m and not (folder / m.group(1)).exists():
                os.rename(p, folder / m.group(1))  # killed between the two renames of a --force swap
                continue
            if m or (p.name.startswith(".tmp-") and p.is_dir()):
                shutil.rmtree(p, ignore_errors=True)
                removed.append(p.name)
            elif p.name.startswith(".index.html.") and p.name.endswith(".tmp"):
                p.unlink(missing_ok=True)
                removed.append(p.name)
    return removed


def _swap_into_place(staging: Path, target: Path) -> None:
    """rename(staging -> target); an existing target is renamed aside first and deleted afterwards."""
    if target.exists():
        old = target.with_name(f".old-{target.name}-{os.getpid()}")
        os.rename(target, old)
        os.rename(staging, target)
        shutil.rmtree(old, ignore_errors=True)
    else:
        os.rename(staging, target)


# ------------------------------------------------------------------------------------------- stages


class _Progress:
    def __init__(self, enabled: bool, total: int) -> None:
        self.enabled, self.total, self.done, self.t0 = enabled, total, 0, time.monotonic()

    def say(self, msg: str) -> None:
        if self.enabled:
            print(f"[render {time.monotonic() - self.t0:6.1f}s] {msg}", file=sys.stderr, flush=True)

    def finished(self, r: NotebookResult) -> None:
        self.done += 1
        self.say(f"{self.done}/{self.total} {r.name}: {r.status} in {r.duration_s:.1f}s")


def _run_data_stage(corpus: Sequence[Path], data_dir: Path) -> dict[str, int]:
    pipeline = import_module("helpers.pipeline")  # lazy: the CLI and tests may stand in for it
    data_dir.mkdir(parents=True, exist_ok=True)
    counts = pipeline.extract_corpus(list(corpus), data_dir)
    return {str(k): int(v) for k, v in (counts or {}).items()}


def _describe(exc: BaseException) -> str:
    if all(hasattr(exc, a) for a in ("ename", "evalue", "exec_count")):
        return f"{exc.ename}: {exc.evalue} (cell [{exc.exec_count}])"
    return f"{type(exc).__name__}: {exc}"[:1000]


def _execute_one(
    nb_path: Path, staging: Path, params: RenderParams, injected: dict[str, Any]
) -> NotebookResult:
    import nbformat
    import papermill

    result = NotebookResult(name=nb_path.stem)
    out_nb = staging / nb_path.name
    t0 = time.monotonic()
    try:
        papermill.execute_notebook(
            str(nb_path),
            str(out_nb),
            parameters=injected,
            kernel_name=params.kernel_name,
            language=params.kernel_language,
            progress_bar=False,
            # The kernel's cwd. papermill's own cwd= would os.chdir the whole process (racy with --jobs).
            resources={"metadata": {"path": str(params.notebooks_dir)}},
            extra_arguments=["--IPKernelApp.log_level=CRITICAL"] if params.kernel_is_ipykernel else [],
        )
        result.status = "ok"
    except Exception as exc:  # papermill wrote the executed copy with the error cell
        result.status, result.error = "failed", _describe(exc)
    result.duration_s = time.monotonic() - t0
    if result.status != "ok":
        return result
    try:
        nb = nbformat.read(out_nb, as_version=4)
        result.title = notebook_title(nb, default=nb_path.stem)
        result.headline = notebook_headline(nb)
        _point_parameters_at_final(out_nb, nb, staging, params.out / params.date)
        export_notebook_html(
            out_nb, staging / f"{nb_path.stem}.html", title=result.title, report_date=params.date
        )
    except Exception as exc:
        result.status, result.error = "failed", f"HTML conversion: {_describe(exc)}"
    return result


def _point_parameters_at_final(path: Path, nb: Any, staging: Path, final: Path) -> None:
    """The saved notebook should re-run from the published report, not the vanished staging folder."""
    import nbformat

    old, new = str(staging), str(final)
    for cell in nb.cells:
        if "injected-parameters" in cell.get("metadata", {}).get("tags", []):
            cell.source = cell.source.replace(old, new)
    pm_meta = nb.metadata.get("papermill", {}).get("parameters", {})
    if isinstance(pm_meta.get("processed_dir"), str):
        pm_meta["processed_dir"] = pm_meta["processed_dir"].replace(old, new)
    nbformat.write(nb, path)


def _execute_all(params: RenderParams, staging: Path, injected: dict[str, Any], progress: _Progress):
    results = {nb.stem: NotebookResult(name=nb.stem) for nb in params.notebooks}
    if params.jobs == 1:
        for nb in params.notebooks:
            progress.say(f"{progress.done + 1}/{progress.total} {nb.stem} ...")
            r = results[nb.stem] = _execute_one(nb, staging, params, injected)
            progress.finished(r)
            if r.status != "ok":
                break
    else:
        with ThreadPoolExecutor(max_workers=params.jobs, thread_name_prefix="render") as pool:
            futures = {
                pool.submit(_execute_one, nb, staging, params, injected): nb for nb in params.notebooks
            }
            for fut in as_completed(futures):
                r = results[futures[fut].stem] = fut.result()
                progress.finished(r)
                if r.status != "ok":
                    for other in futures:
                        other.cancel()  # not yet started: skip; running ones finish
    return [results[nb.stem] for nb in params.notebooks]


def _write_json(path: Path, data: Any) -> None:
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False, sort_keys=False) + "\n", encoding="utf-8")


# --------------------------------------------------------------------------------------- entry point


def render_reports(
    date: str | None = None,
    corpus: list[str] | None = None,
    focus: str | None = None,
    since: str | None = None,
    until: str | None = None,
    out: Path | None = None,
    force: bool = False,
    jobs: int = 1,
    notebooks_dir: Path | None = None,
    progress: bool | None = None,
    kernel_name: str = "python3",
    *,
    wait: bool = False,
) -> Path:
    """Render ``out/<date>/`` (see module docstring) and refresh ``out/index.html``; return the report folder.

    Raises RenderError for invalid parameters (before any kernel starts), a render already running
    (unless ``wait``), an existing report without ``force``, or a failed data stage / notebook.
    """
    params = validate_params(date, corpus, focus, since, until, out, force, jobs, notebooks_dir, kernel_name)
    show = sys.stderr.isatty() if progress is None else progress
    prog = _Progress(show, len(params.notebooks))
    params.out.mkdir(parents=True, exist_ok=True)
    target = params.out / params.date

    with render_lock(params.out, wait=wait):
        stale = _remove_stale(params.out)
        if stale:
            prog.say(f"removed leftovers of an interrupted render: {', '.join(stale)}")
        if target.exists() and not params.force:  # re-check under the lock
            raise RenderError(
                f"a report for {params.date} already exists in {params.out} (use --force to replace it)"
            )
        staging = params.out / f".tmp-{params.date}-{os.getpid()}"
        staging.mkdir()
        try:
            return _render_locked(params, staging, target, prog)
        finally:
            if staging.exists():
                shutil.rmtree(staging, ignore_errors=True)


def _render_locked(params: RenderParams, staging: Path, target: Path, prog: _Progress) -> Path:
    started = time.monotonic()
    data_dir = staging / "data"
    manifest: dict[str, Any] = {
        "report_date": params.date,
        "generated_at": dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat(),
        "parameters": {
            "date": params.date,
            "corpus": [display_path(p) for p in params.corpus],
            "focus": params.focus,
            "since": params.since,
            "until": params.until,
            "jobs": params.jobs,
            "kernel_name": params.kernel_name,
            "force": params.force,
            "notebooks_dir": display_path(params.notebooks_dir),
        },
        "versions": package_versions(),
    }
    prog.say(f"data stage: {len(params.corpus)} corpus path(s) -> {data_dir.name}/")
    t0 = time.monotonic()
    try:
        extract_counts = _run_data_stage(params.corpus, data_dir)
    except Exception as exc:
        manifest["data_stage"] = {"status": "failed", "error": _describe(exc)}
        _fail(params, staging, manifest, f"data stage failed: {_describe(exc)}", traceback.format_exc())
    counts = {**extract_counts, **table_counts(data_dir)}
    manifest["data_stage"] = {"status": "ok", "duration_s": round(time.monotonic() - t0, 1), "counts": counts}
    manifest["corpus"] = corpus_fingerprint(params.corpus, data_dir)
    manifest["headline"] = data_headline(data_dir, counts)
    prog.say(f"data stage done: {manifest['headline']}")

    injected = {
        "corpus": [str(p) for p in params.corpus],
        "processed_dir": str(data_dir),
        "focus": params.focus,
        "since": params.since,
        "until": params.until,
        "report_date": params.date,
    }
    prog.say(f"executing {len(params.notebooks)} notebook(s) with {params.jobs} job(s)")
    results = _execute_all(params, staging, injected, prog)
    manifest["notebooks"] = [r.as_dict() for r in results]
    failed = [r for r in results if r.status == "failed"]
    if failed:
        detail = "; ".join(f"{r.name}: {r.error}" for r in failed)
        _fail(params, staging, manifest, f"{len(failed)} notebook(s) failed: {detail}")

    changes = compute_changes(data_dir, find_previous_report(params.out, params.date))
    manifest["previous_report"] = changes["previous"]
    manifest["duration_s"] = round(time.monotonic() - started, 1)
    _write_json(staging / "changes.json", changes)
    _write_json(staging / "manifest.json", manifest)
    (staging / "index.html").write_text(report_index_html(manifest, changes), encoding="utf-8")

    _swap_into_place(staging, target)
    write_top_index(params.out)
    prog.say(f"done: {target} ({changes['summary']})")
    return target


def _fail(
    params: RenderParams, staging: Path, manifest: dict[str, Any], message: str, detail: str = ""
) -> None:
    """Keep the staging folder as out/_failed/<date>/ (replacing an older failure) and raise."""
    failed_root = params.out / FAILED_DIR
    failed_root.mkdir(exist_ok=True)
    dest = failed_root / params.date
    manifest["error"] = message
    _write_json(staging / "manifest.json", manifest)
    (staging / "error.txt").write_text(message + "\n\n" + detail, encoding="utf-8")
    _swap_into_place(staging, dest)
    raise RenderError(f"render of {params.date} failed: {message}; see {dest}")
