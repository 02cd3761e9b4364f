"""Project paths, resolved from this file (never from the cwd) so notebooks, CLI and tests agree."""

from __future__ import annotations

from pathlib import Path

PROJ_ROOT = Path(__file__).resolve().parents[2]
DATA_DIR = PROJ_ROOT / "data"
REFERENCE_DIR = DATA_DIR / "reference"
RAW_DIR = DATA_DIR / "raw"
PROCESSED_DIR = DATA_DIR / "processed"
SEEDS_DIR = PROJ_ROOT / "seeds"
NOTEBOOKS_DIR = PROJ_ROOT / "notebooks"
REPORTS_DIR = PROJ_ROOT / "reports"
BENCHMARKS_DIR = PROJ_ROOT / "benchmarks"
# The shared gold annotations live beside the repository (../shared); optional outside development.
GOLD_FILE = PROJ_ROOT.parent / "shared" / "gold" / "seeds.json"

# Inputs larger than this are quarantined rather than read (bytes); override per call or with --max-bytes.
MAX_INPUT_BYTES = 20 * 1024 * 1024
