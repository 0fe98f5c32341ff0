"""A build writes all its generated files or none, and never leaves temporaries behind."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from peelstats.curate import build as build_mod
from peelstats.curate.build import TMP_SUFFIX, compile_package, stale_temporaries, write_outputs
from peelstats.curate.check import check_build
from peelstats.errors import PeelstatsError


def _changed_outputs(checkout: Path) -> dict[str, bytes]:
    """A fresh build with four generated files altered, so a write has four files to replace."""
    outputs = compile_package(checkout)
    for rel in ("datapackage.json", "CITATION.cff", "data/forces.csv", "docs/DATA.md"):
        outputs[rel] = outputs[rel] + b"\n"
    return outputs


def _snapshot(checkout: Path, rels: list[str]) -> dict[str, bytes]:
    return {rel: (checkout / rel).read_bytes() for rel in rels}


def _temporaries(checkout: Path) -> list[Path]:
    return [p for p in checkout.rglob(f"*{TMP_SUFFIX}")]


def test_a_failed_write_changes_no_file(checkout: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    outputs = _changed_outputs(checkout)
    before = _snapshot(checkout, list(outputs))
    real = Path.write_bytes
    calls = {"n": 0}

    def failing(self: Path, data: bytes) -> int:
        calls["n"] += 1
        if calls["n"] == 3:
            raise OSError(28, "No space left on device")
        return real(self, data)

    monkeypatch.setattr(Path, "write_bytes", failing)
    with pytest.raises(PeelstatsError) as err:
        write_outputs(checkout, outputs)
    monkeypatch.undo()
    message = str(err.value)
    assert "\n" not in message
    assert "No space left on device" in message and "no generated file was changed" in message
    assert calls["n"] == 3  # the failure happened in the middle, after two files were written
    assert _snapshot(checkout, list(outputs)) == before
    assert _temporaries(checkout) == []


def test_a_failed_rename_puts_back_the_files_already_replaced(checkout: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    outputs = _changed_outputs(checkout)
    before = _snapshot(checkout, list(outputs))
    real = os.replace
    calls = {"n": 0}

    def failing(src: str | os.PathLike[str], dst: str | os.PathLike[str]) -> None:
        calls["n"] += 1
        if calls["n"] == 3:
            raise OSError(5, "Input/output error")
        real(src, dst)

    monkeypatch.setattr(build_mod.os, "replace", failing)
    with pytest.raises(PeelstatsError, match="Input/output error"):
        write_outputs(checkout, outputs)
    monkeypatch.undo()
    assert calls["n"] > 3  # two files had been replaced and were put back
    assert _snapshot(checkout, list(outputs)) == before
    assert _temporaries(checkout) == []


def test_an_interrupted_build_is_cleaned_up_and_reported(checkout: Path) -> None:
    outputs = compile_package(checkout)
    left = checkout / "data" / f".forces.csv{TMP_SUFFIX}"
    left.write_bytes(b"half a file")
    assert stale_temporaries(checkout, outputs) == [left]
    assert any("left by an interrupted build" in p for p in check_build(checkout))
    write_outputs(checkout, outputs)
    assert not left.exists()
    assert check_build(checkout) == []


def test_a_successful_write_replaces_exactly_the_changed_files(checkout: Path) -> None:
    outputs = _changed_outputs(checkout)
    changed = write_outputs(checkout, outputs)
    assert changed == sorted(["datapackage.json", "CITATION.cff", "data/forces.csv", "docs/DATA.md"])
    assert all((checkout / rel).read_bytes() == data for rel, data in outputs.items())
    assert write_outputs(checkout, outputs) == []
    assert _temporaries(checkout) == []
