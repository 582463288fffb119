"""Forms of the account page."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import PasswordField, SelectChoice, SelectField, StringField
from wtforms.validators import DataRequired, Length


class ProfileForm(FlaskForm):
    """Name and interface language."""

    name = StringField(_l("Full name"), validators=[DataRequired(), Length(max=120)])
    locale = SelectField(
        _l("Language"), choices=[SelectChoice("fr", "Français"), SelectChoice("en", "English")]
    )


class TokenForm(FlaskForm):
    """Create an API token."""

    name = StringField(_l("Token name"), validators=[DataRequired(), Length(max=80)])


class JoinForm(FlaskForm):
    """Join an organisation or a cohort with its code."""

    join_code = StringField(_l("Join code"), validators=[DataRequired(), Length(max=32)])


class DeleteAccountForm(FlaskForm):
    """Deleting an account asks for the password again."""

    password = PasswordField(_l("Your password"), validators=[DataRequired(), Length(max=256)])


class EmptyForm(FlaskForm):
    """A form with only its CSRF token, for POST buttons."""
