"""Forms of the certification pages."""

from __future__ import annotations

from collections.abc import Sequence

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    IntegerField,
    RadioField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from lms.certification.reports import CompetencyOption, ModuleOption
from lms.models import IssueMode, RenewalBasis


class ProgrammeBaseForm(FlaskForm):
    """The programme's settings; requirement fields are added by `programme_form_class`."""

    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=160)])
    description = TextAreaField(
        _l("Description (what the certificate attests)"),
        validators=[Optional(), Length(max=4000)],
    )
    validity_months = IntegerField(
        _l("Validity in months (leave empty: never expires)"),
        validators=[Optional(), NumberRange(min=1, max=240)],
    )
    issue_mode = RadioField(
        _l("Issuing"),
        choices=[
            SelectChoice(IssueMode.APPROVAL.value, _l("After an organisation admin's approval")),
            SelectChoice(
                IssueMode.AUTOMATIC.value, _l("Automatically, as soon as a person is eligible")
            ),
        ],
        default=IssueMode.APPROVAL.value,
    )
    renewal_window_days = IntegerField(
        _l("Recertification opens this many days before expiry"),
        default=60,
        validators=[InputRequired(message=_l("Enter a number of days.")), NumberRange(0, 365)],
    )
    renewal_basis = RadioField(
        _l("A recertification's new validity counts from"),
        choices=[
            SelectChoice(
                RenewalBasis.EXPIRY.value, _l("the previous expiry (renewing early loses nothing)")
            ),
            SelectChoice(RenewalBasis.COMPLETION.value, _l("the recertification date")),
        ],
        default=RenewalBasis.EXPIRY.value,
    )
    active = BooleanField(_l("Active (certificates can be issued)"), default=True)


def level_field_name(competency_id: int) -> str:
    """The form field holding a competency's minimum level."""
    return f"level_{competency_id}"


def quiz_field_name(module_id: int) -> str:
    """The form field requiring a module's quiz."""
    return f"quiz_{module_id}"


def practice_field_name(module_id: int) -> str:
    """The form field requiring a module's practical work."""
    return f"practice_{module_id}"


def programme_form_class(
    competencies: Sequence[CompetencyOption],
    modules: Sequence[ModuleOption],
    level_labels: dict[int, str],
) -> type[ProgrammeBaseForm]:
    """A form class with one level field per competency and checkboxes per module."""

    class ProgrammeForm(ProgrammeBaseForm):
        pass

    choices = [SelectChoice(0, _l("Not required"))] + [
        SelectChoice(level, f"{level} · {level_labels.get(level, '')}".rstrip(" ·"))
        for level in range(1, 5)
    ]
    for competency in competencies:
        setattr(
            ProgrammeForm,
            level_field_name(competency.id),
            SelectField(
                f"{competency.code} {competency.title}", coerce=int, choices=choices, default=0
            ),
        )
    for module in modules:
        if module.has_quiz:
            setattr(ProgrammeForm, quiz_field_name(module.id), BooleanField(_l("Quiz passed")))
        if module.has_practice:
            setattr(
                ProgrammeForm,
                practice_field_name(module.id),
                BooleanField(_l("Practical work accepted")),
            )
    return ProgrammeForm


class IssueForm(FlaskForm):
    """Issue (approve) certificates for the chosen members."""

    user_id = SelectMultipleField(coerce=int, validate_choice=False)


class RevokeForm(FlaskForm):
    """Revoke a certificate: the reason is shown on its public verification page."""

    reason = TextAreaField(
        _l("Reason (shown on the public verification page)"),
        validators=[DataRequired(), Length(max=500)],
    )


class AuditFilterForm(FlaskForm):
    """Filter the audit log (a GET form: no CSRF token needed, nothing changes)."""

    class Meta:
        csrf = False

    action = SelectField(_l("Action"), choices=[], validate_choice=False)
    actor = StringField(_l("Done by (e-mail contains)"), validators=[Optional(), Length(max=254)])
    since = DateField(_l("From"), validators=[Optional()])
    until = DateField(_l("To (inclusive)"), validators=[Optional()])
