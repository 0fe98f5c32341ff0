"""The flat grades view ships as a derived, documented resource and in every export."""

from __future__ import annotations

import csv
import hashlib
import json
from pathlib import Path
from typing import Any

import polars as pl
import pytest

import peelstats as ps
from peelstats import vocab
from peelstats.curate.check import check, check_build
from peelstats.grades_view import COLUMNS
from peelstats.schema import table


def _resource(root: Path, name: str) -> dict[str, Any]:
    desc = json.loads((root / "datapackage.json").read_text())
    return next(r for r in desc["resources"] if r["name"] == name)


def test_shipped_grades_equal_the_view_computed_from_the_tables(pkg: ps.Package) -> None:
    """The build computes the CSV in plain Python; ps.grades() joins in polars: two implementations agree."""
    shipped = pkg.table("grades")
    assert shipped is pkg.grades_table
    computed = ps.grades(pkg)
    assert shipped.columns == computed.columns == list(COLUMNS)
    assert shipped.height == computed.height > 43
    assert shipped.equals(computed), "same rows, same order"
    assert shipped.schema == computed.schema  # dtypes agree too: grade is the same ordered Enum


def test_grades_csv_read_with_the_csv_module(root: Path, pkg: ps.Package) -> None:
    """Facts checked against the normalised CSVs read without the library."""
    with (root / "data" / "grades.csv").open(newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    with (root / "data" / "gradings.csv").open(newline="", encoding="utf-8") as fh:
        gradings = list(csv.DictReader(fh))
    with (root / "data" / "areas.csv").open(newline="", encoding="utf-8") as fh:
        graded_areas = [a for a in csv.DictReader(fh) if a["graded_in_round"] == "true"]
    assert list(rows[0]) == list(COLUMNS)
    assert sum(1 for r in rows if r["inspection_id"]) == len(gradings)
    assert sum(1 for r in rows if r["grade"]) == sum(1 for g in gradings if g["grade"])
    assert len({(r["force_id"], r["area_id"]) for r in rows}) == len(rows)
    assert len({(r["force_id"], r["area_id"]) for r in rows if r["area_id"] in {a["area_id"] for a in graded_areas}}) == 43 * len(
        graded_areas
    )
    # the question analysts ask, answered by one row
    hit = [r for r in rows if r["force_id"] == "cleveland" and r["area_id"] == "peel-2016-efficiency"]
    assert [(h["force_name"], h["round_title"] != "", h["grade"], h["rank"], h["graded"]) for h in hit] == [
        ("Cleveland Police", True, "good", "3", "true")
    ]
    assert hit[0]["source_url"].startswith("http")
    # unknown cells are rows with nothing known, not missing rows
    unknown = [r for r in rows if not r["inspection_id"]]
    assert unknown and all(r["grade"] == r["graded"] == r["rank"] == r["source_url"] == "" for r in unknown)


def test_grades_resource_is_declared_derived_and_documented(root: Path) -> None:
    res = _resource(root, "grades")
    assert res["path"] == "data/grades.csv" and res["derived"] is True
    assert set(res["derivedFrom"]) == {"gradings", "inspections", "areas", "rounds", "scales", "forces", "sources"}
    assert "do not edit" in res["description"]
    schema = res["schema"]
    assert [f["name"] for f in schema["fields"]] == list(COLUMNS)
    assert all(f["description"] for f in schema["fields"])
    grade = next(f for f in schema["fields"] if f["name"] == "grade")
    assert grade["type"] == "string"
    assert grade["constraints"]["enum"] == ["inadequate", "requires improvement", "adequate", "good", "outstanding"]
    assert schema["primaryKey"] == ["force_id", "area_id"]
    refs = {(tuple(fk["fields"]), fk["reference"]["resource"]) for fk in schema["foreignKeys"]}
    assert {(("force_id",), "forces"), (("round_id",), "rounds"), (("area_id",), "areas")} <= refs


def test_grade_enum_is_in_scale_order(root: Path) -> None:
    """Within every scale, the ranks in scales.csv follow the grade vocabulary's order."""
    with (root / "data" / "scales.csv").open(newline="", encoding="utf-8") as fh:
        scales = list(csv.DictReader(fh))
    enum = table("grades").field("grade").enum
    assert enum == vocab.GRADES
    for scale_id in {s["scale_id"] for s in scales}:
        by_rank = [s["grade"] for s in sorted((s for s in scales if s["scale_id"] == scale_id), key=lambda s: int(s["rank"]))]
        assert by_rank == [g for g in enum if g in by_rank], scale_id


def test_load_verifies_the_grades_hash(checkout: Path) -> None:
    path = checkout / "data" / "grades.csv"
    path.write_bytes(path.read_bytes().replace(b",good,", b",outstanding,", 1))
    with pytest.raises(ps.PackageError, match=r"data/grades\.csv"):
        ps.load(checkout)


def test_check_refuses_a_hand_edited_grades_table_even_with_its_hash_fixed(checkout: Path) -> None:
    path = checkout / "data" / "grades.csv"
    data = path.read_bytes().replace(b",good,", b",outstanding,", 1)
    path.write_bytes(data)
    desc_path = checkout / "datapackage.json"
    desc = json.loads(desc_path.read_text())
    for res in desc["resources"]:
        if res["name"] == "grades":
            res["bytes"], res["hash"] = len(data), "sha256:" + hashlib.sha256(data).hexdigest()
    desc_path.write_text(json.dumps(desc, indent=2, ensure_ascii=False) + "\n")
    ps.load(checkout)  # the loader trusts a consistent copy ...
    problems = check_build(checkout)  # ... but check compares it with a fresh build
    assert "data/grades.csv: differs from a fresh build of data/records; run `peelstats build` (no hand edits)" in problems


def test_a_record_edit_changes_the_grades_table(checkout: Path) -> None:
    from peelstats.curate.build import build

    rec = checkout / "data" / "records" / "inspections" / "cleveland" / "cleveland-peel-2015-efficiency.yaml"
    text = rec.read_text()
    assert "grade: requires improvement" in text
    rec.write_text(text.replace("grade: requires improvement", "grade: inadequate", 1))
    changed = build(checkout)
    assert "data/grades.csv" in changed and "data/gradings.csv" in changed
    row = ps.load(checkout).grades_table.filter(force_id="cleveland", area_id="peel-2015-efficiency")
    assert row["grade"].cast(pl.String).to_list() == ["inadequate"] and row["rank"].to_list() == [1]
    assert check(checkout) == []
