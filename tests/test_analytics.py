"""Analytics on the real data (exact values) and hypothesis properties on random panels."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import peelstats as ps

# ----------------------------------------------------------------- real data, exact values


def test_cleveland_effectiveness_trajectory(pkg: ps.Package) -> None:
    t = ps.trajectories(pkg, force="cleveland", theme="effectiveness")
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
    assert (r.comparable_pairs, r.excluded_breaks, r.excluded_carried) == (18, 7, 1)
    m = ps.transition_matrix(r)
    assert (m.improved, m.unchanged, m.declined) == (3, 9, 6)
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
    assert (cov["findings"], cov["followed_up"], cov["closed"], cov["responded"]) == (4, 4, 0, 0)
    assert cov["followed_up_share"] == 1.0 and cov["closed_share"] == 0.0


def test_coverage_by_force(pkg: ps.Package) -> None:
    cov = ps.coverage(pkg, by="force").filter(pl.col("entity") == "cleveland")
    assert cov["findings"].sum() == 33


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


# ----------------------------------------------------------------- properties

panel_rows = st.lists(
    st.tuples(
        st.sampled_from(["a", "b", "c"]),  # entity
        st.sampled_from(["x", "y"]),  # theme
        st.integers(0, 30),  # day offset
        st.integers(1, 4),  # rank
        st.sampled_from(["s4", "s5"]),  # scale
        st.booleans(),  # carried
    ),
    min_size=0,
    max_size=60,
)


def make_panel(rows: list[tuple[str, str, int, int, str, bool]]) -> pl.DataFrame:
    schema = {
        "entity": pl.String,
        "theme": pl.String,
        "day": pl.Int64,
        "rank": pl.Int64,
        "scale": pl.String,
        "carried": pl.Boolean,
    }
    frame = pl.DataFrame(rows, schema=schema, orient="row")
    return frame.with_columns(date=pl.lit(dt.date(2020, 1, 1)) + pl.duration(days=pl.col("day"))).drop("day")


@settings(max_examples=150, deadline=None)
@given(rows=panel_rows, seed=st.integers(0, 2**31))
def test_transitions_properties(rows: list[tuple[str, str, int, int, str, bool]], seed: int) -> None:
    panel = make_panel(rows)
    res = ps.transitions(panel)
    m = ps.transition_matrix(res)
    # counts sum to the comparable pairs; directions partition them
    assert int(res.counts["count"].sum()) == res.comparable_pairs
    assert m.improved + m.unchanged + m.declined == res.comparable_pairs
    # no counted pair crosses a scale break
    assert (res.counts["from_scale"] == res.counts["to_scale"]).all()
    # every judgment (not carried) is in at most one pair as the later end
    kept = panel.filter(~pl.col("carried"))
    groups = kept.group_by("entity", "theme").len()
    assert res.comparable_pairs + res.excluded_breaks == int((groups["len"] - 1).clip(lower_bound=0).sum())
    assert res.excluded_carried == panel["carried"].sum()
    # shares lie in [0, 1]
    shares = m.shares.drop("from").to_numpy()
    assert ((shares >= 0) & (shares <= 1 + 1e-12)).all()
    # permuting the rows changes nothing
    shuffled = ps.transitions(panel.sample(fraction=1.0, shuffle=True, seed=seed))
    assert shuffled.counts.equals(res.counts)
    assert (shuffled.excluded_breaks, shuffled.excluded_carried) == (res.excluded_breaks, res.excluded_carried)


@settings(max_examples=100, deadline=None)
@given(rows=panel_rows, seed=st.integers(0, 2**31))
def test_transitions_mapping_crosses_breaks_only_when_asked(rows: list[tuple[str, str, int, int, str, bool]], seed: int) -> None:
    panel = make_panel(rows)
    identity = {"s4": {r: r for r in range(1, 5)}, "s5": {r: r for r in range(1, 5)}}
    plain = ps.transitions(panel)
    mapped = ps.transitions(panel, mapping=identity)
    assert mapped.comparable_pairs == plain.comparable_pairs + plain.excluded_breaks
    assert mapped.excluded_breaks == 0


@settings(max_examples=100, deadline=None)
@given(rows=panel_rows, seed=st.integers(0, 2**31))
def test_trajectories_properties(rows: list[tuple[str, str, int, int, str, bool]], seed: int) -> None:
    panel = make_panel(rows)
    t = ps.trajectories(panel)
    assert t.height == panel.height
    firsts = t.filter(pl.col("change") == "first")
    assert firsts.height == panel.select("entity", "theme").unique().height
    assert t["position"].drop_nulls().is_between(0, 1).all()
    again = ps.trajectories(panel.sample(fraction=1.0, shuffle=True, seed=seed))
    assert again.select("entity", "theme", "date", "rank", "change").equals(t.select("entity", "theme", "date", "rank", "change"))
    s = ps.trajectory_summary(t)
    assert int(s["judgments"].sum()) == panel.height


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


@settings(max_examples=150, deadline=None)
@given(rows=panel_rows, with_grade=st.booleans())
def test_packed_and_sorted_pairing_agree(rows: list[tuple[str, str, int, int, str, bool]], with_grade: bool) -> None:
    from peelstats.analytics.panel import as_panel
    from peelstats.analytics.transitions import _pair_counts_packed, _pair_counts_sorted

    panel = make_panel(rows).with_columns(era=(pl.col("scale") == "s5").cast(pl.Int64))
    if with_grade:
        panel = panel.with_columns(grade=pl.concat_str([pl.col("scale"), pl.col("rank").cast(pl.String)]))
    lf = as_panel(panel)
    names = lf.collect_schema().names()
    packed = _pair_counts_packed(lf.collect(), False, with_grade)
    general = _pair_counts_sorted(lf.filter(~pl.col("carried")), names, with_grade, None)
    if packed is None:
        assert panel.height == 0
        return
    order = [c for c in general.columns]
    key = [c for c in order if c != "count"]
    assert packed.select(order).sort(key).equals(general.select(order).sort(key))
