"""The editing rule: what saving does after the latest version's status."""

from __future__ import annotations

import pytest

from lms.models import SubmissionStatus
from lms.practice.services import EditMode, edit_mode


@pytest.mark.parametrize(
    ("status", "mode"),
    [
        (None, EditMode.START),
        (SubmissionStatus.DRAFT, EditMode.UPDATE_DRAFT),
        (SubmissionStatus.SUBMITTED, EditMode.AWAITING_REVIEW),
        (SubmissionStatus.NEEDS_REVISION, EditMode.NEW_VERSION),
        (SubmissionStatus.ACCEPTED, EditMode.ACCEPTED),
    ],
)
def test_the_editing_rule(status, mode):
    assert edit_mode(status) == mode
    assert mode.can_edit == (mode not in (EditMode.AWAITING_REVIEW, EditMode.ACCEPTED))
