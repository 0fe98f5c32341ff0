"""Seeded synthetic graded-inspection panels and findings tables, at any size.

A panel has N entities x K inspections x A themes judgments. Entities start on a 4-point
scale and switch to a 5-point scale at a break inspection (some never do); a further era
break (new framework, same scale) follows; about 5% of judgments are carried over and 2% have an unknown grade.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import polars as pl

THEMES = ("prevention", "investigation", "vulnerability", "public-treatment", "workforce", "leadership", "resources", "data")


def panel(n_rows: int, *, inspections: int = 8, themes: int = 5, seed: int = 0) -> pl.DataFrame:
    """About ``n_rows`` judgments: columns entity (int), theme, date, rank, scale, era, carried."""
    rng = np.random.default_rng(seed)
    n_entities = max(1, n_rows // (inspections * themes))
    ent = np.repeat(np.arange(n_entities, dtype=np.int64), inspections * themes)
    k = np.tile(np.repeat(np.arange(inspections), themes), n_entities)
    th = np.tile(np.arange(themes), n_entities * inspections)
    # each entity switches scale at its own break inspection (or never: value = inspections)
    brk = rng.integers(inspections // 2, inspections + 1, size=n_entities)[ent]
    five = k >= brk
    era = five.astype(np.int64) + (k >= brk + 2).astype(np.int64)
    size = np.where(five, 5, 4)
    rank = np.minimum(rng.integers(1, 6, size=ent.size), size)
    start = dt.date(2010, 1, 1).toordinal()
    day = start + k * 365 + rng.integers(0, 200, size=ent.size)
    carried = rng.random(ent.size) < 0.05
    unknown = rng.random(ent.size) < 0.02  # judgments whose grade is not known
    order = rng.permutation(ent.size)  # inputs arrive unsorted
    frame = pl.DataFrame(
        {
            "entity": ent[order],
            "theme": np.asarray(THEMES)[th[order]],
            "date": (day[order] - dt.date(1970, 1, 1).toordinal()).astype("datetime64[D]"),
            "rank": rank[order].astype(np.int64),
            "scale": np.where(five[order], "peel-5", "peel-4"),
            "era": era[order],
            "carried": carried[order],
        }
    )
    return frame.with_columns(
        pl.col("date").cast(pl.Date), rank=pl.when(pl.Series(unknown[order])).then(None).otherwise(pl.col("rank"))
    )


def findings_tables(n_findings: int, *, seed: int = 0) -> dict[str, pl.DataFrame]:
    """Frames for ``peelstats.analytics.coverage_frame`` with about ``n_findings`` findings."""
    rng = np.random.default_rng(seed)
    n_insp = max(2, n_findings // 6)
    entity = rng.integers(0, max(1, n_insp // 4), size=n_insp)
    order = np.arange(n_insp, dtype=np.int64)
    published = (dt.date(2015, 1, 1).toordinal() - dt.date(1970, 1, 1).toordinal()) + order // 4 * 90
    inspections = pl.DataFrame(
        {
            "inspection_id": [f"i{i}" for i in range(n_insp)],
            "entity": entity.astype(str),
            "round_id": (order // max(1, n_insp // 6)).astype(str),
            "order": order,
            "published": published.astype("datetime64[D]"),
            "full": rng.random(n_insp) > 0.05,
        }
    ).with_columns(pl.col("published").cast(pl.Date))
    insp_of = rng.integers(0, n_insp, size=n_findings)
    kinds = np.asarray(["cause-of-concern", "recommendation", "area-for-improvement"])[rng.integers(0, 3, size=n_findings)]
    theme = np.asarray(THEMES + ("",))[rng.integers(0, len(THEMES) + 1, size=n_findings)]
    findings = pl.DataFrame(
        {
            "finding_id": [f"f{i}" for i in range(n_findings)],
            "inspection_id": [f"i{i}" for i in insp_of],
            "kind": kinds,
            "theme": theme,
        }
    ).with_columns(pl.when(pl.col("theme") == "").then(None).otherwise(pl.col("theme")).alias("theme"))
    n_resp = int(n_findings * 0.8)
    resp_f = rng.integers(0, n_findings, size=n_resp)
    resp_day = published[insp_of[resp_f]] + rng.integers(-5, 120, size=n_resp)
    responses = pl.DataFrame(
        {"finding_id": [f"f{i}" for i in resp_f], "published": resp_day.astype("datetime64[D]")}
    ).with_columns(pl.col("published").cast(pl.Date))
    n_fu = int(n_findings * 0.5)
    fu_f = rng.integers(0, n_findings, size=n_fu)
    followups = pl.DataFrame(
        {
            "finding_id": [f"f{i}" for i in fu_f],
            "assessed_on": (published[insp_of[fu_f]] + rng.integers(100, 900, size=n_fu)).astype("datetime64[D]"),
            "status": np.asarray(["not started", "in progress", "complete", "superseded"])[rng.integers(0, 4, size=n_fu)],
        }
    ).with_columns(pl.col("assessed_on").cast(pl.Date))
    return {"findings": findings, "inspections": inspections, "responses": responses, "followups": followups}
