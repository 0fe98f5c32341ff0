"""Straightforward pandas implementations of the same computations, and the bare-sort floor."""

from __future__ import annotations

import pandas as pd
import polars as pl

KEYS = ["entity", "theme", "date", "rank", "scale"]


def transitions_pandas(df: pd.DataFrame) -> pd.DataFrame:
    """Transition counts (same-scale, same-era consecutive non-carried judgments) with pandas."""
    d = df[~df["carried"]].sort_values(KEYS, kind="stable")
    g = d.groupby(["entity", "theme"], sort=False)
    d = d.assign(
        from_rank=g["rank"].shift(1),
        from_scale=g["scale"].shift(1),
        from_era=g["era"].shift(1),
    )
    pairs = d[d["from_rank"].notna()]
    ok = pairs[(pairs["scale"] == pairs["from_scale"]) & (pairs["era"] == pairs["from_era"])]
    out = (
        ok.groupby(["from_scale", "scale", "from_rank", "rank"])
        .size()
        .reset_index(name="count")
        .rename(columns={"scale": "to_scale", "rank": "to_rank"})
    )
    out["from_rank"] = out["from_rank"].astype("int64")
    return out.sort_values(["from_scale", "to_scale", "from_rank", "to_rank"]).reset_index(drop=True)


def trajectories_pandas(df: pd.DataFrame) -> pd.DataFrame:
    """The change column of trajectories with pandas (first/improved/unchanged/declined/not comparable)."""
    d = df.sort_values(KEYS, kind="stable")
    g = d.groupby(["entity", "theme"], sort=False)
    prev_rank, prev_scale, prev_era = g["rank"].shift(1), g["scale"].shift(1), g["era"].shift(1)
    change = pd.Series("unchanged", index=d.index)
    change[d["rank"] > prev_rank] = "improved"
    change[d["rank"] < prev_rank] = "declined"
    change[(d["scale"] != prev_scale) | (d["era"] != prev_era)] = "not comparable"
    change[prev_rank.isna()] = "first"
    return pd.DataFrame({"entity": d["entity"], "theme": d["theme"], "date": d["date"], "change": change.values})


def bare_sort(df: pl.DataFrame) -> pl.DataFrame:
    """The floor: a polars sort of the same keys, nothing else."""
    return df.sort(KEYS)


def coverage_pandas(
    findings: pd.DataFrame, inspections: pd.DataFrame, responses: pd.DataFrame, followups: pd.DataFrame
) -> pd.DataFrame:
    """coverage_frame(by='inspection') with pandas."""
    statuses = ["not started", "in progress", "complete", "superseded", "addressed"]
    f = findings.merge(inspections, on="inspection_id", how="left")
    r = responses.merge(f[["finding_id", "published"]].rename(columns={"published": "ip"}), on="finding_id")
    r["days"] = (r["published"] - r["ip"]).dt.days
    r["ok"] = (r["days"] >= 0) & (r["days"] <= 56)
    r["has_days"] = r["days"].notna()
    rr = r.groupby("finding_id").agg(dated=("has_days", "any"), responded_56d=("ok", "any")).reset_index()
    rr["responded"] = True
    fu = followups.assign(srank=followups["status"].map({s: i for i, s in enumerate(statuses)}))
    fu = fu.sort_values(["assessed_on", "srank", "status"], na_position="first")
    last = fu.groupby("finding_id").tail(1)[["finding_id", "status"]]
    last = last.assign(followed_up=True, closed=last["status"].isin(["complete", "superseded"]))
    themed = f[f["theme"].notna()]
    cover = themed[themed["full"]][["entity", "theme", "order"]].drop_duplicates()
    nxt = themed[["finding_id", "entity", "theme", "order"]].merge(
        cover.rename(columns={"order": "next_order"}), on=["entity", "theme"]
    )
    nxt = nxt[nxt["next_order"] > nxt["order"]].groupby("finding_id", as_index=False)["next_order"].min()
    nxt = nxt.merge(themed[["finding_id", "entity", "theme"]], on="finding_id")
    issued = cover.rename(columns={"order": "next_order"}).assign(found=True)
    nxt = nxt.merge(issued, on=["entity", "theme", "next_order"], how="left")
    nxt = nxt.assign(recur_eligible=True, recurs=nxt["found"].fillna(False).astype(bool))[
        ["finding_id", "recur_eligible", "recurs"]
    ]
    out = (
        f.merge(rr, on="finding_id", how="left")
        .merge(last[["finding_id", "followed_up", "closed"]], on="finding_id", how="left")
        .merge(nxt, on="finding_id", how="left")
    )
    for c in ("responded", "dated", "responded_56d", "followed_up", "closed", "recur_eligible", "recurs"):
        out[c] = out[c].astype("boolean").fillna(False).astype(bool)
    out["responded_56d"] = out["responded_56d"] & out["dated"]
    keys = ["inspection_id", "entity", "round_id", "kind"]
    agg = (
        out.groupby(keys, dropna=False)
        .agg(
            findings=("finding_id", "size"),
            responded=("responded", "sum"),
            dated=("dated", "sum"),
            responded_56d=("responded_56d", "sum"),
            followed_up=("followed_up", "sum"),
            closed=("closed", "sum"),
            recur_eligible=("recur_eligible", "sum"),
            recurs=("recurs", "sum"),
        )
        .reset_index()
    )
    return agg.sort_values(keys).reset_index(drop=True)
