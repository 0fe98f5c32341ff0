"""``peelstats check``: is the committed package exactly what the records build, and valid?

Checks, in order: the records validate (the named rules of :mod:`peelstats.curate.rules`,
including every evidence quote against its shipped text and every shipped text against its
pinned SHA-256); the committed generated files equal a fresh build byte for byte; each resource's
bytes and hash match the descriptor; ``frictionless`` validates the package (schemas,
primary and foreign keys). Returns a list of problems, empty when all is well.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from pathlib import Path

from peelstats.curate.build import DESCRIPTOR, compile_package, stale_temporaries
from peelstats.errors import PeelstatsError


def check_build(root: Path, extra: Iterable[Path] = ()) -> list[str]:
    """Problems where the committed generated files differ from a fresh build."""
    try:
        outputs = compile_package(root, extra)
    except PeelstatsError as exc:
        return [f"records: {exc}"]
    problems = [
        f"{tmp.relative_to(Path(root))}: a temporary file left by an interrupted build; run `peelstats build`"
        for tmp in stale_temporaries(root, outputs)
    ]
    for rel, data in sorted(outputs.items()):
        path = Path(root) / rel
        if not path.is_file():
            problems.append(f"{rel}: missing; run `peelstats build`")
        elif path.read_bytes() != data:
            problems.append(f"{rel}: differs from a fresh build of data/records; run `peelstats build` (no hand edits)")
    return problems


def check_hashes(root: Path) -> list[str]:
    """Problems where a resource's bytes or SHA-256 differ from datapackage.json."""
    try:
        desc = json.loads((Path(root) / DESCRIPTOR).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        return [f"{DESCRIPTOR}: unreadable ({exc})"]
    problems = []
    for res in desc.get("resources", []):
        path = Path(root) / res["path"]
        if not path.is_file():
            problems.append(f"{res['path']}: missing")
            continue
        data = path.read_bytes()
        if len(data) != res.get("bytes"):
            problems.append(f"{res['path']}: {len(data)} bytes, descriptor says {res.get('bytes')}")
        digest = "sha256:" + hashlib.sha256(data).hexdigest()
        if digest != res.get("hash"):
            problems.append(f"{res['path']}: hash {digest[:19]}... differs from the descriptor's {str(res.get('hash'))[:19]}...")
    return problems


def check_frictionless(root: Path) -> list[str]:
    """Problems frictionless finds validating datapackage.json (schemas, keys, types)."""
    from frictionless import Package, system

    with system.use_context(trusted=True):
        report = Package(str(Path(root) / DESCRIPTOR)).validate()
    if report.valid:
        return []
    problems = []
    for task in report.tasks:
        for err in task.errors:
            row = getattr(err, "row_number", None)
            where = f"{task.name}" + (f" row {row}" if row else "")
            problems.append(f"frictionless: {where}: {err.type}: {err.message}")
    for err in report.errors:
        problems.append(f"frictionless: {err.type}: {err.message}")
    return problems


def check(root: Path, extra: Iterable[Path] = ()) -> list[str]:
    """All checks; a list of one-line problems (empty = the package is sound)."""
    problems = check_build(root, extra)
    problems += check_hashes(root)
    if not any(p.startswith(DESCRIPTOR) for p in problems):
        problems += check_frictionless(root)
    return problems
