"""Forms of the cohort pages. Every form posts with a CSRF token (FlaskForm)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    BooleanField,
    DateField,
    EmailField,
    FieldList,
    Form,
    FormField,
    HiddenField,
    IntegerField,
    RadioField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Email, InputRequired, Length, Optional
from wtforms.widgets import HiddenInput

from lms.cohorts.rules import MAX_EMAIL_LENGTH


class ModuleRowForm(Form):
    """One module of the cohort: followed or not, and its due date (no CSRF of its own)."""

    module_id = IntegerField(widget=HiddenInput())
    followed = BooleanField(_l("Followed"))
    due_on = DateField(_l("Due date"), validators=[Optional()])


class CohortForm(FlaskForm):
    """Create or edit a cohort; the view fills the module rows and the organisations."""

    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=160)])
    organisation_id = SelectField(_l("Organisation"), coerce=int)
    starts_on = DateField(_l("Start date"), validators=[Optional()])
    ends_on = DateField(_l("End date"), validators=[Optional()])
    modules = FieldList(FormField(ModuleRowForm))


class JoinCodeForm(FlaskForm):
    """Rotate, close or reopen the join link."""

    action = HiddenField(validators=[DataRequired()])


class AddMemberForm(FlaskForm):
    """Add an existing account to the cohort."""

    email = EmailField(
        _l("E-mail address"), validators=[DataRequired(), Email(), Length(max=MAX_EMAIL_LENGTH)]
    )
    role = SelectField(
        _l("Role in the cohort"),
        choices=[SelectChoice("learner", _l("Learner")), SelectChoice("trainer", _l("Trainer"))],
        default="learner",
    )


class ImportForm(FlaskForm):
    """Upload a CSV file of learners to preview."""

    file = FileField(_l("CSV file"), validators=[FileRequired()])


class ConfirmImportForm(FlaskForm):
    """Import the previewed file (its text travels back and is checked again)."""

    csv_text = HiddenField(validators=[DataRequired()])


class EmptyForm(FlaskForm):
    """A form with only its CSRF token (remove, restore, join)."""


class ReviewForm(FlaskForm):
    """A review: a level per rubric criterion (read from the request by the view),
    feedback in Markdown and a decision."""

    feedback = TextAreaField(
        _l("Feedback for the learner (Markdown)"), validators=[Optional(), Length(max=20_000)]
    )
    decision = RadioField(
        _l("Decision"),
        choices=[
            SelectChoice("accepted", _l("Accept the work")),
            SelectChoice("needs_revision", _l("Ask for a new version")),
        ],
        validators=[InputRequired(message=_l("Choose a decision."))],
    )


class RatingForm(FlaskForm):
    """A trainer's rating of one competency, with its justification."""

    competency = SelectField(_l("Competency"), validators=[DataRequired()])
    level = RadioField(
        _l("Level"),
        coerce=int,
        choices=[SelectChoice(level, str(level)) for level in (1, 2, 3, 4)],
        validators=[InputRequired(message=_l("Choose a level."))],
    )
    justification = TextAreaField(
        _l("Justification (shown to the learner)"),
        validators=[DataRequired(), Length(max=2000)],
    )
