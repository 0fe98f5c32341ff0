"""The analytics against a deliberately plain reference (tests/plain_reference.py) on random panels."""

from __future__ import annotations

import random
from collections import Counter
from typing import Any

import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import peelstats as ps
import plain_reference as ref
from panels import random_panel, to_frame
from peelstats.analytics._engine import code, sort_series
from peelstats.analytics.panel import prepare


def _library(frame: Any, **kw: Any) -> dict[str, Any] | None:
    try:
        r = ps.transitions(frame, **kw)
    except ps.InputError:
        return None
    counts: Counter[tuple[Any, ...]] = Counter()
    labels = {}
    for row in r.counts.iter_rows(named=True):
        key = (
            row.get("level"),
            row.get("from_round"),
            row.get("to_round"),
            row["from_scale"],
            row["to_scale"],
            row["from_rank"],
            row["to_rank"],
            row["across_gap"],
            str(row["direction"]),
        )
        counts[key] += row["count"]
        labels[(row["from_scale"], row["from_rank"])] = str(row["from_grade"])
        labels[(row["to_scale"], row["to_rank"])] = str(row["to_grade"])
    left = dict(r.left_out.rows())
    return {
        "counts": counts,
        "breaks": r.excluded_breaks,
        "gaps": r.excluded_gaps,
        "carried": r.excluded_carried,
        "left": left,
        "labels": labels,
        "pairs": r.comparable_pairs,
        "spanning": r.spanning_gaps,
    }


def _reference(rows: list[dict[str, Any]], info: dict[str, Any], **kw: Any) -> dict[str, Any] | None:
    try:
        return ref.transitions(rows, enum_labels=info["enum_labels"], **kw)
    except ref.Refused:
        return None


def _compare(rows: list[dict[str, Any]], info: dict[str, Any], frame: Any, **kw: Any) -> bool:
    """Assert the library equals the reference; True when the panel was accepted."""
    want = _reference(rows, info, **kw)
    got = _library(frame, **kw)
    if want is None or got is None:
        assert want is None and got is None, f"reference {'refused' if want is None else 'accepted'}, library did not"
        return False
    assert got["counts"] == want["counts"]
    assert got["pairs"] == sum(want["counts"].values())
    assert got["spanning"] == sum(n for k, n in want["counts"].items() if k[7])
    assert (got["breaks"], got["gaps"], got["carried"]) == (want["breaks"], want["gaps"], want["carried"])
    expected_left = {**want["missing"], **want["unplaced"]}
    if want["carried"]:
        expected_left["carried"] = want["carried"]
    assert got["left"] == expected_left
    for (scale, rank), label in got["labels"].items():
        if info["enum_labels"] is not None:
            assert label == info["enum_labels"][rank - 1]
        else:
            assert label == want["labels"].get((scale, rank), str(rank))
    return True


def _trajectory_changes(frame: pl.DataFrame, **kw: Any) -> Counter[tuple[Any, ...]] | None:
    import warnings

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            t = ps.trajectories(frame, **kw)
    except ps.InputError:
        return None
    return Counter(
        (
            r["entity"],
            r["theme"],
            str(r["status"]),
            None if r["change"] is None else str(r["change"]),
            r["gap_before"],
            None if r["position"] is None else round(r["position"], 12),
        )
        for r in t.iter_rows(named=True)
    )


def test_thousands_of_random_panels_match_the_reference() -> None:
    """3,000 seeded panels, every option combination; most must be accepted, all must agree."""
    rnd = random.Random(20261203)
    accepted = refused = 0
    for i in range(3000):
        rows, info = random_panel(rnd)
        frame = to_frame(rows, info)
        kw = {"include_carried": i % 3 == 0, "across_gaps": i % 4 != 1}
        if _compare(rows, info, frame, **kw):
            accepted += 1
        else:
            refused += 1
    assert accepted > 1800 and refused > 100, (accepted, refused)


def test_trajectories_match_the_reference_walk() -> None:
    rnd = random.Random(7)
    accepted = 0
    for i in range(1500):
        rows, info = random_panel(rnd)
        if info["enum_labels"] is not None:
            continue
        frame = to_frame(rows, info)
        got = _trajectory_changes(frame, include_carried=i % 2 == 0)
        try:
            want: Counter[tuple[Any, ...]] | None = ref.changes(rows, include_carried=i % 2 == 0)
        except ref.Refused:
            want = None
        assert (got is None) == (want is None)
        if got is not None:
            accepted += 1
            assert got == want
    assert accepted > 700


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rnd=st.randoms(use_true_random=False), include_carried=st.booleans(), across_gaps=st.booleans())
def test_hypothesis_panels_match_the_reference(rnd: random.Random, include_carried: bool, across_gaps: bool) -> None:
    rows, info = random_panel(rnd)
    _compare(rows, info, to_frame(rows, info), include_carried=include_carried, across_gaps=across_gaps)


@pytest.mark.parametrize("kind", ["lazy", "pandas", "arrow"])
def test_other_frame_types_give_the_same_answer(kind: str) -> None:
    rnd = random.Random(11)
    checked = 0
    for _ in range(150):
        rows, info = random_panel(rnd)
        if info["enum_labels"] is not None:
            continue
        frame = to_frame(rows, info)
        other: Any = {
            "lazy": frame.lazy(),
            "pandas": frame.to_pandas(use_pyarrow_extension_array=True),
            "arrow": frame.to_arrow(),
        }[kind]
        checked += _compare(rows, info, other)
    assert checked > 50


@settings(max_examples=300, deadline=None)
@given(rnd=st.randoms(use_true_random=False))
def test_packed_and_multi_column_sorts_agree(rnd: random.Random) -> None:
    """The single-key sort and the multi-column sort give the same frame, or both refuse."""
    rows, info = random_panel(rnd)
    try:
        panel = prepare(to_frame(rows, info), name="t")
    except ps.InputError:
        return
    f = panel.frame
    payload = {
        "status": f["status"].to_physical().cast(pl.UInt64) + 1,
        "rank": f["rank"].fill_null(0).cast(pl.UInt64),
        "scale": code(f["scale"]).codes,
        "era": code(f["era"]).codes,
    }
    results = []
    for packed in (True, False):
        try:
            results.append(sort_series(f, panel.time_cols, payload, packed=packed))
        except ps.InputError as exc:
            results.append(str(exc))
    if isinstance(results[0], str) or isinstance(results[1], str):
        assert isinstance(results[0], str) and isinstance(results[1], str)
        return
    assert results[0].equals(results[1])
