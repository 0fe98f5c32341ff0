"""Shipped texts are pinned by SHA-256 in the records; the named rules reach the YAML files.

Each test works on a throwaway copy of the checkout (the ``checkout`` fixture).
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import pytest

from peelstats.cli import main
from peelstats.curate.build import build
from peelstats.curate.records import load_records
from peelstats.errors import RecordError

DOC = "data/documents/hmicfrs-cleveland-cause-of-concern-revisit-2021.txt"
#: The seed's SHA-256 (../shared/seeds/004_f3684d72e39fd7f7.txt), written out: not computed by the code under test.
PINNED = "5b064ed484ec8a70b961c2342f1ae8addb6b1968fcbf6bc6fb0141e276c9a142"
SOURCES = Path("data/records/sources/cleveland.yaml")


def test_every_shipped_document_is_pinned_in_its_record(root: Path) -> None:
    documents = sorted(p.name for p in (root / "data" / "documents").glob("*.txt"))
    assert len(documents) == 4
    for path in sorted((root / "data" / "records" / "sources").glob("*.yaml")):
        lines = path.read_text().splitlines()
        for i, line in enumerate(lines):
            m = re.match(r"\s*document: (data/documents/\S+)$", line)
            if m:
                pin = re.match(r"\s*sha256: ([0-9a-f]{64})$", lines[i + 1])
                assert pin, f"{path.name}: {m.group(1)} has no sha256 line after it"
                assert pin.group(1) == hashlib.sha256((root / m.group(1)).read_bytes()).hexdigest()
                documents.remove(Path(m.group(1)).name)
    assert documents == [], "documents no record names"
    assert f"sha256: {PINNED}" in (root / SOURCES).read_text()


def test_an_edited_document_is_refused_naming_it_and_both_hashes(checkout: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = checkout / DOC
    edited = path.read_bytes().replace(b"Cleveland", b"Cleveland ", 1)
    path.write_bytes(edited)
    actual = hashlib.sha256(edited).hexdigest()
    assert actual != PINNED
    with pytest.raises(RecordError) as err:
        build(checkout, dry_run=True)
    msg = str(err.value)
    assert msg.startswith("data/records/sources/cleveland.yaml: sources[3] (source_id=hmicfrs-cleveland-revisit-letter-2021): ")
    assert DOC in msg and actual in msg and PINNED in msg
    before = (checkout / "data" / "sources.csv").read_bytes()
    assert main(["build", "--root", str(checkout)]) == 1
    err_lines = capsys.readouterr().err.strip().splitlines()
    assert len(err_lines) == 1 and PINNED in err_lines[0] and actual in err_lines[0]
    assert (checkout / "data" / "sources.csv").read_bytes() == before  # nothing re-hashed, nothing written


def test_a_document_without_a_pinned_hash_is_refused(checkout: Path) -> None:
    path = checkout / SOURCES
    path.write_text(path.read_text().replace(f"    sha256: {PINNED}\n", ""))
    with pytest.raises(
        RecordError, match=f"field 'sha256': required with 'document'; pin {re.escape(DOC)} with sha256: {PINNED}"
    ):
        load_records(checkout / "data" / "records")


def test_a_wrong_pin_is_refused_even_when_the_text_is_unchanged(checkout: Path) -> None:
    path = checkout / SOURCES
    wrong = "f" * 64
    path.write_text(path.read_text().replace(PINNED, wrong))
    with pytest.raises(RecordError, match=f"has SHA-256 {PINNED} but the record pins {wrong}"):
        load_records(checkout / "data" / "records")


def test_the_built_sources_table_carries_the_pinned_hash(root: Path) -> None:
    text = (root / "data" / "sources.csv").read_text()
    assert f"{DOC},{PINNED}," in text
