"""Crash safety of `evwatch extract`: a SIGKILL at any moment leaves the earlier tables byte for byte as
they were, and the next run recovers without manual clean-up.

`tables.write_tables` writes every table to a temp file (``.<name>.<pid>.<random>.tmp``, fsynced) and renames
them over the old ones only when all are complete; the next write removes the temp files of dead writers.
Each kill test runs at several kill points: by delay during start-up and extraction, and by the number of
temp files present during the write phase. (test_render.py covers a killed render.)
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
    fast machine, a slow poll) must have written all the new tables; it is retried (up to `tries`)."""
    for attempt in range(tries):
        out = _fresh_out(runs, f"{name}-{attempt}")
        proc = spawn_extract(runs.big, out)
        try:
            seen = wait_for_kill_point(proc, out, attempt)
        finally:
            code = kill(proc)
        if code == -signal.SIGKILL:
            return out, code, seen
        assert code == 0 and state(out) == runs.after and temp_files(out) == []
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
