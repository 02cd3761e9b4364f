"""The command line contract: `evwatch extract` writes the tables, prints a summary, writes safe CSV."""

from __future__ import annotations

import subprocess
import sys

import pandas as pd

from helpers import config
from helpers.cli import build_parser
from helpers.tables import COLUMNS


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
