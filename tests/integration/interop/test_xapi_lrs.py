"""Sending the outbox to a (fake) LRS on 127.0.0.1 that is down, then up: nothing lost,
nothing duplicated."""

from __future__ import annotations

from datetime import timedelta

import pytest

from lms.extensions import db
from lms.interop.xapi_sender import Lrs, backoff, send_all_due, send_pending
from lms.models.base import utcnow
from tests.factories import make_user
from tests.integration.interop.xapi_helpers import FakeLrs, outbox, read_sections, take_quiz


@pytest.fixture
def fake_lrs():
    lrs = FakeLrs().start()
    yield lrs
    lrs.stop()


def lrs_for(fake: FakeLrs) -> Lrs:
    return Lrs(endpoint=fake.endpoint, username="lrs", password="secret", timeout=5)


def test_down_then_up_delivers_every_statement_exactly_once(app_ctx, course, fake_lrs):
    learner = make_user()
    read_sections(learner)
    take_quiz(learner, right=True)
    ids = {row.id for row in outbox()}
    assert len(ids) == 5
    lrs = lrs_for(fake_lrs)
    fake_lrs.stop()  # the LRS goes down

    t0 = utcnow()
    down = send_pending(db.session(), lrs, t0, batch_size=3)
    assert (down.sent, down.failed) == (0, 3)
    assert "unreachable" in down.error
    failed = [row for row in outbox() if row.attempts]
    assert len(failed) == 3
    assert all(row.next_attempt_at == t0 + backoff(1) and row.sent_at is None for row in failed)
    # The two others are still due: the next batch fails too; then nothing is due until backoff.
    assert send_pending(db.session(), lrs, t0, batch_size=3).failed == 2
    assert send_pending(db.session(), lrs, t0 + timedelta(seconds=5)).failed == 0

    fake_lrs.start()  # back up, same port
    clock = iter([t0 + backoff(1), t0 + backoff(1), t0 + backoff(1)])
    up = send_all_due(db.session(), lrs, lambda: next(clock), batch_size=3)
    assert (up.sent, up.failed) == (5, 0)
    assert set(fake_lrs.stored) == ids
    assert all(row.sent_at is not None and row.last_error == "" for row in outbox())
    # Nothing more to send, ever.
    assert send_pending(db.session(), lrs, t0 + timedelta(days=1)).sent == 0


def test_a_lost_answer_is_retried_without_duplicating(app_ctx, course, fake_lrs):
    learner = make_user()
    read_sections(learner)
    fake_lrs.fail_next = 1  # stores the batch, then answers 503
    lrs = lrs_for(fake_lrs)
    now = utcnow()
    assert send_pending(db.session(), lrs, now).failed == 2
    assert len(fake_lrs.stored) == 2
    # The retry POST is refused (409: ids already known); each statement is then PUT: 204.
    retry = send_pending(db.session(), lrs, now + backoff(1))
    assert retry.sent == 2
    assert [status for method, _, status in fake_lrs.requests] == [503, 409, 204, 204]
    assert len(fake_lrs.stored) == 2
    assert all(row.sent_at is not None for row in outbox())


def test_cli_send_uses_the_configured_lrs(app_ctx, course, runner, fake_lrs, monkeypatch):
    learner = make_user()
    read_sections(learner)
    monkeypatch.setitem(app_ctx.config, "XAPI_ENDPOINT", "")
    refused = runner.invoke(args=["xapi", "send"])
    assert refused.exit_code == 1 and "XAPI_ENDPOINT is not set" in refused.output
    monkeypatch.setitem(app_ctx.config, "XAPI_ENDPOINT", fake_lrs.endpoint)
    monkeypatch.setitem(app_ctx.config, "XAPI_USERNAME", "lrs")
    monkeypatch.setitem(app_ctx.config, "XAPI_PASSWORD", "secret")
    result = runner.invoke(args=["xapi", "send"])
    assert result.exit_code == 0, result.output
    assert "2 statement(s) sent" in result.output
    assert len(fake_lrs.stored) == 2
    status = runner.invoke(args=["xapi", "status"])
    assert "sent: 2" in status.output and "failing: 0" in status.output


def test_wrong_credentials_are_retried_later_not_dropped(app_ctx, course, fake_lrs):
    learner = make_user()
    read_sections(learner)
    report = send_pending(db.session(), Lrs(endpoint=fake_lrs.endpoint, username="x"), utcnow())
    assert report.failed == 2 and "401" in report.error
    assert all(row.sent_at is None and row.attempts == 1 for row in outbox())
