"""The flat grades view answers "what grade did force X get for Y in round Z?" without joins."""

from __future__ import annotations

import polars as pl
import pytest

import peelstats as ps
from peelstats.coverage_report import grading_cells


def test_one_row_per_force_round_and_area_known_or_not(pkg: ps.Package) -> None:
    g = ps.grades(pkg)
    assert g.columns[:4] == ["force_id", "force_name", "round_id", "round_title"]
    assert g.filter(pl.struct("force_id", "area_id").is_duplicated()).height == 0
    cells = grading_cells(pkg)
    assert cells.height <= g.height <= cells.height + pkg.gradings.height
    known = g.filter(pl.col("grade").is_not_null())
    assert known.height == pkg.gradings.filter(pl.col("grade").is_not_null()).height
    assert isinstance(g.schema["grade"], pl.Enum)
    # ranks are on each round's own scale
    assert set(known.filter(pl.col("round_id") == "peel-2016")["rank"]) <= {1, 2, 3, 4}


def test_the_question_analysts_ask(pkg: ps.Package) -> None:
    row = ps.grades(pkg, force="Cleveland Police", round="peel-2016", theme="efficiency").row(0, named=True)
    assert (row["area_title"], str(row["grade"]), row["rank"]) == ("Efficiency", "good", 3)
    assert row["source_url"].startswith("http") and row["published"] is not None


def test_wide_has_a_column_per_area(pkg: ps.Package) -> None:
    w = ps.grades(pkg, round="peel-2016", level="pillar", wide=True)
    assert w.columns == ["force_id", "force_name", "round_id", "round_title", "effectiveness", "efficiency", "legitimacy"]
    assert w.height == 43
    assert w.filter(pl.col("force_id") == "cleveland")["efficiency"].to_list() == ["good"]


@pytest.mark.parametrize(("kw", "match"), [({"force": "Clevland"}, "unknown force"), ({"round": "2016"}, "unknown round")])
def test_unknown_filters_are_refused(pkg: ps.Package, kw: dict[str, str], match: str) -> None:
    with pytest.raises(ps.InputError, match=match):
        ps.grades(pkg, **kw)
