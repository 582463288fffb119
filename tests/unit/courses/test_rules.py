"""The reading path rules (lms/courses/rules.py): shares, resume, neighbours, what's next."""

from __future__ import annotations

import pytest

from lms.courses.rules import (
    ModuleState,
    Step,
    neighbours,
    prerequisites_met,
    resume_section,
    share,
    whats_next,
)

SECTIONS = ["intro", "piliers", "projet"]


@pytest.mark.parametrize(
    ("done", "total", "expected"),
    [(0, 4, 0.0), (1, 4, 0.25), (4, 4, 1.0), (0, 0, 0.0), (5, 4, 1.0), (-1, 4, 0.0)],
)
def test_share(done, total, expected):
    assert share(done, total) == expected


def test_resume_goes_to_the_last_section_visited():
    assert resume_section(SECTIONS, {"intro", "piliers", "projet"}, "piliers") == "piliers"


def test_resume_without_a_visit_goes_to_the_first_unread_section():
    assert resume_section(SECTIONS, {"intro"}, None) == "piliers"


def test_resume_ignores_a_last_section_that_was_retired():
    assert resume_section(SECTIONS, {"intro", "piliers"}, "ancienne-section") == "projet"


def test_resume_when_everything_is_read_starts_again():
    assert resume_section(SECTIONS, set(SECTIONS), None) == "intro"


def test_resume_in_an_empty_module():
    assert resume_section([], set(), None) is None


@pytest.mark.parametrize(
    ("current", "expected"),
    [("intro", (None, "piliers")), ("piliers", ("intro", "projet")), ("projet", ("piliers", None))],
)
def test_neighbours(current, expected):
    assert neighbours(SECTIONS, current) == expected


def state(slug, read=0, total=3, reading=False, quiz=False, prerequisites=()):
    return ModuleState(slug, read, total, reading, quiz, tuple(prerequisites))


@pytest.mark.parametrize(
    ("module", "step"),
    [
        (state("a"), Step.START),
        (state("a", read=1), Step.READ),
        (state("a", read=3, reading=True), Step.QUIZ),
        (state("a", read=3, reading=True, quiz=True), Step.DONE),
        # A section added after the reading was completed does not undo it.
        (state("a", read=3, total=4, reading=True), Step.QUIZ),
        # Passing the quiz before reading everything does not complete the module.
        (state("a", read=1, quiz=True), Step.READ),
    ],
)
def test_next_step(module, step):
    assert module.next_step is step
    assert module.completed is (step is Step.DONE)


def test_prerequisites_met_ignores_modules_no_longer_in_the_course():
    module = state("b", prerequisites=["a", "retire"])
    assert prerequisites_met(module, completed={"a"}, known={"a", "b"})
    assert not prerequisites_met(module, completed=set(), known={"a", "b"})


def test_whats_next_is_the_first_module_not_completed():
    states = [state("a", 3, reading=True, quiz=True), state("b"), state("c")]
    assert whats_next(states).slug == "b"


def test_whats_next_skips_the_module_to_continue():
    states = [state("a", read=1), state("b"), state("c")]
    assert whats_next(states, exclude="a").slug == "b"


def test_whats_next_respects_prerequisites():
    states = [state("a", read=1), state("b", prerequisites=["a"]), state("c")]
    assert whats_next(states, exclude="a").slug == "c"


def test_whats_next_once_everything_is_completed():
    assert whats_next([state("a", 3, reading=True, quiz=True)]) is None
