"""Force names as people write them: ids, full names and common short forms.

``resolve_force("the Met", pkg.forces)`` gives ``"metropolitan"``. A name is matched, in
this order, after :func:`normalize` (case, whitespace, punctuation and ``&``/``and`` do not
matter; a leading "the" is dropped):

1. a force id (``cleveland``), full name (``Cleveland Police``), the name without
   "Police"/"Constabulary"/"Service" (``Cleveland``, ``Metropolitan``) or an alias in
   :data:`ALIASES` (``GMP``, ``Met``, ``A&S``);
2. the same after expanding common abbreviations in :data:`WORDS` (``South Yorks``,
   ``West Mids``, ``Notts``);
3. the words of one force's name: ``Manchester`` or ``Isle of Wight`` name one force;
   ``Yorkshire`` names three and is refused, listing them.

Only forces in the given table are ever returned: an alias whose force is not in it is
ignored. An unknown name raises one :class:`~peelstats.errors.InputError` line with a
did-you-mean suggestion. Panels other than the package match entities exactly (see
:mod:`peelstats.analytics._common`).
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from dataclasses import dataclass

import polars as pl

from peelstats.errors import InputError

#: Short forms people use for a force, as written; the target is a ``force_id``. Names that
#: follow from ``forces.csv`` (the id, the full name, the name without "Police" or
#: "Constabulary") need no entry here.
ALIASES: dict[str, str] = {
    "Met": "metropolitan",
    "the Met": "metropolitan",
    "Met Police": "metropolitan",
    "MPS": "metropolitan",
    "GMP": "greater-manchester",
    "West Mids": "west-midlands",
    "WMP": "west-midlands",
    "West Yorks": "west-yorkshire",
    "WYP": "west-yorkshire",
    "South Yorks": "south-yorkshire",
    "SYP": "south-yorkshire",
    "North Yorks": "north-yorkshire",
    "NYP": "north-yorkshire",
    "TVP": "thames-valley",
    "A&S": "avon-and-somerset",
    "D&C": "devon-and-cornwall",
    "CoLP": "city-of-london",
    "SWP": "south-wales",
    "NWP": "north-wales",
    "Hampshire Constabulary": "hampshire",  # the force's name until 2022
}

#: Abbreviated words expanded before matching (county abbreviations in common use).
WORDS: dict[str, str] = {
    "met": "metropolitan",
    "mids": "midlands",
    "yorks": "yorkshire",
    "beds": "bedfordshire",
    "cambs": "cambridgeshire",
    "derbys": "derbyshire",
    "glos": "gloucestershire",
    "hants": "hampshire",
    "herts": "hertfordshire",
    "lancs": "lancashire",
    "leics": "leicestershire",
    "lincs": "lincolnshire",
    "northants": "northamptonshire",
    "notts": "nottinghamshire",
    "staffs": "staffordshire",
    "warks": "warwickshire",
    "wilts": "wiltshire",
    "gtr": "greater",
}

#: Short forms that name more than one force although one force's name contains them.
AMBIGUOUS: dict[str, tuple[str, ...]] = {
    "London": ("metropolitan", "city-of-london"),
}

#: Police forces people may ask for that are not territorial forces of England and Wales.
NOT_TERRITORIAL: dict[str, str] = {
    "BTP": "British Transport Police",
    "British Transport Police": "British Transport Police",
    "Police Scotland": "Police Scotland",
    "PSNI": "the Police Service of Northern Ireland",
    "Police Service of Northern Ireland": "the Police Service of Northern Ireland",
    "CNC": "the Civil Nuclear Constabulary",
    "Civil Nuclear Constabulary": "the Civil Nuclear Constabulary",
    "MDP": "the Ministry of Defence Police",
    "Ministry of Defence Police": "the Ministry of Defence Police",
}

#: Words that say "a police force" rather than which one.
_GENERIC = frozenset({"police", "constabulary", "service", "force", "the", "and", "of"})
_SUFFIXES = frozenset({"police", "constabulary", "service"})
_HINT = "ps.forces() (or `peelstats forces`) lists every force and the names accepted"


def normalize(text: str) -> str:
    """``text`` lower-cased, accents removed, ``&`` as "and", punctuation as spaces, no leading "the"."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii").lower()
    words = re.sub(r"[^a-z0-9]+", " ", plain.replace("&", " and ")).split()
    if words[:1] == ["the"] and len(words) > 1:
        words = words[1:]
    return " ".join(words)


def _expand(key: str) -> str:
    return " ".join(WORDS.get(w, w) for w in key.split())


def short_name(name: str) -> str:
    """The force's name without a trailing "Police", "Constabulary" or "Police Service"."""
    words = name.split()
    while len(words) > 1 and words[-1].lower() in _SUFFIXES:
        words = words[:-1]
    return " ".join(words)


@dataclass(frozen=True)
class ForceNames:
    """The names of the forces of one forces table: every accepted spelling to its force_id."""

    names: dict[str, str]  # force_id -> full name
    keys: dict[str, str]  # normalized spelling -> force_id
    aliases: dict[str, list[str]]  # force_id -> short forms accepted, as written
    words: dict[str, frozenset[str]]  # force_id -> the distinctive words of its id and name

    @classmethod
    def of(cls, forces: pl.DataFrame) -> ForceNames:
        """The index of a ``forces`` table (columns ``force_id`` and ``name``)."""
        names = {str(i): str(n) for i, n in forces.select("force_id", "name").iter_rows()}
        keys: dict[str, str] = {}
        aliases: dict[str, list[str]] = {i: [] for i in names}
        words: dict[str, frozenset[str]] = {}
        for fid, name in names.items():
            short = short_name(name)
            for spelling in (fid, name, short):
                keys.setdefault(normalize(spelling), fid)
            if normalize(short) != normalize(name):
                aliases[fid].append(short)
            words[fid] = frozenset(normalize(f"{fid} {name}").split()) - _GENERIC
        for alias, fid in ALIASES.items():
            if fid in names:
                keys.setdefault(normalize(alias), fid)
                if alias not in aliases[fid]:
                    aliases[fid].append(alias)
        return cls(names=names, keys=keys, aliases=aliases, words=words)

    def label(self, fid: str) -> str:
        return f"{fid} ({self.names[fid]})"

    def candidates(self, name: str) -> list[str]:
        """Every force_id that ``name`` could mean: one when it names a force, none when unknown."""
        key = normalize(name)
        for spelling, fids in AMBIGUOUS.items():
            if key == normalize(spelling):
                present = [f for f in fids if f in self.names]
                if present:
                    return present
        for attempt in (key, _expand(key)):
            if attempt in self.keys:
                return [self.keys[attempt]]
        wanted = frozenset(_expand(key).split()) - _GENERIC
        if not wanted:
            return []
        return [fid for fid, have in self.words.items() if wanted <= have]

    def suggestion(self, name: str) -> str | None:
        """The closest known spelling's force, by :mod:`difflib`, or None."""
        key = normalize(name)
        close = difflib.get_close_matches(key, list(self.keys), n=1, cutoff=0.6)
        if not close:
            close = difflib.get_close_matches(_expand(key), list(self.keys), n=1, cutoff=0.6)
        return self.keys[close[0]] if close else None

    def resolve(self, name: object, *, fn: str) -> str:
        """The force_id ``name`` means; one InputError line when it is unknown or ambiguous."""
        if not isinstance(name, str):
            raise InputError(f"{fn}: force must be a force id or name (text), got {type(name).__name__}")
        found = self.candidates(name)
        if len(found) == 1:
            return found[0]
        if len(found) > 1:
            listing = ", ".join(self.label(f) for f in sorted(found))
            raise InputError(f"{fn}: force {name!r} could mean {len(found)} forces: {listing}; give one of them")
        key = normalize(name)
        for spelling, full in NOT_TERRITORIAL.items():
            if key == normalize(spelling):
                raise InputError(
                    f"{fn}: {name!r} ({full}) is not in this package, which covers the {len(self.names)} "
                    f"territorial police forces of England and Wales; {_HINT}"
                )
        near = self.suggestion(name) if frozenset(key.split()) - _GENERIC else None
        hint = f"did you mean {self.label(near)!s}? " if near else ""
        raise InputError(f"{fn}: unknown force {name!r}; {hint}{_HINT}")


def resolve_force(name: object, forces: pl.DataFrame, *, fn: str = "peelstats") -> str:
    """The ``force_id`` that ``name`` means among ``forces`` (a package's forces table).

    Accepts the id, the full name, the name without "Police"/"Constabulary", the short
    forms in :data:`ALIASES`, abbreviations in :data:`WORDS`, and the words of a single
    force's name. Raises :class:`~peelstats.errors.InputError` (one line, prefixed by
    ``fn``) for an unknown name, with a did-you-mean suggestion, or for one that could mean
    several forces, listing them.
    """
    return ForceNames.of(forces).resolve(name, fn=fn)
