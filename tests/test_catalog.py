"""ps.forces(), ps.themes(), ps.rounds() and pkg.describe(), checked against the files read independently."""

from __future__ import annotations

import csv
import json
from collections import Counter
from pathlib import Path

import polars as pl
import pytest

import peelstats as ps

ROOT = Path(__file__).resolve().parents[1]


def _rows(table: str) -> list[dict[str, str]]:
    with (ROOT / "data" / f"{table}.csv").open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def test_forces_lists_every_force(pkg: ps.Package) -> None:
    frame = ps.forces(pkg)
    assert frame.columns == ["force_id", "name", "also_accepted", "country", "region"]
    assert frame.schema["also_accepted"] == pl.List(pl.String)
    rows = sorted(_rows("forces"), key=lambda r: r["force_id"])
    assert frame.height == len(rows) == 43
    assert frame.select("force_id", "name", "country", "region").rows() == [
        (r["force_id"], r["name"], r["country"], r["region"]) for r in rows
    ]
    met = frame.filter(pl.col("force_id") == "metropolitan")["also_accepted"][0].to_list()
    assert {"Met", "the Met", "MPS", "Metropolitan"} <= set(met)
    assert "Cleveland" in frame.filter(pl.col("force_id") == "cleveland")["also_accepted"][0].to_list()


def test_lists_default_to_the_bundled_package(pkg: ps.Package) -> None:
    assert ps.forces().equals(ps.forces(pkg))
    assert ps.themes().equals(ps.themes(pkg))
    assert ps.rounds().equals(ps.rounds(pkg))
    with pytest.raises(ps.InputError, match="expected a loaded peelstats Package"):
        ps.forces("datapackage.json")  # type: ignore[arg-type]


def test_themes_lists_every_theme_and_where_it_is_graded(pkg: ps.Package) -> None:
    frame = ps.themes(pkg)
    assert frame.columns == ["theme_id", "kind", "description", "areas", "first_round", "last_round"]
    rows = _rows("themes")
    assert frame.height == len(rows) == 19
    assert sorted(
        frame.select(pl.col("theme_id").cast(pl.String), pl.col("kind").cast(pl.String), "description").rows()
    ) == sorted((r["theme_id"], r["kind"], r["description"]) for r in rows)
    assert frame["theme_id"].cast(pl.String).to_list()[:3] == ["effectiveness", "efficiency", "legitimacy"]
    seq = {r["round_id"]: int(r["sequence"]) for r in _rows("rounds")}
    graded = [a for a in _rows("areas") if a["graded_in_round"] == "true" and a["theme_id"]]
    n = Counter(a["theme_id"] for a in graded)
    got = {r["theme_id"]: r for r in frame.with_columns(pl.col("theme_id").cast(pl.String)).iter_rows(named=True)}
    for theme in (r["theme_id"] for r in rows):
        assert got[theme]["areas"] == n.get(theme, 0), theme
        in_rounds = sorted({a["round_id"] for a in graded if a["theme_id"] == theme}, key=seq.__getitem__)
        assert (got[theme]["first_round"], got[theme]["last_round"]) == (
            (in_rounds[0], in_rounds[-1]) if in_rounds else (None, None)
        ), theme


def test_rounds_lists_every_round_in_order(pkg: ps.Package) -> None:
    frame = ps.rounds(pkg)
    assert frame.columns == [
        "round_id",
        "title",
        "sequence",
        "years",
        "start_year",
        "end_year",
        "framework",
        "levels",
        "scale_id",
        "scale",
        "comparable_with_previous",
        "break_note",
    ]
    rows = sorted(_rows("rounds"), key=lambda r: int(r["sequence"]))
    assert frame.height == len(rows) == 8
    assert frame["round_id"].to_list() == [r["round_id"] for r in rows]
    assert frame["title"].to_list() == [r["title"] for r in rows]
    assert frame["break_note"].to_list() == [r["break_note"] or None for r in rows]
    assert frame["comparable_with_previous"].to_list() == [
        {"true": True, "false": False, "": None}[r["comparable_with_previous"]] for r in rows
    ]
    by_id = {r["round_id"]: r for r in frame.iter_rows(named=True)}
    # written by hand from the rounds' publication years and what they grade
    assert by_id["peel-2014"]["years"] == "2014"
    assert by_id["peel-2018-19"]["years"] == "2019-2020"
    assert by_id["peel-2016"]["levels"] == "pillar, question"
    assert by_id["peel-2023-25"]["levels"] == "area"
    assert by_id["peel-2016"]["scale"] == "inadequate < requires improvement < good < outstanding"
    assert by_id["peel-2021-22"]["scale"] == "inadequate < requires improvement < adequate < good < outstanding"
    levels = {r["round_id"] for r in _rows("areas") if r["graded_in_round"] == "true"}
    assert {rid for rid, r in by_id.items() if r["levels"] is not None} == levels


def test_describe_comes_from_the_schema(pkg: ps.Package) -> None:
    descriptor = json.loads((ROOT / "datapackage.json").read_text(encoding="utf-8"))
    assert [r["name"] for r in descriptor["resources"]][-1] == "grades"  # the derived table is described too
    for res in descriptor["resources"]:
        frame = pkg.describe(res["name"])
        assert frame.columns == ["column", "type", "polars_type", "required", "key", "references", "values", "description"]
        fields = res["schema"]["fields"]
        assert frame["column"].to_list() == [f["name"] for f in fields]
        assert frame["type"].to_list() == [f["type"] for f in fields]
        assert frame["description"].to_list() == [f["description"] for f in fields]
        assert frame["required"].to_list() == [bool(f.get("constraints", {}).get("required")) for f in fields]
        assert frame["values"].to_list() == [f.get("constraints", {}).get("enum") for f in fields]
        assert frame.filter("key")["column"].to_list() == [f["name"] for f in fields if f["name"] in res["schema"]["primaryKey"]]
        refs = {
            col: f"{fk['reference']['resource']}.{ref}"
            for fk in res["schema"].get("foreignKeys", [])
            for col, ref in zip(fk["fields"], fk["reference"]["fields"], strict=True)
        }
        assert dict(frame.filter(pl.col("references").is_not_null()).select("column", "references").rows()) == refs
        assert frame["polars_type"].null_count() == 0


def test_describe_gradings_reads_like_a_data_dictionary(pkg: ps.Package) -> None:
    row = pkg.describe("gradings").filter(pl.col("column") == "grade").row(0, named=True)
    assert row["values"] == ["inadequate", "requires improvement", "adequate", "good", "outstanding"]
    assert row["type"] == "string" and row["polars_type"].startswith("Enum") and row["required"] is False


@pytest.mark.parametrize("bad", ["grading", "", 3])
def test_describe_an_unknown_table_lists_the_tables(pkg: ps.Package, bad: object) -> None:
    with pytest.raises(ps.InputError) as info:
        pkg.describe(bad)  # type: ignore[arg-type]
    msg = str(info.value)
    assert msg.startswith(f"describe: no table {bad!r}; tables: forces, ") and "gradings" in msg and "\n" not in msg


def test_lists_are_exported() -> None:
    for name in ("forces", "themes", "rounds"):
        assert name in ps.__all__ and name in dir(ps)
