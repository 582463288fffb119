"""Forms of the practice page."""

from __future__ import annotations

from flask import current_app
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import Field, MultipleFileField, SubmitField, TextAreaField
from wtforms.validators import ValidationError


def _text_not_too_long(form: FlaskForm, field: Field) -> None:
    """The limit comes from the configuration (PRACTICE_MAX_TEXT_CHARS), read per request."""
    limit = int(current_app.config["PRACTICE_MAX_TEXT_CHARS"])
    if field.data and len(field.data) > limit:
        raise ValidationError(
            _l(
                "The text is too long: %(length)d characters, at most %(limit)d.",
                length=len(field.data),
                limit=limit,
            )
        )


class PracticeForm(FlaskForm):
    """The learner's work: Markdown text and files; two buttons, save or submit."""

    text = TextAreaField(_l("Your work"), validators=[_text_not_too_long])
    files = MultipleFileField(_l("Attach files"))
    save = SubmitField(_l("Save draft"))
    submit_work = SubmitField(_l("Submit for review"))


class EmptyForm(FlaskForm):
    """A form with only its CSRF token, for POST buttons (removing a file)."""
