"""The self-assessment form: one choice of level (1-4, or "not sure") per competency.

The framework decides which competencies there are, so the form class is built
per request from the list of competencies.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import RadioField, SelectChoice

from lms.competency.profile import CompetencyInfo, ScaleEntry

NOT_SURE = ""
SELF_LEVELS = (1, 2, 3, 4)


def field_name(code: str) -> str:
    """The form field (and HTML name) of a competency's level."""
    return f"level-{code}"


class SelfAssessmentForm(FlaskForm):
    """The fields are added by `self_assessment_form`; this holds the CSRF token."""

    codes: tuple[str, ...] = ()

    def levels(self) -> dict[str, int | None]:
        """The levels chosen, competency code -> 1..4, or None for "not sure"."""
        chosen: dict[str, int | None] = {}
        for code in self.codes:
            value = self[field_name(code)].data
            chosen[code] = int(value) if value else None
        return chosen


def self_assessment_form(
    competencies: Sequence[CompetencyInfo],
    scale: Mapping[int, ScaleEntry],
    current: Mapping[str, int | None],
) -> SelfAssessmentForm:
    """A form with one radio group per competency, pre-filled with the latest self-assessment.

    On POST the submitted values win; only "not sure" and levels 1-4 validate.
    """
    choices = [SelectChoice(NOT_SURE, _l("Not sure"))] + [
        SelectChoice(
            str(level), f"{level} · {scale[level].label}" if level in scale else str(level)
        )
        for level in SELF_LEVELS
    ]
    attributes: dict[str, object] = {"codes": tuple(c.code for c in competencies)}
    for competency in competencies:
        attributes[field_name(competency.code)] = RadioField(
            f"{competency.code} — {competency.title}", choices=choices, default=NOT_SURE
        )
    form_class = type("SelfAssessmentForm", (SelfAssessmentForm,), attributes)
    data = {field_name(code): str(level) if level else NOT_SURE for code, level in current.items()}
    form: SelfAssessmentForm = form_class(data=data)
    return form
