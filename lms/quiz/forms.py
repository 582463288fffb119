"""The quiz forms: CSRF-protected shells, and turning posted widgets into responses.

The questions' inputs are not WTForms fields (they depend on the module's quiz), so
they are read with two pure functions:

1. `read_widgets(definitions, form)` keeps, for each question, what its widgets hold,
   sanitised (known ids only, texts cut to a bounded length). This is what a saved
   draft stores and what re-fills the form.
2. `responses_from_widgets(definitions, widgets)` turns those values into responses in
   the grading shapes (docs/grading.md), and names the questions whose input cannot
   be graded (an ordering with a position given twice, a number that does not parse).

A blank question gives the response None: submitted blank, it is unanswered (score 0).
Both take the questions' normalised definitions (server side: the ids come from
their public views).
"""

from __future__ import annotations

import enum
from collections.abc import Mapping, Sequence
from typing import Any, Protocol

from flask_wtf import FlaskForm
from wtforms import HiddenField
from wtforms.validators import DataRequired, Length

from lms.quiz import grading
from lms.quiz.types.base import MAX_TEXT_LENGTH

#: Longest text kept from a text or number input; longer is cut (then refused if over the limit).
MAX_KEPT_TEXT = MAX_TEXT_LENGTH + 1
#: Longest idempotency key (the column's size).
MAX_KEY_LENGTH = 100


class StartForm(FlaskForm):
    """The "Start" button; its random key makes a double click start one attempt, not two."""

    idempotency_key = HiddenField(validators=[DataRequired(), Length(max=MAX_KEY_LENGTH)])


class AttemptForm(FlaskForm):
    """The attempt's form shell: CSRF and the attempt's key (the questions are read apart)."""

    idempotency_key = HiddenField(validators=[DataRequired(), Length(max=MAX_KEY_LENGTH)])


class FormData(Protocol):
    """What is read from a posted form (werkzeug's MultiDict has it)."""

    def getlist(self, key: str) -> list[Any]: ...


class InputProblem(enum.StrEnum):
    """Why a question's input cannot be graded as it is."""

    ORDER_INCOMPLETE = "order_incomplete"  # some items have a position, others not
    ORDER_REPEATED = "order_repeated"  # a position given to two items
    NOT_A_NUMBER = "not_a_number"
    TOO_LONG = "too_long"
    INVALID = "invalid"


def field_name(question_id: str, option_id: str | None = None) -> str:
    """The name of a question's input (or of one of its selects, for ordering and matching).

    Question ids are slugs, so the ':' separator cannot be part of one.
    """
    return f"q:{question_id}" if option_id is None else f"q:{question_id}:{option_id}"


def read_widgets(definitions: Sequence[Mapping[str, Any]], form: FormData) -> dict[str, Any]:
    """What each question's widgets hold, keeping only known ids and bounded texts.

    single, true_false: the chosen value or None; multiple: the ticked ids (in option
    order); short, numeric: the text typed; ordering: {item id: position "1".."n"};
    matching: {left id: right id}. Anything else posted is ignored.
    """
    return {str(d["id"]): _read_question(grading.public_view(d), form) for d in definitions}


def _first(form: FormData, name: str) -> str | None:
    values = form.getlist(name)
    return values[0] if values and isinstance(values[0], str) else None


def _read_question(view: Mapping[str, Any], form: FormData) -> Any:
    qid, qtype = str(view["id"]), view["type"]
    name = field_name(qid)
    if qtype in ("single", "multiple"):
        known = [choice["id"] for choice in view["choices"]]
        if qtype == "single":
            value = _first(form, name)
            return value if value in known else None
        ticked = set(form.getlist(name))
        return [ident for ident in known if ident in ticked]
    if qtype == "true_false":
        value = _first(form, name)
        return value if value in ("true", "false") else None
    if qtype in ("short", "numeric"):
        return (_first(form, name) or "")[:MAX_KEPT_TEXT]
    if qtype == "ordering":
        items = [item["id"] for item in view["items"]]
        positions = {str(n) for n in range(1, len(items) + 1)}
        chosen = {ident: _first(form, field_name(qid, ident)) for ident in items}
        return {ident: pos for ident, pos in chosen.items() if pos in positions}
    if qtype == "matching":
        rights = {option["id"] for option in view["right"]}
        lefts = [left["id"] for left in view["left"]]
        chosen = {left: _first(form, field_name(qid, left)) for left in lefts}
        return {left: right for left, right in chosen.items() if right in rights}
    return None


def sanitise_draft(definitions: Sequence[Mapping[str, Any]], draft: Any) -> dict[str, Any]:
    """A stored draft checked against the current questions (content may have changed since)."""
    if not isinstance(draft, Mapping):
        return {}
    return read_widgets(definitions, _DraftForm(definitions, draft))


class _DraftForm:
    """Presents a stored draft as posted form data, so one reader checks both."""

    def __init__(self, definitions: Sequence[Mapping[str, Any]], draft: Mapping[str, Any]) -> None:
        self._values: dict[str, list[Any]] = {}
        for definition in definitions:
            qid = str(definition["id"])
            value = draft.get(qid)
            if isinstance(value, Mapping):
                for sub, sub_value in value.items():
                    self._values[field_name(qid, str(sub))] = [sub_value]
            elif isinstance(value, list):
                self._values[field_name(qid)] = list(value)
            elif value is not None:
                self._values[field_name(qid)] = [value]

    def getlist(self, key: str) -> list[Any]:
        """The values stored under a field name."""
        return self._values.get(key, [])


def responses_from_widgets(
    definitions: Sequence[Mapping[str, Any]], widgets: Mapping[str, Any]
) -> tuple[dict[str, Any], dict[str, InputProblem]]:
    """Responses in the grading shapes (None when blank), and the inputs that cannot be graded."""
    responses: dict[str, Any] = {}
    problems: dict[str, InputProblem] = {}
    for definition in definitions:
        qid = str(definition["id"])
        response, problem = _response(definition, widgets.get(qid))
        if problem is None and response is not None:
            problem = _shape_problem(definition, response)
        responses[qid] = None if problem else response
        if problem:
            problems[qid] = problem
    return responses, problems


def _response(definition: Mapping[str, Any], value: Any) -> tuple[Any, InputProblem | None]:
    qtype = definition["type"]
    if qtype == "true_false":
        return (None if value is None else value == "true"), None
    if qtype == "multiple":
        return (value or None), None
    if qtype in ("short", "numeric"):
        text = (value or "").strip()
        return (text or None), None
    if qtype == "ordering":
        if not value:
            return None, None
        items = [item["id"] for item in grading.public_view(definition)["items"]]
        if len(value) < len(items):
            return None, InputProblem.ORDER_INCOMPLETE
        if len(set(value.values())) < len(items):
            return None, InputProblem.ORDER_REPEATED
        return sorted(items, key=lambda ident: int(value[ident])), None
    if qtype == "matching":
        return (dict(value) if value else None), None
    return value, None


def _shape_problem(definition: Mapping[str, Any], response: Any) -> InputProblem | None:
    """The grader's own shape check, named for the learner."""
    if grading.check_response(definition, response) is None:
        return None
    if definition["type"] == "numeric":
        return InputProblem.NOT_A_NUMBER
    if isinstance(response, str) and len(response) > MAX_TEXT_LENGTH:
        return InputProblem.TOO_LONG
    return InputProblem.INVALID
