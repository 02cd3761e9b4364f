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
"""

from __future__ import annotations

import datetime as dt
import fcntl
import hashlib
import json
import os
import platform
import re
import shutil
import sys
import time
import traceback
import unicodedata
from collections.abc import Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor, as_completed
from contextlib import contextmanager
from dataclasses import dataclass, field
from importlib import import_module, metadata
from pathlib import Path
from typing import Any

from helpers import config
from helpers.changes import compute_changes, find_previous_report
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

ISO_DATE_RE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
NOTEBOOK_RE = re.compile(r"[0-9]{2}-[^/\\]+\.ipynb")
LOCK_NAME = ".render.lock"
FAILED_DIR = "_failed"
TABLES = ("articles", "removed_lines", "quarantine", "mentions", "figures", "timeline", "alliances")
VERSIONED = ("ev-alliance-watch", "pandas", "pyarrow", "matplotlib", "seaborn", "networkx", "papermill",
             "nbconvert", "nbformat", "ipykernel", "nh3")  # fmt: skip


class RenderError(ValueError):
    """Invalid render parameters, a busy lock, or a failed render (the CLI exits non-zero)."""


@dataclass(frozen=True)
class RenderParams:
    date: str
    corpus: tuple[Path, ...]
    focus: str | None
    since: str | None
    until: str | None
    out: Path
    force: bool
    jobs: int
    notebooks_dir: Path
    notebooks: tuple[Path, ...]
    kernel_name: str
    kernel_language: str
    kernel_is_ipykernel: bool


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


# ------------------------------------------------------------------------------------------ validation


def _iso_date(value: Any, name: str) -> str | None:
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        return value.isoformat()
    text = str(value)
    if not ISO_DATE_RE.fullmatch(text):
        raise RenderError(f"{name} must be an ISO date YYYY-MM-DD, got {text!r}")
    try:
        dt.date.fromisoformat(text)
    except ValueError as exc:
        raise RenderError(f"{name} {text!r} is not a real date ({exc})") from None
    return text


def _plain_name(focus: Any) -> str | None:
    if focus is None:
        return None
    text = str(focus).strip()
    bad = (
        not text
        or len(text) > 100
        or text in {".", ".."}
        or any(ch in text for ch in "/\\")
        or any(unicodedata.category(ch).startswith("C") for ch in text)
    )
    if bad:
        raise RenderError(
            f"focus must be a plain company name (no path separators or control characters): {focus!r}"
        )
    return text


def default_corpus() -> list[Path]:
    """seeds/ plus data/raw/ when a user has dropped articles there (its README does not count)."""
    corpus = [config.SEEDS_DIR]
    raw = config.RAW_DIR
    if raw.is_dir() and any(
        p.name.lower() != "readme.md" and not p.name.startswith(".") for p in raw.iterdir()
    ):
        corpus.append(raw)
    return corpus


def validate_params(
    date: Any = None,
    corpus: Sequence[str | os.PathLike] | None = None,
    focus: str | None = None,
    since: Any = None,
    until: Any = None,
    out: str | os.PathLike | None = None,
    force: bool = False,
    jobs: int = 1,
    notebooks_dir: str | os.PathLike | None = None,
    kernel_name: str = "python3",
) -> RenderParams:
    """Check every parameter without side effects; raise RenderError with a clear message."""
    day = _iso_date(date, "date") or dt.date.today().isoformat()
    since_s, until_s = _iso_date(since, "since"), _iso_date(until, "until")
    if since_s and until_s and since_s > until_s:
        raise RenderError(f"since ({since_s}) is after until ({until_s})")
    focus_s = _plain_name(focus)

    if isinstance(corpus, str | os.PathLike):
        corpus = [corpus]
    paths = [Path(p).expanduser() for p in (default_corpus() if corpus is None else corpus)]
    if not paths:
        raise RenderError("corpus is empty: give at least one file or folder")
    missing = [str(p) for p in paths if not p.exists()]
    if missing:
        raise RenderError(f"corpus path(s) not found: {', '.join(missing)}")

    out_dir = Path(out if out is not None else config.REPORTS_DIR).expanduser().resolve()
    if out_dir.exists() and not out_dir.is_dir():
        raise RenderError(f"out must be a directory: {out_dir}")
    if out_dir == Path(out_dir.anchor):
        raise RenderError(f"refusing to write reports into the filesystem root: {out_dir}")
    target = (out_dir / day).resolve()
    if target.parent != out_dir:
        raise RenderError(f"report folder {target} would escape {out_dir}")

    nb_dir = Path(notebooks_dir if notebooks_dir is not None else config.NOTEBOOKS_DIR).expanduser().resolve()
    if not nb_dir.is_dir():
        raise RenderError(f"notebooks folder not found: {nb_dir}")
    notebooks = tuple(sorted(p for p in nb_dir.iterdir() if p.is_file() and NOTEBOOK_RE.fullmatch(p.name)))
    if not notebooks:
        raise RenderError(f"no numbered notebooks (NN-name.ipynb) in {nb_dir}")

    if isinstance(jobs, bool) or not isinstance(jobs, int) or jobs < 1:
        raise RenderError(f"jobs must be a positive integer, got {jobs!r}")

    from jupyter_client.kernelspec import KernelSpecManager, NoSuchKernel

    try:
        spec = KernelSpecManager().get_kernel_spec(kernel_name)
    except NoSuchKernel:
        raise RenderError(
            f"no Jupyter kernel named {kernel_name!r} (see `jupyter kernelspec list`)"
        ) from None

    if target.exists() and not force:
        raise RenderError(f"a report for {day} already exists in {out_dir} (use --force to replace it)")
    return RenderParams(
        date=day,
        corpus=tuple(p.resolve() for p in paths),
        focus=focus_s,
        since=since_s,
        until=until_s,
        out=out_dir,
        force=bool(force),
        jobs=min(jobs, len(notebooks)),
        notebooks_dir=nb_dir,
        notebooks=notebooks,
        kernel_name=kernel_name,
        kernel_language=spec.language or "python",
        kernel_is_ipykernel=any("ipykernel" in str(arg) for arg in spec.argv),
    )


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


# ------------------------------------------------------------------------------------------ manifest


def _display_path(p: Path) -> str:
    try:
        shown = str(p.relative_to(config.PROJ_ROOT))
    except ValueError:
        shown = str(p)
    # a file name that is not UTF-8 (surrogate escapes) would make the manifest unwritable
    return shown.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def _tree(root: Path) -> list[Path]:
    """Every path below `root`, sorted, like ``sorted(root.rglob("*"))`` (symlinked folders are not
    entered) but without recursion: rglob fails with RecursionError below ~1,000 nested folders."""
    found, stack = [], [root]
    while stack:
        try:
            with os.scandir(stack.pop()) as entries:
                for entry in entries:
                    found.append(Path(entry.path))
                    if entry.is_dir(follow_symlinks=False):
                        stack.append(Path(entry.path))
        except OSError:
            continue
    return sorted(found)


def corpus_fingerprint(corpus: Sequence[Path], data_dir: Path) -> dict[str, Any]:
    """sha256 of every input file; the overall digest covers names relative to each corpus root and
    contents, so it does not change when the project folder moves."""
    files, lines = [], []
    for root in corpus:
        found = [root] if root.is_file() else _tree(root)
        for f in found:
            rel = f.relative_to(root) if f != root else Path(f.name)
            # symlinks inside a corpus folder are not followed: one may lead outside the corpus (the
            # loader refuses those) and one inside it is an alias of a file fingerprinted under its own name
            inner_link = f != root and f.is_symlink()
            if not inner_link and f.is_file() and not any(part.startswith(".") for part in rel.parts):
                sha = _sha256(f)
                files.append({"path": _display_path(f), "sha256": sha, "bytes": f.stat().st_size})
                lines.append(f"{rel.as_posix()}\t{sha}")
    article_ids: list[str] = []
    articles = data_dir / "articles.parquet"
    if articles.is_file():
        import pandas as pd

        df = pd.read_parquet(articles)
        if "article_id" in df.columns:
            article_ids = sorted(str(a) for a in df["article_id"].dropna())
    digest = hashlib.sha256("\n".join(lines).encode("utf-8", "surrogateescape")).hexdigest()
    return {"sha256": digest, "files": files, "article_ids": article_ids}


def table_counts(data_dir: Path) -> dict[str, int]:
    import pyarrow.parquet as pq

    return {
        t: pq.read_metadata(data_dir / f"{t}.parquet").num_rows
        for t in TABLES
        if (data_dir / f"{t}.parquet").is_file()
    }


def data_headline(data_dir: Path, counts: dict[str, int]) -> str:
    """'N alliances, newest event YYYY-MM-DD, M figures from K articles' from the data stage's tables."""
    newest = None
    path = data_dir / "alliances.parquet"
    if path.is_file():
        import pandas as pd

        df = pd.read_parquet(path)
        for col in ("start_date", "end_date", "when"):
            if col in df.columns:
                vals = sorted(str(v)[:10] for v in df[col].dropna() if ISO_DATE_RE.fullmatch(str(v)[:10]))
                if vals:
                    newest = vals[-1]
                    break
    n_all, n_fig, n_art = (counts.get(t, 0) for t in ("alliances", "figures", "articles"))
    return (
        f"{n_all} alliance{'s' if n_all != 1 else ''}"
        + (f", newest event {newest}" if newest else "")
        + f", {n_fig} figure{'s' if n_fig != 1 else ''} from {n_art} article{'s' if n_art != 1 else ''}"
    )


def package_versions() -> dict[str, str | None]:
    versions: dict[str, str | None] = {"python": platform.python_version()}
    for dist in VERSIONED:
        try:
            versions[dist] = metadata.version(dist)
        except metadata.PackageNotFoundError:
            versions[dist] = None
    return versions


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
            "corpus": [_display_path(p) for p in params.corpus],
            "focus": params.focus,
            "since": params.since,
            "until": params.until,
            "jobs": params.jobs,
            "kernel_name": params.kernel_name,
            "force": params.force,
            "notebooks_dir": _display_path(params.notebooks_dir),
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
