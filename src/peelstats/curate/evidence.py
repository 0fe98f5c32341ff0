"""Verbatim-quote checks against shipped source texts."""

from __future__ import annotations

import re

_WS = re.compile(r"\s+")


def normalise(text: str) -> str:
    """Collapse every run of whitespace to one space and strip the ends."""
    return _WS.sub(" ", text).strip()


def quote_in(quote: str, text: str) -> bool:
    """True when ``quote`` occurs in ``text`` verbatim, up to whitespace."""
    q = normalise(quote)
    return bool(q) and q in normalise(text)
