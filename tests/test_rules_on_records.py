"""The named rules on the real YAML files: a refusal names the file, the entry and the problem.

Each test works on a throwaway copy of the checkout (the ``checkout`` fixture).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from peelstats.cli import main
from peelstats.curate.records import load_records
from peelstats.curate.rules import RULES
from peelstats.errors import RecordError

# ------------------------------------------------------------------ domain rules on the YAML files


def test_two_rounds_with_one_sequence_are_refused_in_rounds_yaml(checkout: Path) -> None:
    path = checkout / "data" / "records" / "reference" / "rounds.yaml"
    text = path.read_text()
    assert "    sequence: 7\n" in text
    path.write_text(text.replace("    sequence: 7\n", "    sequence: 6\n"))
    with pytest.raises(RecordError) as err:
        load_records(checkout / "data" / "records")
    msg = str(err.value)
    assert msg.startswith("data/records/reference/rounds.yaml: rounds[6] (round_id=peel-2023-25): field 'sequence'"), msg
    assert "already the sequence of round peel-2021-22 (data/records/reference/rounds.yaml: rounds[5]" in msg


def test_a_reversed_scale_is_refused_in_scales_yaml(checkout: Path) -> None:
    path = checkout / "data" / "records" / "reference" / "scales.yaml"
    text = path.read_text()
    line = "grades: [inadequate, requires improvement, good, outstanding]"
    assert line in text
    path.write_text(text.replace(line, "grades: [outstanding, good, requires improvement, inadequate]"))
    with pytest.raises(
        RecordError, match=r"scales\.yaml: scales\[0\] \(scale_id=peel-4\): field 'grades': .*reversing the grade order"
    ):
        load_records(checkout / "data" / "records")


def test_an_engage_exit_before_the_entry_is_refused(checkout: Path) -> None:
    path = checkout / "data" / "records" / "monitoring" / "engage.yaml"
    text = path.read_text()
    assert "date: 2023-09-20\n    phase: engage\n    event: exited\n" in text
    path.write_text(
        text.replace(
            "date: 2023-09-20\n    phase: engage\n    event: exited\n",
            "date: 2018-12-31\n    phase: engage\n    event: exited\n",
            1,
        )
    )
    with pytest.raises(RecordError) as err:
        load_records(checkout / "data" / "records")
    msg = str(err.value)
    assert msg.startswith("data/records/monitoring/engage.yaml: monitoring[0] (force_id=cleveland): field 'date'"), msg
    assert "cleveland exited engage on 2018-12-31, before it entered on 2019 (year)" in msg


def test_check_rules_lists_every_rule(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", "--rules"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == f"{len(RULES)} record rules, run in this order by build and check:"
    names = [line.split()[0] for line in out[1 : len(RULES) + 1]]
    assert names == [r.name for r in RULES]
    assert "one-grading-per-round" in names and "document-hash" in names
    defaults = out[len(RULES) + 2 :]
    assert "  gradings.graded: True" in defaults
    assert "  inspections.published_precision: 'day' when 'published' is set" in defaults
    assert "  findings.evidence: the row's 'text' when the source ships its text" in defaults
