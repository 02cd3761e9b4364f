"""Shared fixtures: the project's paths and the seeds' processed tables (computed once per session)."""

from __future__ import annotations

import json

import pytest

from helpers import config
from helpers.pipeline import run_pipeline

FIXTURES = config.PROJ_ROOT / "tests" / "fixtures"


@pytest.fixture(scope="session")
def seed_tables():
    """The full data stage on seeds/ (the default corpus)."""
    return run_pipeline([config.SEEDS_DIR])


@pytest.fixture(scope="session")
def gold():
    """The hand annotations of the seeds (../shared/gold/seeds.json)."""
    if not config.GOLD_FILE.exists():
        pytest.skip(f"gold file not found at {config.GOLD_FILE} (../shared is beside the repo in CI)")
    return json.loads(config.GOLD_FILE.read_text(encoding="utf-8"))["articles"]
