"""What the learner's profile page shows, computed from plain values (no database, no Flask).

The services read the stored profile (CompetencyState rows), the framework and
the learner's module progress, and hand plain dataclasses to these functions:

* ``largest_gaps``: where the self-assessment and the level differ the most;
* ``recommend_modules``: the modules to do next, for the weakest competencies;
* ``review_suggestions``: quizzes to retake when a competency's evidence gets old;
* ``wheel_geometry``: the coordinates of the profile chart (drawn by lms.competency.chart).

The rules are written for learners in docs/profile.md.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

MAX_LEVEL = 4
#: Practical work in these states needs nothing more from the learner.
PRACTICE_HANDED_IN = frozenset({"submitted", "accepted"})


@dataclass(frozen=True)
class ScaleEntry:
    """A level of the scale (0-4) with its label and what it means."""

    level: int
    label: str
    description: str


@dataclass(frozen=True)
class ThemeInfo:
    """A theme of the course, in course order."""

    slug: str
    title: str


@dataclass(frozen=True)
class CompetencyInfo:
    """A competency of the framework."""

    code: str
    title: str
    description: str
    kind: str
    theme_slug: str


@dataclass(frozen=True)
class ModuleInfo:
    """A module, with the competencies it develops (module.yaml) and its place in the course."""

    id: int
    slug: str
    title: str
    competency_codes: tuple[str, ...]
    order: tuple[int, int]
    """(theme position, module position): the course order."""


@dataclass(frozen=True)
class CompetencyStatus:
    """One competency on a learner's profile (a CompetencyState row, or level 0 without one)."""

    code: str
    title: str
    theme_slug: str
    level: int = 0
    """The level shown: the latest trainer rating, else the level the evidence gives."""
    measured_level: int = 0
    self_level: int | None = None
    score: float | None = None
    evidence_count: int = 0
    last_evidence_at: datetime | None = None

    @property
    def gap(self) -> int | None:
        """Self-assessed level minus level: > 0 when the learner rates themself higher."""
        return None if self.self_level is None else self.self_level - self.level


@dataclass(frozen=True)
class ModuleProgressInfo:
    """What a learner did in a module (from ModuleProgress)."""

    reading_completed: bool
    quiz_passed: bool
    practice_status: str = "none"


@dataclass(frozen=True)
class Recommendation:
    """A module to do next and the weak competencies it develops (weakest first)."""

    module: ModuleInfo
    competencies: tuple[CompetencyStatus, ...]


@dataclass(frozen=True)
class ReviewSuggestion:
    """A passed module's quiz to retake, for competencies whose evidence is getting old."""

    module: ModuleInfo
    competencies: tuple[CompetencyStatus, ...]
    """The competencies it reviews, oldest evidence first."""
    oldest_evidence_at: datetime


def group_by_theme(
    rows: Iterable[CompetencyStatus], themes: Sequence[ThemeInfo]
) -> list[tuple[ThemeInfo, list[CompetencyStatus]]]:
    """Rows grouped by theme, in theme order; rows keep their order inside a theme.

    A competency whose theme is unknown gets a group of its own at the end,
    titled by its slug, so that no competency is ever left out.
    """
    groups: dict[str, list[CompetencyStatus]] = {theme.slug: [] for theme in themes}
    extra: list[ThemeInfo] = []
    for row in rows:
        if row.theme_slug not in groups:
            groups[row.theme_slug] = []
            extra.append(ThemeInfo(row.theme_slug, row.theme_slug))
        groups[row.theme_slug].append(row)
    return [(theme, groups[theme.slug]) for theme in (*themes, *extra) if groups[theme.slug]]


def largest_gaps(rows: Iterable[CompetencyStatus], limit: int = 3) -> list[CompetencyStatus]:
    """The competencies whose self-assessment differs most from the level (at least 1 level).

    Ranked by the size of the difference, either way; at equal size, rating
    oneself higher comes first (the gap most worth a conversation), then code.
    """
    gapped = [row for row in rows if row.gap]
    gapped.sort(key=lambda row: (-abs(row.gap or 0), -(row.gap or 0), row.code))
    return gapped[:limit]


def is_module_completed(
    progress: ModuleProgressInfo | None, *, has_quiz: bool, has_practice: bool
) -> bool:
    """Whether the learner has done everything a module asks of them.

    Lessons read, quiz passed (when the module has one) and practical work
    handed in (when it has one; the trainer's review is then out of their hands).
    """
    if progress is None or not progress.reading_completed:
        return False
    if has_quiz and not progress.quiz_passed:
        return False
    return not has_practice or progress.practice_status in PRACTICE_HANDED_IN


def recommend_modules(
    rows: Iterable[CompetencyStatus],
    modules: Iterable[ModuleInfo],
    completed_module_ids: Iterable[int],
    limit: int = 3,
) -> list[Recommendation]:
    """The modules to do next: not completed, developing competencies below mastery.

    A module's *weakest level* is the lowest level among the competencies it
    develops. Modules are ranked by, in turn:

    1. weakest level, lowest first (a module for a level-0 competency before one for level 2);
    2. how many of its competencies are at that weakest level, most first;
    3. how many levels its competencies still lack in all (sum of 4 - level), most first;
    4. course order.
    """
    by_code = {row.code: row for row in rows}
    completed = set(completed_module_ids)
    ranked: list[tuple[tuple[int, int, int, tuple[int, int]], Recommendation]] = []
    for module in modules:
        if module.id in completed:
            continue
        weak = sorted(
            (
                by_code[code]
                for code in module.competency_codes
                if code in by_code and by_code[code].level < MAX_LEVEL
            ),
            key=lambda row: (row.level, row.code),
        )
        if not weak:
            continue
        weakest = weak[0].level
        at_weakest = sum(1 for row in weak if row.level == weakest)
        missing = sum(MAX_LEVEL - row.level for row in weak)
        key = (weakest, -at_weakest, -missing, module.order)
        ranked.append((key, Recommendation(module, tuple(weak))))
    ranked.sort(key=lambda pair: pair[0])
    return [recommendation for _, recommendation in ranked[:limit]]


def review_suggestions(
    rows: Iterable[CompetencyStatus],
    passed_modules: Iterable[ModuleInfo],
    now: datetime,
    review_after: timedelta,
) -> list[ReviewSuggestion]:
    """Quizzes to retake (spaced practice) when a competency's latest evidence is old.

    A competency is *due for review* when its latest evidence (self-assessments
    aside) is more than ``review_after`` before ``now``. Each passed module's
    quiz that covers at least one competency due for review is suggested once,
    the module with the oldest evidence first (then course order).
    """
    due = {
        row.code: row
        for row in rows
        if row.last_evidence_at is not None and now - row.last_evidence_at > review_after
    }
    suggestions = []
    for module in passed_modules:
        covered = sorted(
            (due[code] for code in module.competency_codes if code in due),
            key=lambda row: (row.last_evidence_at, row.code),
        )
        if covered:
            oldest = covered[0].last_evidence_at
            assert oldest is not None  # only rows with evidence are due
            suggestions.append(ReviewSuggestion(module, tuple(covered), oldest))
    suggestions.sort(key=lambda s: (s.oldest_evidence_at, s.module.order))
    return suggestions


# --- The profile chart: a wheel with one spoke per competency ------------------------------


@dataclass(frozen=True)
class Point:
    """A point in the chart's coordinates (SVG: y grows downwards)."""

    x: float
    y: float


@dataclass(frozen=True)
class Spoke:
    """One competency's spoke: where its level, self-assessment and label are drawn."""

    code: str
    title: str
    theme_index: int
    level: int
    self_level: int | None
    angle: float
    """Radians; 0 points right, angles grow clockwise; the first spoke points up."""
    end: Point
    level_point: Point
    self_point: Point | None
    label: Point
    anchor: str
    """SVG text-anchor of the label: start, middle or end, so labels stay outside the wheel."""


@dataclass(frozen=True)
class ThemeArc:
    """An arc just outside the wheel, spanning a theme's spokes."""

    slug: str
    title: str
    index: int
    start: Point
    end: Point
    large_arc: bool
    full_circle: bool
    """True when one theme holds every spoke: drawn as a circle."""


@dataclass(frozen=True)
class WheelGeometry:
    """Everything needed to draw the profile chart."""

    width: float
    height: float
    center: Point
    radius: float
    arc_radius: float
    ring_radii: tuple[float, ...]
    """Radius of levels 1..4."""
    spokes: tuple[Spoke, ...]
    arcs: tuple[ThemeArc, ...]
    themes: tuple[ThemeInfo, ...]

    @property
    def level_polygon(self) -> tuple[Point, ...]:
        """The shape of the levels, one point per spoke."""
        return tuple(spoke.level_point for spoke in self.spokes)

    @property
    def self_closed(self) -> bool:
        """True when every competency is self-assessed: the outline is a closed polygon."""
        return bool(self.spokes) and all(spoke.self_point for spoke in self.spokes)

    @property
    def self_runs(self) -> tuple[tuple[Point, ...], ...]:
        """Self-assessed points joined only between neighbouring assessed spokes.

        A competency that is not self-assessed breaks the outline rather than
        pulling it to the centre (which would read as "level 0").
        """
        if self.self_closed:
            return (tuple(s.self_point for s in self.spokes if s.self_point),)
        runs: list[list[Point]] = [[]]
        for spoke in self.spokes:
            if spoke.self_point is None:
                runs.append([])
            else:
                runs[-1].append(spoke.self_point)
        # The wheel is round: a run ending at the last spoke continues at the first one.
        if len(runs) > 1 and runs[0] and runs[-1] and self.spokes[0].self_point:
            runs[0] = runs.pop() + runs[0]
        return tuple(tuple(run) for run in runs if run)


def _at(center: Point, radius: float, angle: float) -> Point:
    return Point(center.x + radius * math.cos(angle), center.y + radius * math.sin(angle))


def _anchor(angle: float) -> str:
    cos = math.cos(angle)
    if abs(cos) < 0.3:
        return "middle"
    return "start" if cos > 0 else "end"


def wheel_geometry(
    groups: Sequence[tuple[ThemeInfo, Sequence[CompetencyStatus]]],
    radius: float = 150.0,
    legend_rows: int = 0,
) -> WheelGeometry:
    """Lay out the wheel: one spoke per competency, grouped by theme, first spoke up.

    A level ``l`` sits at ``radius * l / 4`` from the centre on its spoke.
    ``legend_rows`` reserves room below the wheel for that many legend lines.
    """
    label_gap, margin, row_height = 22.0, 70.0, 20.0
    arc_radius = radius + 8.0
    size = 2 * (radius + margin)
    center = Point(size / 2, size / 2)
    flat = [(index, row) for index, (_, rows) in enumerate(groups) for row in rows]
    count = len(flat)
    step = 2 * math.pi / count if count else 0.0

    def angle_of(i: float) -> float:
        return -math.pi / 2 + i * step

    spokes = []
    for i, (theme_index, row) in enumerate(flat):
        angle = angle_of(i)
        self_point = (
            None
            if row.self_level is None
            else _at(center, radius * row.self_level / MAX_LEVEL, angle)
        )
        spokes.append(
            Spoke(
                code=row.code,
                title=row.title,
                theme_index=theme_index,
                level=row.level,
                self_level=row.self_level,
                angle=angle,
                end=_at(center, radius, angle),
                level_point=_at(center, radius * row.level / MAX_LEVEL, angle),
                self_point=self_point,
                label=_at(center, radius + label_gap, angle),
                anchor=_anchor(angle),
            )
        )

    arcs = []
    first = 0
    for index, (theme, rows) in enumerate(groups):
        if not rows:
            continue
        last = first + len(rows) - 1
        # Each theme spans its spokes and half a step on either side, less a small gap.
        pad = min(0.04, step * 0.15)
        start_angle = angle_of(first - 0.5) + pad
        end_angle = angle_of(last + 0.5) - pad
        arcs.append(
            ThemeArc(
                slug=theme.slug,
                title=theme.title,
                index=index,
                start=_at(center, arc_radius, start_angle),
                end=_at(center, arc_radius, end_angle),
                large_arc=end_angle - start_angle > math.pi,
                full_circle=len(rows) == count,
            )
        )
        first = last + 1

    return WheelGeometry(
        width=size,
        height=size + legend_rows * row_height,
        center=center,
        radius=radius,
        arc_radius=arc_radius,
        ring_radii=tuple(radius * level / MAX_LEVEL for level in range(1, MAX_LEVEL + 1)),
        spokes=tuple(spokes),
        arcs=tuple(arcs),
        themes=tuple(theme for theme, _ in groups),
    )
