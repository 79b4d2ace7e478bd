"""The catalogue's data, split by job: `report` (what the appendix's tables say, and its
curation), `allocation` (chapter 8) and `site` (what the site keeps for itself). Import the
models from here."""

from catalogue.models.allocation import AllocationAnswer, Project, ProjectIndicator
from catalogue.models.report import (
    Chapter,
    Goal,
    GoalAlias,
    Lineage,
    Measure,
    NoMeasures,
    NoMeasuresQuerySet,
    Region,
    Report,
)
from catalogue.models.site import DataStamp, ErrorReport, RateCounter, SearchChange, SpentToken

__all__ = [
    "AllocationAnswer",
    "Chapter",
    "DataStamp",
    "ErrorReport",
    "Goal",
    "GoalAlias",
    "Lineage",
    "Measure",
    "NoMeasures",
    "NoMeasuresQuerySet",
    "Project",
    "ProjectIndicator",
    "RateCounter",
    "Region",
    "Report",
    "SearchChange",
    "SpentToken",
]
