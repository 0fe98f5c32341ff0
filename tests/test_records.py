"""Malformed records are refused with one line naming the file, entry and problem."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from peelstats.curate.records import load_records
from peelstats.errors import RecordError

VALID = {
    "inspection_id": "cleveland-peel-2015-efficiency",
    "force_id": "cleveland",
    "round_id": "peel-2015",
    "kind": "pillar",
    "pillar": "efficiency",
    "title": "PEEL 2015 efficiency",
    "published": dt.date(2015, 10, 1),
    "source_id": "hmicfrs-peel-2015-cleveland",
    "gradings": [
        {"area_id": "peel-2015-efficiency", "grade": "good", "source_id": "hmicfrs-peel-2015-cleveland"},
    ],
    "findings": [
        {
            "finding_id": "x-coc",
            "kind": "cause-of-concern",
            "text": "A concern.",
            "source_id": "hmicfrs-peel-2015-cleveland",
        },
        {
            "finding_id": "x-rec",
            "kind": "recommendation",
            "parent_id": "x-coc",
            "text": "Do a thing.",
            "source_id": "hmicfrs-peel-2015-cleveland",
            "deadlines": [{"due": dt.date(2016, 1, 1), "requirement": "an action plan"}],
        },
    ],
    "responses": [
        {
            "response_id": "x-resp",
            "responder": "force",
            "text": "We will.",
            "addresses": ["x-rec"],
            "source_id": "hmicfrs-peel-2015-cleveland",
        }
    ],
}


@pytest.fixture(scope="module")
def records_root(tmp_path_factory: pytest.TempPathFactory, root: Path) -> Path:
    """A minimal records tree: the real reference tables and sources, one inspection."""
    base = tmp_path_factory.mktemp("pkg")
    src = root / "data" / "records"
    dst = base / "data" / "records"
    shutil.copytree(src / "reference", dst / "reference")
    (dst / "sources").mkdir(parents=True)
    shutil.copy2(src / "sources" / "cleveland.yaml", dst / "sources" / "cleveland.yaml")
    shutil.copy2(src / "package.yaml", dst / "package.yaml")
    shutil.copytree(root / "data" / "documents", base / "data" / "documents")
    (dst / "inspections" / "cleveland").mkdir(parents=True)
    return dst


def write(records_root: Path, doc: Any, raw: bytes | None = None) -> Path:
    path = records_root / "inspections" / "cleveland" / "cleveland-peel-2015-efficiency.yaml"
    path.write_bytes(raw if raw is not None else yaml.safe_dump(doc, allow_unicode=True).encode())
    return path


def refuse(records_root: Path, doc: Any, *fragments: str) -> str:
    write(records_root, doc)
    with pytest.raises(RecordError) as err:
        load_records(records_root)
    msg = str(err.value)
    assert "\n" not in msg
    assert "cleveland-peel-2015-efficiency.yaml" in msg, msg
    for frag in fragments:
        assert frag in msg, msg
    return msg


def with_(path: list[Any], value: Any) -> dict[str, Any]:
    import copy

    doc = copy.deepcopy(VALID)
    node: Any = doc
    for key in path[:-1]:
        node = node[key]
    if value is _DELETE:
        del node[path[-1]]
    else:
        node[path[-1]] = value
    return doc


_DELETE = object()


def test_valid_record_is_accepted(records_root: Path) -> None:
    write(records_root, VALID)
    recs = load_records(records_root)
    assert len(recs.tables["findings"]) == 2
    assert recs.tables["deadlines"][0]["due"] == dt.date(2016, 1, 1)
    assert recs.tables["findings"][1]["due"] == dt.date(2016, 1, 1)


def test_missing_field(records_root: Path) -> None:
    refuse(records_root, with_(["gradings", 0, "source_id"], _DELETE), "gradings[0]", "missing required field 'source_id'")


def test_unknown_grade(records_root: Path) -> None:
    refuse(
        records_root,
        with_(["gradings", 0, "grade"], "excellent"),
        "gradings[0] (area_id=peel-2015-efficiency)",
        "'excellent'",
    )


def test_grade_off_the_rounds_scale(records_root: Path) -> None:
    refuse(records_root, with_(["gradings", 0, "grade"], "adequate"), "not on the peel-4 scale")


def test_unknown_kind(records_root: Path) -> None:
    refuse(records_root, with_(["findings", 0, "kind"], "concern"), "findings[0] (finding_id=x-coc)", "field 'kind'")


def test_bad_date(records_root: Path) -> None:
    refuse(records_root, with_(["published"], "2015-13-01"), "field 'published'", "YYYY-MM-DD")


def test_duplicate_id(records_root: Path) -> None:
    doc = with_(["findings", 1, "finding_id"], "x-coc")
    doc["findings"][1].pop("parent_id")
    refuse(records_root, doc, "findings[1]", "duplicate findings row")


def test_dangling_reference(records_root: Path) -> None:
    refuse(records_root, with_(["responses", 0, "addresses"], ["no-such-finding"]), "unknown findings id 'no-such-finding'")


def test_unknown_source(records_root: Path) -> None:
    refuse(records_root, with_(["gradings", 0, "source_id"], "nowhere"), "unknown sources id 'nowhere'")


def test_area_of_another_round(records_root: Path) -> None:
    refuse(records_root, with_(["gradings", 0, "area_id"], "peel-2016-efficiency"), "not an area of round peel-2015")


def test_quote_not_in_source(records_root: Path) -> None:
    doc = with_(["gradings", 0, "source_id"], "pcc-cleveland-response-peel-effectiveness-2015")
    doc["gradings"][0]["evidence"] = "Efficiency was outstanding."
    refuse(records_root, doc, "quote not found verbatim", "cleveland-pcc-response-peel-effectiveness-2015.txt")


def test_quote_from_unshipped_source(records_root: Path) -> None:
    refuse(records_root, with_(["gradings", 0, "evidence"], "copied words"), "ships no text")


def test_not_graded_with_a_grade(records_root: Path) -> None:
    doc = with_(["gradings", 0, "graded"], False)
    refuse(records_root, doc, "graded is false but a grade is given")


def test_carried_from_a_later_round(records_root: Path) -> None:
    refuse(records_root, with_(["gradings", 0, "carried_from"], "peel-2017"), "must be an earlier round")


def test_recommendation_parent_must_be_a_cause_of_concern(records_root: Path) -> None:
    doc = with_(["findings", 0, "kind"], "area-for-improvement")
    refuse(records_root, doc, "findings[1]", "parent")


def test_unknown_field(records_root: Path) -> None:
    refuse(records_root, with_(["gradings", 0, "grde"], "good"), "unknown field 'grde'")


def test_file_name_must_match(records_root: Path) -> None:
    refuse(records_root, with_(["inspection_id"], "cleveland-peel-2015-other"), "file name must be the inspection_id")


def test_yaml_syntax_error(records_root: Path) -> None:
    write(records_root, None, raw=b"inspection_id: [unclosed\n")
    with pytest.raises(RecordError, match=r"cleveland-peel-2015-efficiency\.yaml: line \d+: invalid YAML"):
        load_records(records_root)


def test_not_utf8(records_root: Path) -> None:
    write(records_root, None, raw=b"title: \xff\xfe\n")
    with pytest.raises(RecordError, match="not UTF-8"):
        load_records(records_root)


# ------------------------------------------------------------------ property tests

yaml_scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(10**6), 10**6),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=30),
    st.dates(),
    st.sampled_from(["good", "adequate", "excellent", "peel-2015", "cleveland", "x-coc", "2015-02-30", ""]),
)
yaml_values = st.recursive(
    yaml_scalars,
    lambda children: st.one_of(
        st.lists(children, max_size=4),
        st.dictionaries(st.one_of(st.text(max_size=12), st.sampled_from(sorted(VALID))), children, max_size=5),
    ),
    max_leaves=12,
)


def _paths(doc: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    out = [prefix] if prefix else []
    if isinstance(doc, dict):
        for k, v in doc.items():
            out += _paths(v, (*prefix, k))
    elif isinstance(doc, list):
        for i, v in enumerate(doc):
            out += _paths(v, (*prefix, i))
    return out


PATHS = _paths(VALID)


def _accept_or_refuse(records_root: Path) -> None:
    try:
        load_records(records_root)
    except RecordError as exc:
        msg = str(exc)
        assert "\n" not in msg
        assert msg.startswith("data/records/"), msg


@settings(max_examples=250, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(path=st.sampled_from(PATHS), value=st.one_of(yaml_values, st.just(_DELETE)))
def test_corrupted_field_is_accepted_or_refused(records_root: Path, path: tuple[Any, ...], value: Any) -> None:
    write(records_root, with_(list(path), value))
    _accept_or_refuse(records_root)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(doc=yaml_values)
def test_random_document_is_accepted_or_refused(records_root: Path, doc: Any) -> None:
    write(records_root, doc)
    _accept_or_refuse(records_root)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_random_bytes_are_refused_or_accepted(records_root: Path, data: st.DataObject) -> None:
    good = yaml.safe_dump(VALID).encode()
    pos = data.draw(st.integers(0, len(good)))
    junk = data.draw(st.binary(max_size=20))
    write(records_root, None, raw=good[:pos] + junk + good[pos + len(junk) :])
    _accept_or_refuse(records_root)
