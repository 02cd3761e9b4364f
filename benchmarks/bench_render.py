"""Benchmark: report rendering (``render_reports``, what ``make report`` runs) vs the naive CLI chain.

The naive chain is what one would script by hand: the data stage once, then per notebook, sequentially,
one ``papermill`` CLI call and one ``jupyter nbconvert --to html --no-input`` CLI call. ``render_reports``
runs the same data stage, executes the notebooks through papermill's Python API (optionally in parallel
with ``--jobs``) and converts them in-process. Both are measured in the same run, on the same notebooks
and corpus, each into its own fresh output folder.

    .venv/bin/python benchmarks/bench_render.py                 # the project's notebooks/ and default corpus
    .venv/bin/python benchmarks/bench_render.py --synthetic 6   # 6 generated notebooks, stand-in data stage
    .venv/bin/python benchmarks/bench_render.py --jobs 4 --json benchmarks/results/render.json
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
import types
from pathlib import Path

from helpers import config
from helpers.render import default_corpus

REPORT_DATE = "2024-01-01"

SYNTHETIC_PIPELINE = """
from pathlib import Path
import pandas as pd

def extract_corpus(paths, out_dir, csv=False):
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    n = 200
    tables = {
        "articles": pd.DataFrame({"article_id": [f"a{i:03d}" for i in range(n)], "path": "synthetic"}),
        "alliances": pd.DataFrame({
            "article_id": [f"a{i:03d}" for i in range(n)], "party_a": [f"Maker{i % 17}" for i in range(n)],
            "party_b": [f"Maker{(i * 7) % 23}" for i in range(n)],
            "type": "joint_venture", "status": "signed",
            "when": [f"{2015 + i % 10}-01-01" for i in range(n)],
            "start_date": [f"{2015 + i % 10}-01-01" for i in range(n)],
        }),
        "figures": pd.DataFrame({"article_id": [f"a{i:03d}" for i in range(n)], "kind": "percent",
                                 "market": "China", "value": [float(i % 50) for i in range(n)],
                                 "qualifier": "exact", "period": [str(2015 + i % 10) for i in range(n)]}),
    }
    for name in ("removed_lines", "quarantine", "mentions", "timeline"):
        tables[name] = pd.DataFrame({"article_id": pd.Series([], dtype=str)})
    for name, df in tables.items():
        df.to_parquet(out_dir / f"{name}.parquet", index=False)
    return {name: len(df) for name, df in tables.items()}
"""

SYNTHETIC_CELLS = [
    'corpus = None\nprocessed_dir = "../data/processed"\nfocus = None\nsince = None\nuntil = None\n'
    "report_date = None",
    "from pathlib import Path\nimport pandas as pd\nimport matplotlib.pyplot as plt\n"
    "alliances = pd.read_parquet(Path(processed_dir) / 'alliances.parquet')",
    "alliances.groupby('party_a').size().sort_values(ascending=False).head(10).to_frame('n')",
    "fig, ax = plt.subplots(figsize=(6, 3))\n"
    "alliances['when'].str[:4].value_counts().sort_index().plot.bar(ax=ax)\nplt.show()",
]


def make_synthetic(root: Path, n: int) -> tuple[Path, list[Path]]:
    import nbformat

    nbdir = root / "notebooks"
    nbdir.mkdir()
    for i in range(1, n + 1):
        nb = nbformat.v4.new_notebook()
        nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
        cells = [nbformat.v4.new_markdown_cell(f"# Synthetic notebook {i}")]
        cells += [nbformat.v4.new_code_cell(src) for src in SYNTHETIC_CELLS]
        cells[1].metadata["tags"] = ["parameters"]
        nb.cells = cells
        nbformat.write(nb, nbdir / f"{i:02d}-synthetic-{i}.ipynb")
    (root / "synthetic_pipeline.py").write_text(SYNTHETIC_PIPELINE)
    module = types.ModuleType("helpers.pipeline")
    exec(SYNTHETIC_PIPELINE, module.__dict__)
    sys.modules["helpers.pipeline"] = module  # for the naive chain's in-process data stage
    corpus = root / "corpus"
    corpus.mkdir()
    (corpus / "placeholder.txt").write_text("synthetic corpus\n")
    return nbdir, [corpus]


def naive_chain(nbdir: Path, corpus: list[Path], work: Path) -> tuple[float, float]:
    """Data stage in-process, then papermill CLI + nbconvert CLI per notebook. Returns (total, data stage)."""
    from importlib import import_module

    bindir = Path(sys.executable).parent
    data = work / "data"
    t0 = time.perf_counter()
    import_module("helpers.pipeline").extract_corpus(list(corpus), data)
    t_data = time.perf_counter() - t0
    corpus_yaml = json.dumps([str(p) for p in corpus])  # JSON is YAML
    for nb in sorted(nbdir.glob("[0-9][0-9]-*.ipynb")):
        out_nb = work / nb.name
        subprocess.run(
            [str(bindir / "papermill"), str(nb), str(out_nb), "--cwd", str(nbdir), "-k", "python3",
             "-p", "report_date", REPORT_DATE, "-p", "processed_dir", str(data),
             "-y", f"corpus: {corpus_yaml}", "--no-progress-bar", "--log-level", "WARNING"],
            check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        subprocess.run(
            [str(bindir / "jupyter"), "nbconvert", "--to", "html", "--no-input", str(out_nb)],
            check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
    return time.perf_counter() - t0, t_data


RENDER_RUNNER = """
import json, sys
from pathlib import Path
if sys.argv[2]:  # --synthetic: the stand-in data stage
    sys.path.insert(0, sys.argv[2])
    import synthetic_pipeline
    sys.modules["helpers.pipeline"] = synthetic_pipeline
from helpers.render import render_reports
render_reports(**json.loads(sys.argv[1]))
"""


def timed_render(nbdir: Path, corpus: list[Path], out: Path, jobs: int, synthetic_dir: str) -> float:
    """A fresh process, like `make report`: interpreter start and imports are part of the time."""
    kwargs = dict(date=REPORT_DATE, corpus=[str(p) for p in corpus], out=str(out), notebooks_dir=str(nbdir),
                  jobs=jobs, progress=False)  # fmt: skip
    t0 = time.perf_counter()
    subprocess.run([sys.executable, "-c", RENDER_RUNNER, json.dumps(kwargs), synthetic_dir], check=True)
    return time.perf_counter() - t0


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--notebooks", type=Path, default=config.NOTEBOOKS_DIR)
    ap.add_argument("--corpus", type=Path, nargs="+", default=None)
    ap.add_argument(
        "--jobs", type=int, default=min(4, os.cpu_count() or 1), help="parallel render (default %(default)s)"
    )
    ap.add_argument(
        "--synthetic", type=int, metavar="N", help="generate N notebooks and a stand-in data stage"
    )
    ap.add_argument("--json", type=Path, help="also write the results here")
    args = ap.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="bench-render-") as tmp:
        root = Path(tmp)
        if args.synthetic:
            nbdir, corpus = make_synthetic(root, args.synthetic)
        else:
            nbdir, corpus = args.notebooks.resolve(), [p.resolve() for p in (args.corpus or default_corpus())]
            try:
                import helpers.pipeline  # noqa: F401
            except ImportError as exc:
                ap.error(f"the data stage is not importable ({exc}); use --synthetic N")
        n = len(list(nbdir.glob("[0-9][0-9]-*.ipynb")))
        if n == 0:
            ap.error(f"no NN-*.ipynb notebooks in {nbdir}; use --synthetic N")
        print(
            f"{n} notebooks from {nbdir}; corpus {', '.join(map(str, corpus))}; {os.cpu_count()} CPUs",
            flush=True,
        )

        (root / "naive").mkdir()
        t_naive, t_data = naive_chain(nbdir, corpus, root / "naive")
        label = "naive chain (papermill CLI + nbconvert CLI per notebook, sequential):"
        print(f"{label:<72}{t_naive:7.1f} s  (data stage {t_data:.1f} s)", flush=True)
        results = {"notebooks": n, "naive_s": round(t_naive, 2), "data_stage_s": round(t_data, 2)}
        for jobs in sorted({1, args.jobs}):
            t = timed_render(
                nbdir, corpus, root / f"reports-j{jobs}", jobs, str(root) if args.synthetic else ""
            )
            results[f"render_jobs{jobs}_s"] = round(t, 2)
            results[f"ratio_jobs{jobs}"] = round(t_naive / t, 2)
            label = f"render_reports(jobs={jobs}) in one fresh process (as `make report`):"
            print(f"{label:<72}{t:7.1f} s  naive/render = {t_naive / t:.2f}x", flush=True)

    if args.json:
        results.update(
            date=dt.date.today().isoformat(), python=platform.python_version(), cpus=os.cpu_count(),
            synthetic=bool(args.synthetic),
        )  # fmt: skip
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(results, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
