"""The build is deterministic, check catches tampering, and the descriptor is valid."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

import peelstats as ps
from peelstats.cli import main
from peelstats.curate.build import build, compile_package
from peelstats.curate.check import check, check_frictionless


def test_committed_outputs_equal_a_fresh_build(root: Path) -> None:
    outputs = compile_package(root)
    for rel, data in outputs.items():
        assert (root / rel).read_bytes() == data, f"{rel} is stale: run `peelstats build`"


def test_build_is_deterministic(root: Path) -> None:
    """Two builds in separate processes, with different hash seeds, give the same bytes."""
    import subprocess
    import sys

    code = (
        "import hashlib, sys; from pathlib import Path; from peelstats.curate.build import compile_package; "
        "out = compile_package(Path(sys.argv[1])); "
        "print('\\n'.join(f'{k} {hashlib.sha256(v).hexdigest()}' for k, v in sorted(out.items())))"
    )
    runs = [
        subprocess.run(
            [sys.executable, "-c", code, str(root)],
            capture_output=True,
            text=True,
            check=True,
            env={**__import__("os").environ, "PYTHONHASHSEED": seed},
        ).stdout
        for seed in ("1", "2")
    ]
    assert runs[0] == runs[1] and runs[0].count("\n") >= 10
    assert compile_package(root) == compile_package(root)


def test_check_passes_on_the_committed_package(root: Path) -> None:
    assert check(root) == []


def test_frictionless_reports_valid(root: Path) -> None:
    assert check_frictionless(root) == []


def test_cli_check_exit_code(root: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", "--root", str(root)]) == 0
    assert "ok:" in capsys.readouterr().out


def test_check_fails_on_a_tampered_table(checkout: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = checkout / "data" / "gradings.csv"
    path.write_text(path.read_text().replace("requires improvement", "good", 1))
    problems = check(checkout)
    assert any(p.startswith("data/gradings.csv") for p in problems)
    assert main(["check", "--root", str(checkout)]) == 1
    assert "data/gradings.csv" in capsys.readouterr().err


def test_load_refuses_a_modified_copy(checkout: Path) -> None:
    path = checkout / "data" / "findings.csv"
    path.write_bytes(path.read_bytes().replace(b"The force should", b"The force could", 1))
    with pytest.raises(ps.PackageError, match=r"data/findings\.csv"):
        ps.load(checkout)


def test_frictionless_catches_a_dangling_foreign_key(checkout: Path) -> None:
    # rewrite a table with a broken reference and fix its hash, so only the key check can fail
    import hashlib

    path = checkout / "data" / "gradings.csv"
    data = path.read_bytes().replace(b"cleveland-peel-2015-effectiveness,", b"nowhere-peel-2015-effectiveness,", 1)
    path.write_bytes(data)
    desc_path = checkout / "datapackage.json"
    desc = json.loads(desc_path.read_text())
    for res in desc["resources"]:
        if res["name"] == "gradings":
            res["bytes"] = len(data)
            res["hash"] = "sha256:" + hashlib.sha256(data).hexdigest()
    desc_path.write_text(json.dumps(desc, indent=2))
    problems = check_frictionless(checkout)
    assert any("foreign-key" in p for p in problems)


def test_build_refuses_and_overwrites_nothing(checkout: Path) -> None:
    before = {p: p.read_bytes() for p in (checkout / "data").glob("*.csv")}
    bad = checkout / "data" / "records" / "inspections" / "cleveland" / "cleveland-peel-2015-efficiency.yaml"
    bad.write_text(bad.read_text().replace("grade: requires improvement", "grade: excellent"))
    with pytest.raises(ps.RecordError) as err:
        build(checkout)
    msg = str(err.value)
    assert "cleveland-peel-2015-efficiency.yaml" in msg and "gradings[0]" in msg and "'excellent'" in msg
    assert "\n" not in msg
    assert {p: p.read_bytes() for p in (checkout / "data").glob("*.csv")} == before


def test_build_writes_changes_after_a_valid_edit(checkout: Path) -> None:
    rec = checkout / "data" / "records" / "inspections" / "cleveland" / "cleveland-peel-2015-efficiency.yaml"
    rec.write_text(rec.read_text().replace("gives efficiency as requires improvement.", "gives efficiency as RI."))
    changed = build(checkout)
    assert "data/gradings.csv" in changed and "datapackage.json" in changed
    assert check(checkout) == []
    assert build(checkout) == []


def test_descriptor_metadata(root: Path) -> None:
    desc = json.loads((root / "datapackage.json").read_text())
    assert desc["version"].count(".") == 2
    assert desc["licenses"] and desc["contributors"] and desc["sources"] and desc["created"]
    for res in desc["resources"]:
        assert res["hash"].startswith("sha256:") and res["bytes"] > 0
        schema = res["schema"]
        assert schema["primaryKey"]
        assert res["description"]
        for field in schema["fields"]:
            assert field["description"], (res["name"], field["name"])


def test_every_table_in_the_design_exists(root: Path) -> None:
    desc = json.loads((root / "datapackage.json").read_text())
    names = {r["name"] for r in desc["resources"]}
    assert {
        "forces",
        "rounds",
        "scales",
        "areas",
        "themes",
        "inspections",
        "gradings",
        "grade_summaries",
        "findings",
        "responses",
        "response_findings",
        "followups",
        "monitoring",
        "sources",
    } <= names


def test_cli_build_dry_run_reports_up_to_date(root: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["build", "--root", str(root), "--dry-run"]) == 0
    assert "up to date" in capsys.readouterr().out


def test_cli_error_is_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    shutil.rmtree(tmp_path, ignore_errors=True)
    tmp_path.mkdir()
    assert main(["build", "--root", str(tmp_path)]) == 1
    err = capsys.readouterr().err.strip()
    assert err.startswith("error:") and "\n" not in err
