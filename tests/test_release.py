"""Release-grade dataset: versions agree, data dictionary, exports, packaging, typing."""

from __future__ import annotations

import json
import re
import sqlite3
import subprocess
import sys
import venv
import zipfile
from importlib.metadata import version as dist_version
from pathlib import Path

import polars as pl
import pytest
import yaml

import peelstats as ps
from peelstats.export import export
from peelstats.schema import RESOURCES


def test_versions_agree_everywhere(root: Path, pkg: ps.Package) -> None:
    desc = json.loads((root / "datapackage.json").read_text())["version"]
    cff = yaml.safe_load((root / "CITATION.cff").read_text())["version"]
    changelog = re.search(r"^## (\d+\.\d+\.\d+)", (root / "CHANGELOG.md").read_text(), re.M)
    assert changelog is not None
    records = yaml.safe_load((root / "data" / "records" / "package.yaml").read_text())["version"]
    assert desc == cff == changelog.group(1) == records == pkg.version == ps.load().version
    assert dist_version("peelstats") == desc, "reinstall: pip install -e '.[test]'"


def test_changelog_has_a_section_per_version(root: Path) -> None:
    versions = re.findall(r"^## (\d+\.\d+\.\d+) - (\d{4}-\d{2}-\d{2})$", (root / "CHANGELOG.md").read_text(), re.M)
    assert versions and versions[-1][0] == "0.1.0"
    ordered = [tuple(int(x) for x in v.split(".")) for v, _ in versions]
    assert ordered == sorted(ordered, reverse=True)


def test_citation_cff(root: Path, pkg: ps.Package) -> None:
    cff = yaml.safe_load((root / "CITATION.cff").read_text())
    assert cff["cff-version"] == "1.2.0" and cff["type"] == "dataset"
    assert cff["title"] == pkg.title and cff["date-released"] == pkg.created[:10]


def test_data_dictionary_lists_every_table_and_column(root: Path, pkg: ps.Package) -> None:
    text = (root / "docs" / "DATA.md").read_text()
    assert f"v{pkg.version}" in text
    for tbl in RESOURCES:
        assert f"## {tbl.name}" in text
        assert f"Rows: {pkg.table(tbl.name).height}." in text
        for f in tbl.fields:
            assert f"| `{f.name}` | {f.type} |" in text
    assert "`requires improvement`" in text


def test_export_sqlite_keeps_keys(pkg: ps.Package, tmp_path: Path) -> None:
    path = export(pkg, "sqlite", tmp_path)
    con = sqlite3.connect(path)
    assert con.execute("PRAGMA foreign_key_check").fetchall() == []
    assert con.execute("SELECT count(*) FROM gradings").fetchone()[0] == pkg.gradings.height
    fks = con.execute("PRAGMA foreign_key_list(gradings)").fetchall()
    assert {r[2] for r in fks} == {"inspections", "areas", "rounds", "sources"}
    pk = [r[1] for r in con.execute("PRAGMA table_info(gradings)").fetchall() if r[5]]
    assert pk == ["inspection_id", "area_id"]
    assert con.execute("SELECT value FROM _meta WHERE key='version'").fetchone()[0] == pkg.version
    with pytest.raises(sqlite3.IntegrityError):
        con.execute("PRAGMA foreign_keys = ON")
        con.execute("INSERT INTO gradings (inspection_id, area_id, graded, source_id) VALUES ('x', 'y', 1, 'z')")


def test_export_parquet_round_trips(pkg: ps.Package, tmp_path: Path) -> None:
    export(pkg, "parquet", tmp_path)
    back = pl.read_parquet(tmp_path / "gradings.parquet")
    assert back.equals(pkg.gradings)


def test_export_xlsx(pkg: ps.Package, tmp_path: Path) -> None:
    from openpyxl import load_workbook

    path = export(pkg, "xlsx", tmp_path)
    wb = load_workbook(path, read_only=True)
    assert {"README", "gradings", "findings"} <= set(wb.sheetnames)
    assert wb["gradings"].max_row == pkg.gradings.height + 1


def test_export_bad_format(pkg: ps.Package, tmp_path: Path) -> None:
    with pytest.raises(ps.InputError, match="format must be one of"):
        export(pkg, "csv", tmp_path)


def test_notebooks_are_committed_without_outputs(root: Path) -> None:
    books = sorted((root / "notebooks").glob("*.ipynb"))
    assert len(books) >= 3
    for book in books:
        nb = json.loads(book.read_text())
        for cell in nb["cells"]:
            if cell["cell_type"] == "code":
                assert cell["outputs"] == [] and cell["execution_count"] is None, book.name
        assert any("cite(" in "".join(c["source"]) for c in nb["cells"]), book.name


def test_mypy_clean(root: Path) -> None:
    out = subprocess.run([sys.executable, "-m", "mypy"], cwd=root, capture_output=True, text=True)
    assert out.returncode == 0, out.stdout[-2000:]


@pytest.mark.slow
def test_wheel_and_sdist_install_and_load_without_checkout(root: Path, tmp_path: Path) -> None:
    dist = tmp_path / "dist"
    subprocess.run(
        [sys.executable, "-m", "build", "--wheel", "--sdist", "--no-isolation", "--outdir", str(dist), str(root)],
        check=True,
        capture_output=True,
    )
    wheel = next(dist.glob("peelstats-*.whl"))
    sdist = next(dist.glob("peelstats-*.tar.gz"))
    assert sdist.stat().st_size > 0
    names = zipfile.ZipFile(wheel).namelist()
    for tbl in RESOURCES:
        assert f"peelstats/_data/data/{tbl.name}.csv" in names
    assert "peelstats/_data/data/grades.csv" in names
    assert "peelstats/_data/datapackage.json" in names and "peelstats/py.typed" in names
    env = tmp_path / "venv"
    venv.EnvBuilder(with_pip=True, system_site_packages=True).create(env)
    py = env / "bin" / "python"
    subprocess.run([str(py), "-m", "pip", "install", "--no-deps", "--quiet", str(wheel)], check=True, capture_output=True)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    code = (
        "import peelstats, sys; p = peelstats.load(); "
        "assert 'site-packages' in peelstats.__file__ and '/work' not in str(p.path), (peelstats.__file__, p.path); "
        "assert p.grades_table.height > 0; print(p.version, p.gradings.height)"
    )
    clean = {"PATH": str(env / "bin"), "HOME": str(tmp_path)}
    out = subprocess.run([str(py), "-c", code], cwd=elsewhere, capture_output=True, text=True, env=clean)
    assert out.returncode == 0, out.stderr
    version, rows = out.stdout.split()
    assert version == ps.load().version and int(rows) == ps.load().gradings.height
    info = subprocess.run([str(env / "bin" / "peelstats"), "info"], cwd=elsewhere, capture_output=True, text=True, env=clean)
    assert info.returncode == 0, info.stderr
    assert f"version {version}" in info.stdout


def test_readme_starts_with_the_two_commands(root: Path) -> None:
    lines = (root / "README.md").read_text().splitlines()
    start = lines.index("```bash") + 1
    block = [line for line in lines[start : start + 3] if not line.startswith("python3 -m venv")]  # the venv comes first
    assert block[0].startswith("pip install . && peelstats report")
    assert block[1] == 'pip install -e ".[test]" && python -m pytest'
    ci = (root / ".ci" / "run").read_text()
    assert 'python3 -m pip install -e ".[test]" && python3 -m pytest' in ci


def test_readme_coverage_table_is_current(root: Path, pkg: ps.Package) -> None:
    from peelstats.coverage_report import coverage_markdown

    text = (root / "README.md").read_text()
    table = text.split("<!-- coverage:start -->")[1].split("<!-- coverage:end -->")[0].strip()
    assert table == coverage_markdown(pkg), "update the README: peelstats info --markdown"
