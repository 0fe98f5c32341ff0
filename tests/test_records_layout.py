"""Records that YAML or the folder walk would silently lose or flip are refused with one line."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from peelstats.curate.records import load_records
from peelstats.errors import RecordError

INSPECTION = Path("inspections/cleveland/cleveland-peel-2016-efficiency.yaml")


def records(checkout: Path) -> Path:
    return checkout / "data" / "records"


def test_the_checkout_loads(checkout: Path) -> None:
    assert len(load_records(records(checkout)).tables["gradings"]) > 1000


def test_a_repeated_key_is_refused_not_last_wins(checkout: Path) -> None:
    path = records(checkout) / INSPECTION
    text = path.read_text()
    assert "  - area_id: peel-2016-efficiency\n    grade: good\n" in text
    path.write_text(text.replace("    grade: good\n", "    grade: good\n    grade: inadequate\n", 1))
    with pytest.raises(RecordError, match=r"cleveland-peel-2016-efficiency\.yaml: line \d+: .*'grade' appears twice") as info:
        load_records(records(checkout))
    assert "\n" not in str(info.value)


def test_a_repeated_top_level_list_is_refused(checkout: Path) -> None:
    path = records(checkout) / INSPECTION
    path.write_text(path.read_text() + "\ngradings: []\n")
    with pytest.raises(RecordError, match="'gradings' appears twice"):
        load_records(records(checkout))


@pytest.mark.parametrize(
    ("make", "match"),
    [
        (lambda r: (r / "inspection").mkdir(), r"inspection: unexpected folder"),
        (
            lambda r: shutil.copy(r / INSPECTION, r / INSPECTION.with_suffix(".YAML")),
            "expected inspections/<force_id>/<inspection_id>.yaml",
        ),
        (lambda r: shutil.copy(r / INSPECTION, r / "inspections" / "x.yaml"), "unexpected file in inspections/"),
        (lambda r: (r / "sources" / "notes.txt").write_text("x"), r"expected <name>\.yaml files only"),
        (lambda r: (r / "reference" / "extra.yaml").write_text("x: 1"), "unexpected entry in reference/"),
        (lambda r: (r / "monitoring" / "old").mkdir(), r"unexpected entry in monitoring/"),
        (lambda r: (r / "inspections" / "cleveland" / "2016").mkdir(), "expected inspections/<force_id>/<inspection_id>.yaml"),
    ],
)
def test_files_the_build_would_not_read_are_refused(checkout: Path, make, match: str) -> None:  # noqa: ANN001
    make(records(checkout))
    with pytest.raises(RecordError, match=match) as info:
        load_records(records(checkout))
    assert "\n" not in str(info.value)


def test_an_extra_records_folder_is_held_to_the_same_layout(checkout: Path, tmp_path: Path) -> None:
    staged = tmp_path / "staged"
    (staged / "inspection").mkdir(parents=True)
    with pytest.raises(RecordError, match="unexpected folder"):
        load_records(records(checkout), [staged])
