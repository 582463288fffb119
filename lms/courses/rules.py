"""The rules of a learner's path through the course: plain values in, plain values out.

No database and no request here: services.py gathers the facts and asks these
functions what they mean (how far along, where to resume, what comes next).
"""

from __future__ import annotations

import enum
from collections.abc import Collection, Sequence
from dataclasses import dataclass


def share(done: int, total: int) -> float:
    """The part done, from 0 to 1 (0 when there is nothing to do; never above 1)."""
    if total <= 0:
        return 0.0
    return min(1.0, max(0, done) / total)


def resume_section(
    section_slugs: Sequence[str], read: Collection[str], last_visited: str | None
) -> str | None:
    """The section a learner should open to carry on reading a module.

    `last_visited` is the section the learner opened last for the first time: their
    furthest point (going back to re-read an earlier section does not move it). That
    section when there is one (it may have been retired since: then it no longer
    counts), otherwise the first unread section, otherwise the first section. None for
    a module without sections.
    """
    if not section_slugs:
        return None
    if last_visited in section_slugs:
        return last_visited
    for slug in section_slugs:
        if slug not in read:
            return slug
    return section_slugs[0]


def neighbours(section_slugs: Sequence[str], current: str) -> tuple[str | None, str | None]:
    """The sections before and after `current` in reading order (None at either end)."""
    index = section_slugs.index(current)
    previous = section_slugs[index - 1] if index > 0 else None
    following = section_slugs[index + 1] if index + 1 < len(section_slugs) else None
    return previous, following


class Step(enum.StrEnum):
    """What a learner has to do next in a module."""

    START = "start"  # nothing read yet
    READ = "read"  # reading under way
    QUIZ = "quiz"  # every section read, the quiz not passed yet
    DONE = "done"  # read and quiz passed: the module is completed


@dataclass(frozen=True)
class ModuleState:
    """What a learner did in one module, as the rules need it."""

    slug: str
    sections_read: int
    sections_total: int
    reading_completed: bool
    quiz_passed: bool
    prerequisites: tuple[str, ...] = ()

    @property
    def completed(self) -> bool:
        """A module is completed once it is read and its quiz passed.

        Practical work is reviewed by a trainer, which can take days: it shows as
        a badge but does not hold the learner back.
        """
        return self.reading_completed and self.quiz_passed

    @property
    def next_step(self) -> Step:
        """The learner's next step in this module."""
        if self.completed:
            return Step.DONE
        if not self.reading_completed and self.sections_read < self.sections_total:
            return Step.READ if self.sections_read else Step.START
        return Step.QUIZ


def prerequisites_met(
    state: ModuleState, completed: Collection[str], known: Collection[str]
) -> bool:
    """Whether every prerequisite of a module is completed.

    Prerequisites that are not (or no longer) in the course are ignored.
    """
    return all(slug in completed for slug in state.prerequisites if slug in known)


def whats_next(states: Sequence[ModuleState], exclude: str | None = None) -> ModuleState | None:
    """The first module in course order that is not completed and whose prerequisites are.

    `states` are in course order; `exclude` is the module already offered to the
    learner as "continue where you left off". None when nothing is left to suggest.
    """
    completed = {state.slug for state in states if state.completed}
    known = {state.slug for state in states}
    for state in states:
        if state.completed or state.slug == exclude:
            continue
        if prerequisites_met(state, completed, known):
            return state
    return None
