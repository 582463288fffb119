"""Forms of the course pages."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import HiddenField
from wtforms.validators import AnyOf, Optional


class MarkReadForm(FlaskForm):
    """Mark a section as read; `then=next` also moves on to the next section."""

    then = HiddenField(validators=[Optional(), AnyOf(["next"])])
