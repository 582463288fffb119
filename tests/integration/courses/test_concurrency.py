"""Two requests completing the same module's reading at once record its evidence once."""

from __future__ import annotations

import threading

import pytest

from lms.courses import services
from lms.extensions import db
from tests.conftest import ON_POSTGRES
from tests.integration.courses.conftest import lesson_evidence

pytestmark = [
    pytest.mark.postgres_only,
    pytest.mark.skipif(
        not ON_POSTGRES,
        reason="needs concurrent connections; the in-memory SQLite test database has one",
    ),
]


def test_simultaneous_last_reads_record_evidence_once(app, learner):
    services.mark_section_read(db.session(), learner.id, "premier-module", "introduction")
    start = threading.Barrier(4)
    outcomes = []

    def finish_reading() -> None:
        with app.app_context():
            start.wait()
            outcome = services.mark_section_read(
                db.session(), learner.id, "premier-module", "details"
            )
            outcomes.append(outcome.reading_completed_now)
            db.session.remove()

    threads = [threading.Thread(target=finish_reading) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(outcomes) == [False, False, False, True]
    assert lesson_evidence(learner) == [("TST-01", "premier-module"), ("TST-02", "premier-module")]
