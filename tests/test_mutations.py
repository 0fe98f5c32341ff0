"""Mutation check: every way the curation layer could lose or flip a fact is caught.

Each case corrupts a throwaway copy of the records or of the built package in one way
(one row of the curation issue's table each) and asserts that ``peelstats check`` or
``load()`` refuses it with one line naming the file and the problem. A corruption that
slips through fails here, whatever the other tests say.
"""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

import peelstats as ps
from peelstats.cli import main
from peelstats.errors import PackageError

R = Path("data/records")
CLEVELAND_2016 = R / "inspections/cleveland/cleveland-peel-2016-efficiency.yaml"
CLEVELAND_2015 = R / "inspections/cleveland/cleveland-peel-2015-effectiveness.yaml"
SOURCES = R / "sources/cleveland.yaml"


def _edit(root: Path, rel: Path | str, old: str, new: str) -> None:
    path = root / rel
    text = path.read_text(encoding="utf-8")
    assert old in text, f"the corruption's anchor {old!r} is no longer in {rel}; update this test"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


# --------------------------------------------------------------------------- records


def dup_grade_key(root: Path) -> None:
    _edit(root, CLEVELAND_2016, "    grade: good\n", "    grade: good\n    grade: inadequate\n")


def dup_top_level_list(root: Path) -> None:
    path = root / CLEVELAND_2016
    path.write_text(path.read_text(encoding="utf-8") + "gradings: []\n", encoding="utf-8")


def upper_case_suffix(root: Path) -> None:
    src = root / CLEVELAND_2016
    shutil.copy2(src, src.with_name("cleveland-extra.YAML"))


def misspelt_folder(root: Path) -> None:
    (root / R / "inspection").mkdir()
    shutil.copy2(root / CLEVELAND_2016, root / R / "inspection" / "x.yaml")


def yaml_number_in_text(root: Path) -> None:
    path = root / CLEVELAND_2016
    text = path.read_text(encoding="utf-8")
    title = next(line for line in text.splitlines() if line.startswith("title:"))
    _edit(root, CLEVELAND_2016, title, "title: 012")


def yaml_sexagesimal_in_text(root: Path) -> None:
    path = root / CLEVELAND_2016
    text = path.read_text(encoding="utf-8")
    title = next(line for line in text.splitlines() if line.startswith("title:"))
    _edit(root, CLEVELAND_2016, title, "title: 3:25:45")


def yaml_nan_in_text(root: Path) -> None:
    path = root / CLEVELAND_2016
    text = path.read_text(encoding="utf-8")
    title = next(line for line in text.splitlines() if line.startswith("title:"))
    _edit(root, CLEVELAND_2016, title, "title: .nan")


def document_escapes(root: Path) -> None:
    _edit(
        root,
        SOURCES,
        "document: data/documents/cleveland-pcc-response-peel-effectiveness-2015.txt",
        "document: data/documents/../../datapackage.json",
    )


def tiny_quote(root: Path) -> None:
    _edit(
        root,
        CLEVELAND_2015,
        'evidence: "Core Question 1 – ‘Requires Improvement’"',
        'evidence: "1"',
    )


def quote_not_in_document(root: Path) -> None:
    _edit(
        root,
        CLEVELAND_2015,
        'evidence: "Core Question 1 – ‘Requires Improvement’"',
        'evidence: "Core Question 1 – ‘Good’ in every respect"',
    )


def generated_file_hand_edited(root: Path) -> None:
    path = root / "data/forces.csv"
    path.write_text(path.read_text(encoding="utf-8").replace("Cleveland Police", "Cleveland Constabulary"), encoding="utf-8")


def interrupted_build(root: Path) -> None:
    (root / "data" / ".forces.csv.peelstats-tmp").write_text("half", encoding="utf-8")


def licences_as_text(root: Path) -> None:
    path = root / R / "package.yaml"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    start = next(i for i, line in enumerate(lines) if line.startswith("licenses:"))
    end = next(i for i in range(start + 1, len(lines)) if not lines[i].startswith(" "))
    path.write_text("".join([*lines[:start], "licenses: OGL-UK-3.0\n", *lines[end:]]), encoding="utf-8")


def contributors_number(root: Path) -> None:
    path = root / R / "package.yaml"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    start = next(i for i, line in enumerate(lines) if line.startswith("contributors:"))
    end = next((i for i in range(start + 1, len(lines)) if not lines[i].startswith(" ")), len(lines))
    path.write_text("".join([*lines[:start], "contributors: 5\n", *lines[end:]]), encoding="utf-8")


def document_edited(root: Path) -> None:
    path = root / "data/documents/cleveland-pcc-response-peel-effectiveness-2015.txt"
    text = path.read_text(encoding="utf-8")
    assert "February 2016" in text
    path.write_text(text.replace("February 2016", "March 2016", 1), encoding="utf-8")


def graded_twice_in_a_round(root: Path) -> None:
    _edit(
        root,
        R / "inspections/cleveland/cleveland-peel-2016-legitimacy.yaml",
        "gradings:\n",
        "gradings:\n  - area_id: peel-2016-efficiency\n    grade: inadequate\n"
        "    source_id: hmicfrs-peel-2016-cleveland-legitimacy\n",
    )


def reversed_scale(root: Path) -> None:
    _edit(
        root,
        R / "reference/scales.yaml",
        "grades: [inadequate, requires improvement, good, outstanding]",
        "grades: [outstanding, good, requires improvement, inadequate]",
    )


def duplicate_round_sequence(root: Path) -> None:
    _edit(root, R / "reference/rounds.yaml", "    sequence: 7\n", "    sequence: 6\n")


def engage_exit_before_entry(root: Path) -> None:
    _edit(
        root,
        R / "monitoring/engage.yaml",
        "date: 2023-09-20\n    phase: engage\n    event: exited\n",
        "date: 2018-12-31\n    phase: engage\n    event: exited\n",
    )


def count_above_total(root: Path) -> None:
    _edit(
        root,
        R / "inspections/cleveland/cleveland-peel-2021-22.yaml",
        "{grade: adequate, count: 4, of_total: 10, source_id: hmicfrs-news-cleveland-peel-2021-22,",
        "{grade: adequate, count: 11, of_total: 10, source_id: hmicfrs-news-cleveland-peel-2021-22,",
    )


RECORD_CASES: dict[str, tuple[Callable[[Path], None], str]] = {
    "a key repeated in one mapping": (dup_grade_key, r"cleveland-peel-2016-efficiency\.yaml.*key 'grade' appears twice"),
    "a repeated top-level list": (dup_top_level_list, r"cleveland-peel-2016-efficiency\.yaml.*key 'gradings' appears twice"),
    "a record named *.YAML": (upper_case_suffix, r"cleveland-extra\.YAML"),
    "a misspelt records folder": (misspelt_folder, r"inspection\b"),
    "YAML reads 012 as a number": (yaml_number_in_text, r"field 'title'.*number"),
    "YAML reads 3:25:45 as a number": (yaml_sexagesimal_in_text, r"field 'title'.*number"),
    "YAML reads .nan as a number": (yaml_nan_in_text, r"field 'title'.*number"),
    "a document outside data/documents": (document_escapes, r"field 'document'"),
    "a one-character evidence quote": (tiny_quote, r"field 'evidence'.*too short"),
    "a quote not in its document": (quote_not_in_document, r"field 'evidence': quote not found verbatim"),
    "a generated file edited by hand": (generated_file_hand_edited, r"data/forces\.csv: differs from a fresh build"),
    "a build interrupted mid-write": (interrupted_build, r"left by an interrupted build"),
    "licences given as text": (licences_as_text, r"package\.yaml.*field 'licenses'"),
    "contributors given as a number": (contributors_number, r"package\.yaml.*field 'contributors'"),
    "a shipped document edited, quotes kept": (document_edited, r"cleveland-pcc-response-peel-effectiveness-2015\.txt"),
    "one force and area graded twice in a round": (graded_twice_in_a_round, r"efficiency is already graded in round peel-2016"),
    "a scale's grades reversed": (reversed_scale, r"scales\.yaml.*reversing the grade order"),
    "two rounds with one sequence": (duplicate_round_sequence, r"rounds\.yaml.*field 'sequence'"),
    "an Engage exit before the entry": (engage_exit_before_entry, r"engage\.yaml.*exited engage on 2018-12-31"),
    "a summary count above its total": (count_above_total, r"cleveland-peel-2021-22\.yaml.*field 'count'.*more than of_total"),
}


@pytest.mark.parametrize("case", list(RECORD_CASES))
def test_check_catches_each_corruption_of_the_records(case: str, checkout: Path, capsys: pytest.CaptureFixture[str]) -> None:
    corrupt, message = RECORD_CASES[case]
    assert main(["check", "--root", str(checkout)]) == 0, "the clean copy must pass before it is corrupted"
    capsys.readouterr()
    corrupt(checkout)
    assert main(["check", "--root", str(checkout)]) == 1, f"{case}: not caught"
    errors = [line for line in capsys.readouterr().err.splitlines() if line.startswith("error: ")]
    assert errors, f"{case}: no error line"
    assert any(re.search(message, e) for e in errors), (case, errors)


# --------------------------------------------------------------------------- the built package


def _descriptor(root: Path) -> dict:  # type: ignore[type-arg]
    return json.loads((root / "datapackage.json").read_text(encoding="utf-8"))


def _save(root: Path, desc: dict) -> None:  # type: ignore[type-arg]
    (root / "datapackage.json").write_text(json.dumps(desc), encoding="utf-8")


def _resource(desc: dict, name: str) -> dict:  # type: ignore[type-arg]
    return next(r for r in desc["resources"] if r["name"] == name)


def no_hash(root: Path) -> None:
    desc = _descriptor(root)
    del _resource(desc, "gradings")["hash"]
    _save(root, desc)


def escaping_path(root: Path) -> None:
    desc = _descriptor(root)
    _resource(desc, "forces")["path"] = "../forces.csv"
    shutil.copy2(root / "data/forces.csv", root.parent / "forces.csv")
    _save(root, desc)


def absolute_path(root: Path) -> None:
    desc = _descriptor(root)
    _resource(desc, "forces")["path"] = "/dev/zero"
    _save(root, desc)


def duplicate_resource(root: Path) -> None:
    desc = _descriptor(root)
    desc["resources"].append(dict(_resource(desc, "forces")))
    _save(root, desc)


def reordered_vocabulary(root: Path) -> None:
    desc = _descriptor(root)
    field = next(f for f in _resource(desc, "gradings")["schema"]["fields"] if f["name"] == "grade")
    field["constraints"]["enum"] = list(reversed(field["constraints"]["enum"]))
    _save(root, desc)


def unknown_type(root: Path) -> None:
    desc = _descriptor(root)
    _resource(desc, "forces")["schema"]["fields"][0]["type"] = "geopoint"
    _save(root, desc)


def table_edited(root: Path) -> None:
    path = root / "data/gradings.csv"
    path.write_bytes(path.read_bytes().replace(b",good,", b",inadequate,", 1))


PACKAGE_CASES: dict[str, tuple[Callable[[Path], None], str]] = {
    "a resource without a hash": (no_hash, r"gradings\.csv.*no hash"),
    "a path escaping the package": (escaping_path, r"\.\./forces\.csv"),
    "an absolute path": (absolute_path, r"/dev/zero"),
    "two resources with one name": (duplicate_resource, r"two resources are named 'forces'"),
    "a reordered grade vocabulary": (reordered_vocabulary, r"gradings\.csv.*column 'grade'.*vocabulary"),
    "an unknown field type": (unknown_type, r"forces\.csv.*geopoint"),
    "a table edited after the build": (table_edited, r"gradings\.csv"),
}


@pytest.mark.parametrize("case", list(PACKAGE_CASES))
def test_load_refuses_each_corruption_of_the_package(case: str, checkout: Path) -> None:
    corrupt, message = PACKAGE_CASES[case]
    ps.load(checkout)  # the clean copy loads
    corrupt(checkout)
    with pytest.raises(PackageError, match=message) as err:
        ps.load(checkout)
    assert "\n" not in str(err.value)


def test_booleans_in_every_frictionless_spelling_keep_their_value(checkout: Path) -> None:
    """TRUE/FALSE/1/0 are Frictionless booleans: a not-graded cell must not turn into null."""
    import hashlib

    path = checkout / "data/gradings.csv"
    original = ps.load(checkout).gradings
    data = path.read_bytes()
    lines = data.split(b"\n")
    spelled = [lines[0]] + [
        line.replace(b",true,", b",TRUE,").replace(b",false,", b",0,") if i % 2 else line.replace(b",false,", b",FALSE,")
        for i, line in enumerate(lines[1:])
    ]
    new = b"\n".join(spelled)
    assert new != data
    path.write_bytes(new)
    desc = _descriptor(checkout)
    res = _resource(desc, "gradings")
    res["bytes"], res["hash"] = len(new), "sha256:" + hashlib.sha256(new).hexdigest()
    _save(checkout, desc)
    assert ps.load(checkout).gradings.equals(original)
