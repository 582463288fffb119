"""Fixtures of the competency tests: the fixture course and a signed-in learner."""

from __future__ import annotations

import pytest

from lms.extensions import db
from lms.models import Role
from tests.factories import make_user


@pytest.fixture
def learner(app_ctx, course, client, auth):
    """A learner, signed in on `client`, with the fixture course (TST-01..03) loaded."""
    user = make_user(Role.LEARNER, email="camille@example.org", name="Camille Martin")
    # English interface: the assertions read the msgids, whatever the French catalogue says.
    user.locale = "en"
    db.session.commit()
    auth.login("camille@example.org")
    return user


@pytest.fixture
def config(app):
    """Change settings for one test; they are put back afterwards."""
    saved = dict(app.config)
    yield app.config
    app.config.clear()
    app.config.update(saved)
