"""ev-alliance-watch helpers: the logic behind the notebooks, one module per stage.

At the prompt (a notebook, IPython, ``python``)::

    import helpers
    tables = helpers.load_tables("../data/processed")   # or a report folder: "../reports/2024-05-06"
    tables                                              # table names and sizes
    tables["alliances"].query("party_a == 'Nissan'")

Modules: ``pipeline`` (the data stage), ``tables`` (column contract), ``views`` (reader-facing tables),
``charts`` (figures), ``explorer`` (interactive filter of alliance events), ``render`` (dated reports; its
parameters in ``render_params``, its manifest facts in ``render_manifest``).

``import helpers`` stays fast: nothing heavy (pandas, matplotlib) is imported until a function needs it.
"""

from __future__ import annotations

import importlib
import os

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (checkers treat it alike)
if TYPE_CHECKING:
    from pathlib import Path

__all__ = ["Tables", "load_tables"]


class Tables(dict):
    """The processed tables by name (``articles``, ``alliances``, ...): a plain ``dict`` of DataFrames.

    Its only addition is a short summary as its repr (names, rows and columns) instead of every table
    printed in full, and ``folder``: where the tables were read from.
    """

    folder: Path | None = None

    def __repr__(self) -> str:
        where = f" from {self.folder}" if self.folder else ""
        lines = [f"{len(self)} tables{where}:"]
        for name, df in self.items():
            shape = getattr(df, "shape", None)
            size = f"{shape[0]} rows x {shape[1]} columns" if shape else type(df).__name__
            lines.append(f"  {name:<14} {size}")
        return "\n".join(lines)

    def _repr_pretty_(self, printer, cycle: bool) -> None:  # IPython's display of the repr
        printer.text("Tables(...)" if cycle else repr(self))


def load_tables(path: str | Path | None = None) -> Tables:
    """Load the processed tables (parquet) of a folder: ``{"articles": DataFrame, "alliances": ...}``.

    Parameters
    ----------
    path
        A folder written by ``evwatch extract CORPUS --out DIR`` (``*.parquet`` files, or partitioned
        ``<table>/part-*.parquet`` with ``_manifest.json`` from ``--engine local|dask``), or a report folder
        ``reports/YYYY-MM-DD`` (its ``data/`` subfolder is used). Relative paths are relative to the
        current directory, which in a notebook is ``notebooks/``. Default: the project's ``data/processed``.

    Returns
    -------
    Tables
        A dict of pandas DataFrames, one per table, with the columns of ``helpers.tables.COLUMNS``
        (tables missing from the folder come back empty with those columns). Text columns are pandas
        strings; dates (``published``, ``start_date``, ``end_date``) stay ISO strings such as
        ``"2024-03-15"``, ``"2024-03"`` or ``"2024"`` because a date's precision matters.

    Raises
    ------
    FileNotFoundError
        When the folder does not exist or holds no tables (with the command that writes them).

    Examples
    --------
    >>> tables = helpers.load_tables("../data/processed")          # doctest: +SKIP
    >>> tables["alliances"][["party_a", "party_b", "type", "when"]]  # doctest: +SKIP
    """
    from pathlib import Path

    from . import config
    from . import tables as _tables

    folder = Path(path).expanduser() if path is not None else config.PROCESSED_DIR
    if not folder.is_dir():
        raise FileNotFoundError(f"no such folder: {folder} (current directory: {Path.cwd()})")
    from .scale import is_partitioned

    def has_tables(candidate: Path) -> bool:  # single files, or the streaming engine's partitioned output
        return candidate.is_dir() and (any(candidate.glob("*.parquet")) or is_partitioned(candidate))

    if not has_tables(folder) and has_tables(folder / "data"):
        folder = folder / "data"  # a dated report keeps its tables in data/
    if not has_tables(folder):
        raise FileNotFoundError(
            f"no tables (*.parquet) in {folder}; write them with "
            f"`evwatch extract seeds data/raw --out {folder}` or point at a report folder"
        )
    out = Tables(_tables.load_tables(folder))
    out.folder = folder
    return out


def _submodules() -> list[str]:
    """Modules (``views.py``) and subpackages (``charts/``) of this package."""
    here = os.path.dirname(__file__)
    names = set()
    for entry in os.listdir(here):
        if entry.startswith(("_", ".")):
            continue
        if entry.endswith(".py"):
            names.add(entry[:-3])
        elif os.path.isfile(os.path.join(here, entry, "__init__.py")):
            names.add(entry)
    return sorted(names)


def __getattr__(name: str):
    """``helpers.charts``, ``helpers.explorer``, ...: submodules import on first use (PEP 562)."""
    if name in _submodules():
        return importlib.import_module(f"{__name__}.{name}")
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_submodules()))
