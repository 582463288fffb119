"""HTML pages of the quiz area: the quiz page, an attempt's form, its feedback.

Any signed-in person may take a quiz; an attempt is only ever shown to its owner
(anyone else gets 404, as if it did not exist).
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import format_datetime
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from werkzeug.wrappers import Response as BaseResponse

from lms.content.urls import module_url
from lms.errors import wants_json
from lms.extensions import db
from lms.models import Attempt, AttemptStatus, Module
from lms.models.base import utcnow
from lms.quiz import services
from lms.quiz.forms import (
    AttemptForm,
    InputProblem,
    StartForm,
    read_widgets,
    responses_from_widgets,
)
from lms.quiz.rules import RetakeDecision, RetakeRefusal

bp = Blueprint("quiz", __name__)

#: What to tell the learner about an input that cannot be graded.
PROBLEM_MESSAGES = {
    InputProblem.ORDER_INCOMPLETE: _l("Give every item a position, or leave them all blank."),
    InputProblem.ORDER_REPEATED: _l("Give each item a different position."),
    InputProblem.NOT_A_NUMBER: _l("Enter a number, for example 12,5."),
    InputProblem.TOO_LONG: _l("Your answer is too long (500 characters at most)."),
    InputProblem.INVALID: _l("This answer cannot be read. Choose among the options shown."),
}

#: The grading's constant part messages (lms.quiz.types), translated for the feedback page.
PART_MESSAGES = {
    "Out of place.": _l("Out of place."),
    "Wrong match.": _l("Wrong match."),
    "Not matched.": _l("Not matched."),
}


def _module_or_404(slug: str, *, include_retired: bool = False) -> Module:
    module = services.find_module(db.session(), slug, include_retired=include_retired)
    if module is None:
        abort(404)
    return module


def _attempt_or_404(module: Module, attempt_id: int) -> Attempt:
    attempt = services.own_attempt(db.session(), current_user.id, module, attempt_id)
    if attempt is None:
        abort(404)
    return attempt


def refusal_message(decision: RetakeDecision) -> str:
    """Why the learner cannot start an attempt now, in words."""
    if decision.reason == RetakeRefusal.NO_ATTEMPTS_LEFT:
        return _("You have used all the attempts allowed for this quiz.")
    if decision.reason == RetakeRefusal.TOO_SOON and decision.next_allowed_at is not None:
        return _(
            "You can take this quiz again from %(when)s.",
            when=format_datetime(decision.next_allowed_at, "short"),
        )
    return _("You cannot start a new attempt now.")


@bp.get("/modules/<slug>/quiz")
@login_required
def start_or_resume(slug: str) -> str:
    """The quiz page: rules, my attempts, and Start (or Continue the open attempt)."""
    module = _module_or_404(slug)
    overview = services.quiz_overview(db.session(), current_user.id, module, utcnow())
    form = StartForm(idempotency_key=services.new_idempotency_key())
    return render_template(
        "quiz/intro.html",
        overview=overview,
        form=form,
        module_url=module_url(module.slug),
        refusal=None if overview.decision.allowed else refusal_message(overview.decision),
    )


@bp.post("/modules/<slug>/quiz/attempts")
@login_required
def start_attempt(slug: str) -> BaseResponse:
    """Start an attempt (or go back to the open one) and show its questions."""
    module = _module_or_404(slug)
    form = StartForm()
    if not form.validate_on_submit():
        flash(_("The form expired. Try again."), "error")
        return redirect(url_for("quiz.start_or_resume", slug=slug))
    try:
        attempt = services.start_attempt(
            db.session(), current_user.id, module, form.idempotency_key.data or "", utcnow()
        )
    except services.RetakeNotAllowed as refused:
        flash(refusal_message(refused.decision), "error")
        return redirect(url_for("quiz.start_or_resume", slug=slug))
    return redirect(url_for("quiz.show_attempt", slug=slug, attempt_id=attempt.id), 303)


@bp.get("/modules/<slug>/quiz/attempts/<int:attempt_id>")
@login_required
def show_attempt(slug: str, attempt_id: int) -> str:
    """An open attempt's questions; once submitted, its feedback."""
    module = _module_or_404(slug, include_retired=True)
    attempt = _attempt_or_404(module, attempt_id)
    if attempt.status == AttemptStatus.SUBMITTED:
        return _result_page(module, attempt)
    if module.retired_at is not None:
        abort(404)
    return _attempt_page(module, attempt)


def _attempt_page(
    module: Module,
    attempt: Attempt,
    widgets: dict[str, Any] | None = None,
    problems: dict[str, InputProblem] | None = None,
) -> str:
    questions = services.live_questions(db.session(), module.id)
    fields = services.attempt_form(questions, attempt, widgets, problems)
    form = AttemptForm(idempotency_key=attempt.idempotency_key)
    return render_template(
        "quiz/attempt.html",
        module=module,
        attempt=attempt,
        questions=fields,
        form=form,
        problem_messages=PROBLEM_MESSAGES,
        module_url=module_url(module.slug),
    )


def _result_page(module: Module, attempt: Attempt) -> str:
    result = services.attempt_result(db.session(), attempt, module.slug)
    decision = services.retake_decision_for(db.session(), current_user.id, module, utcnow())
    return render_template(
        "quiz/result.html",
        module=module,
        result=result,
        part_messages=PART_MESSAGES,
        can_retake=decision.allowed and module.retired_at is None,
        start_form=StartForm(idempotency_key=services.new_idempotency_key()),
        module_url=module_url(module.slug),
    )


@bp.post("/modules/<slug>/quiz/attempts/<int:attempt_id>")
@login_required
def answer_attempt(slug: str, attempt_id: int) -> str | BaseResponse | tuple[Any, int]:
    """Save the answers (action=save) or submit them (action=submit) for grading."""
    submitted_at = utcnow()  # when the learner submitted, whatever waits for locks after
    module = _module_or_404(slug, include_retired=True)
    attempt = _attempt_or_404(module, attempt_id)
    here = url_for("quiz.show_attempt", slug=slug, attempt_id=attempt.id)
    if attempt.status == AttemptStatus.SUBMITTED:
        if wants_json():  # a background save arriving after the submission
            return {"saved": False}, 409
        flash(_("This attempt was already submitted: here is its result."), "info")
        return redirect(here, 303)
    if module.retired_at is not None:
        abort(404)
    form = AttemptForm()
    if not form.validate_on_submit() or form.idempotency_key.data != attempt.idempotency_key:
        flash(_("The form expired. Your answers were not saved; try again."), "error")
        return redirect(here, 303)
    questions = services.live_questions(db.session(), module.id)
    definitions = [question.definition for question in questions]
    widgets = read_widgets(definitions, request.form)
    if request.form.get("action") == "save":
        services.save_draft(db.session(), attempt, widgets)
        if wants_json():
            return {"saved": True}, 200  # autosave from lms/static/js/quiz.js
        flash(_("Your answers are saved. You can come back later to finish."), "success")
        return redirect(here, 303)
    responses, problems = responses_from_widgets(definitions, widgets)
    if problems:
        return _attempt_page(module, attempt, widgets, problems), 422
    try:
        outcome = services.submit_attempt(
            db.session(), current_user.id, module, attempt.id, responses, submitted_at
        )
    except services.AttemptNotFound:
        abort(404)
    if not outcome.graded_now:
        flash(_("This attempt was already submitted: here is its result."), "info")
    return redirect(here, 303)
