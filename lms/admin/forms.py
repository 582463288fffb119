"""Forms of the administration pages."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, PasswordField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Email, Length, Optional, Regexp

ROLE_LABELS = {
    "learner": _l("Learner"),
    "trainer": _l("Trainer"),
    "org_admin": _l("Organisation admin"),
    "admin": _l("Administrator"),
}


class UserForm(FlaskForm):
    """Create or edit a user; role and organisation choices are set by the view."""

    name = StringField(_l("Full name"), validators=[DataRequired(), Length(max=120)])
    email = EmailField(_l("E-mail address"), validators=[DataRequired(), Email(), Length(max=254)])
    role = SelectField(_l("Role"))
    organisation_id = SelectField(_l("Organisation"), coerce=int)
    password = PasswordField(
        _l("Password (leave empty to send an invitation link)"),
        validators=[Optional(), Length(max=256)],
    )
    active = BooleanField(_l("Active"), default=True)


class OrganisationForm(FlaskForm):
    """Create or edit an organisation."""

    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=160)])
    slug = StringField(
        _l("Short name (in addresses)"),
        validators=[
            DataRequired(),
            Length(max=60),
            Regexp(
                r"^[a-z0-9]+(?:-[a-z0-9]+)*$", message=_l("Lowercase letters, digits, hyphens.")
            ),
        ],
    )
    description = TextAreaField(_l("Description"), validators=[Optional(), Length(max=2000)])
    active = BooleanField(_l("Active"), default=True)
