"""Each named record rule: a minimal records set passes it, and the same set broken in one way fails it.

The records are built in Python (no YAML), so each case names exactly one break and the
message that rule must give. Every rule in ``RULES`` must have at least one failing case.
"""

from __future__ import annotations

import copy
import datetime as dt
import hashlib
from collections.abc import Callable
from typing import Any

import pytest

from peelstats.curate.defaults import defaults, fill_defaults
from peelstats.curate.records import Records
from peelstats.curate.rules import RULES, RecordsView, check_rules, rule_named, run_rules
from peelstats.errors import RecordError
from peelstats.schema import TABLES, table

DOC = "data/documents/doc.txt"
DOC_TEXT = b"The force must improve how it prevents crime.\nThe force has made good progress since our last visit.\n"
QUOTE = "The force has made good progress since our last visit."
Tables = dict[str, list[dict[str, Any]]]


def row(tbl: str, /, **values: Any) -> dict[str, Any]:
    """A full row of table ``tbl``: every column, None where not given."""
    cols = table(tbl).columns
    unknown = set(values) - set(cols)
    assert not unknown, f"{tbl} has no column {unknown}"
    return {c: values.get(c) for c in cols}


def base_tables() -> Tables:
    """A small, valid records set touching every rule (before defaults)."""
    t: Tables = {tbl.name: [] for tbl in TABLES}
    t["forces"] = [row("forces", force_id="cleveland", name="Cleveland Police", country="England", region="North East")]
    for scale_id, grades in (
        ("peel-4", ["inadequate", "requires improvement", "good", "outstanding"]),
        ("peel-5", ["inadequate", "requires improvement", "adequate", "good", "outstanding"]),
    ):
        t["scales"] += [row("scales", scale_id=scale_id, grade=g, rank=i, title=scale_id) for i, g in enumerate(grades, 1)]
    t["themes"] = [
        row("themes", theme_id="effectiveness", kind="pillar", description="Effectiveness."),
        row("themes", theme_id="prevention", kind="area", description="Prevention."),
    ]
    t["sources"] = [
        row("sources", source_id="web", title="A page", publisher="HMICFRS", kind="inspectorate-page", licence="OGL-UK-3.0"),
        row("sources", source_id="news", title="A story", publisher="A paper", kind="news", licence="proprietary"),
        row(
            "sources",
            source_id="doc",
            title="A letter",
            publisher="HMICFRS",
            kind="inspectorate-letter",
            licence="OGL-UK-3.0",
            document=DOC,
            sha256=hashlib.sha256(DOC_TEXT).hexdigest(),
        ),
    ]
    t["rounds"] = [
        row(
            "rounds", round_id=f"r{i}", title=f"R{i}", sequence=i, scale_id=s, framework=f, start_year=2014 + i, end_year=2015 + i
        )
        for i, s, f in ((1, "peel-4", "pillars"), (2, "peel-4", "pillars"), (3, "peel-5", "areas"))
    ]
    t["areas"] = [
        row(
            "areas",
            area_id="r1-eff",
            round_id="r1",
            level="pillar",
            seq=1,
            title="E",
            theme_id="effectiveness",
            graded_in_round=True,
        ),
        row(
            "areas",
            area_id="r1-eff-prev",
            round_id="r1",
            parent_id="r1-eff",
            level="question",
            seq=2,
            title="P",
            theme_id="prevention",
            graded_in_round=True,
        ),
        row(
            "areas",
            area_id="r2-eff",
            round_id="r2",
            level="pillar",
            seq=1,
            title="E",
            theme_id="effectiveness",
            graded_in_round=True,
        ),
        row(
            "areas",
            area_id="r2-eff-prev",
            round_id="r2",
            parent_id="r2-eff",
            level="question",
            seq=2,
            title="P",
            theme_id="prevention",
            graded_in_round=False,
        ),
        row(
            "areas", area_id="r3-prev", round_id="r3", level="area", seq=1, title="P", theme_id="prevention", graded_in_round=True
        ),
    ]
    t["inspections"] = [
        row(
            "inspections",
            inspection_id="cle-r1",
            force_id="cleveland",
            round_id="r1",
            kind="pillar",
            pillar="effectiveness",
            title="T",
            published=dt.date(2016, 2, 1),
            published_precision="month",
            source_id="web",
        ),
        row(
            "inspections",
            inspection_id="cle-r2",
            force_id="cleveland",
            round_id="r2",
            kind="pillar",
            pillar="effectiveness",
            title="T",
            source_id="web",
        ),
        row(
            "inspections",
            inspection_id="cle-r3",
            force_id="cleveland",
            round_id="r3",
            kind="integrated",
            title="T",
            source_id="web",
        ),
    ]
    t["gradings"] = [
        row("gradings", inspection_id="cle-r1", area_id="r1-eff", grade="good", source_id="web"),
        row("gradings", inspection_id="cle-r2", area_id="r2-eff", grade="good", source_id="web"),
        row("gradings", inspection_id="cle-r2", area_id="r2-eff-prev", grade="good", carried_from="r1", source_id="web"),
        row("gradings", inspection_id="cle-r3", area_id="r3-prev", grade="adequate", source_id="doc", evidence=QUOTE),
    ]
    t["grade_summaries"] = [
        row("grade_summaries", inspection_id="cle-r3", grade="adequate", count=1, of_total=3, source_id="web"),
        row("grade_summaries", inspection_id="cle-r3", grade="good", count=2, of_total=3, source_id="web"),
        row("grade_summaries", inspection_id="cle-r3", grade="good", count=2, of_total=3, source_id="news"),
    ]
    t["findings"] = [
        row(
            "findings",
            finding_id="f-coc",
            inspection_id="cle-r1",
            area_id="r1-eff-prev",
            kind="cause-of-concern",
            seq=1,
            text="A concern.",
            source_id="web",
        ),
        row(
            "findings",
            finding_id="f-rec",
            inspection_id="cle-r1",
            kind="recommendation",
            parent_id="f-coc",
            seq=2,
            text="Do it.",
            source_id="web",
        ),
        row(
            "findings",
            finding_id="f-doc",
            inspection_id="cle-r3",
            kind="area-for-improvement",
            seq=1,
            text="The force must improve how it prevents crime.",
            source_id="doc",
        ),
    ]
    t["deadlines"] = [
        row("deadlines", finding_id="f-rec", due=dt.date(2017, 1, 1), requirement="An action plan.", source_id="web")
    ]
    t["responses"] = [
        row("responses", response_id="resp", inspection_id="cle-r1", responder="force", text="We will.", source_id="web")
    ]
    t["response_findings"] = [row("response_findings", response_id="resp", finding_id="f-rec")]
    t["followups"] = [row("followups", finding_id="f-rec", status="in progress", assessed_by="inspectorate", source_id="web")]
    t["monitoring"] = [
        row(
            "monitoring",
            force_id="cleveland",
            date=dt.date(2019, 1, 1),
            date_precision="year",
            phase="engage",
            event="entered",
            source_id="news",
        ),
        row("monitoring", force_id="cleveland", date=dt.date(2019, 9, 20), phase="engage", event="exited", source_id="news"),
        row("monitoring", force_id="cleveland", date=dt.date(2019, 5, 1), phase="engage", event="remains", source_id="web"),
    ]
    return t


def make(tables: Tables, documents: dict[str, bytes] | None = None) -> Records:
    """Records with an origin label per row: ``test/<table>.yaml: <table>[i]``."""
    origin = {}
    for tbl in TABLES:
        for i, r in enumerate(tables[tbl.name]):
            origin[(tbl.name, tuple(r[c] for c in tbl.primary_key))] = f"test/{tbl.name}.yaml: {tbl.name}[{i}]"
    return Records(tables=tables, meta={}, documents=dict(documents or {DOC: DOC_TEXT}), origin=origin)


def good() -> Records:
    return fill_defaults(make(base_tables()))


def find(t: Tables, name: str, **match: Any) -> dict[str, Any]:
    (hit,) = [r for r in t[name] if all(r[k] == v for k, v in match.items())]
    return hit


Break = Callable[[Tables, dict[str, bytes]], None]


def _set(name: str, match: dict[str, Any], **values: Any) -> Break:
    def apply(t: Tables, docs: dict[str, bytes]) -> None:
        find(t, name, **match).update(values)

    return apply


def _add(name: str, **values: Any) -> Break:
    def apply(t: Tables, docs: dict[str, bytes]) -> None:
        t[name].append(row(name, **values))

    return apply


def _web_at(url: str) -> Break:
    return _set("sources", {"source_id": "web"}, url=url)


def _add_source(source_id: str, url: str) -> Break:
    return _add(
        "sources",
        source_id=source_id,
        title="A page",
        publisher="HMICFRS",
        kind="inspectorate-page",
        licence="OGL-UK-3.0",
        url=url,
    )


def _all(*breaks: Break) -> Break:
    def apply(t: Tables, docs: dict[str, bytes]) -> None:
        for b in breaks:
            b(t, docs)

    return apply


def _drop(name: str, index: int) -> Break:
    def apply(t: Tables, docs: dict[str, bytes]) -> None:
        del t[name][index]

    return apply


def _set_all(name: str, **values: Any) -> Break:
    def apply(t: Tables, docs: dict[str, bytes]) -> None:
        for r in t[name]:
            r.update(values)

    return apply


_R2X = _add(
    "inspections", inspection_id="cle-r2-x", force_id="cleveland", round_id="r2", kind="integrated", title="T", source_id="web"
)


def _edit_doc(t: Tables, docs: dict[str, bytes]) -> None:
    docs[DOC] = DOC_TEXT.replace(b"good progress", b"some progress")


def _reverse_peel4(t: Tables, docs: dict[str, bytes]) -> None:
    for r in t["scales"]:
        if r["scale_id"] == "peel-4":
            r["rank"] = 5 - r["rank"]


EDITED_HASH = hashlib.sha256(DOC_TEXT.replace(b"good progress", b"some progress")).hexdigest()
R3 = {"inspection_id": "cle-r3"}

#: (rule, case id, break, where the problem is, fragment of the message)
CASES: list[tuple[str, str, Break, str, str]] = [
    (
        "required-fields",
        "graded",
        _set("gradings", {"area_id": "r1-eff"}, graded=None),
        "gradings[0]",
        "missing required field 'graded'",
    ),
    (
        "foreign-keys",
        "source",
        _set("gradings", {"area_id": "r1-eff"}, source_id="nowhere"),
        "gradings[0]",
        "unknown sources id 'nowhere'",
    ),
    ("document-hash", "edited", _edit_doc, "sources[2]", f"{DOC} has SHA-256 {EDITED_HASH} but the record pins"),
    (
        "document-hash",
        "unpinned",
        _set("sources", {"source_id": "doc"}, sha256=None),
        "sources[2]",
        "field 'sha256': required with 'document'",
    ),
    ("document-hash", "bad-hex", _set("sources", {"source_id": "doc"}, sha256="ABC"), "sources[2]", "64 lowercase hex digits"),
    (
        "document-hash",
        "no-document",
        _set("sources", {"source_id": "web"}, sha256="0" * 64),
        "sources[0]",
        "set without 'document'",
    ),
    ("round-scale", "unknown", _set("rounds", {"round_id": "r1"}, scale_id="peel-9"), "rounds[0]", "unknown scale 'peel-9'"),
    (
        "round-sequence",
        "twice",
        _set("rounds", {"round_id": "r3"}, sequence=2),
        "rounds[2]",
        "2 is already the sequence of round r2",
    ),
    ("scale-ranks", "reversed", _reverse_peel4, "scales[", "reversing the grade order"),
    (
        "scale-ranks",
        "duplicate",
        _set("scales", {"scale_id": "peel-5", "grade": "good"}, rank=3),
        "scales[",
        "gives rank 3 to both",
    ),
    (
        "scale-ranks",
        "gap",
        _set("scales", {"scale_id": "peel-5", "grade": "outstanding"}, rank=7),
        "scales[4]",
        "ranks [1, 2, 3, 4, 7]",
    ),
    (
        "area-parent-round",
        "other-round",
        _set("areas", {"area_id": "r1-eff-prev"}, parent_id="r2-eff"),
        "areas[1]",
        "pillar belongs to another round",
    ),
    (
        "area-theme-once",
        "twice",
        _set("areas", {"area_id": "r1-eff-prev"}, theme_id="effectiveness"),
        "areas[1]",
        "already crosswalked to r1-eff",
    ),
    (
        "pillar-inspection-pillar",
        "missing",
        _set("inspections", {"inspection_id": "cle-r2"}, pillar=None),
        "inspections[1]",
        "required for a pillar inspection",
    ),
    (
        "fieldwork-order",
        "reversed",
        _set("inspections", R3, fieldwork_start=dt.date(2022, 2, 2), fieldwork_end=dt.date(2022, 2, 1)),
        "inspections[2]",
        "fieldwork_start is after fieldwork_end",
    ),
    (
        "date-precision",
        "month-day",
        _set("inspections", {"inspection_id": "cle-r1"}, published=dt.date(2016, 2, 3)),
        "inspections[0]",
        "use the period's first day",
    ),
    (
        "date-precision",
        "no-date",
        _set("inspections", R3, published_precision="day"),
        "inspections[2]",
        "'published_precision': set without 'published'",
    ),
    (
        "date-precision",
        "monitoring-year",
        _set("monitoring", {"event": "entered"}, date=dt.date(2019, 3, 1)),
        "monitoring[0]",
        "use the period's first day",
    ),
    (
        "grading-area-round",
        "other-round",
        _set("gradings", {"area_id": "r1-eff"}, area_id="r2-eff-prev"),
        "gradings[0]",
        "r2-eff-prev is not an area of round r1",
    ),
    (
        "grading-not-graded",
        "graded-false",
        _set("gradings", {"area_id": "r1-eff"}, graded=False),
        "gradings[0]",
        "graded is false but a grade is given",
    ),
    (
        "grading-on-scale",
        "adequate-on-4",
        _set("gradings", {"area_id": "r1-eff"}, grade="adequate"),
        "gradings[0]",
        "'adequate' is not on the peel-4 scale of r1",
    ),
    (
        "grading-graded-area",
        "not-carried",
        _set("gradings", {"area_id": "r2-eff-prev"}, carried_from=None),
        "gradings[2]",
        "r2-eff-prev is not graded in its round",
    ),
    (
        "carried-from",
        "same-round",
        _set("gradings", {"area_id": "r2-eff-prev"}, carried_from="r2"),
        "gradings[2]",
        "must be an earlier round",
    ),
    (
        "carried-from",
        "no-grade",
        _set("gradings", {"area_id": "r2-eff-prev"}, grade=None),
        "gradings[2]",
        "only a stated grade can be carried over",
    ),
    (
        "one-grading-per-round",
        "two-inspections",
        _all(
            _R2X,
            _add(
                "gradings", inspection_id="cle-r2-x", area_id="r2-eff", grade="requires improvement", graded=True, source_id="web"
            ),
        ),
        "gradings[4]",
        "cleveland's r2-eff is already graded in round r2 by inspection cle-r2 (test/gradings.yaml: gradings[1])",
    ),
    (
        "one-grading-per-round",
        "not-graded-counts",
        _all(_R2X, _add("gradings", inspection_id="cle-r2-x", area_id="r2-eff", graded=False, source_id="web")),
        "gradings[4]",
        "already graded in round r2 by inspection cle-r2",
    ),
    (
        "finding-area-round",
        "other-round",
        _set("findings", {"finding_id": "f-coc"}, area_id="r3-prev"),
        "findings[0]",
        "r3-prev is not an area of round r1",
    ),
    (
        "finding-parent",
        "not-a-concern",
        _set("findings", {"finding_id": "f-coc"}, kind="area-for-improvement"),
        "findings[1]",
        "only a recommendation has a parent",
    ),
    (
        "finding-parent",
        "other-inspection",
        _all(
            _set("findings", {"finding_id": "f-rec"}, inspection_id="cle-r3"),
            _set("response_findings", {"finding_id": "f-rec"}, finding_id="f-coc"),
        ),
        "findings[1]",
        "the cause of concern belongs to another inspection",
    ),
    (
        "response-same-inspection",
        "other",
        _set("response_findings", {"finding_id": "f-rec"}, finding_id="f-doc"),
        "responses[0]",
        "f-doc belongs to another inspection",
    ),
    (
        "evidence-unshipped",
        "quote",
        _set("gradings", {"area_id": "r1-eff"}, evidence="copied words here"),
        "gradings[0]",
        "source web ships no text",
    ),
    (
        "evidence-required",
        "missing",
        _set("gradings", R3, evidence=None),
        "gradings[3]",
        f"required, a verbatim quote from {DOC}",
    ),
    (
        "evidence-verbatim",
        "not-found",
        _set("gradings", R3, evidence="Efficiency was outstanding."),
        "gradings[3]",
        f"quote not found verbatim in {DOC}",
    ),
    (
        "evidence-verbatim",
        "too-short",
        _set("gradings", R3, evidence="The force"),
        "gradings[3]",
        "too short to identify a passage",
    ),
    (
        "grade-summary-count-within-total",
        "count-over",
        _set("grade_summaries", {"grade": "adequate"}, count=4),
        "grade_summaries[0]",
        "4 areas 'adequate' is more than of_total 3",
    ),
    (
        "grade-summary-one-total",
        "two-totals-one-source",
        _set("grade_summaries", {"source_id": "web", "grade": "adequate"}, of_total=4),
        "grade_summaries[1]",
        "3 graded areas, but test/grade_summaries.yaml: grade_summaries[0] gives 4 for the same inspection from the same source",
    ),
    (
        "grade-summary-sum-within-total",
        "one-source",
        _set("grade_summaries", {"source_id": "web", "grade": "good"}, count=3),
        "grade_summaries[1]",
        "source web's counts for cle-r3 sum to 4, more than of_total 3",
    ),
    (
        "grade-summary-sum-within-total",
        "across-sources",
        _set("grade_summaries", {"source_id": "news"}, grade="inadequate", count=1),
        "grade_summaries[2]",
        "sum to at least 4",
    ),
    (
        "monitoring-exit-after-entry",
        "exit-year-before",
        _set("monitoring", {"event": "exited"}, date=dt.date(2018, 12, 31)),
        "monitoring[1]",
        "cleveland exited engage on 2018-12-31, before it entered on 2019 (year)",
    ),
    (
        "monitoring-exit-after-entry",
        "exit-before-month",
        _all(
            _set("monitoring", {"event": "entered"}, date=dt.date(2019, 9, 1), date_precision="month"),
            _set("monitoring", {"event": "exited"}, date=dt.date(2019, 8, 31)),
        ),
        "monitoring[1]",
        "on 2019-08-31, before it entered on 2019-09 (month)",
    ),
    (
        "source-once-per-page",
        "same-address",
        _all(_web_at("https://example.org/report/"), _set("sources", {"source_id": "news"}, url="https://example.org/report/")),
        "sources[1]",
        "the page https://example.org/report/ is already source 'web'",
    ),
    (
        "source-once-per-page",
        "same-page-other-spelling",
        _all(
            _web_at("https://www.justiceinspectorates.gov.uk/hmicfrs/peel-assessments/peel-2016/cleveland"),
            _set(
                "sources",
                {"source_id": "news"},
                url="http://justiceinspectorates.gov.uk/hmic/peel-assessments/peel-2016/cleveland/?",
            ),
        ),
        "sources[1]",
        "already source 'web'",
    ),
]

#: Breaks that look wrong but are fine: each rule must still pass.
FINE: list[tuple[str, Break]] = [
    ("exit-in-entry-year", _set("monitoring", {"event": "exited"}, date=dt.date(2019, 1, 1))),
    (
        "exit-in-entry-month",
        _all(
            _set("monitoring", {"event": "entered"}, date=dt.date(2019, 9, 1), date_precision="month"),
            _set("monitoring", {"event": "exited"}, date=dt.date(2019, 9, 1)),
        ),
    ),
    ("exit-without-entry", _drop("monitoring", 0)),
    (
        "re-entry-after-exit",
        _add(
            "monitoring",
            force_id="cleveland",
            date=dt.date(2024, 1, 1),
            date_precision="day",
            phase="engage",
            event="entered",
            source_id="web",
        ),
    ),
    (
        "carried-grade-in-a-second-inspection",
        _all(
            _R2X,
            _add(
                "gradings",
                inspection_id="cle-r2-x",
                area_id="r2-eff",
                grade="good",
                graded=True,
                carried_from="r1",
                source_id="web",
            ),
        ),
    ),
    (
        "unstated-grade-in-a-second-inspection",
        _all(_R2X, _add("gradings", inspection_id="cle-r2-x", area_id="r2-eff", graded=True, source_id="web")),
    ),
    ("sources-disagree-on-the-total", _set("grade_summaries", {"source_id": "news"}, of_total=4)),
    ("counts-under-total", _set("grade_summaries", {"source_id": "news"}, grade="outstanding", count=0)),
    ("no-total", _set_all("grade_summaries", of_total=None)),
    (
        "an-interim-capture-of-a-page",
        _all(_web_at("https://example.org/force/"), _add_source("web-interim", "http://example.org/force")),
    ),
    (
        "a-questions-view-of-a-page",
        _all(
            _web_at("https://example.org/force/effectiveness/"),
            _add_source("web-questions", "https://example.org/force/effectiveness/"),
        ),
    ),
    (
        "two-pages-of-one-site",
        _all(_web_at("https://example.org/?p=1"), _set("sources", {"source_id": "news"}, url="https://example.org/?p=2")),
    ),
    ("sources-without-an-address", _set_all("sources", url=None)),
]


def broken(apply: Break) -> Records:
    rec = good()
    tables, docs = copy.deepcopy(rec.tables), dict(rec.documents)
    apply(tables, docs)
    return make(tables, docs)


def test_the_minimal_set_passes_every_rule() -> None:
    assert check_rules(good()) == []
    for r in RULES:
        assert list(r.fn(RecordsView(good()))) == [], r.name


@pytest.mark.parametrize(("name", "case", "apply", "where", "fragment"), CASES, ids=[f"{c[0]}:{c[1]}" for c in CASES])
def test_each_rule_refuses_its_break(name: str, case: str, apply: Break, where: str, fragment: str) -> None:
    rule = rule_named(name)
    assert list(rule.fn(RecordsView(good()))) == []
    problems = list(rule.fn(RecordsView(broken(apply))))
    assert problems, f"{name} accepted the break {case}"
    msg = str(problems[0])
    assert "\n" not in msg
    assert msg.startswith("test/") and where in msg.split(": ")[1], msg
    assert fragment in msg, msg
    # the whole run refuses the broken set with this rule's message (no earlier rule fires first)
    with pytest.raises(RecordError) as err:
        run_rules(broken(apply))
    assert str(err.value) == msg


def test_every_rule_has_a_failing_case() -> None:
    assert {r.name for r in RULES} == {c[0] for c in CASES}
    assert len({r.name for r in RULES}) == len(RULES)
    assert all(r.description.strip() for r in RULES)


@pytest.mark.parametrize(("case", "apply"), FINE, ids=[f[0] for f in FINE])
def test_what_looks_wrong_but_is_fine_passes(case: str, apply: Break) -> None:
    assert check_rules(broken(apply)) == []


def test_rules_cannot_change_rows() -> None:
    rec = good()
    before = copy.deepcopy(rec.tables)
    view = RecordsView(rec)
    with pytest.raises(TypeError):
        view.tables["gradings"][0]["grade"] = "outstanding"  # type: ignore[index]
    run_rules(rec)
    assert rec.tables == before


# ------------------------------------------------------------------ defaults


def test_defaults_are_declared_in_the_schema() -> None:
    declared = {(name, f.name): d for name, f, d in defaults()}
    assert declared[("gradings", "graded")].value is True
    assert declared[("monitoring", "date_precision")].value == "day"
    assert declared[("inspections", "published_precision")].when_set == "published"
    for name, source in (("findings", "text"), ("responses", "text"), ("deadlines", "requirement")):
        assert declared[(name, "evidence")].copy == source and declared[(name, "evidence")].when_shipped
    # a primary-key column never has a default (the origin labels are keyed before the defaults)
    for name, f, _ in defaults():
        assert f.name not in table(name).primary_key


def test_fill_defaults_is_one_step_and_leaves_its_input_alone() -> None:
    raw = make(base_tables())
    before = copy.deepcopy(raw.tables)
    filled = fill_defaults(raw)
    assert raw.tables == before
    g = find(filled.tables, "gradings", area_id="r1-eff")
    assert g["graded"] is True
    assert find(raw.tables, "gradings", area_id="r1-eff")["graded"] is None
    # published_precision: day only where published is given
    assert find(filled.tables, "inspections", inspection_id="cle-r2")["published_precision"] is None
    assert find(filled.tables, "inspections", inspection_id="cle-r1")["published_precision"] == "month"
    assert find(filled.tables, "monitoring", event="exited")["date_precision"] == "day"
    # evidence copies text only for a source that ships its text
    assert find(filled.tables, "findings", finding_id="f-doc")["evidence"] == "The force must improve how it prevents crime."
    assert find(filled.tables, "findings", finding_id="f-coc")["evidence"] is None
    assert find(filled.tables, "deadlines", finding_id="f-rec")["evidence"] is None
    # a set value is never replaced
    assert find(filled.tables, "gradings", area_id="r3-prev")["evidence"] == QUOTE


def test_rules_without_defaults_refuse_the_raw_records() -> None:
    # checking the unfilled rows finds the empty required 'graded': the defaults are a step of their own
    with pytest.raises(RecordError, match="missing required field 'graded'"):
        run_rules(make(base_tables()))
