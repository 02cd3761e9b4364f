"""`make notebooks`: re-execute the committed notebooks in place with their default parameters.

Their stored outputs are what nbval compares in `make test`; refresh them after a deliberate change
(or a pinned-library upgrade) with this command and review the diff.
"""

from __future__ import annotations

import sys
from pathlib import Path

from . import config


def numbered_notebooks(folder: Path = config.NOTEBOOKS_DIR) -> list[Path]:
    """The report's notebooks, in order: NN-name.ipynb."""
    return sorted(p for p in folder.glob("[0-9][0-9]-*.ipynb") if p.is_file())


def execute_in_place(paths: list[Path] | None = None) -> None:
    """Execute each notebook top to bottom (papermill, default parameters) and save it with its outputs."""
    import papermill

    for path in paths or numbered_notebooks():
        print(f"executing {path.name}", file=sys.stderr)
        papermill.execute_notebook(
            str(path),
            str(path),
            parameters={},
            kernel_name="python3",
            cwd=str(path.parent),
            progress_bar=False,
            log_level="CRITICAL",
        )
        strip_run_metadata(path)


def strip_run_metadata(path: Path) -> None:
    """Drop per-run timestamps and durations (papermill, nbclient) so a re-run with the same outputs leaves
    the committed notebook unchanged."""
    import nbformat

    nb = nbformat.read(path, as_version=4)
    nb.metadata.pop("papermill", None)
    for cell in nb.cells:
        cell.metadata.pop("execution", None)
        cell.metadata.pop("papermill", None)
    nbformat.write(nb, path)


if __name__ == "__main__":
    execute_in_place([Path(p) for p in sys.argv[1:]] or None)


def notebook_index(folder: Path = config.NOTEBOOKS_DIR):
    """The collection at a glance: each numbered notebook and the title its first heading gives."""
    import nbformat
    import pandas as pd

    from .report_index import notebook_title

    rows = [
        {"notebook": p.name, "title": notebook_title(nbformat.read(p, as_version=4), p.stem)}
        for p in numbered_notebooks(folder)
    ]
    return pd.DataFrame(rows, columns=["notebook", "title"])
