"""The method's rules (M03's three steps): prioritising levers, progress, gaps to the target.

Pure functions over the document and its indicators. Like the positioning, what they
say is advice for the discussion (the board decides), written as reasons; the rules
are documented in docs/workspace-indicators.md.
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from lms.i18n import N_
from lms.workspace.indicators import YearIndicators, share
from lms.workspace.reasons import Pct, Reason
from lms.workspace.schemas import (
    AllianceForm,
    Lever,
    LeverDecision,
    Method,
    Pillar,
    ResourceFamily,
    Target,
    WorkspaceData,
)

#: impact × feasibility (each 1 to 3) from which a lever is suggested as a priority...
PRIORITY_SCORE = 6
#: ... and up to which it is suggested to set it aside.
SET_ASIDE_SCORE = 2
#: "A small number of priority levers": more than this many retained is flagged.
MAX_RETAINED_LEVERS = 3
MIN_ISSUES, MAX_ISSUES = 2, 3
LEVELS = (1, 2, 3)


class Priority(enum.StrEnum):
    """What impact × feasibility suggests for a lever."""

    PRIORITY = "priority"  # 6 or 9: high impact and at least medium feasibility, or the reverse
    TO_PREPARE = "to_prepare"  # 3 or 4: worth preparing or postponing
    SET_ASIDE = "set_aside"  # 1 or 2: low on both


def suggested_priority(impact: int, feasibility: int) -> Priority:
    """The suggestion from impact × feasibility: ≥ 6 priority, ≤ 2 set aside, else prepare."""
    score = impact * feasibility
    if score >= PRIORITY_SCORE:
        return Priority.PRIORITY
    if score <= SET_ASIDE_SCORE:
        return Priority.SET_ASIDE
    return Priority.TO_PREPARE


@dataclass(frozen=True)
class MatrixCell:
    """One cell of the impact × feasibility matrix and the levers in it."""

    impact: int
    feasibility: int
    priority: Priority
    levers: list[str]


def lever_matrix(levers: Sequence[Lever]) -> list[list[MatrixCell]]:
    """Rows from high impact (3) to low (1); columns from low feasibility (1) to high (3)."""
    return [
        [
            MatrixCell(
                impact,
                feasibility,
                suggested_priority(impact, feasibility),
                [
                    lever.title
                    for lever in levers
                    if lever.impact == impact and lever.feasibility == feasibility
                ],
            )
            for feasibility in LEVELS
        ]
        for impact in reversed(LEVELS)
    ]


def ranked_levers(levers: Sequence[Lever]) -> list[tuple[int, Lever, Priority]]:
    """Levers by impact × feasibility, highest first (then impact, then entry order).

    Each comes with its position in the list as entered, so pages can link back to it.
    """
    indexed = list(enumerate(levers))
    indexed.sort(key=lambda item: (-item[1].impact * item[1].feasibility, -item[1].impact, item[0]))
    return [
        (index, lever, suggested_priority(lever.impact, lever.feasibility))
        for index, lever in indexed
    ]


# --- progress through the three steps ---------------------------------------------------------


class Step(enum.IntEnum):
    """M03's three steps."""

    ANALYSE = 1
    AMBITION = 2
    TRAJECTORY = 3


class Task(enum.StrEnum):
    """What each step asks for."""

    ACTIVITIES = "activities"
    KEY_DATA = "key_data"
    ISSUES = "issues"
    DEBATE = "debate"
    AMBITION = "ambition"
    LEVERS = "levers"
    PRIORITIES = "priorities"
    TARGET = "target"
    TRAJECTORY = "trajectory"


STEP_TASKS: dict[Step, tuple[Task, ...]] = {
    Step.ANALYSE: (Task.ACTIVITIES, Task.KEY_DATA, Task.ISSUES, Task.DEBATE),
    Step.AMBITION: (Task.AMBITION, Task.LEVERS),
    Step.TRAJECTORY: (Task.PRIORITIES, Task.TARGET, Task.TRAJECTORY),
}


def _target_described(target: Target) -> bool:
    return target.year is not None and bool(
        target.resource_shares
        or target.total_resources is not None
        or target.employees_fte is not None
        or target.volunteer_hours is not None
        or target.alliances_by_form
    )


def done_tasks(data: WorkspaceData) -> set[Task]:
    """The tasks the document shows as done."""
    method = data.method
    latest = data.years[-1] if data.years else None
    done = set()
    if latest is not None and latest.activities:
        done.add(Task.ACTIVITIES)
    if latest is not None and latest.resources:
        done.add(Task.KEY_DATA)
    if MIN_ISSUES <= len(method.issues) <= MAX_ISSUES:
        done.add(Task.ISSUES)
    if method.debate_notes:
        done.add(Task.DEBATE)
    if method.ambition:
        done.add(Task.AMBITION)
    if method.levers:
        done.add(Task.LEVERS)
    if method.levers and all(lever.decision != LeverDecision.UNDECIDED for lever in method.levers):
        done.add(Task.PRIORITIES)
    if _target_described(method.target):
        done.add(Task.TARGET)
    if method.trajectory:
        done.add(Task.TRAJECTORY)
    return done


@dataclass(frozen=True)
class StepProgress:
    """One step, and which of its tasks are done."""

    step: Step
    tasks: list[tuple[Task, bool]]

    @property
    def complete(self) -> bool:
        """Every task of the step is done."""
        return all(done for _, done in self.tasks)


def method_progress(data: WorkspaceData) -> list[StepProgress]:
    """The three steps with their tasks, done or not."""
    done = done_tasks(data)
    return [
        StepProgress(step, [(task, task in done) for task in tasks])
        for step, tasks in STEP_TASKS.items()
    ]


# --- advice on the method ---------------------------------------------------------------------

PILLAR_TERMS = {
    Pillar.HUMAN_RICHES: N_("human riches"),
    Pillar.FINANCIAL_RESOURCES: N_("financial resources"),
    Pillar.ALLIANCES: N_("strategic alliances"),
}


def method_advice(method: Method) -> list[Reason]:
    """Where the method departs from the course's advice (pitfalls of M03), as reasons."""
    advice = []
    if method.issues and len(method.issues) < MIN_ISSUES:
        advice.append(
            Reason(
                N_("Two or three key issues are expected: there is %(count)s."),
                {"count": len(method.issues)},
            )
        )
    if method.issues and not method.debate_notes:
        advice.append(
            Reason(
                N_(
                    "Share the issues with the board and the team, and note what the debate "
                    "confirmed, corrected or added."
                )
            )
        )
    if method.levers:
        missing = [
            pillar
            for pillar in PILLAR_TERMS
            if not any(lever.pillar == pillar for lever in method.levers)
        ]
        if missing:
            advice.append(
                Reason(
                    N_("No lever acts on: %(pillars)s. Forgetting pillars is a frequent pitfall."),
                    {"pillars": ", ".join(PILLAR_TERMS[pillar] for pillar in missing)},
                )
            )
        retained = [lever for lever in method.levers if lever.decision == LeverDecision.RETAINED]
        if len(retained) > MAX_RETAINED_LEVERS:
            advice.append(
                Reason(
                    N_(
                        "%(count)s levers are retained: the course advises a small number "
                        "of priorities, the others postponed or set aside."
                    ),
                    {"count": len(retained)},
                )
            )
        for lever in retained:
            if suggested_priority(lever.impact, lever.feasibility) == Priority.SET_ASIDE:
                advice.append(
                    Reason(
                        N_(
                            "« %(lever)s » is retained although its impact and feasibility are low."
                        ),
                        {"lever": lever.title},
                    )
                )
    total = sum(method.target.resource_shares.values(), Decimal(0))
    if method.target.resource_shares and total < 100:
        advice.append(
            Reason(
                N_("The target resource mix adds up to %(total)s: %(rest)s is not allocated."),
                {"total": Pct(float(total)), "rest": Pct(float(100 - total))},
            )
        )
    milestones = method.trajectory
    if milestones and not any(m.decision_point for m in milestones):
        advice.append(
            Reason(
                N_(
                    "Plan decision points: moments when the board takes stock and may adjust "
                    "the course, rather than a fixed plan."
                )
            )
        )
    if len(milestones) >= 2 and len({m.year for m in milestones}) == 1:
        advice.append(
            Reason(
                N_(
                    "Every milestone is in %(year)s: changing everything at once exhausts the "
                    "team; spread the steps."
                ),
                {"year": milestones[0].year},
            )
        )
    target_year = method.target.year or method.horizon_year
    late = [m for m in milestones if target_year is not None and m.year > target_year]
    if late:
        advice.append(
            Reason(
                N_("Milestones after the target year %(year)s: %(count)s."),
                {"count": len(late), "year": target_year or 0},
            )
        )
    return advice


# --- the target compared with the current state -----------------------------------------------


class Gauge(enum.StrEnum):
    """What the target compares."""

    TOTAL_RESOURCES = "total_resources"
    FAMILY_SHARE = "family_share"
    LARGEST_FUNDER_SHARE = "largest_funder_share"
    EMPLOYEES_FTE = "employees_fte"
    VOLUNTEERS = "volunteers"
    VOLUNTEER_HOURS = "volunteer_hours"
    ALLIANCES = "alliances"


@dataclass(frozen=True)
class TargetGap:
    """One figure now and at the target, and the way to go."""

    gauge: Gauge
    subject: ResourceFamily | AllianceForm | None  # the family or form, for those gauges
    current: float | None
    target: float
    gap: float | None  # target − current (points for shares)
    met: bool | None  # for the funder ceiling: is the current share within it?


def target_gaps(current: YearIndicators | None, target: Target) -> list[TargetGap]:
    """Each figure the target sets, beside its current value (the latest described year)."""
    gaps: list[TargetGap] = []

    def add(
        gauge: Gauge,
        subject: ResourceFamily | AllianceForm | None,
        now: float | None,
        aim: float,
        met: bool | None = None,
    ) -> None:
        gaps.append(TargetGap(gauge, subject, now, aim, None if now is None else aim - now, met))

    total = current.total_resources if current else None
    if target.total_resources is not None:
        add(
            Gauge.TOTAL_RESOURCES,
            None,
            float(total) if total is not None else None,
            float(target.total_resources),
        )
    for family in ResourceFamily:
        aim = target.resource_shares.get(family)
        if aim is None:
            continue
        now = share(current.family(family).amount, total) if current and total else None
        add(Gauge.FAMILY_SHARE, family, now, float(aim))
    if target.max_funder_share is not None:
        largest = current.concentration.largest if current else None
        now = largest.share if largest else (0.0 if current else None)
        add(
            Gauge.LARGEST_FUNDER_SHARE,
            None,
            now,
            float(target.max_funder_share),
            None if now is None else now <= float(target.max_funder_share),
        )
    human = current.human if current else None
    if target.employees_fte is not None:
        add(
            Gauge.EMPLOYEES_FTE,
            None,
            float(human.parts[0].fte) if human else None,
            float(target.employees_fte),
        )
    if target.volunteers_count is not None:
        add(
            Gauge.VOLUNTEERS,
            None,
            float(human.parts[1].people) if human else None,
            float(target.volunteers_count),
        )
    if target.volunteer_hours is not None:
        hours = human.parts[1].hours if human else None
        add(
            Gauge.VOLUNTEER_HOURS,
            None,
            None if hours is None else float(hours),
            float(target.volunteer_hours),
        )
    for form in AllianceForm:
        aim_count = target.alliances_by_form.get(form)
        if aim_count is None:
            continue
        now_count = current.alliances.by_form[form] if current else None
        add(
            Gauge.ALLIANCES, form, None if now_count is None else float(now_count), float(aim_count)
        )
    return gaps
