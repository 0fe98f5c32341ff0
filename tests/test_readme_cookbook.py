"""The README's onboarding works as written: the first commands, and every Cookbook recipe runs."""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def readme() -> str:
    return (ROOT / "README.md").read_text(encoding="utf-8")


def top_block() -> list[str]:
    lines = readme().splitlines()
    start = lines.index("```bash") + 1
    return lines[start : lines.index("```", start)]


def cookbook_blocks() -> list[str]:
    text = readme()
    assert "\n## Cookbook\n" in text, "the README has no '## Cookbook' section"
    section = text.split("\n## Cookbook\n", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"^```python\n(.*?)^```$", section, re.S | re.M)


def test_readme_opens_with_venv_then_report_then_tests() -> None:
    block = top_block()
    assert block[0] == "python3 -m venv .venv && . .venv/bin/activate", "say where the virtual environment comes from first"
    assert block[1].startswith("pip install . && peelstats report")
    assert block[2] == 'pip install -e ".[test]" && python -m pytest'
    ci = (ROOT / ".ci" / "run").read_text()
    # CI runs the README's test command (python3 outside a venv)
    assert block[2].replace("pip install", "python3 -m pip install").replace("python -m pytest", "python3 -m pytest") in ci
    assert "pandas" in readme() and ".to_pandas()" in readme() and '".[pandas]"' in readme()


@pytest.mark.slow
def test_readme_first_command_makes_and_activates_a_venv(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV", "PYTHONHOME")}
    out = subprocess.run(
        ["bash", "-c", f"{top_block()[0]} && command -v python && command -v pip"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        env=env,
    )
    assert out.returncode == 0, out.stderr
    python, pip = out.stdout.split()
    assert python == str(tmp_path / ".venv" / "bin" / "python") and pip == str(tmp_path / ".venv" / "bin" / "pip")


def test_cookbook_covers_the_common_questions() -> None:
    code = "\n".join(cookbook_blocks())
    assert len(cookbook_blocks()) >= 6
    for needle in (
        "ps.grades(",
        "wide=True",
        'force="cleveland"',
        "ps.transition_matrix(",
        "level=",
        "ps.coverage(",
        "ps.cite(",
        ".to_pandas()",
    ):
        assert needle in code, needle


def test_every_cookbook_recipe_runs_in_order(monkeypatch: pytest.MonkeyPatch) -> None:
    import matplotlib

    matplotlib.use("Agg")
    monkeypatch.chdir(ROOT)
    namespace: dict[str, object] = {}
    for i, block in enumerate(cookbook_blocks()):
        try:
            exec(compile(block, f"README.md Cookbook block {i + 1}", "exec"), namespace)
        except Exception as exc:  # pragma: no cover - the message names the block
            pytest.fail(f"Cookbook block {i + 1} fails: {type(exc).__name__}: {exc}\n{block}")
    import polars as pl

    latest = namespace["latest"]
    assert isinstance(latest, pl.DataFrame) and latest.height > 0
    assert namespace["m"].level == "pillar"  # type: ignore[attr-defined]
