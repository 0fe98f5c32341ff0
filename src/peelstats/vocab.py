"""Fixed vocabularies of the data package.

Each tuple is ordered: for grades the order is worst to best on the widest (five-point)
scale, which is the order of the ``pl.Enum`` the loader gives grade columns. Extending a
vocabulary needs a reason in ``CHANGELOG.md``.
"""

from __future__ import annotations

GRADES: tuple[str, ...] = (
    "inadequate",
    "requires improvement",
    "adequate",
    "good",
    "outstanding",
)
FINDING_KINDS: tuple[str, ...] = ("cause-of-concern", "recommendation", "area-for-improvement")
FOLLOWUP_STATUSES: tuple[str, ...] = (
    "not started",
    "in progress",
    "complete",
    "superseded",
    "addressed",
    "closed",
)
ASSESSORS: tuple[str, ...] = ("inspectorate", "force", "pcc")
RESPONDERS: tuple[str, ...] = ("force", "pcc")
PHASES: tuple[str, ...] = ("scan", "engage")
MONITORING_EVENTS: tuple[str, ...] = ("entered", "exited", "remains")
DATE_PRECISIONS: tuple[str, ...] = ("day", "month", "year")
INSPECTION_KINDS: tuple[str, ...] = ("pillar", "integrated", "revisit", "accelerated")
PILLARS: tuple[str, ...] = ("effectiveness", "efficiency", "legitimacy")
AREA_LEVELS: tuple[str, ...] = ("pillar", "question", "area")
FRAMEWORKS: tuple[str, ...] = ("pillars", "areas")
THEME_KINDS: tuple[str, ...] = ("pillar", "area")
COUNTRIES: tuple[str, ...] = ("England", "Wales")
SOURCE_KINDS: tuple[str, ...] = (
    "inspectorate-report",
    "inspectorate-page",
    "inspectorate-letter",
    "inspectorate-news",
    "pcc-response",
    "force-statement",
    "press-release",
    "news",
)
LICENCES: tuple[str, ...] = ("OGL-UK-3.0", "proprietary")
THEMES: tuple[str, ...] = (
    "effectiveness",
    "efficiency",
    "legitimacy",
    "prevention",
    "investigation",
    "vulnerability",
    "serious-organised-crime",
    "specialist-capabilities",
    "responding-to-public",
    "managing-offenders",
    "public-treatment",
    "ethics",
    "workforce",
    "demand",
    "use-of-resources",
    "planning",
    "leadership",
    "crime-data-integrity",
    "victim-service",
)
