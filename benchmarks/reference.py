"""Straightforward pandas implementations of the same computations, and the bare-sort floor."""

from __future__ import annotations

import pandas as pd
import polars as pl

KEYS = ["entity", "theme", "date", "rank", "scale"]


def _linked(df: pd.DataFrame) -> pd.DataFrame:
    """Rows sorted per series, each usable judgment with the previous usable one (carried rows excluded)."""
    d = df.sort_values(["entity", "theme", "date"], kind="stable")
    usable = (~d["carried"]) & d["rank"].notna()
    missing = d["rank"].isna()
    d = d.assign(usable=usable, cm=missing.cumsum())
    k = d[d["usable"]]
    g = k.groupby(["entity", "theme"], sort=False)
    k = k.assign(
        from_rank=g["rank"].shift(1),
        from_scale=g["scale"].shift(1),
        from_era=g["era"].shift(1),
        from_cm=g["cm"].shift(1),
    )
    return d, k


def transitions_pandas(df: pd.DataFrame) -> pd.DataFrame:
    """Transition counts (same-scale, same-era consecutive known, non-carried judgments) with pandas."""
    _, k = _linked(df)
    pairs = k[k["from_rank"].notna()]
    ok = pairs[(pairs["scale"] == pairs["from_scale"]) & (pairs["era"] == pairs["from_era"])]
    ok = ok.assign(across_gap=ok["cm"] != ok["from_cm"])
    out = (
        ok.groupby(["from_scale", "scale", "from_rank", "rank", "across_gap"])
        .size()
        .reset_index(name="count")
        .rename(columns={"scale": "to_scale", "rank": "to_rank"})
    )
    out["from_rank"] = out["from_rank"].astype("int64")
    out["to_rank"] = out["to_rank"].astype("int64")
    return out.sort_values(["from_scale", "to_scale", "from_rank", "to_rank", "across_gap"]).reset_index(drop=True)


def trajectories_pandas(df: pd.DataFrame) -> pd.DataFrame:
    """The change column of trajectories with pandas (null for carried and unknown rows)."""
    d, k = _linked(df)
    change = pd.Series("unchanged", index=k.index, dtype=object)
    change[k["rank"] > k["from_rank"]] = "improved"
    change[k["rank"] < k["from_rank"]] = "declined"
    change[(k["scale"] != k["from_scale"]) | (k["era"] != k["from_era"])] = "not comparable"
    change[k["from_rank"].isna()] = "first"
    full = pd.Series(None, index=d.index, dtype=object)
    full[k.index] = change
    return pd.DataFrame({"entity": d["entity"], "theme": d["theme"], "date": d["date"], "change": full.values})


def bare_sort(df: pl.DataFrame) -> pl.DataFrame:
    """The floor: a polars sort of the same keys, nothing else."""
    return df.sort(KEYS)


def coverage_pandas(
    findings: pd.DataFrame, inspections: pd.DataFrame, responses: pd.DataFrame, followups: pd.DataFrame
) -> pd.DataFrame:
    """coverage_frame(by='inspection') with pandas."""
    statuses = ["not started", "in progress", "complete", "superseded", "addressed", "closed"]
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
    last = last.assign(followed_up=True, closed=last["status"].isin(["complete", "superseded", "closed"]))
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
