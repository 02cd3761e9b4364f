"""The command line contract: `evwatch extract` writes the tables, prints a summary, writes safe CSV."""

from __future__ import annotations

import os
import subprocess
import sys

import pandas as pd
import pytest

from helpers import cli, config
from helpers.bench import result_name
from helpers.cli import build_parser
from helpers.tables import COLUMNS, load_tables


def run(*args: str, cwd=None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "helpers.cli", *args], capture_output=True, text=True, timeout=300, cwd=cwd
    )


def test_extract_writes_every_table_with_contract_columns(tmp_path):
    result = run("extract", str(config.SEEDS_DIR), "--out", str(tmp_path / "out"), "--csv")
    assert result.returncode == 0, result.stderr
    summary = result.stdout.strip().splitlines()[-1]
    assert summary.startswith("extracted 5 articles (0 duplicates), 0 quarantined")
    for name, cols in COLUMNS.items():
        df = pd.read_parquet(tmp_path / "out" / f"{name}.parquet")
        assert list(df.columns[: len(cols)]) == cols, name
        assert (tmp_path / "out" / f"{name}.csv").exists()
    assert len(pd.read_parquet(tmp_path / "out" / "alliances.parquet")) > 0


def test_csv_export_neutralizes_formulas(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "a.csv").write_text(
        'title,text\n"=HYPERLINK(""http://x"")","@SUM(A1) Nissan and Honda signed an MOU."\n'
    )
    result = run("extract", str(corpus), "--out", str(tmp_path / "out"), "--csv")
    assert result.returncode == 0, result.stderr
    text = (tmp_path / "out" / "articles.csv").read_text()
    assert "'=HYPERLINK" in text and "'@SUM" in text
    assert ",=HYPERLINK" not in text and ",@SUM" not in text


def test_parser_contract():
    parser = build_parser()
    args = parser.parse_args(
        ["render", "--date", "2024-05-01", "--focus", "Honda", "--corpus", "seeds", "data/raw"]
    )
    assert (args.date, args.focus, args.corpus) == ("2024-05-01", "Honda", ["seeds", "data/raw"])
    args = parser.parse_args(["bench", "--articles", "100", "--engine", "dask", "--workers", "2"])
    assert (args.articles, args.engine, args.workers) == (100, "dask", 2)


def test_render_refuses_a_bad_date_before_any_kernel(tmp_path):
    result = run("render", "--date", "2024-13-01", "--out", str(tmp_path / "reports"))
    assert result.returncode != 0
    assert "2024-13-01" in result.stderr
    assert not any((tmp_path / "reports").glob("20*"))


# --- engines -----------------------------------------------------------------------------------------

CORPUS = [str(config.PROJ_ROOT / "tests" / "fixtures" / "articles"), str(config.SEEDS_DIR)]


def test_every_engine_writes_the_same_tables(tmp_path):
    """memory (single files), local and dask (partitioned parquet; load_tables reads both) agree."""
    runs = {
        "memory": ["--engine", "memory"],
        "local": ["--engine", "local", "--chunk-size", "4"],
        "dask": ["--engine", "dask", "--workers", "1", "--chunk-size", "5"],
    }
    got = {}
    for engine, flags in runs.items():
        out = tmp_path / engine
        result = run("extract", *CORPUS, "--out", str(out), "--quiet", *flags)
        assert result.returncode == 0, result.stderr
        summary = result.stdout.strip().splitlines()[-1]
        assert summary.startswith("extracted 12 articles (0 duplicates), 0 quarantined"), summary
        assert summary.endswith(f"({engine} engine)")
        assert (out / "_manifest.json").exists() == (engine != "memory")
        got[engine] = load_tables(out)
    assert len(list((tmp_path / "local" / "articles").glob("part-*.parquet"))) == 3
    for engine in ("local", "dask"):
        assert sorted(got[engine]) == sorted(got["memory"])
        for name, df in got["memory"].items():
            pd.testing.assert_frame_equal(df, got[engine][name], obj=f"{engine}: {name}")


@pytest.mark.parametrize(
    "flags, message",
    [
        (["--engine", "local", "--csv"], "--csv is not available with --engine local"),
        (["--engine", "dask", "--csv"], "--csv is not available with --engine dask"),
        (["--workers", "2"], "--workers applies to --engine dask only"),
        (["--engine", "local", "--scheduler", "tcp://127.0.0.1:8786"], "--scheduler applies to"),
        (["--engine", "dask", "--workers", "2", "--scheduler", "tcp://h:1"], "does not apply with"),
        (["--chunk-size", "0"], "--chunk-size must be at least 1"),
        (["--engine", "dask", "--workers", "0"], "--workers must be at least 1"),
    ],
)
def test_extract_refuses_bad_engine_options_before_any_work(tmp_path, flags, message):
    result = run("extract", str(config.SEEDS_DIR), "--out", str(tmp_path / "out"), *flags)
    assert result.returncode == 2
    assert result.stderr.startswith("evwatch extract: ") and message in result.stderr
    assert result.stdout == "" and not (tmp_path / "out").exists()


def test_unreachable_scheduler_fails_fast_without_output(tmp_path):
    env = {**os.environ, "DASK_DISTRIBUTED__COMM__TIMEOUTS__CONNECT": "1s"}
    result = subprocess.run(
        [sys.executable, "-m", "helpers.cli", "extract", str(config.SEEDS_DIR), "--out",
         str(tmp_path / "out"), "--engine", "dask", "--scheduler", "tcp://127.0.0.1:9"],
        capture_output=True, text=True, timeout=120, env=env,
    )  # fmt: skip
    assert result.returncode == 1
    assert "evwatch extract: cannot reach the Dask scheduler at tcp://127.0.0.1:9" in result.stderr
    assert not (tmp_path / "out").exists()


def test_auto_engine_streams_large_inputs_only(tmp_path, monkeypatch, capsys):
    assert cli.choose_engine("auto", [str(config.SEEDS_DIR)], csv=False) == "memory"
    assert cli.input_bytes([str(config.SEEDS_DIR)]) == sum(
        p.stat().st_size for p in config.SEEDS_DIR.iterdir() if p.name != "metadata.csv"
    )
    monkeypatch.setattr(cli, "AUTO_STREAMING_BYTES", 1000)  # the seeds are larger than that
    assert cli.choose_engine("auto", [str(config.SEEDS_DIR)], csv=True) == "memory"  # CSV needs memory
    assert cli.choose_engine("memory", [str(config.SEEDS_DIR)], csv=False) == "memory"
    assert cli.main(["extract", str(config.SEEDS_DIR), "--out", str(tmp_path / "out"), "--quiet"]) == 0
    assert capsys.readouterr().out.rstrip().endswith("(local engine)")
    assert (tmp_path / "out" / "_manifest.json").exists()
    assert len(load_tables(tmp_path / "out")["articles"]) == 5


def test_parser_extract_engine_options():
    args = build_parser().parse_args(["extract", "seeds", "--out", "o"])
    assert (args.engine, args.workers, args.scheduler, args.chunk_size) == ("auto", None, None, 500)
    args = build_parser().parse_args(
        ["extract", "seeds", "--out", "o", "--engine", "dask", "--workers", "3", "--scheduler",
         "tcp://h:8786", "--chunk-size", "50"]
    )  # fmt: skip
    assert (args.engine, args.workers, args.scheduler, args.chunk_size) == ("dask", 3, "tcp://h:8786", 50)


def test_bench_can_leave_out_the_lifecycle_step_as_its_recorded_command_says():
    assert build_parser().parse_args(["bench"]).lifecycles is True
    args = build_parser().parse_args(["bench", "--articles", "10", "--no-lifecycles", "--no-baseline"])
    assert (args.lifecycles, args.baseline, args.articles) == (False, False, 10)
    assert result_name(args) == "local-n10-no-lifecycles"  # its result does not overwrite a full run's
    assert result_name(build_parser().parse_args(["bench", "--articles", "10"])) == "local-n10"
