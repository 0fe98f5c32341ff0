"""Analytics on the real data (exact values) and hypothesis properties on random panels."""

from __future__ import annotations

import datetime as dt
import random

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import peelstats as ps
from panels import random_panel, to_frame

# ----------------------------------------------------------------- real data, exact values


def test_cleveland_effectiveness_trajectory(pkg: ps.Package) -> None:
    t = ps.trajectories(pkg, force="cleveland", theme="effectiveness")
    # 2014 graded effectiveness only question by question: a not-graded row, never paired
    assert t.row(0, named=True)["status"] == "not graded" and t.row(0, named=True)["change"] is None
    t = t.filter(pl.col("change").is_not_null())
    assert t["round_id"].to_list() == ["peel-2015", "peel-2016", "peel-2017", "peel-2018-19"]
    assert t["grade"].cast(pl.String).to_list() == ["requires improvement", "good", "good", "inadequate"]
    assert t["change"].cast(pl.String).to_list() == ["first", "improved", "unchanged", "declined"]
    assert t["position"].to_list() == pytest.approx([1 / 3, 2 / 3, 2 / 3, 0.0])


def test_cleveland_prevention_crosses_two_breaks(pkg: ps.Package) -> None:
    t = ps.trajectories(pkg, force="cleveland", theme="prevention")
    assert t["round_id"].to_list() == [
        "peel-2014",
        "peel-2015",
        "peel-2016",
        "peel-2017",
        "peel-2018-19",
        "peel-2021-22",
        "peel-2023-25",
    ]
    assert t["change"].cast(pl.String).to_list() == [
        "first",
        "declined",
        "improved",
        "unchanged",
        "declined",
        "not comparable",
        "not comparable",
    ]


def test_cleveland_investigation_carried_grade_is_flagged(pkg: ps.Package) -> None:
    t = ps.trajectories(pkg, force="cleveland", theme="investigation")
    carried = t.filter(pl.col("carried"))
    assert carried["round_id"].to_list() == ["peel-2017"]
    assert carried["carried_from"].to_list() == ["peel-2016"]


def test_cleveland_summary(pkg: ps.Package) -> None:
    s = ps.trajectory_summary(ps.trajectories(pkg, force="cleveland", theme="effectiveness")).row(0, named=True)
    assert (s["first_grade"], s["latest_grade"], s["best_grade"], s["worst_grade"]) == (
        "requires improvement",
        "inadequate",
        "good",
        "inadequate",
    )
    assert (s["improvements"], s["declines"], s["judgments"]) == (1, 1, 4)


def test_cleveland_transitions(pkg: ps.Package) -> None:
    r = ps.transitions(pkg, force="cleveland")
    # 0.3.0 added Cleveland's 2021/22 vulnerability and workforce grades: each sits between two
    # breaks (2018/19 | 2021/22 | 2023-25), so two more pairs cross a break (7 -> 9); 0.4.0 added
    # its 2021/22 serious organised crime grade, which follows the 2018/19 one across a break (10)
    assert (r.comparable_pairs, r.excluded_breaks, r.excluded_carried) == (18, 10, 1)
    with pytest.raises(ps.InputError, match="span levels pillar, question"):
        ps.transition_matrix(r)
    m = ps.transition_matrix(r, pool_levels=True)
    assert (m.improved, m.unchanged, m.declined) == (3, 9, 6)
    p, q = ps.transition_matrix(r, level="pillar"), ps.transition_matrix(r, level="question")
    assert (p.total, q.total) == (10, 8)
    assert p.improved + q.improved == 3
    with_carried = ps.transitions(pkg, force="cleveland", include_carried=True)
    assert with_carried.excluded_carried == 0 and with_carried.comparable_pairs == 19


def test_transitions_round_pair(pkg: ps.Package) -> None:
    r = ps.transitions(pkg, force="cleveland", theme="effectiveness", rounds=("peel-2017", "peel-2018-19"))
    assert r.counts.select("from_grade", "to_grade", "count").rows() == [("good", "inadequate", 1)]


def test_transitions_mapping_includes_breaks(pkg: ps.Package) -> None:
    common = {
        "peel-4": {"inadequate": 1, "requires improvement": 2, "good": 3, "outstanding": 4},
        "peel-5": {"inadequate": 1, "requires improvement": 2, "adequate": 2, "good": 3, "outstanding": 4},
    }
    plain = ps.transitions(pkg, force="cleveland")
    mapped = ps.transitions(pkg, force="cleveland", mapping=common)
    assert mapped.mapped and mapped.excluded_breaks == 0
    assert mapped.comparable_pairs == plain.comparable_pairs + plain.excluded_breaks


def test_coverage_2015_findings_fully_covered_by_actions(pkg: ps.Package) -> None:
    cov = ps.coverage(pkg).filter(pl.col("inspection_id") == "cleveland-peel-2015-effectiveness")
    assert cov["findings"].sum() == 11
    assert cov["responded"].sum() == 11
    by_kind = {r["kind"]: r for r in cov.iter_rows(named=True)}
    assert by_kind["area-for-improvement"]["recurs"] == 6
    assert by_kind["area-for-improvement"]["recur_eligible"] == 9


def test_coverage_2018_19_recommendations_followed_up_not_closed(pkg: ps.Package) -> None:
    cov = (
        ps.coverage(pkg)
        .filter((pl.col("inspection_id") == "cleveland-peel-2018-19") & (pl.col("kind") == "recommendation"))
        .row(0, named=True)
    )
    # 4 prevention recommendations (followed up by the 2021 revisit), 4 on ethics (one followed up
    # in August 2021) and 3 on understanding demand (0.3.0)
    assert (cov["findings"], cov["followed_up"], cov["closed"], cov["responded"]) == (11, 5, 0, 0)
    assert cov["followed_up_share"] == 5 / 11 and cov["closed_share"] == 0.0


def test_coverage_by_force(pkg: ps.Package) -> None:
    cov = ps.coverage(pkg, by="force").filter(pl.col("entity") == "cleveland")
    assert (
        cov["findings"].sum()
        == pkg.findings.join(pkg.inspections, on="inspection_id").filter(pl.col("force_id") == "cleveland").height
        == 48
    )


# ----------------------------------------------------------------- bad input


def test_unknown_force(pkg: ps.Package) -> None:
    with pytest.raises(ps.InputError, match="unknown force 'clevland'"):
        ps.trajectories(pkg, force="clevland")


def test_unknown_theme(pkg: ps.Package) -> None:
    with pytest.raises(ps.InputError, match="unknown theme 'prevent'"):
        ps.transitions(pkg, theme="prevent")


def test_missing_column() -> None:
    with pytest.raises(ps.InputError, match="missing column 'rank'"):
        ps.trajectories(pl.DataFrame({"entity": ["a"], "theme": ["t"], "date": [dt.date(2020, 1, 1)]}))


def test_unknown_grade_in_mapping(pkg: ps.Package) -> None:
    with pytest.raises(ps.InputError, match="no comparable rank"):
        ps.transitions(pkg, force="cleveland", mapping={"peel-4": {"good": 3}, "peel-5": {"good": 3}})


def test_non_integer_rank() -> None:
    frame = pl.DataFrame({"entity": ["a"], "theme": ["t"], "date": [dt.date(2020, 1, 1)], "rank": ["good"]})
    with pytest.raises(ps.InputError, match="'rank' must be integers"):
        ps.transitions(frame)


def test_unknown_round(pkg: ps.Package) -> None:
    with pytest.raises(ps.InputError, match="unknown round"):
        ps.transitions(pkg, rounds=("peel-2013", "peel-2014"))


# ----------------------------------------------------------------- properties (metamorphic)


def _accepted(rnd: random.Random) -> pl.DataFrame | None:
    rows, info = random_panel(rnd)
    frame = to_frame(rows, info)
    try:
        ps.transitions(frame)
    except ps.InputError:
        return None
    return frame


@settings(max_examples=200, deadline=None)
@given(rnd=st.randoms(use_true_random=False), seed=st.integers(0, 2**31))
def test_transitions_properties(rnd: random.Random, seed: int) -> None:
    panel = _accepted(rnd)
    if panel is None:
        return
    res = ps.transitions(panel)
    assert int(res.counts["count"].sum()) == res.comparable_pairs
    for lvl in res.levels or [None]:
        m = ps.transition_matrix(res, level=lvl) if lvl else ps.transition_matrix(res)
        sub = res.counts.filter(pl.col("level") == lvl) if lvl else res.counts
        assert m.improved + m.unchanged + m.declined == int(sub["count"].sum())
        if m.counts.width > 1:
            assert int(m.counts.drop("from").sum_horizontal().sum()) == int(sub["count"].sum())
        shares = m.shares.drop("from").to_numpy()
        assert ((shares >= 0) & (shares <= 1 + 1e-12)).all()
    assert (res.counts["from_scale"] == res.counts["to_scale"]).all()
    strict = ps.transitions(panel, across_gaps=False)
    assert strict.comparable_pairs + strict.excluded_gaps == res.comparable_pairs
    assert strict.excluded_gaps == res.spanning_gaps
    shuffled = ps.transitions(panel.sample(fraction=1.0, shuffle=True, seed=seed))
    assert shuffled.counts.equals(res.counts)
    assert shuffled.left_out.sort("reason").equals(res.left_out.sort("reason"))


@settings(max_examples=150, deadline=None)
@given(rnd=st.randoms(use_true_random=False))
def test_identity_mapping_counts_every_break(rnd: random.Random) -> None:
    panel = _accepted(rnd)
    if panel is None:
        return
    plain = ps.transitions(panel)
    identity = {s: {r: r for r in range(1, 11)} for s in plain.labels}
    mapped = ps.transitions(panel, mapping=identity)
    assert mapped.comparable_pairs == plain.comparable_pairs + plain.excluded_breaks
    assert mapped.excluded_breaks == 0


@settings(max_examples=150, deadline=None)
@given(rnd=st.randoms(use_true_random=False), seed=st.integers(0, 2**31))
def test_trajectories_properties(rnd: random.Random, seed: int) -> None:
    panel = _accepted(rnd)
    if panel is None:
        return
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        t = ps.trajectories(panel)
        again = ps.trajectories(panel.sample(fraction=1.0, shuffle=True, seed=seed))
    assert t["position"].drop_nulls().is_between(0, 1).all()
    cols = ["entity", "theme", "date", "rank", "status", "change", "gap_before"]
    assert again.select(cols).equals(t.select(cols))
    res = ps.transitions(panel)
    counted = t.filter(pl.col("change").is_in(["improved", "unchanged", "declined"]))
    assert counted.height == res.comparable_pairs
    assert t.filter(pl.col("change") == "not comparable").height == res.excluded_breaks
    s = ps.trajectory_summary(t)
    assert int(s["judgments"].sum()) == t.filter(pl.col("change").is_not_null()).height


@settings(max_examples=60, deadline=None)
@given(
    n=st.integers(1, 25),
    data=st.data(),
)
def test_coverage_properties(n: int, data: st.DataObject) -> None:
    from peelstats.analytics import coverage_frame

    kinds = ["cause-of-concern", "recommendation", "area-for-improvement"]
    insp = pl.DataFrame(
        {
            "inspection_id": ["i1", "i2", "i3"],
            "entity": ["e", "e", "f"],
            "order": [1, 2, 1],
            "published": [dt.date(2020, 1, 1), dt.date(2021, 1, 1), None],
        }
    )
    findings = pl.DataFrame(
        {
            "finding_id": [f"f{i}" for i in range(n)],
            "inspection_id": data.draw(st.lists(st.sampled_from(["i1", "i2", "i3"]), min_size=n, max_size=n)),
            "kind": data.draw(st.lists(st.sampled_from(kinds), min_size=n, max_size=n)),
            "theme": data.draw(st.lists(st.sampled_from(["t1", "t2", None]), min_size=n, max_size=n)),
        }
    )
    picks = data.draw(st.lists(st.integers(0, n - 1), max_size=2 * n))
    days = data.draw(st.lists(st.integers(-10, 200), min_size=len(picks), max_size=len(picks)))
    responses = pl.DataFrame(
        {"finding_id": [f"f{i}" for i in picks], "published": [dt.date(2020, 1, 1) + dt.timedelta(days=d) for d in days]},
        schema={"finding_id": pl.String, "published": pl.Date},
    )
    fpicks = data.draw(st.lists(st.integers(0, n - 1), max_size=n))
    followups = pl.DataFrame(
        {
            "finding_id": [f"f{i}" for i in fpicks],
            "assessed_on": [dt.date(2021, 6, 1)] * len(fpicks),
            "status": data.draw(
                st.lists(st.sampled_from(["in progress", "complete"]), min_size=len(fpicks), max_size=len(fpicks))
            ),
        },
        schema={"finding_id": pl.String, "assessed_on": pl.Date, "status": pl.String},
    )
    cov = coverage_frame(findings, insp, responses, followups)
    assert int(cov["findings"].sum()) == n
    for num, den in (
        ("responded", "findings"),
        ("responded_56d", "dated"),
        ("followed_up", "findings"),
        ("closed", "findings"),
        ("recurs", "recur_eligible"),
        ("dated", "findings"),
        ("recur_eligible", "findings"),
    ):
        assert (cov[num] <= cov[den]).all(), num
    for col in [c for c in cov.columns if c.endswith("_share")]:
        assert cov[col].drop_nulls().is_between(0, 1).all()
    again = coverage_frame(findings.reverse(), insp.reverse(), responses.reverse(), followups.reverse())
    assert again.equals(cov)
