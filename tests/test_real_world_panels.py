"""Real-world panel shapes: each case that once gave a silently wrong count now gives the right one or one InputError."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import polars as pl
import pytest

import peelstats as ps
from peelstats.analytics import coverage_frame, coverage_inputs


def panel(**cols: list) -> pl.DataFrame:
    n = len(next(iter(cols.values())))
    base = {"entity": ["a"] * n, "theme": ["t"] * n, "date": list(range(2015, 2015 + n))}
    return pl.DataFrame({**base, **cols})


def test_missing_judgments_are_never_paired() -> None:
    p = panel(rank=[2, None, None, 3])
    r = ps.transitions(p)
    assert r.comparable_pairs == 1 and r.spanning_gaps == 1
    assert r.counts.select("from_rank", "to_rank", "direction").rows() == [(2, 3, "improved")]
    assert dict(r.left_out.rows()) == {"no grade": 2}
    strict = ps.transitions(p, across_gaps=False)
    assert (strict.comparable_pairs, strict.excluded_gaps) == (0, 1)
    m = ps.transition_matrix(r)
    assert (m.improved, m.unchanged, m.declined) == (1, 0, 0)
    t = ps.trajectories(p)
    assert t["status"].cast(pl.String).to_list() == ["judgment", "no grade", "no grade", "judgment"]
    assert t["change"].cast(pl.String).to_list() == ["first", None, None, "improved"]
    assert t["gap_before"].to_list() == [False, False, False, True]


def test_two_judgments_on_one_date_are_refused() -> None:
    p = pl.DataFrame({"entity": ["a", "a"], "theme": ["t", "t"], "date": [dt.date(2020, 1, 1)] * 2, "rank": [3, 1]})
    with pytest.raises(ps.InputError, match=r"1 judgment\(s\) share their entity, theme and date with an earlier one.*'a'"):
        ps.transitions(p)
    with pytest.raises(ps.InputError, match="ambiguous"):
        ps.trajectories(p)


def test_huge_eras_do_not_overflow() -> None:
    start1, start2 = 1_420_070_400_000, 1_609_459_200_000  # framework starts in epoch milliseconds
    rows = []
    for e in range(50):
        for i, era in enumerate([start1, start1, start2, start2]):
            rows.append({"entity": f"e{e}", "theme": "t", "date": 2015 + i, "rank": 1 + (e + i) % 4, "era": era})
    r = ps.transitions(pl.DataFrame(rows))
    assert (r.comparable_pairs, r.excluded_breaks) == (100, 50)


def test_ranks_that_are_scores_are_refused() -> None:
    """A rank of 2^40 is a score, not a grade: one clear line, not a table of 2^40 labels."""
    panel = pl.DataFrame({"entity": ["a"] * 3, "theme": ["t"] * 3, "date": [1, 2, 3], "rank": [1, 2**40, 5]})
    with pytest.raises(ps.InputError, match=r"1 row\(s\) have a rank above 1,000 .*are these scores"):
        ps.trajectories(panel)


def test_many_large_scales_get_their_positions() -> None:
    """70 scales of 1,000 grades: past the size of the position lookup, positions are computed."""
    n = 70
    panel = pl.DataFrame(
        {
            "entity": ["a"] * (2 * n),
            "theme": [f"t{i}" for i in range(n) for _ in range(2)],
            "date": [1, 2] * n,
            "rank": [1000, 500] * n,
            "scale": [f"s{i}" for i in range(n) for _ in range(2)],
        }
    )
    t = ps.trajectories(panel)
    assert t["scale_size"].unique().to_list() == [1000]
    assert t["position"].to_list() == [1.0, 499 / 999] * n
    assert t["change"].cast(pl.String).to_list() == ["first", "declined"] * n


def test_huge_ids_and_negative_eras() -> None:
    p = pl.DataFrame(
        {
            "entity": [-(2**63), -(2**63), 2**63 - 1, 2**63 - 1],
            "theme": ["t"] * 4,
            "date": [1, 2, 1, 2],
            "rank": [1, 2, 2, 2],
            "era": [-(2**62), -(2**62), 2**62, 2**62],
        }
    )
    r = ps.transitions(p)
    assert r.comparable_pairs == 2
    assert sorted(r.counts["direction"].cast(pl.String).to_list()) == ["improved", "unchanged"]


def test_null_scale_or_era_mid_series_is_counted_and_null_carried_refused() -> None:
    p = panel(rank=[1, 2, 3, 4], scale=["s", None, "s", "s"], era=[0, 0, None, 0])
    r = ps.transitions(p)
    assert dict(r.left_out.rows()) == {"no scale": 1, "no era": 1}
    assert (r.comparable_pairs, r.spanning_gaps) == (1, 1)
    with pytest.raises(ps.InputError, match="'carried' has 1 null"):
        ps.transitions(panel(rank=[1, 2], carried=[False, None]))


def test_integer_scales_keep_their_labels() -> None:
    p = panel(rank=[1, 2, 3], scale=[4, 4, 5], grade=["poor", "fair", "top"])
    r = ps.transitions(p)
    assert r.counts.select("from_scale", "to_scale", "from_grade", "to_grade").rows() == [("4", "4", "poor", "fair")]
    assert r.excluded_breaks == 1


@pytest.mark.parametrize("rank", [0, -3])
def test_ranks_below_one_are_refused(rank: int) -> None:
    with pytest.raises(ps.InputError, match="rank below 1"):
        ps.trajectories(panel(rank=[1, rank]))


def test_ranks_above_the_scale_are_refused() -> None:
    with pytest.raises(ps.InputError, match="rank above their scale's size"):
        ps.trajectories(panel(rank=[1, 6], scale_size=[4, 4]))


def test_positions_lie_on_the_scale_and_ignore_filters() -> None:
    p = pl.DataFrame({"entity": ["a", "a", "b"], "theme": ["t"] * 3, "date": [1, 2, 1], "rank": [1, 2, 5]})
    whole = ps.trajectories(p).filter(pl.col("entity") == "a")["position"].to_list()
    assert ps.trajectories(p, force="a")["position"].to_list() == whole == [0.0, 0.25]


def test_foreign_labels_label_the_matrix() -> None:
    p = panel(rank=[1, 2, 1], grade=["B", "A", "B"])
    m = ps.transition_matrix(ps.transitions(p))
    assert m.counts.columns == ["from", "B", "A"]
    assert m.counts.rows() == [("B", 0, 1), ("A", 1, 0)]


def test_ofsted_enum_gives_ranks_and_labels() -> None:
    scale = pl.Enum(["Inadequate", "Requires improvement", "Good", "Outstanding"])
    p = panel(grade=pl.Series(["Good", "Outstanding", "Good"], dtype=scale).to_list())
    p = p.with_columns(pl.col("grade").cast(scale))
    r = ps.transitions(p)
    assert r.counts.select("from_grade", "to_grade", "direction").cast(pl.String).rows() == [
        ("Good", "Outstanding", "improved"),
        ("Outstanding", "Good", "declined"),
    ]
    assert ps.transition_matrix(r).counts["from"].to_list() == ["Inadequate", "Requires improvement", "Good", "Outstanding"]
    assert ps.trajectories(p)["position"].to_list() == pytest.approx([2 / 3, 1.0, 2 / 3])


def test_unordered_text_grades_without_rank_are_refused() -> None:
    with pytest.raises(ps.InputError, match="not ordered"):
        ps.transitions(panel(grade=["Good", "Outstanding"]))


def test_pandas_arrow_and_integer_years() -> None:
    p = panel(rank=[1, 3, 2])
    want = ps.transitions(p).counts
    assert ps.transitions(p.to_pandas()).counts.equals(want)
    assert ps.transitions(p.to_arrow()).counts.equals(want)
    cat = pd.DataFrame(
        {
            "entity": ["a", "a"],
            "theme": ["t", "t"],
            "date": [2019, 2022],
            "grade": pd.Categorical(["Good", "Outstanding"], categories=["Inadequate", "Good", "Outstanding"], ordered=True),
        }
    )
    assert ps.transitions(cat).counts["direction"].cast(pl.String).to_list() == ["improved"]


def test_text_dates_are_refused_with_a_hint() -> None:
    with pytest.raises(ps.InputError, match=r"str\.to_date"):
        ps.transitions(panel(rank=[1, 2]).with_columns(pl.col("date").cast(pl.String)))


def test_datetimes_are_accepted() -> None:
    p = panel(rank=[1, 2]).with_columns(date=pl.Series([dt.datetime(2020, 1, 1, 9), dt.datetime(2020, 1, 1, 10)]))
    assert ps.transitions(p).comparable_pairs == 1


def test_coverage_of_the_package_equals_coverage_frame(pkg: ps.Package) -> None:
    assert ps.coverage(pkg).equals(coverage_frame(**coverage_inputs(pkg)))


def _cov_frames() -> dict[str, pl.DataFrame]:
    return {
        "findings": pl.DataFrame(
            {"finding_id": ["f1", "f2"], "inspection_id": ["i1", "i1"], "kind": ["k", "k"], "theme": ["t", "t"]}
        ),
        "inspections": pl.DataFrame(
            {"inspection_id": ["i1", "i2"], "entity": ["e", "e"], "order": [9, 10], "published": [dt.date(2020, 1, 1)] * 2}
        ),
        "responses": pl.DataFrame(schema={"finding_id": pl.String, "published": pl.Date}),
        "followups": pl.DataFrame(schema={"finding_id": pl.String, "assessed_on": pl.Date, "status": pl.String}),
    }


def test_coverage_frame_refuses_duplicates_and_text_order() -> None:
    f = _cov_frames()
    assert coverage_frame(**f)["findings"].sum() == 2
    dup = {**f, "findings": pl.concat([f["findings"], f["findings"]])}
    with pytest.raises(ps.InputError, match="findings has 4 rows sharing a finding_id"):
        coverage_frame(**dup)
    dup_i = {**f, "inspections": pl.concat([f["inspections"], f["inspections"]])}
    with pytest.raises(ps.InputError, match="sharing a inspection_id"):
        coverage_frame(**dup_i)
    text = {**f, "inspections": f["inspections"].with_columns(pl.col("order").cast(pl.String))}
    with pytest.raises(ps.InputError, match="order must be integers or dates"):
        coverage_frame(**text)
    assert coverage_frame(**{k: v.to_pandas() for k, v in f.items()})["findings"].sum() == 2


def test_helpers_given_the_package_explain_themselves(pkg: ps.Package) -> None:
    with pytest.raises(ps.InputError, match=r"transition_matrix\(transitions\(pkg\)\)"):
        ps.transition_matrix(pkg)  # type: ignore[arg-type]
    assert ps.trajectory_summary(pkg).height > 0


@pytest.mark.parametrize(
    ("rounds", "match"),
    [
        ("peel-2015", "must be a pair"),
        (("peel-2017", "peel-2015"), "not in time order"),
        (("peel-2015",), "must be a pair"),
        (("peel-2015", "peel-2099"), "unknown round 'peel-2099'"),
    ],
)
def test_rounds_are_checked(pkg: ps.Package, rounds: object, match: str) -> None:
    with pytest.raises(ps.InputError, match=match):
        ps.transitions(pkg, rounds=rounds)  # type: ignore[arg-type]


def test_unknown_entity_or_theme_on_a_panel() -> None:
    p = panel(rank=[1, 2])
    with pytest.raises(ps.InputError, match="unknown entity 'b'"):
        ps.transitions(p, force="b")
    with pytest.raises(ps.InputError, match="unknown theme 'x'"):
        ps.trajectories(p, theme="x")


def test_package_levels_are_kept_apart_and_round_pairs_add_up(pkg: ps.Package) -> None:
    r = ps.transitions(pkg)
    assert set(r.levels) == {"pillar", "question"}
    by_level = dict(r.by_level().select("level", "pairs").rows())
    assert sum(by_level.values()) == r.comparable_pairs
    rounds = r.by_round_pair()
    assert int(rounds["pairs"].sum()) == r.comparable_pairs
    skipping = rounds.filter(pl.col("rounds_skipped") > 0)
    assert (skipping["from_round"] != skipping["to_round"]).all()
    # every pair spanning a gap skips at least one round
    assert int(rounds.filter(pl.col("rounds_skipped") == 0)["across_gap"].sum()) == 0
    with pytest.raises(ps.InputError, match="span levels"):
        ps.transition_matrix(r)


def test_reprs_read_well(pkg: ps.Package) -> None:
    r = ps.transitions(pkg, force="cleveland")
    text = repr(r)
    assert text.startswith("Transitions:") and "across a break" in text and "pillar:" in text
    assert "<table>" in r._repr_html_()
    m = ps.transition_matrix(r, level="pillar")
    assert repr(m).startswith("TransitionMatrix (pillar):") and "<table>" in m._repr_html_()
    assert {"trajectories", "transitions", "coverage", "plot_trajectories"} <= set(dir(ps))
