"""Every fact of the five seed documents, with exact expected values."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest

import peelstats as ps


def grade_of(pkg: ps.Package, inspection: str, area: str) -> str | None:
    row = pkg.gradings.filter((pl.col("inspection_id") == inspection) & (pl.col("area_id") == area))
    assert row.height == 1, f"no grading {inspection} / {area}"
    return row["grade"][0]


def test_2015_effectiveness_grades(pkg: ps.Package) -> None:
    i = "cleveland-peel-2015-effectiveness"
    assert grade_of(pkg, i, "peel-2015-effectiveness") == "requires improvement"
    assert grade_of(pkg, i, "peel-2015-effectiveness-prevention") == "requires improvement"
    assert grade_of(pkg, i, "peel-2015-effectiveness-investigation") == "good"
    assert grade_of(pkg, i, "peel-2015-effectiveness-vulnerability") == "requires improvement"
    assert grade_of(pkg, i, "peel-2015-effectiveness-serious-organised-crime") == "good"


def test_2015_effectiveness_published(pkg: ps.Package) -> None:
    row = pkg.inspections.filter(pl.col("inspection_id") == "cleveland-peel-2015-effectiveness")
    assert row["published"][0] == dt.date(2016, 2, 18)


def test_2015_findings_per_question(pkg: ps.Package) -> None:
    f = pkg.findings.filter(pl.col("inspection_id") == "cleveland-peel-2015-effectiveness")
    by = {(r["area_id"], str(r["kind"])): r["len"] for r in f.group_by("area_id", "kind").len().to_dicts()}
    assert by == {
        ("peel-2015-effectiveness-prevention", "area-for-improvement"): 3,
        ("peel-2015-effectiveness-investigation", "area-for-improvement"): 2,
        ("peel-2015-effectiveness-vulnerability", "area-for-improvement"): 3,
        ("peel-2015-effectiveness-vulnerability", "cause-of-concern"): 1,
        ("peel-2015-effectiveness-vulnerability", "recommendation"): 1,
        ("peel-2015-effectiveness-serious-organised-crime", "area-for-improvement"): 1,
    }


def test_2015_recommendation_linked_to_its_cause_of_concern(pkg: ps.Package) -> None:
    rec = pkg.findings.filter(pl.col("finding_id") == "cleveland-peel-2015-effectiveness-rec-01")
    assert rec["parent_id"][0] == "cleveland-peel-2015-effectiveness-coc-01"
    assert rec["due"][0] is None


def test_2015_twelve_improvement_actions_cover_every_finding(pkg: ps.Package) -> None:
    actions = pkg.responses.filter(pl.col("response_id").str.contains("cleveland-peel-2015-effectiveness-action-"))
    assert actions.height == 12
    assert set(actions["responder"].cast(pl.String)) == {"force"}
    linked = pkg.response_findings.join(actions.select("response_id"), on="response_id")["finding_id"].unique()
    issued = pkg.findings.filter(pl.col("inspection_id") == "cleveland-peel-2015-effectiveness")["finding_id"]
    assert sorted(linked) == sorted(issued)
    assert len(issued) == 11


def test_2015_pcc_response(pkg: ps.Package) -> None:
    pcc = pkg.responses.filter((pl.col("inspection_id") == "cleveland-peel-2015-effectiveness") & (pl.col("responder") == "pcc"))
    assert pcc.height == 1
    links = pkg.response_findings.filter(pl.col("response_id") == pcc["response_id"][0])
    assert links.height == 5  # the three vulnerability AFIs, the cause of concern and its recommendation


def test_2016_effectiveness(pkg: ps.Package) -> None:
    i = "cleveland-peel-2016-effectiveness"
    assert grade_of(pkg, i, "peel-2016-effectiveness") == "good"
    spec = pkg.gradings.filter(
        (pl.col("inspection_id") == i) & (pl.col("area_id") == "peel-2016-effectiveness-specialist-capabilities")
    )
    assert spec["graded"][0] is False and spec["grade"][0] is None
    insp = pkg.inspections.filter(pl.col("inspection_id") == i)
    assert insp["published"][0] == dt.date(2017, 3, 2)
    f = pkg.findings.filter(pl.col("inspection_id") == i)
    assert f.height == 9
    assert set(f["kind"].cast(pl.String)) == {"area-for-improvement"}
    per_q = dict(f.group_by("area_id").len().iter_rows())
    assert per_q == {
        "peel-2016-effectiveness-investigation": 2,
        "peel-2016-effectiveness-vulnerability": 5,
        "peel-2016-effectiveness-serious-organised-crime": 2,
    }
    summaries = pkg.finding_summaries.filter(pl.col("inspection_id") == i)
    assert dict(zip(summaries["kind"].cast(pl.String), summaries["count"], strict=False)) == {
        "cause-of-concern": 0,
        "recommendation": 0,
    }


def test_2016_dated_deadlines(pkg: ps.Package) -> None:
    d = pkg.deadlines.filter(pl.col("finding_id") == "cleveland-peel-2016-effectiveness-afi-07").sort("due")
    assert d["due"].to_list() == [dt.date(2017, 5, 1), dt.date(2017, 6, 1)]
    f = pkg.findings.filter(pl.col("finding_id") == "cleveland-peel-2016-effectiveness-afi-07")
    assert f["due"][0] == dt.date(2017, 5, 1)
    cleveland = pkg.findings.filter(pl.col("finding_id").str.starts_with("cleveland-"))
    assert cleveland.filter(pl.col("due").is_not_null()).height == 1


def test_2016_responses_cover_all_afis(pkg: ps.Package) -> None:
    for rid in ("cleveland-peel-2016-effectiveness-force-process", "cleveland-peel-2016-effectiveness-pcc-scrutiny"):
        assert pkg.response_findings.filter(pl.col("response_id") == rid).height == 9


def test_2017_effectiveness(pkg: ps.Package) -> None:
    i = "cleveland-peel-2017-effectiveness"
    assert grade_of(pkg, i, "peel-2017-effectiveness") == "good"
    inv = pkg.gradings.filter((pl.col("inspection_id") == i) & (pl.col("area_id") == "peel-2017-effectiveness-investigation"))
    assert inv["carried_from"][0] == "peel-2016" and inv["grade"][0] == "good"
    assert pkg.findings.filter(pl.col("inspection_id") == i).height == 3


def test_2017_missing_children_addressed_by_pcc(pkg: ps.Package) -> None:
    fu = pkg.followups.filter(pl.col("finding_id") == "cleveland-peel-2016-effectiveness-afi-03")
    assert fu.height == 1
    assert fu["status"][0] == "addressed"
    assert fu["assessed_by"][0] == "pcc"


def test_2019_inspection_and_cause_of_concern(pkg: ps.Package) -> None:
    insp = pkg.inspections.filter(pl.col("inspection_id") == "cleveland-peel-2018-19").row(0, named=True)
    assert (insp["fieldwork_start"], insp["fieldwork_end"]) == (dt.date(2019, 5, 20), dt.date(2019, 5, 31))
    recs = pkg.findings.filter(pl.col("parent_id") == "cleveland-peel-2018-19-coc-prevention")
    assert recs.height == 4
    s = pkg.finding_summaries.filter(pl.col("inspection_id") == "cleveland-peel-2018-19")
    assert s["count"].to_list() == [6]
    for pillar in ("effectiveness", "efficiency", "legitimacy"):
        assert grade_of(pkg, "cleveland-peel-2018-19", f"peel-2018-19-{pillar}") == "inadequate"


def test_2021_revisit(pkg: ps.Package) -> None:
    insp = pkg.inspections.filter(pl.col("inspection_id") == "cleveland-revisit-2021-prevention").row(0, named=True)
    assert insp["kind"] == "revisit"
    assert (insp["fieldwork_start"], insp["fieldwork_end"], insp["published"]) == (
        dt.date(2021, 6, 7),
        dt.date(2021, 6, 24),
        dt.date(2021, 8, 19),
    )
    fu = pkg.followups.filter(pl.col("inspection_id") == "cleveland-revisit-2021-prevention")
    assert fu.height == 4
    assert set(fu["status"].cast(pl.String)) == {"in progress"}
    assert set(fu["assessed_by"].cast(pl.String)) == {"inspectorate"}


def test_monitoring_engage(pkg: ps.Package) -> None:
    m = pkg.monitoring.filter((pl.col("force_id") == "cleveland") & (pl.col("event") == "remains"))
    assert m.sort("date")["date"].to_list() == [dt.date(2021, 8, 19), dt.date(2023, 3, 17)]
    assert set(m["phase"].cast(pl.String)) == {"engage"}


def test_2021_22_distribution_and_named_areas(pkg: ps.Package) -> None:
    i = "cleveland-peel-2021-22"
    tv = pkg.grade_summaries.filter((pl.col("inspection_id") == i) & (pl.col("source_id") == "news-tv-cleveland-peel-2021-22"))
    assert dict(zip(tv["grade"].cast(pl.String), tv["count"], strict=False)) == {
        "good": 1,
        "adequate": 4,
        "requires improvement": 3,
        "inadequate": 2,
    }
    assert set(tv["of_total"]) == {10}
    assert grade_of(pkg, i, "peel-2021-22-prevention") == "inadequate"
    assert grade_of(pkg, i, "peel-2021-22-use-of-resources") == "inadequate"
    assert grade_of(pkg, i, "peel-2021-22-investigation") == "requires improvement"
    assert grade_of(pkg, i, "peel-2021-22-crime-data-integrity") == "good"
    # the named areas never exceed the counts the sources give
    named = pkg.gradings.filter((pl.col("inspection_id") == i) & pl.col("grade").is_not_null())
    for grade, n in named.group_by("grade").len().iter_rows():
        assert n <= dict(zip(tv["grade"].cast(pl.String), tv["count"], strict=False))[str(grade)]
    # the TV report's five recommendations (the inspectorate's 2023 letter adds its own rows)
    assert (
        pkg.findings.filter((pl.col("inspection_id") == i) & (pl.col("source_id") == "news-tv-cleveland-peel-2021-22")).height
        == 5
    )


def test_news_is_cited_not_shipped(pkg: ps.Package) -> None:
    news = pkg.sources.filter(pl.col("kind") == "news")
    assert news.height >= 1
    assert news["document"].null_count() == news.height
    assert set(news["licence"].cast(pl.String)) == {"proprietary"}
    # no quote may be copied from an unshipped source
    for name in ("gradings", "findings", "responses", "followups", "monitoring", "grade_summaries"):
        t = pkg.table(name).join(news.select("source_id"), on="source_id")
        assert t["evidence"].null_count() == t.height, name


#: The seed documents (../shared/seeds/) and their SHA-256, pinned: a shipped text that drifts from its seed fails.
SEEDS = {
    "cleveland-pcc-response-peel-effectiveness-2015.txt": (
        "001_0cb74733c050c224.txt",
        "8cced4f510b684b750947114c28f37adf14e0e288ee65a861a39e0d68df540af",
    ),
    "cleveland-pcc-response-peel-effectiveness-2016.txt": (
        "002_eba6d83fcf8b14d9.txt",
        "49441de89475045becf1b66949ea44b885c5bcad3263d62d03dafb20d8cd0041",
    ),
    "cleveland-press-release-peel-effectiveness-2017.txt": (
        "000_0567a67c63da8ca6.txt",
        "1032ea6da5211ae06fff1e240559359334afdb6f71159575e94081904e3c2ac8",
    ),
    "hmicfrs-cleveland-cause-of-concern-revisit-2021.txt": (
        "004_f3684d72e39fd7f7.txt",
        "5b064ed484ec8a70b961c2342f1ae8addb6b1968fcbf6bc6fb0141e276c9a142",
    ),
}


@pytest.mark.parametrize("doc", sorted(SEEDS))
def test_shipped_documents_are_the_seeds_with_hashes(pkg: ps.Package, doc: str) -> None:
    import hashlib

    seed, pinned = SEEDS[doc]
    row = pkg.sources.filter(pl.col("document") == f"data/documents/{doc}")
    assert row.height == 1
    data = (pkg.path.parent / "data" / "documents" / doc).read_bytes()
    assert hashlib.sha256(data).hexdigest() == pinned
    assert row["sha256"][0] == pinned
    assert row["licence"][0] == "OGL-UK-3.0"
    seeds = pkg.path.parent.parent / "shared" / "seeds"
    if seeds.is_dir():  # beside the checkout in development and CI
        assert (seeds / seed).read_bytes() == data


def test_cleveland_entered_engage_in_2019_year_precision(pkg: ps.Package) -> None:
    m = pkg.monitoring.filter(
        (pl.col("force_id") == "cleveland") & (pl.col("event") == "entered") & (pl.col("phase") == "engage")
    )
    assert set(m["source_id"]) == {"news-tv-cleveland-peel-2021-22", "hmicfrs-page-police-forces-previously-in-engage"}
    assert set(m["date"]) == {dt.date(2019, 1, 1)} and set(m["date_precision"].cast(pl.String)) == {"year"}
    exit_ = pkg.monitoring.filter((pl.col("force_id") == "cleveland") & (pl.col("event") == "exited"))
    assert exit_["date"].to_list() == [dt.date(2023, 9, 20)]
