"""Structure of the national data: every force and round, grades on scale, one judgment per cell."""

from __future__ import annotations

import polars as pl

import peelstats as ps
from peelstats.coverage_report import coverage_table


def test_43_forces(pkg: ps.Package) -> None:
    assert pkg.forces.height == 43
    assert pkg.forces.filter(pl.col("country") == "Wales").height == 4


def test_every_force_has_inspections_in_every_graded_round(pkg: ps.Package) -> None:
    graded = pkg.gradings.filter(pl.col("grade").is_not_null()).join(
        pkg.inspections.select("inspection_id", "force_id", "round_id"), on="inspection_id"
    )
    forces = set(pkg.forces["force_id"])
    for rnd in ("peel-2014", "peel-2015", "peel-2016", "peel-2017", "peel-2018-19"):
        have = set(graded.filter(pl.col("round_id") == rnd)["force_id"])
        assert have == forces, (rnd, sorted(forces - have))
    assert len(set(graded.filter(pl.col("round_id") == "peel-2023-25")["force_id"])) >= 30


def test_every_round_present(pkg: ps.Package) -> None:
    assert pkg.rounds["round_id"].to_list() == [
        "peel-2014",
        "peel-2015",
        "peel-2016",
        "peel-2017",
        "peel-2018-19",
        "peel-2021-22",
        "peel-2023-25",
        "peel-2025-27",
    ]
    breaks = dict(zip(pkg.rounds["round_id"], pkg.rounds["comparable_with_previous"], strict=True))
    assert breaks["peel-2021-22"] is False and breaks["peel-2023-25"] is False
    assert breaks["peel-2016"] is True


def test_no_grade_off_its_rounds_scale(pkg: ps.Package) -> None:
    g = (
        pkg.gradings.filter(pl.col("grade").is_not_null())
        .join(pkg.areas.select("area_id", "round_id"), on="area_id")
        .join(pkg.rounds.select("round_id", "scale_id"), on="round_id")
        .join(
            pkg.scales.select("scale_id", "grade", ok=pl.lit(True)),
            on=["scale_id", "grade"],
            how="left",
        )
    )
    assert g.filter(pl.col("ok").is_null()).height == 0
    old = g.filter(pl.col("scale_id") == "peel-4")
    assert "adequate" not in set(old["grade"].cast(pl.String))


def test_at_most_one_judgment_per_force_area(pkg: ps.Package) -> None:
    g = pkg.gradings.join(pkg.inspections.select("inspection_id", "force_id"), on="inspection_id")
    assert g.group_by("force_id", "area_id").len().filter(pl.col("len") > 1).height == 0


def test_pillar_coverage_2015_to_2018_19_at_least_95_percent(pkg: ps.Package) -> None:
    cov = coverage_table(pkg, level="pillar").filter(
        pl.col("round_id").is_in(["peel-2015", "peel-2016", "peel-2017", "peel-2018-19"])
    )
    assert cov["cells"].sum() == 4 * 3 * 43
    known = cov["known"].sum() + cov["not_graded"].sum()
    assert known / cov["cells"].sum() >= 0.95
    assert (cov["known"] + cov["not_graded"] + cov["unknown"] == cov["cells"]).all()


def test_greater_manchester_2017_not_graded(pkg: ps.Package) -> None:
    g = pkg.gradings.filter(
        pl.col("inspection_id").is_in(["greater-manchester-peel-2017-efficiency", "greater-manchester-peel-2017-legitimacy"])
        & pl.col("area_id").is_in(["peel-2017-efficiency", "peel-2017-legitimacy"])
    )
    assert g.height == 2
    assert g["graded"].to_list() == [False, False]
    assert g["grade"].null_count() == 2


def test_every_web_fact_has_a_url(pkg: ps.Package) -> None:
    web = pkg.sources.filter(pl.col("document").is_null() & (pl.col("kind") != "news"))
    assert web["url"].null_count() == 0


def test_no_evidence_copied_from_pages(pkg: ps.Package) -> None:
    unshipped = pkg.sources.filter(pl.col("document").is_null()).select("source_id")
    for name in ("gradings", "grade_summaries", "inspections", "monitoring"):
        t = pkg.table(name).join(unshipped, on="source_id")
        assert t["evidence"].null_count() == t.height, name


def test_monitoring_engage_entries_and_exits(pkg: ps.Package) -> None:
    m = pkg.monitoring.filter(pl.col("phase") == "engage")
    exits = m.filter(pl.col("event") == "exited")
    assert "cleveland" in set(exits["force_id"])
    # an exit is never before an entry of the same force
    entries = m.filter(pl.col("event") == "entered").group_by("force_id").agg(pl.col("date").min().alias("entered"))
    both = exits.join(entries, on="force_id")
    assert (both["date"] > both["entered"]).all()


def test_every_cell_is_known_not_graded_or_explicitly_unknown(pkg: ps.Package) -> None:
    from peelstats.coverage_report import grading_cells

    cells = grading_cells(pkg)
    graded_areas = pkg.areas.filter(pl.col("graded_in_round")).height
    assert cells.height == 43 * graded_areas
    assert cells["status"].null_count() == 0
    table = coverage_table(pkg)
    assert cells.filter(pl.col("status") == "unknown").height == table["unknown"].sum()
    assert cells.filter(pl.col("status") == "known")["grade"].null_count() == 0
