"""``data/records/package.yaml``: the dataset's metadata, checked field by field.

Every field has one expected shape; anything else is one RecordError naming the file and
the field (never a traceback from the build or the CITATION.cff writer).
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from peelstats.errors import RecordError

REQUIRED = ("name", "title", "version", "created", "description", "licenses", "contributors")
OPTIONAL = ("homepage", "keywords")
_SEMVER = re.compile(r"\d+\.\d+\.\d+")
# keys of one licence / one contributor: (required, optional)
_LICENCE = (("name",), ("title", "path"))
_CONTRIBUTOR = (("title",), ("role", "email", "path", "organization"))


def _text(value: Any, label: str, field: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise RecordError(label, f"field '{field}': expected text, got {value!r}")
    return value


def _entries(value: Any, label: str, field: str, keys: tuple[tuple[str, ...], tuple[str, ...]]) -> list[dict[str, str]]:
    required, optional = keys
    if not isinstance(value, list) or not value:
        raise RecordError(label, f"field '{field}': expected a list of entries with {', '.join(required)}, got {value!r}")
    out = []
    for i, entry in enumerate(value, 1):
        where = f"field '{field}' entry {i}"
        if not isinstance(entry, dict):
            raise RecordError(label, f"{where}: expected a mapping with {', '.join(required)}, got {entry!r}")
        unknown = sorted(set(entry) - set(required) - set(optional))
        if unknown:
            raise RecordError(label, f"{where}: unknown key {unknown[0]!r} (allowed: {', '.join((*required, *optional))})")
        for key in required:
            if key not in entry:
                raise RecordError(label, f"{where}: missing '{key}'")
        out.append({k: _text(v, label, f"{field}.{k}") for k, v in entry.items()})
    return out


def check_meta(raw: dict[str, Any], label: str) -> dict[str, Any]:
    """The metadata with every field checked; ``created`` as a date. Raises RecordError."""
    unknown = sorted(set(raw) - set(REQUIRED) - set(OPTIONAL))
    if unknown:
        raise RecordError(label, f"unknown field {unknown[0]!r} (allowed: {', '.join((*REQUIRED, *OPTIONAL))})")
    for key in REQUIRED:
        if key not in raw:
            raise RecordError(label, f"missing required field '{key}'")
    meta: dict[str, Any] = {k: _text(raw[k], label, k) for k in ("name", "title", "description")}
    version = raw["version"]
    if not isinstance(version, str) or not _SEMVER.fullmatch(version):
        raise RecordError(label, f"field 'version': expected MAJOR.MINOR.PATCH text, got {version!r}")
    meta["version"] = version
    created = raw["created"]
    if isinstance(created, dt.datetime) or not isinstance(created, (dt.date, str)):
        raise RecordError(label, f"field 'created': expected a date YYYY-MM-DD, got {created!r}")
    if isinstance(created, str):
        try:
            created = dt.date.fromisoformat(created.strip())
        except ValueError:
            raise RecordError(label, f"field 'created': expected a date YYYY-MM-DD, got {created!r}") from None
    meta["created"] = created
    meta["licenses"] = _entries(raw["licenses"], label, "licenses", _LICENCE)
    meta["contributors"] = _entries(raw["contributors"], label, "contributors", _CONTRIBUTOR)
    if "homepage" in raw:
        meta["homepage"] = _text(raw["homepage"], label, "homepage")
    if "keywords" in raw:
        keywords = raw["keywords"]
        if not isinstance(keywords, list):
            raise RecordError(label, f"field 'keywords': expected a list of words, got {keywords!r}")
        meta["keywords"] = [_text(k, label, "keywords") for k in keywords]
    return meta
