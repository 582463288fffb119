"""The practice page: the assignment, its competencies and rubric, my work and its history."""

from __future__ import annotations

from lms.extensions import db
from lms.models import PracticeSubmission, ReviewDecision
from lms.practice import services
from tests.integration.practice.helpers import PAGE, post_work, submissions


def test_page_shows_assignment_competencies_and_rubric(learner, client):
    response = client.get(PAGE)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "<h1>Cartographier vos activités</h1>" in html
    assert "<strong>activités</strong>" in html  # instructions, rendered at load time
    assert "TST-02" in html and "Diagnostiquer son modèle" in html
    # The rubric: one row per criterion, the four descriptors in level order.
    rubric = html[html.index('class="rubric"') :]
    assert '<th scope="row">Exhaustivité</th>' in rubric
    positions = [
        rubric.index(f"<td>{d}</td>")
        for d in ("Insuffisant", "Partiel", "Satisfaisant", "Excellent")
    ]
    assert positions == sorted(positions)
    # Nothing yet: the form to start, no history.
    assert 'name="text"' in html and 'type="file"' in html and "multiple" in html
    assert 'id="practice-status"' not in html


def test_file_input_announces_the_limits(learner, client):
    html = client.get(PAGE).get_data(as_text=True)
    assert 'accept=".csv,.docx,.jpeg,.jpg,.md,.ods,.odt,.pdf,.png,.txt,.xlsx"' in html
    assert 'data-max-bytes="5242880"' in html and 'data-max-files="5"' in html
    assert "5 MB" in html


def test_module_without_practice_or_unknown_is_404(learner, client):
    assert client.get("/modules/second-module/practice").status_code == 404
    assert client.get("/modules/nowhere/practice").status_code == 404


def test_anonymous_people_are_sent_to_sign_in(app_ctx, course, client):
    response = client.get(PAGE)
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]


def test_history_shows_each_version_with_its_review(learner, trainer, client):
    post_work(client, "Première version.", submit=True)
    first = submissions(learner.id)[0]
    services.record_review(
        db.session, first, trainer, [2], ReviewDecision.NEEDS_REVISION, "Ajoutez **les dons**."
    )
    post_work(client, "Deuxième version, avec les dons.")

    html = client.get(PAGE).get_data(as_text=True)
    work = html[html.index('id="work-h"') : html.index('id="history-h"')]
    assert "Version 2" in work and 'data-status="draft"' in work
    assert "Deuxième version, avec les dons." in work  # in the form, to go on writing
    assert "The review of your previous version is below" in work
    history = html[html.index('id="history-h"') :]
    assert "Version 2" not in history  # the draft is only in the form
    assert "Version 1" in history and 'data-status="needs_revision"' in history
    assert "Première version." in history
    assert "Dominique Formatrice" in history
    assert "<strong>les dons</strong>" in history  # feedback, rendered and sanitised
    assert "<td>Partiel</td>" in history  # the descriptor of the level given
    assert "33 %" in history  # level 2 of 4: (2 - 1) / 3


def test_a_submitted_version_is_shown_without_the_form(learner, client):
    post_work(client, "Mon **travail**.", submit=True)
    html = client.get(PAGE).get_data(as_text=True)
    assert 'data-status="submitted"' in html
    assert 'name="text"' not in html
    assert "<strong>travail</strong>" in html


def test_the_page_does_not_query_per_version(learner, trainer, client, app):
    """Three versions or one: the same number of queries (no N+1)."""
    from sqlalchemy import event

    def count_queries():
        statements = []

        def before(conn, cursor, statement, *args):
            statements.append(statement)

        with app.app_context():
            engine = db.engine
        event.listen(engine, "before_cursor_execute", before)
        try:
            assert client.get(PAGE).status_code == 200
        finally:
            event.remove(engine, "before_cursor_execute", before)
        return len(statements)

    post_work(client, "v1", [("a.txt", b"a")], submit=True)
    services.record_review(
        db.session, submissions(learner.id)[-1], trainer, [2], ReviewDecision.NEEDS_REVISION, ""
    )
    one = count_queries()
    for text in ("v2", "v3"):
        post_work(client, text, [("b.txt", b"b")], submit=True)
        services.record_review(
            db.session, submissions(learner.id)[-1], trainer, [2], ReviewDecision.NEEDS_REVISION, ""
        )
    assert len(submissions(learner.id)) == 3
    assert db.session.scalar(db.select(db.func.count(PracticeSubmission.id))) == 3
    assert count_queries() == one
