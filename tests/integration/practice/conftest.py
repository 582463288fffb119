"""Fixtures of the practice tests: the fixture course, a signed-in learner, their page."""

from __future__ import annotations

from pathlib import Path

import pytest

from lms.extensions import db
from lms.models import Role
from tests.factories import make_user


@pytest.fixture
def learner(app_ctx, course, client, auth):
    """A learner, signed in on `client`, with the fixture course loaded."""
    user = make_user(Role.LEARNER, email="camille@example.org", name="Camille Martin")
    user.locale = "en"  # these tests read the English wording
    db.session.commit()
    auth.login("camille@example.org")
    return user


@pytest.fixture
def trainer(app_ctx):
    """A trainer (reviews are recorded through the service, as the cohorts area will)."""
    return make_user(Role.TRAINER, email="formatrice@example.org", name="Dominique Formatrice")


@pytest.fixture
def upload_dir(app) -> Path:
    """The folder attachments go to (a temporary folder in tests)."""
    return Path(app.config["UPLOAD_DIR"])


@pytest.fixture
def config(app):
    """Change settings for one test; they are put back afterwards."""
    saved = dict(app.config)
    yield app.config
    app.config.clear()
    app.config.update(saved)
