"""Where the project's data lives: the bundled corpus, the editable tables, derived tables."""

from __future__ import annotations

import os
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[2]
DATA_DIR = Path(os.environ.get("SIEGEWATCH_DATA", PROJECT_ROOT / "data"))
RAW_DIR = DATA_DIR / "raw"
PROCESSED_DIR = DATA_DIR / "processed"
GAZETTEER = DATA_DIR / "gazetteer" / "actors.csv"
SOURCES = DATA_DIR / "sources" / "sources.csv"
OUTLETS = DATA_DIR / "sources" / "outlets.csv"
NOTEBOOKS_DIR = PROJECT_ROOT / "notebooks"
