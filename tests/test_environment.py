"""environment.yml (for conda users) and pyproject.toml (for pip) describe one environment."""

from __future__ import annotations

import re
from pathlib import Path

import tomllib
import yaml

ROOT = Path(__file__).resolve().parents[1]

# conda names that differ from the PyPI ones, and extras that conda spells as packages
CONDA_NAMES = {"dask[distributed]": ["dask", "distributed"]}


def _split(req: str) -> tuple[str, str]:
    req = req.split(";")[0].strip()
    m = re.match(r"([A-Za-z0-9_.\-\[\]]+)\s*(.*)", req)
    assert m, req
    return m.group(1).lower(), m.group(2).replace(" ", "")


def _pyproject() -> dict[str, str]:
    data = tomllib.loads((ROOT / "pyproject.toml").read_text())
    reqs = data["project"]["dependencies"] + data["project"]["optional-dependencies"]["dev"]
    out: dict[str, str] = {}
    for r in reqs:
        name, spec = _split(r)
        for conda_name in CONDA_NAMES.get(name, [name]):
            out[conda_name] = spec
    return out


def _environment() -> tuple[dict[str, str], list[str]]:
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    conda: dict[str, str] = {}
    pip: list[str] = []
    for dep in env["dependencies"]:
        if isinstance(dep, dict):
            pip.extend(dep["pip"])
        else:
            name, spec = _split(dep)
            conda[name] = spec
    for r in pip:
        if not r.startswith("-e"):
            name, spec = _split(r)
            conda[name] = spec
    return conda, pip


def test_every_pyproject_dependency_is_in_environment_yml_with_the_same_bound():
    conda, _ = _environment()
    want = _pyproject()
    missing = {k: v for k, v in want.items() if k not in conda}
    assert not missing, f"add to environment.yml: {missing}"
    differ = {k: (v, conda[k]) for k, v in want.items() if conda[k] != v}
    assert not differ, f"version bounds differ (pyproject, environment.yml): {differ}"


def test_environment_yml_lists_nothing_pyproject_does_not():
    conda, _ = _environment()
    extra = set(conda) - set(_pyproject()) - {"python", "pip"}
    assert not extra, f"in environment.yml but not pyproject.toml: {sorted(extra)}"


def test_environment_installs_the_package_itself_with_pip():
    conda, pip = _environment()
    assert "python" in conda and "pip" in conda
    assert any(p.startswith("-e .") for p in pip), "environment.yml must pip-install the package"
