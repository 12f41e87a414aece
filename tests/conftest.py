"""Shared fixtures: the bundled corpus, loaded once per test session."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
RAW = ROOT / "data" / "raw"
FIXTURES = ROOT / "tests" / "fixtures"


@pytest.fixture(scope="session")
def raw_dir() -> Path:
    return RAW


@pytest.fixture(scope="session")
def corpus():
    from siegewatch import load_corpus

    return load_corpus(RAW)


@pytest.fixture()
def corpus_copy(tmp_path: Path, raw_dir: Path) -> Path:
    """A writable copy of the bundled corpus, for tests that add or change files."""
    dest = tmp_path / "corpus"
    shutil.copytree(raw_dir, dest)
    for p in dest.iterdir():
        p.chmod(0o644)
    return dest
