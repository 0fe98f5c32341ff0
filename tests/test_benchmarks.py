"""Smoke size of the benchmark: every implementation agrees with the pandas reference."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path


def test_benchmark_smoke(root: Path) -> None:
    out = subprocess.run(
        [sys.executable, "-m", "benchmarks.run", "--sizes", "2e4", "--repeat", "1", "--out", "-", "--skip-process-costs"],
        cwd=root,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert out.returncode == 0, out.stderr[-2000:]
    assert "'transitions': True, 'trajectories': True, 'coverage': True" in out.stdout
    assert "| 20,000 | transitions_polars |" in out.stdout


def test_synthetic_panel_is_seeded_and_has_breaks_and_carried() -> None:
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    from benchmarks.synthetic import panel

    a, b = panel(10_000, seed=3), panel(10_000, seed=3)
    assert a.equals(b)
    assert set(a["scale"]) == {"peel-4", "peel-5"}
    assert a["carried"].sum() > 0 and a["era"].n_unique() >= 2
    assert a.height == 10_000
