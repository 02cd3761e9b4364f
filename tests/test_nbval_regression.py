"""The notebook regression test can fail: a helper whose output changed makes nbval name the cell."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

from helpers import config


def test_changed_helper_output_fails_nbval(tmp_path):
    project = tmp_path / "project"
    shutil.copytree(config.PROJ_ROOT / "src", project / "src")
    shutil.copytree(config.SEEDS_DIR, project / "seeds")
    shutil.copytree(config.REFERENCE_DIR, project / "data" / "reference")
    (project / "notebooks").mkdir()
    shutil.copy(config.NOTEBOOKS_DIR / "01-corpus.ipynb", project / "notebooks")
    views = project / "src" / "helpers" / "views.py"
    source = views.read_text()
    broken = source.replace('f"{len(arts):,} articles from', 'f"{len(arts) + 1:,} articles from')
    assert broken != source, "the line to break was not found"
    views.write_text(broken)

    env = {**os.environ, "PYTHONPATH": str(project / "src")}
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--nbval",
         str(project / "notebooks" / "01-corpus.ipynb")],
        capture_output=True, text=True, env=env, cwd=project, timeout=300,
    )  # fmt: skip
    output = result.stdout + result.stderr
    assert result.returncode != 0, output
    assert "01-corpus.ipynb::Cell 2" in output  # the headline cell (third code cell), named
    assert "Cell outputs differ" in output and "print(views.corpus_headline(tables))" in output
    assert "- 6 articles" in output and "+ 5 articles" in output  # obtained vs stored reference
