"""A learner takes a quiz in the browser pages: fails, retakes, passes; what gets recorded."""

from __future__ import annotations

from sqlalchemy import func, select

from lms.extensions import db
from lms.models import Answer, AttemptStatus, Evidence, EvidenceSource, ModuleProgress
from tests.conftest import csrf_token
from tests.factories import make_user
from tests.integration.quiz.helpers import (
    FULL,
    RIGHT_FORM,
    WRONG_FORM,
    WRONG_SCORE,
    attempt_row,
    attempt_url,
    form_key,
    module_row,
    post_attempt,
    result_block,
    start,
    take_quiz,
)


def _sign_in(auth, email="camille@example.org"):
    user = make_user(email=email)
    auth.login(email)
    return user


def test_quiz_page_shows_the_rules_and_a_start_button(quiz_course, client, auth):
    _sign_in(auth)
    html = client.get(f"/modules/{FULL}/quiz").get_data(as_text=True)
    assert "<li>7 questions.</li>" in html
    assert "70 %" in html  # the pass mark
    assert f'action="/modules/{FULL}/quiz/attempts"' in html
    assert 'name="idempotency_key"' in html


def test_unknown_module_is_404(quiz_course, client, auth):
    _sign_in(auth)
    assert client.get("/modules/nulle-part/quiz").status_code == 404


def test_starting_creates_an_open_attempt_and_reloading_shows_the_same_order(
    quiz_course, client, auth
):
    user = _sign_in(auth)
    attempt_id = start(client)
    attempt = attempt_row(attempt_id)
    assert attempt.user_id == user.id
    assert attempt.status == AttemptStatus.IN_PROGRESS
    assert attempt.number == 1
    assert attempt.pass_mark == 0.7
    assert attempt.seed and attempt.idempotency_key
    first = client.get(attempt_url(attempt_id)).get_data(as_text=True)
    second = client.get(attempt_url(attempt_id)).get_data(as_text=True)
    strip = lambda html: html.split('name="csrf_token"')[0]  # noqa: E731
    assert strip(first) == strip(second)
    # While it is open, the quiz page offers to continue it, and starting again resumes it.
    intro = client.get(f"/modules/{FULL}/quiz").get_data(as_text=True)
    assert f'href="{attempt_url(attempt_id)}"' in intro
    assert 'name="idempotency_key"' not in intro
    response = client.post(
        f"/modules/{FULL}/quiz/attempts",
        data={"csrf_token": csrf_token(client, "/account/"), "idempotency_key": "une-autre-cle"},
    )
    assert response.headers["Location"].endswith(attempt_url(attempt_id))


def test_attempt_page_has_a_labelled_widget_for_every_type(quiz_course, client, auth):
    _sign_in(auth)
    html = client.get(attempt_url(start(client))).get_data(as_text=True)
    assert html.count("<fieldset") == 7
    assert html.count("<legend>") == 7
    assert 'type="radio" id="q1-0" name="q:pilier-financier"' in html
    assert html.count('type="checkbox"') == 4
    assert 'name="q:benevolat-financier" value="true"' in html
    assert 'name="q:somme-annuelle"' in html and 'maxlength="500"' in html
    assert 'inputmode="decimal"' in html and 'name="q:part-subvention"' in html
    assert 'class="quiz-unit" aria-hidden="true">%<' in html
    assert html.count('name="q:etapes-budget:') == 4
    assert html.count('name="q:associer-ressources:') == 3
    # Every input or select has a label.
    import re

    ids = re.findall(r'<(?:input|select) type="(?:radio|checkbox|text)" id="([^"]+)"', html)
    ids += re.findall(r'<select id="([^"]+)"', html)
    for dom_id in ids:
        assert f'<label for="{dom_id}">' in html, dom_id


def test_save_keeps_the_answers_and_refills_the_form(quiz_course, client, auth):
    _sign_in(auth)
    attempt_id = start(client)
    response = post_attempt(client, attempt_id, WRONG_FORM, action="save")
    assert response.status_code == 303
    attempt = attempt_row(attempt_id)
    assert attempt.status == AttemptStatus.IN_PROGRESS
    assert attempt.draft["ressources-privees"] == ["dons"]
    assert attempt.draft["etapes-budget"] == {
        "recenser": "4",
        "chiffrer": "3",
        "voter": "2",
        "suivre": "1",
    }
    html = client.get(attempt_url(attempt_id)).get_data(as_text=True)
    assert 'value="financier" checked' in html
    assert 'value="adhésion"' in html
    assert 'value="4" selected' in html
    assert 'value="humaine" selected' in html
    assert db.session.scalar(select(func.count(Answer.id))) == 0


def test_fail_then_retake_and_pass(quiz_course, client, auth):
    user = _sign_in(auth)
    module = module_row(FULL)

    first = take_quiz(client, WRONG_FORM)
    attempt = attempt_row(first)
    assert attempt.status == AttemptStatus.SUBMITTED
    assert attempt.score == WRONG_SCORE
    assert attempt.passed is False
    first_submitted_at = attempt.submitted_at
    html = client.get(attempt_url(first)).get_data(as_text=True)
    assert "quiz-score-failed" in html
    progress = db.session.scalar(select(ModuleProgress).where(ModuleProgress.user_id == user.id))
    assert (progress.quiz_attempts, progress.quiz_failures) == (1, 1)
    assert progress.quiz_best_score == WRONG_SCORE
    assert progress.quiz_passed_at is None

    second = take_quiz(client, RIGHT_FORM)
    assert second != first
    attempt = attempt_row(second)
    assert (attempt.number, attempt.score, attempt.passed) == (2, 1.0, True)
    assert "quiz-score-passed" in client.get(attempt_url(second)).get_data(as_text=True)
    db.session.expire_all()
    progress = db.session.scalar(select(ModuleProgress).where(ModuleProgress.user_id == user.id))
    assert (progress.quiz_attempts, progress.quiz_failures) == (2, 1)
    assert progress.quiz_best_score == 1.0
    assert progress.quiz_passed_at == attempt.submitted_at

    # One answer per question and attempt.
    assert db.session.scalar(select(func.count(Answer.id))) == 14
    # Evidence: one row per answer and competency of the question (matching has two: 8 per attempt).
    evidence = list(db.session.scalars(select(Evidence).order_by(Evidence.id)))
    assert len(evidence) == 16
    assert {e.source for e in evidence} == {EvidenceSource.QUIZ}
    assert {e.module_id for e in evidence} == {module.id}
    first_rows = [e for e in evidence if e.occurred_at == first_submitted_at]
    assert len(first_rows) == 8
    by_key = {(e.key, e.competency.code): e for e in first_rows}
    assert by_key[(f"{FULL}/benevolat-financier", "QZ-01")].weight == 2.0
    assert by_key[(f"{FULL}/ressources-privees", "QZ-01")].score == 0.5
    assert by_key[(f"{FULL}/etapes-budget", "QZ-02")].score == 0.0
    assert by_key[(f"{FULL}/associer-ressources", "QZ-02")].score == 0.3333
    assert by_key[(f"{FULL}/associer-ressources", "QZ-01")].answer_id is not None
    assert all(e.answer_id is not None for e in evidence)


def test_feedback_page_shows_score_answers_explanations_and_sections(quiz_course, client, auth):
    _sign_in(auth)
    attempt_id = take_quiz(client, WRONG_FORM)
    html = client.get(attempt_url(attempt_id)).get_data(as_text=True)
    assert "40,48 %" in html  # WRONG_SCORE
    assert "70 %" in html  # the pass mark
    # Per question: my answer, the expected one, the explanation, the section to reread.
    short = result_block(html, "somme-annuelle")
    assert 'class="quiz-result quiz-wrong"' in short
    assert '<dd class="quiz-my-answer">adhésion</dd>' in short
    assert '<dd class="quiz-expected">cotisation / la cotisation / une cotisation</dd>' in short
    assert "La cotisation est versée par chaque adhérent." in short  # the explanation
    assert f'href="/modules/{FULL}/sections/ressources"' in short
    numeric = result_block(html, "part-subvention")
    assert "42,5 ± 0,5 %" in numeric  # French decimal comma
    assert "34 000 / 80 000 × 100 = 42,5 %." in numeric
    assert f'href="/modules/{FULL}/sections/budget"' in numeric
    ordering = result_block(html, "etapes-budget")
    assert "Recenser les besoins → Chiffrer les actions → Faire voter le budget" in ordering
    multiple = result_block(html, "ressources-privees")
    assert 'class="quiz-result quiz-partial"' in multiple
    assert "50 %" in multiple  # the partial score
    assert "Oui, le don est une ressource privée." in multiple  # a choice's feedback
    matching = result_block(html, "associer-ressources")
    assert matching.count('class="quiz-part-wrong"') == 2  # subvention wrong, vente not matched
    assert 'class="quiz-result quiz-right"' in result_block(html, "benevolat-financier")
    # Nothing to submit any more.
    assert 'name="action" value="submit"' not in html


def test_blank_questions_count_as_unanswered(quiz_course, client, auth):
    _sign_in(auth)
    attempt_id = take_quiz(client, {"q:pilier-financier": "financier"})
    attempt = attempt_row(attempt_id)
    assert attempt.score == round(1 / 7, 4)
    answers = {a.question_key: a for a in attempt.answers}
    assert len(answers) == 7
    assert answers["somme-annuelle"].response is None
    assert answers["somme-annuelle"].score == 0
    html = client.get(attempt_url(attempt_id)).get_data(as_text=True)
    assert 'class="quiz-unanswered"' in result_block(html, "somme-annuelle")
    assert 'class="quiz-unanswered"' not in result_block(html, "pilier-financier")


def test_an_ordering_with_a_repeated_position_is_sent_back_filled_in(quiz_course, client, auth):
    _sign_in(auth)
    attempt_id = start(client)
    fields = {**RIGHT_FORM, "q:etapes-budget:suivre": "1", "q:part-subvention": "quarante"}
    response = post_attempt(client, attempt_id, fields)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert 'role="alert"' in html
    assert 'href="#q6"' in html and 'href="#q5"' in html
    assert 'value="quarante"' in html  # what the learner typed is kept
    assert attempt_row(attempt_id).status == AttemptStatus.IN_PROGRESS
    assert db.session.scalar(select(func.count(Answer.id))) == 0


def test_hostile_form_values_never_fail(quiz_course, client, auth):
    _sign_in(auth)
    attempt_id = start(client)
    fields = {
        "q:pilier-financier": "inconnu",
        "q:ressources-privees": ["dons", "dons", "<script>"],
        "q:benevolat-financier": "peut-être",
        "q:somme-annuelle": "x" * 100_000,
        "q:part-subvention": "1e999",
        "q:etapes-budget:recenser": "99",
        "q:associer-ressources:don": "' OR 1=1",
        "q:nulle-part": "?",
    }
    response = post_attempt(client, attempt_id, fields)
    assert response.status_code == 422  # the long text and the number cannot be read
    fields.pop("q:somme-annuelle")
    fields.pop("q:part-subvention")
    response = post_attempt(client, attempt_id, fields)
    assert response.status_code == 303
    attempt = attempt_row(attempt_id)
    answers = {a.question_key: a for a in attempt.answers}
    assert answers["pilier-financier"].response is None  # unknown id: not answered
    assert answers["ressources-privees"].response == ["dons"]


def test_another_learner_cannot_see_or_submit_my_attempt(quiz_course, client, auth):
    _sign_in(auth)
    attempt_id = start(client)
    auth.logout()
    _sign_in(auth, "autre@example.org")
    assert client.get(attempt_url(attempt_id)).status_code == 404
    token = csrf_token(client, f"/modules/{FULL}/quiz")
    response = client.post(attempt_url(attempt_id), data={"csrf_token": token, "action": "submit"})
    assert response.status_code == 404
    assert attempt_row(attempt_id).status == AttemptStatus.IN_PROGRESS
    # Nor under another module's address.
    auth.logout()
    auth.login("camille@example.org")
    assert client.get(attempt_url(attempt_id, "quiz-limite")).status_code == 404


def test_resubmitting_a_submitted_attempt_records_nothing_more(quiz_course, client, auth):
    _sign_in(auth)
    attempt_id = start(client)
    html = client.get(attempt_url(attempt_id)).get_data(as_text=True)

    data = {
        **WRONG_FORM,
        "csrf_token": csrf_token(client, attempt_url(attempt_id)),
        "idempotency_key": form_key(html),
        "action": "submit",
    }
    first = client.post(attempt_url(attempt_id), data=data)
    again = client.post(attempt_url(attempt_id), data={**data, **RIGHT_FORM})  # a second tab
    assert first.status_code == again.status_code == 303
    attempt = attempt_row(attempt_id)
    assert attempt.score == WRONG_SCORE
    assert db.session.scalar(select(func.count(Answer.id))) == 7
    assert db.session.scalar(select(func.count(Evidence.id))) == 8
    progress = db.session.scalar(select(ModuleProgress))
    assert progress.quiz_attempts == 1
