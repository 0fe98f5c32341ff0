"""Curation and output paths that could lose, alter or leak a fact are refused in one line."""

from __future__ import annotations

from pathlib import Path

import pytest

import peelstats as ps
from peelstats.cli import main
from peelstats.curate.records import MIN_QUOTE, load_records
from peelstats.errors import RecordError

SOURCES = Path("sources/cleveland.yaml")


def records(checkout: Path) -> Path:
    return checkout / "data" / "records"


def test_yaml_numbers_in_text_fields_are_refused(checkout: Path) -> None:
    path = records(checkout) / "inspections/cleveland/cleveland-peel-2016-efficiency.yaml"
    text = path.read_text()
    title = next(line for line in text.splitlines() if line.startswith("title:"))
    path.write_text(text.replace(title, "title: 012", 1))
    with pytest.raises(RecordError, match=r"field 'title': YAML read 10 as a number.*quote the text"):
        load_records(records(checkout))


def test_a_document_outside_data_documents_is_refused(checkout: Path) -> None:
    path = records(checkout) / SOURCES
    text = path.read_text()
    assert "document: data/documents/" in text
    start = text.index("document: data/documents/")
    end = text.index("\n", start)
    path.write_text(text[:start] + "document: data/documents/../../datapackage.json" + text[end:])
    with pytest.raises(RecordError, match="field 'document': no file data/documents/../../datapackage.json"):
        load_records(records(checkout))


def test_a_tiny_evidence_quote_is_refused(checkout: Path) -> None:
    path = records(checkout) / "inspections/cleveland/cleveland-revisit-2021-prevention.yaml"
    text = path.read_text()
    first = next(line for line in text.splitlines() if line.strip().startswith("evidence:"))
    path.write_text(text.replace(first, '    evidence: "the"' if first.startswith("    ") else 'evidence: "the"', 1))
    with pytest.raises(RecordError, match=f"too short to identify a passage \\(at least {MIN_QUOTE} characters\\)"):
        load_records(records(checkout))


def test_build_never_writes_staged_records(checkout: Path, capsys: pytest.CaptureFixture[str]) -> None:
    staged = checkout / "staged"
    staged.mkdir()
    assert main(["build", "--root", str(checkout), "--records", str(staged)]) == 1
    assert "add --dry-run" in capsys.readouterr().err


@pytest.mark.parametrize("command", ["report", "export"])
def test_output_path_problems_are_one_line(tmp_path: Path, command: str, capsys: pytest.CaptureFixture[str]) -> None:
    afile = tmp_path / "taken"
    afile.write_text("x")
    argv = [command, "--out", str(afile)] + (["--format", "sqlite"] if command == "export" else [])
    assert main(argv) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "exists and is not a folder" in err[0]


def test_xlsx_export_keeps_formulas_as_text(tmp_path: Path) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    from peelstats.export import _cell, export

    assert _cell('=HYPERLINK("x")') == '\'=HYPERLINK("x")'
    assert _cell("-1 + 2") == "'-1 + 2"
    assert _cell("bell\x07") == "bell\\x07"
    assert _cell(5) == 5
    path = export(ps.load(), "xlsx", tmp_path)
    wb = openpyxl.load_workbook(path)
    for ws in wb.worksheets:
        for row in ws.iter_rows(values_only=True):
            for value in row:
                assert not (isinstance(value, str) and value.startswith("="))
