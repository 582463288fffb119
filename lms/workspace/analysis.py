"""Everything computed from a document, in one pass: indicators per year, changes,
positioning, the method's progress and advice, the gaps to the target. Pure."""

from __future__ import annotations

from dataclasses import dataclass

from lms.workspace.indicators import YearChange, YearIndicators, year_changes, year_indicators
from lms.workspace.method import (
    StepProgress,
    TargetGap,
    method_advice,
    method_progress,
    target_gaps,
)
from lms.workspace.positioning import Positioning, position
from lms.workspace.reasons import Reason
from lms.workspace.schemas import WorkspaceData


@dataclass(frozen=True)
class Analysis:
    """The computed side of a workspace."""

    years: list[YearIndicators]  # in year order
    changes: list[YearChange]
    positioning: dict[int, Positioning]
    progress: list[StepProgress]
    advice: list[Reason]
    target_gaps: list[TargetGap]

    @property
    def latest(self) -> YearIndicators | None:
        """The most recent described year: "the current state"."""
        return self.years[-1] if self.years else None

    def year(self, year: int) -> YearIndicators | None:
        """The indicators of one year."""
        return next((item for item in self.years if item.year == year), None)


def analyse(data: WorkspaceData) -> Analysis:
    """Compute everything the pages, the PDF and the API show about a document."""
    years = [year_indicators(entry) for entry in data.years]
    latest = years[-1] if years else None
    return Analysis(
        years=years,
        changes=year_changes(years),
        positioning={
            entry.year: position(entry, indicators)
            for entry, indicators in zip(data.years, years, strict=True)
        },
        progress=method_progress(data),
        advice=method_advice(data.method),
        target_gaps=target_gaps(latest, data.method.target),
    )
