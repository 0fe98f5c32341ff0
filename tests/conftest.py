from __future__ import annotations

import shutil
from pathlib import Path

import pytest

import peelstats as ps

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session")
def root() -> Path:
    return ROOT


@pytest.fixture(scope="session")
def pkg() -> ps.Package:
    return ps.load(ROOT / "datapackage.json")


@pytest.fixture()
def checkout(tmp_path: Path) -> Path:
    """A throwaway copy of the package sources and outputs, safe to corrupt."""
    dst = tmp_path / "checkout"
    dst.mkdir()
    for name in ("data", "docs"):
        shutil.copytree(ROOT / name, dst / name)
    for name in ("datapackage.json", "CITATION.cff"):
        shutil.copy2(ROOT / name, dst / name)
    return dst
