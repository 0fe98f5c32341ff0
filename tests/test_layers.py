"""The library users install is apart from the curation tooling: it never imports it, nor its dependencies."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

tomllib = pytest.importorskip("tomllib")

SRC = Path(__file__).resolve().parents[1] / "src" / "peelstats"
CURATION_DEPS = {"yaml", "frictionless"}


def _imports(path: Path) -> list[tuple[str, bool]]:
    """(module, at module level) for every import in ``path``."""
    tree = ast.parse(path.read_text())
    top = {id(n) for n in tree.body}
    out = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out += [(a.name, id(node) in top) for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module:
            out.append((node.module, id(node) in top))
    return out


def test_library_modules_never_import_curation() -> None:
    library = [p for p in SRC.rglob("*.py") if "curate" not in p.relative_to(SRC).parts]
    assert len(library) > 10
    for path in library:
        for module, top_level in _imports(path):
            root = module.split(".")[0]
            assert root not in CURATION_DEPS, f"{path.name} imports {module}"
            if module.startswith("peelstats.curate"):
                # only the CLI's build/check commands reach it, inside the command function
                assert path.name == "cli.py" and not top_level, f"{path.name} imports {module}"


def test_install_requires_only_polars_and_matplotlib() -> None:
    meta = tomllib.loads((SRC.parents[1] / "pyproject.toml").read_text())["project"]
    names = {d.split(">")[0].split("=")[0].split("[")[0].strip().lower() for d in meta["dependencies"]}
    assert names == {"polars", "matplotlib"}
    assert {"pyyaml", "frictionless"} <= {d.split(">")[0].lower() for d in meta["optional-dependencies"]["curate"]}
    assert {"pyyaml", "frictionless"} <= {d.split(">")[0].lower() for d in meta["optional-dependencies"]["test"]}


BLOCK = "import sys; sys.modules['yaml'] = None; sys.modules['frictionless'] = None; "


def test_library_works_without_the_curation_extra(tmp_path: Path) -> None:
    code = BLOCK + (
        "import peelstats as ps; pkg = ps.load(); r = ps.transitions(pkg); ps.coverage(pkg); "
        "from peelstats.report import write_report; write_report(pkg, __import__('pathlib').Path(sys.argv[1])); "
        "print(r.comparable_pairs > 0, pkg.cite().startswith('peelstats'))"
    )
    out = subprocess.run([sys.executable, "-c", code, str(tmp_path)], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["True", "True"]


def test_build_without_the_extra_says_what_to_install() -> None:
    code = BLOCK + "from peelstats.cli import main; sys.exit(main(['check']))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert out.returncode != 0
    lines = [ln for ln in out.stderr.splitlines() if ln.strip()]
    assert len(lines) == 1 and 'pip install "peelstats[curate]"' in lines[0], out.stderr
