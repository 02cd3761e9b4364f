"""pyproject.toml is the single source of dependencies; environment.yml must mirror its pins."""

from __future__ import annotations

import re
import tomllib

from helpers import config


def _pyproject_pins() -> dict[str, str]:
    data = tomllib.loads((config.PROJ_ROOT / "pyproject.toml").read_text())
    pins = {}
    for dep in data["project"]["dependencies"]:
        m = re.match(r"^([A-Za-z0-9_.-]+)(?:\[([^\]]+)\])?==([^;\s]+)$", dep)
        assert m, f"runtime dependency {dep!r} is not pinned with == (notebook outputs depend on versions)"
        name, extras, version = m.group(1).lower(), m.group(2), m.group(3)
        pins[name] = version
        if name == "dask" and extras and "distributed" in extras:
            pins["distributed"] = version
    return pins


def _environment_pins() -> dict[str, str]:
    pins = {}
    for line in (config.PROJ_ROOT / "environment.yml").read_text().splitlines():
        m = re.match(r"^\s+-\s+([A-Za-z0-9_.-]+)=([^=\s]+)\s*$", line)
        if m:
            pins[m.group(1).lower()] = m.group(2)
    return pins


def test_environment_yml_mirrors_pyproject():
    py, env = _pyproject_pins(), _environment_pins()
    assert env.pop("python") == "3.11"
    assert py == env


def test_environment_installs_the_project_itself():
    text = (config.PROJ_ROOT / "environment.yml").read_text()
    assert "- -e .[dev]" in text
