"""Crash safety of `evwatch extract`: a SIGKILL at any moment leaves the earlier tables byte for byte as
they were, and the next run recovers without manual clean-up.

`tables.write_tables` writes every table to a temp file (``.<name>.<pid>.<random>.tmp``, fsynced) and renames
them over the old ones only when all are complete; the next write removes the temp files of dead writers.
Each kill test runs at several kill points: by delay during start-up and extraction, and by the number of
temp files present during the write phase. The streaming engine (partitioned output) is killed by delay
and at given renames of its commit. (test_render.py covers a killed render.)
"""

from __future__ import annotations

import hashlib
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path
from types import SimpleNamespace

import pandas as pd
import pytest

from helpers import tables
from helpers.pipeline import extract_corpus
from helpers.scale import extract_streaming

EVWATCH = str(Path(sys.executable).with_name("evwatch"))
N_ARTICLES = 3000
COMPANIES = ["Nissan", "Honda", "Toyota", "BYD", "Hyundai", "Kia", "Ford", "Volkswagen", "Renault", "Geely"]


def make_corpus(folder: Path, n: int, seed: int) -> Path:
    """`n` small articles, each with mentions, money, a percentage, dates and an alliance."""
    rng = random.Random(seed)
    folder.mkdir(parents=True)
    for i in range(n):
        a, b = rng.sample(COMPANIES, 2)
        (folder / f"a{i:05d}.txt").write_text(
            f"{a} And {b} Expand EV Partnership {i}\n\n"
            f"{a} and {b} signed a memorandum of understanding on March {1 + i % 28}, 2024 to develop electric "
            f"vehicles together, investing ${1 + i % 9}.{i % 10} billion over the next two years.\n\n"
            f"The companies said EVs made up about {10 + i % 30}% of sales in China in 2023, and that "
            f"production would start in fiscal year {2025 + i % 4}.\n",
            encoding="utf-8",
        )
    return folder


def state(out: Path) -> dict[str, str]:
    """The visible files of an output folder and their digests."""
    return {
        p.name: hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(out.iterdir())
        if not p.name.startswith(".")
    }


def temp_files(out: Path) -> list[str]:
    return sorted(p.name for p in out.iterdir() if p.name.startswith(".") and p.name.endswith(".tmp"))


def cli_extract(corpus: Path, out: Path) -> subprocess.CompletedProcess:
    proc = subprocess.run(
        [EVWATCH, "extract", str(corpus), "--out", str(out), "--csv", "--quiet"],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    return proc


def spawn_extract(corpus: Path, out: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [EVWATCH, "extract", str(corpus), "--out", str(out), "--csv", "--quiet"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )


def kill(proc: subprocess.Popen) -> int:
    """SIGKILL the run (its whole session) if it is still going; return its exit code."""
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGKILL)
    proc.wait(timeout=60)
    proc.stderr.close()
    return proc.returncode


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    """A small corpus and its tables (the "earlier outputs"), and a 3,000-article corpus with a complete
    reference run (its duration sets the kill delays; its tables are what a finished run writes)."""
    root = tmp_path_factory.mktemp("crash")
    small = make_corpus(root / "small", 40, seed=1)
    big = make_corpus(root / "big", N_ARTICLES, seed=2)
    baseline = root / "baseline"
    cli_extract(small, baseline)
    recovery = make_corpus(root / "recovery", 30, seed=3)  # what the next run extracts
    extract_corpus([recovery], root / "recovered", csv=True)
    reference = root / "reference"
    started = time.monotonic()
    cli_extract(big, reference)
    duration = time.monotonic() - started
    return SimpleNamespace(
        root=root,
        small=small,
        big=big,
        recovery=recovery,
        baseline=baseline,
        before=state(baseline),
        after=state(reference),
        recovered=state(root / "recovered"),
        duration=duration,
    )


def _fresh_out(runs, name: str) -> Path:
    out = runs.root / name
    shutil.copytree(runs.baseline, out)
    assert state(out) == runs.before
    return out


def _check_intact_then_recover(runs, out: Path, code: int) -> list[str]:
    """After a kill: the tables are the earlier ones, byte for byte (never a mix, never a partial file).
    Then a plain next run works and leaves no temp file behind."""
    assert code == -signal.SIGKILL
    now = state(out)
    assert now == runs.before, "a killed run changed the earlier outputs"
    for name in now:
        if name.endswith(".parquet"):
            pd.read_parquet(out / name)  # readable
    leftovers = temp_files(out)
    extract_corpus([runs.recovery], out, csv=True)  # the next run, in the state the kill left
    assert state(out) == runs.recovered != runs.before
    assert temp_files(out) == []
    assert len(tables.load_tables(out)["articles"]) == 30
    return leftovers


def _kill_run(runs, name: str, wait_for_kill_point, tries: int = 3) -> tuple[Path, int, set[str]]:
    """Start an extract of the big corpus over a copy of the earlier tables, call
    `wait_for_kill_point(proc, out, attempt)`, SIGKILL it. A run that finished before its kill point (a
    fast machine, a slow poll) must have written all the new tables; so must one killed after its commit
    (while the interpreter shuts down: the run is faster than the reference run that set the delays).
    Either is retried with an earlier kill point (up to `tries`)."""
    for attempt in range(tries):
        out = _fresh_out(runs, f"{name}-{attempt}")
        proc = spawn_extract(runs.big, out)
        try:
            seen = wait_for_kill_point(proc, out, attempt)
        finally:
            code = kill(proc)
        if code == -signal.SIGKILL and state(out) != runs.after:
            return out, code, seen
        assert code in (0, -signal.SIGKILL) and state(out) == runs.after and temp_files(out) == []
    pytest.fail(f"{name}: the run finished before its kill point in {tries} tries")


@pytest.mark.parametrize("fraction", [0.05, 0.4, 0.75], ids=["start-up", "extracting", "late"])
def test_sigkill_during_a_run_leaves_earlier_tables_intact(runs, fraction):
    def wait(proc, out, attempt):
        time.sleep(fraction * runs.duration / 2**attempt)
        return set()

    out, code, _ = _kill_run(runs, f"out-delay-{fraction}", wait)
    _check_intact_then_recover(runs, out, code)


@pytest.mark.parametrize("which", ["first", "half", "all-but-one"])
def test_sigkill_while_writing_tables_leaves_earlier_tables_intact(runs, which):
    """Kill once the k-th temp file has appeared (counting every one seen, even if already renamed: a
    writer that renames each table at once would be caught with some tables new and some old)."""
    n_files = len(runs.after)  # parquet + csv per table
    n_temp = {"first": 1, "half": n_files // 2, "all-but-one": n_files - 1}[which]

    def wait(proc, out, attempt):
        seen: set[str] = set()
        deadline = time.monotonic() + 20 * runs.duration + 60
        while len(seen) < n_temp and proc.poll() is None:
            assert time.monotonic() < deadline, "the write phase never started"
            seen.update(temp_files(out))
            time.sleep(0.0005)
        return seen

    out, code, seen = _kill_run(runs, f"out-writing-{which}", wait)
    assert len(seen) >= n_temp
    leftovers = _check_intact_then_recover(runs, out, code)
    assert len(leftovers) >= n_temp  # the kill did land mid-write: its temp files were left, then removed


def test_stale_temp_files_of_dead_writers_are_removed_live_ones_kept(tmp_path):
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    stale = tmp_path / f".articles.parquet.{dead.pid}.0123abcd.tmp"
    live = tmp_path / f".articles.parquet.{os.getpid()}.89abcdef.tmp"  # a writer still running (us)
    legacy_old = tmp_path / ".mentions.parquet.k2j4_x9q.tmp"  # the old naming, from hours ago
    legacy_new = tmp_path / ".figures.csv.a1b2c3d4.tmp"  # the old naming, just now: maybe live
    other = tmp_path / ".notes.tmp"  # not ours
    for p in (stale, live, legacy_old, legacy_new, other):
        p.write_bytes(b"partial")
    hours_ago = time.time() - 7200
    os.utime(legacy_old, (hours_ago, hours_ago))
    tables.write_tables({"quarantine": tables.empty("quarantine")}, tmp_path)
    assert temp_files(tmp_path) == sorted(p.name for p in (live, legacy_new, other))
    assert (tmp_path / "quarantine.parquet").is_file()
    assert oct((tmp_path / "quarantine.parquet").stat().st_mode & 0o777) != oct(0o600)  # not mkstemp's 0600


def test_a_failing_write_changes_nothing(tmp_path, monkeypatch):
    tables.write_tables(
        {"quarantine": tables.empty("quarantine"), "duplicates": tables.empty("duplicates")}, tmp_path
    )
    before = state(tmp_path)
    broken = pd.DataFrame({"path": ["x"], "reason": ["r"], "detail": ["d"]})
    calls = []

    def boom(self, *args, **kwargs):
        calls.append(args)
        if len(calls) == 2:
            raise OSError("disk full")
        return original(self, *args, **kwargs)

    original = pd.DataFrame.to_parquet
    monkeypatch.setattr(pd.DataFrame, "to_parquet", boom)
    with pytest.raises(OSError, match="disk full"):
        tables.write_tables({"quarantine": broken, "duplicates": tables.empty("duplicates")}, tmp_path)
    assert state(tmp_path) == before and temp_files(tmp_path) == []


# --- the streaming engine (partitioned output) -----------------------------------------------------
#
# `scale.extract_streaming` builds its tables in a staging folder inside --out and moves them into place
# with `tables.commit_partitioned`: the manifest is written last, so a folder without one is refused as
# incomplete; a commit cut short is finished by the next write into the folder (it had a journal).

STREAM_ARTICLES = 500
STREAM_FLAGS = ["--engine", "local", "--chunk-size", "50", "--quiet"]
# Runs extract_streaming and SIGKILLs itself at the k-th rename of the commit (after the journal).
KILL_IN_COMMIT = """
import os, signal, sys
from helpers import scale, tables

corpus, out, k = sys.argv[1], sys.argv[2], int(sys.argv[3])
roll_forward, real_replace, seen = tables._roll_forward, os.replace, []

def replace(src, dst):
    if len(seen) == k:
        os.kill(os.getpid(), signal.SIGKILL)
    seen.append(dst)
    real_replace(src, dst)

def killing_roll_forward(*args):
    os.replace = replace
    roll_forward(*args)

tables._roll_forward = killing_roll_forward
scale.extract_streaming([corpus], out, chunk_size=7, progress=False)
"""


def tree_state(out: Path) -> dict[str, str]:
    """Every visible file under an output folder (hidden names, i.e. staging and temp files, skipped)."""
    return {
        str(p.relative_to(out)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(out.rglob("*"))
        if p.is_file() and not any(part.startswith(".") for part in p.relative_to(out).parts)
    }


def hidden(out: Path) -> list[str]:
    return sorted(p.name for p in out.iterdir() if p.name.startswith("."))


def stream_cmd(corpus: Path, out: Path) -> list[str]:
    return [sys.executable, "-m", "helpers.cli", "extract", str(corpus), "--out", str(out), *STREAM_FLAGS]


@pytest.fixture(scope="module")
def stream_runs(tmp_path_factory):
    """An earlier partitioned output (small corpus), a reference streaming run of a 500-article corpus
    (its duration sets the kill delays) and what the next run on a 30-article corpus writes."""
    root = tmp_path_factory.mktemp("stream-crash")
    small = make_corpus(root / "small", 40, seed=1)
    big = make_corpus(root / "big", STREAM_ARTICLES, seed=2)
    recovery = make_corpus(root / "recovery", 30, seed=3)
    baseline = root / "baseline"
    extract_streaming([small], baseline, chunk_size=50, progress=False)  # what the CLI writes
    started = time.monotonic()
    subprocess.run(stream_cmd(big, root / "reference"), check=True, capture_output=True, timeout=300)
    duration = time.monotonic() - started
    extract_streaming([recovery], root / "recovered", chunk_size=50, progress=False)
    extract_streaming([recovery], root / "recovery-k7", chunk_size=7, progress=False)
    return SimpleNamespace(
        root=root,
        big=big,
        recovery=recovery,
        baseline=baseline,
        before=tree_state(baseline),
        after=tree_state(root / "reference"),
        recovered=tree_state(root / "recovered"),
        recovered_k7=tree_state(root / "recovery-k7"),
        duration=duration,
    )


def _fresh_stream_out(stream_runs, name: str) -> Path:
    out = stream_runs.root / name
    shutil.copytree(stream_runs.baseline, out)
    assert tree_state(out) == stream_runs.before
    return out


@pytest.mark.parametrize("fraction", [0.4, 0.8], ids=["extracting", "late"])
def test_sigkill_during_a_streaming_run_leaves_earlier_output_intact(stream_runs, fraction):
    for attempt in range(3):
        out = _fresh_stream_out(stream_runs, f"stream-delay-{fraction}-{attempt}")
        proc = subprocess.Popen(
            stream_cmd(stream_runs.big, out),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            start_new_session=True,
        )
        try:
            time.sleep(fraction * stream_runs.duration / 2**attempt)
        finally:
            code = kill(proc)
        if code == -signal.SIGKILL and tree_state(out) != stream_runs.after:
            break
        if code != -signal.SIGKILL:
            assert code == 0 and tree_state(out) == stream_runs.after and hidden(out) == []
        # else the kill landed after the run had committed its whole new output (a warm run can be faster
        # than the timed reference run): that is all-or-nothing too, but not the case under test; kill earlier
    else:
        pytest.fail("the streaming run finished (or committed) before its kill point in 3 tries")
    if list(out.glob(".evwatch-staging-*/_commit.json")):  # the kill landed in the commit's renames
        with pytest.raises(tables.IncompleteOutput):
            tables.load_tables(out)
        tables.remove_stale_temp(out)
        tables.remove_stale_staging(out)
        assert tree_state(out) == stream_runs.after
    else:
        assert tree_state(out) == stream_runs.before, "a killed run changed the earlier output"
        assert len(tables.load_tables(out)["articles"]) == 40
    extract_streaming([stream_runs.recovery], out, chunk_size=50, progress=False)  # the next run
    assert tree_state(out) == stream_runs.recovered
    assert hidden(out) == []  # the killed run's staging folder (and any temp file) is gone


@pytest.mark.parametrize("k", [0, 9, 20], ids=["first-move", "mid-move", "before-manifest"])
def test_sigkill_while_committing_is_refused_then_finished(stream_runs, k):
    """Killed after its journal: the folder has no manifest (load_tables refuses it, never a mix); the
    next write finishes the killed commit (roll forward) before doing its own work."""
    out = _fresh_stream_out(stream_runs, f"stream-commit-{k}")
    proc = subprocess.run(
        [sys.executable, "-c", KILL_IN_COMMIT, str(stream_runs.recovery), str(out), str(k)],
        capture_output=True,
        timeout=300,
    )
    assert proc.returncode == -signal.SIGKILL, proc.stderr.decode()[-2000:]
    assert not (out / "_manifest.json").exists()
    with pytest.raises(tables.IncompleteOutput, match="killed"):
        tables.load_tables(out)
    tables.remove_stale_temp(out)  # what every write into the folder does first
    assert tables.remove_stale_staging(out)
    assert tree_state(out) == stream_runs.recovered_k7  # the killed run's output, complete
    assert hidden(out) == []
    tables.write_tables({"quarantine": tables.empty("quarantine")}, out)  # an in-memory run retires it
    assert sorted(p.name for p in out.iterdir()) == ["quarantine.parquet"]
