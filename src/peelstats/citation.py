"""Citations of the dataset for ``cite()`` (CITATION.cff is written by :mod:`peelstats.curate.citation_cff`)."""

from __future__ import annotations

from typing import Any


def format_citation(meta: dict[str, Any], fmt: str = "text") -> str:
    """Format a citation of the dataset from descriptor metadata.

    ``meta`` needs ``title``, ``version``, ``created`` (ISO date text) and ``contributors``.
    """
    authors = [c.get("title") or c.get("name", "") for c in meta.get("contributors", [])]
    year = str(meta["created"])[:4]
    version = meta["version"]
    url = meta.get("homepage") or ""
    if fmt == "text":
        who = ", ".join(a for a in authors if a) or "peelstats contributors"
        tail = f" {url}" if url else ""
        return f"{who} ({year}). {meta['title']} (dataset version {version}).{tail}"
    if fmt == "bibtex":
        key = f"peelstats_{version.replace('.', '_')}"
        who = " and ".join("{" + a + "}" for a in authors if a) or "{peelstats contributors}"
        lines = [
            f"@misc{{{key},",
            f"  author = {{{who}}},",
            f"  title = {{{{{meta['title']}}}}},",
            f"  year = {{{year}}},",
            f"  version = {{{version}}},",
            f"  note = {{Dataset version {version}}},",
        ]
        if url:
            lines.append(f"  url = {{{url}}},")
        lines.append("}")
        return "\n".join(lines)
    from peelstats.errors import InputError

    raise InputError(f"cite: format must be 'text' or 'bibtex', got {fmt!r}")
