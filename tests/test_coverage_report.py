"""The coverage and dating tables against a plain count over the published CSV files.

The reference reads the CSVs with the standard library and counts with dicts and sets: it
shares no code with ``peelstats.coverage_report``.
"""

from __future__ import annotations

import csv
import dataclasses
from collections import defaultdict
from pathlib import Path

import polars as pl

import peelstats as ps
from peelstats.coverage_report import coverage_markdown, coverage_table, dating_table, forces_without_grades


def _rows(root: Path, name: str) -> list[dict[str, str]]:
    with (root / "data" / f"{name}.csv").open(newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def _plain_coverage(root: Path) -> dict[tuple[str, str], dict[str, int]]:
    forces = [r["force_id"] for r in _rows(root, "forces")]
    areas = [r for r in _rows(root, "areas") if r["graded_in_round"] == "true"]
    force_of = {r["inspection_id"]: r["force_id"] for r in _rows(root, "inspections")}
    state: dict[tuple[str, str], str] = {}
    for g in _rows(root, "gradings"):
        key = (force_of[g["inspection_id"]], g["area_id"])
        if g["grade"]:
            state[key] = "known"
        elif g["graded"] == "false":
            state[key] = "not graded"
    out: dict[tuple[str, str], dict[str, int]] = {}
    for a in areas:
        cell = out.setdefault((a["round_id"], a["level"]), defaultdict(int))
        for f in forces:
            cell["cells"] += 1
            cell[state.get((f, a["area_id"]), "unknown")] += 1
    for (rnd, level), cell in out.items():
        level_areas = {a["area_id"] for a in areas if a["round_id"] == rnd and a["level"] == level}
        with_known = {f for (f, area), s in state.items() if s == "known" and area in level_areas}
        cell["forces_with_none"] = len(set(forces) - with_known)
    return out


def test_coverage_table_matches_a_plain_count(root: Path, pkg: ps.Package) -> None:
    expected = _plain_coverage(root)
    table = coverage_table(pkg)
    assert table.height == len(expected)
    for r in table.iter_rows(named=True):
        want = expected[(r["round_id"], r["level"])]
        assert r["cells"] == want["cells"], r
        assert r["known"] == want["known"], r
        assert r["not_graded"] == want["not graded"], r
        assert r["unknown"] == want["unknown"], r
        assert r["forces_with_none"] == want["forces_with_none"], r
        assert r["known"] + r["not_graded"] + r["unknown"] == r["cells"]


def test_dating_table_matches_a_plain_count(root: Path, pkg: ps.Package) -> None:
    want: dict[str | None, list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    for r in _rows(root, "inspections"):
        counts = want[r["round_id"] or None]
        counts[0] += 1
        if r["published"]:
            counts[1] += 1
            counts[2 if r["published_precision"] == "day" else 3] += 1
    table = dating_table(pkg)
    cols = ("inspections", "dated", "to_the_day", "month_or_year")
    got = {r["round_id"]: [r[c] for c in cols] for r in table.iter_rows(named=True)}
    assert got == dict(want)
    assert table["round_id"].to_list()[-1] is None, "letters and accelerated causes of concern come last"


def test_markdown_states_the_dating_line(pkg: ps.Package) -> None:
    text = coverage_markdown(pkg)
    dates = dating_table(pkg)
    total, dated = int(dates["inspections"].sum()), int(dates["dated"].sum())
    assert f"Inspections with a publication date: {dated} of {total}" in text
    assert text.splitlines()[0].endswith("forces with none known |")


def test_forces_with_none_counts_a_force_without_grades(pkg: ps.Package) -> None:
    """Dropping every known grade of one force in one round raises that round's count by one."""
    table = coverage_table(pkg)
    before = table.filter(pl.col("round_id") == "peel-2017", pl.col("level") == "pillar")["forces_with_none"].item()
    ins = pkg.inspections.filter(pl.col("force_id") == "kent", pl.col("round_id") == "peel-2017")["inspection_id"]
    stripped = pkg.gradings.with_columns(
        grade=pl.when(pl.col("inspection_id").is_in(ins.implode())).then(None).otherwise(pl.col("grade"))
    )
    after = coverage_table(dataclasses.replace(pkg, gradings=stripped))
    row = after.filter(pl.col("round_id") == "peel-2017", pl.col("level") == "pillar")
    assert ins.len() == 3
    assert row["forces_with_none"].item() == before + 1


def test_forces_without_grades_names_the_counted_forces(root: Path, pkg: ps.Package) -> None:
    forces = {r["force_id"]: r["name"] for r in _rows(root, "forces")}
    areas = {r["area_id"]: (r["round_id"], r["level"]) for r in _rows(root, "areas") if r["graded_in_round"] == "true"}
    force_of = {r["inspection_id"]: r["force_id"] for r in _rows(root, "inspections")}
    known = {
        (force_of[g["inspection_id"]], *areas[g["area_id"]])
        for g in _rows(root, "gradings")
        if g["grade"] and g["area_id"] in areas
    }
    levels = set(areas.values())
    want = sorted((rnd, level, f) for rnd, level in levels for f in forces if (f, rnd, level) not in known)
    got = forces_without_grades(pkg)
    assert sorted(zip(got["round_id"], got["level"], got["force_id"], strict=True)) == want
    assert got["name"].to_list() == [forces[f] for f in got["force_id"]]
    counted = coverage_table(pkg).select("round_id", "level", "forces_with_none")
    per = got.group_by("round_id", "level").len()
    joined = counted.join(per, on=["round_id", "level"], how="left").fill_null(0)
    assert (joined["forces_with_none"] == joined["len"]).all()
