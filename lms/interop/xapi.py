"""xAPI 1.0.3 statements for learning events: pure builders, plain values in, JSON out.

Each builder returns a complete statement with a client-generated `id` (a time-ordered
UUID, version 7), so sending it again can never duplicate it in a Learning Record Store.
The actor is an *account* (`homePage` = the site, `name` = an opaque id derived from the
user id with a keyed hash): no e-mail address or name leaves the application. Verbs are
ADL's, except `earned` (ADL has none for credentials; the xAPI registry's is used).
Activity ids are the absolute URLs of the course pages (docs/interop.md lists them).
"""

from __future__ import annotations

import hashlib
import hmac
import os
import time
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import lru_cache
from typing import Any, Protocol

from lms import jsontext

XAPI_VERSION = "1.0.3"
LANGUAGE = "fr-FR"

ADL = "http://adlnet.gov/expapi"
VERBS: Mapping[str, str] = {
    "completed": f"{ADL}/verbs/completed",
    "answered": f"{ADL}/verbs/answered",
    "passed": f"{ADL}/verbs/passed",
    "failed": f"{ADL}/verbs/failed",
    "scored": f"{ADL}/verbs/scored",
    "earned": "http://id.tincanapi.com/verb/earned",
}
ACTIVITY_TYPES: Mapping[str, str] = {
    "course": f"{ADL}/activities/course",
    "module": f"{ADL}/activities/module",
    "lesson": f"{ADL}/activities/lesson",
    "assessment": f"{ADL}/activities/assessment",
    "interaction": f"{ADL}/activities/cmi.interaction",
    "performance": f"{ADL}/activities/performance",
    "badge": "http://activitystrea.ms/schema/1.0/badge",
}
# Our question types as xAPI interaction types (cmi.interaction).
INTERACTION_TYPES: Mapping[str, str] = {
    "single": "choice",
    "multiple": "choice",
    "true_false": "true-false",
    "short": "fill-in",
    "numeric": "numeric",
    "ordering": "sequencing",
    "matching": "matching",
}


def new_statement_id(now_ms: int | None = None) -> str:
    """A new statement id: a UUID version 7 (RFC 9562), its first 48 bits the time in ms.

    Random (version 4) ids land anywhere in the outbox's primary key index, so each of a
    quiz submission's statements rewrote a different page of it; ids that grow with time
    are appended at its end. The 74 other bits are random, so ids stay unguessable.
    """
    return new_statement_ids(1, now_ms)[0]


def new_statement_ids(count: int, now_ms: int | None = None) -> list[str]:
    """`count` new statement ids (see `new_statement_id`), their random bits read from
    the system in one call."""
    millis = int(time.time() * 1000) if now_ms is None else now_ms
    randomness = os.urandom(10 * count)
    ids = []
    for start in range(0, 10 * count, 10):
        value = (millis & (2**48 - 1)) << 80 | int.from_bytes(randomness[start : start + 10], "big")
        value = (value & ~(0xF << 76)) | (0x7 << 76)  # version 7
        value = (value & ~(0x3 << 62)) | (0x2 << 62)  # RFC 9562 variant
        ids.append(str(uuid.UUID(int=value)))
    return ids


@lru_cache(maxsize=4096)  # a submission makes a dozen statements for the same learner
def actor_name(user_id: int, key: str) -> str:
    """The opaque, stable account name of a user: HMAC-SHA256(key, user id), 32 hex digits.

    It reveals neither the e-mail address, the name nor the database id.
    """
    digest = hmac.new(key.encode(), f"xapi-actor:{user_id}".encode(), hashlib.sha256)
    return digest.hexdigest()[:32]


def timestamp(moment: datetime) -> str:
    """ISO 8601 in UTC with milliseconds, as LRSs store them: 2026-01-15T09:30:00.000Z."""
    return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")


def duration(start: datetime, end: datetime) -> str:
    """An ISO 8601 duration (PT1H2M3S) between two moments (0 when negative)."""
    seconds = max(0, round((end - start) / timedelta(seconds=1)))
    hours, rest = divmod(seconds, 3600)
    minutes, seconds = divmod(rest, 60)
    text = "PT" + (f"{hours}H" if hours else "") + (f"{minutes}M" if minutes else "")
    return text + (f"{seconds}S" if seconds or text == "PT" else "")


@dataclass(frozen=True)
class Site:
    """Where statements come from: the site's base URL and the key of actor names."""

    base_url: str
    actor_key: str

    def url(self, path: str) -> str:
        """An absolute URL of the site."""
        return self.base_url.rstrip("/") + path

    def actor(self, user_id: int) -> dict[str, Any]:
        """An Agent identified by an account on this site (never an e-mail address)."""
        return {
            "objectType": "Agent",
            "account": {
                "homePage": self.base_url.rstrip("/"),
                "name": actor_name(user_id, self.actor_key),
            },
        }


def _verb(name: str) -> dict[str, Any]:
    return {"id": VERBS[name], "display": {"en-US": name}}


def _activity(
    activity_id: str, kind: str, name: str | None = None, **definition: Any
) -> dict[str, Any]:
    body: dict[str, Any] = {"type": ACTIVITY_TYPES[kind], **definition}
    if name:
        body["name"] = {LANGUAGE: name}
    return {"objectType": "Activity", "id": activity_id, "definition": body}


def _statement(
    site: Site,
    user_id: int,
    verb: str,
    activity: dict[str, Any],
    when: datetime,
    *,
    result: dict[str, Any] | None = None,
    parents: list[dict[str, Any]] | None = None,
    instructor_id: int | None = None,
    statement_id: str | None = None,
) -> dict[str, Any]:
    statement: dict[str, Any] = {
        "id": statement_id or new_statement_id(),
        "actor": site.actor(user_id),
        "verb": _verb(verb),
        "object": activity,
        "context": _context(site, parents, instructor_id),
        "timestamp": timestamp(when),
    }
    if result is not None:
        statement["result"] = result
    return statement


def _context(
    site: Site, parents: list[dict[str, Any]] | None, instructor_id: int | None = None
) -> dict[str, Any]:
    context: dict[str, Any] = {
        "platform": "Escales",
        "language": LANGUAGE,
        "contextActivities": {
            "grouping": [_activity(site.url("/"), "course", "Escales")],
        },
    }
    if parents:
        context["contextActivities"]["parent"] = parents
    if instructor_id is not None:
        context["instructor"] = site.actor(instructor_id)
    return context


def module_activity(site: Site, slug: str, title: str | None = None) -> dict[str, Any]:
    """A module, as an activity: its page."""
    return _activity(site.url(f"/modules/{slug}"), "module", title)


def section_completed(
    site: Site, user_id: int, module_slug: str, section_slug: str, title: str, when: datetime
) -> dict[str, Any]:
    """A learner read a section to the end."""
    activity = _activity(
        site.url(f"/modules/{module_slug}/sections/{section_slug}"), "lesson", title
    )
    return _statement(
        site,
        user_id,
        "completed",
        activity,
        when,
        result={"completion": True},
        parents=[module_activity(site, module_slug)],
    )


def question_answered(
    site: Site,
    user_id: int,
    module_slug: str,
    question_key: str,
    question_type: str,
    response: Any,
    score: float,
    correct: bool,
    when: datetime,
) -> dict[str, Any]:
    """A learner answered a quiz question (graded at submission)."""
    return _statement(
        site,
        user_id,
        "answered",
        _question_activity(site, module_slug, question_key, question_type),
        when,
        result=_answer_result(response, score, correct),
        parents=[quiz_activity(site, module_slug)],
    )


class AnsweredQuestion(Protocol):
    """One answer of a quiz attempt, as its `answered` statement tells it (the quiz's
    GradedAnswer is one)."""

    @property
    def question_key(self) -> str: ...
    @property
    def question_type(self) -> str: ...
    @property
    def response(self) -> Any: ...
    @property
    def score(self) -> float: ...
    @property
    def correct(self) -> bool: ...


def answered_statements_json(
    site: Site,
    user_id: int,
    module_slug: str,
    answers: Sequence[AnsweredQuestion],
    when: datetime,
) -> list[tuple[str, str]]:
    """The `answered` statements of one quiz attempt, as (id, JSON text): the statements
    `question_answered` builds (a test checks it), serialised with the parts they all share
    (actor, verb, context, timestamp) encoded once. A submission serialises a dozen of them
    while the learner waits; most of each one's text is those shared parts."""
    dumps = jsontext.dumps
    before_object = (
        f', "actor": {dumps(site.actor(user_id))}, "verb": {dumps(_verb("answered"))}, "object": '
    )
    context = dumps(_context(site, [quiz_activity(site, module_slug)]))
    before_result = f', "context": {context}, "timestamp": {dumps(timestamp(when))}, "result": '
    statements = []
    for answer, statement_id in zip(answers, new_statement_ids(len(answers)), strict=True):
        activity = _question_activity(site, module_slug, answer.question_key, answer.question_type)
        result = _answer_result(answer.response, answer.score, answer.correct)
        text = "".join(
            (
                '{"id": "',
                statement_id,
                '"',
                before_object,
                dumps(activity),
                before_result,
                dumps(result),
                "}",
            )
        )
        statements.append((statement_id, text))
    return statements


def _question_activity(
    site: Site, module_slug: str, question_key: str, question_type: str
) -> dict[str, Any]:
    return _activity(
        site.url(f"/modules/{module_slug}/quiz/questions/{question_key}"),
        "interaction",
        question_key,
        interactionType=INTERACTION_TYPES.get(question_type, "other"),
    )


def _answer_result(response: Any, score: float, correct: bool) -> dict[str, Any]:
    result: dict[str, Any] = {"score": {"scaled": round(score, 4)}, "success": correct}
    text = response_text(response)
    if text is not None:
        result["response"] = text
    return result


def quiz_activity(site: Site, module_slug: str) -> dict[str, Any]:
    """A module's quiz, as an activity."""
    return _activity(site.url(f"/modules/{module_slug}/quiz"), "assessment")


def attempt_finished(
    site: Site,
    user_id: int,
    module_slug: str,
    score: float,
    passed: bool,
    started_at: datetime,
    submitted_at: datetime,
) -> dict[str, Any]:
    """A learner submitted a quiz attempt: `passed` or `failed`, with the score."""
    return _statement(
        site,
        user_id,
        "passed" if passed else "failed",
        quiz_activity(site, module_slug),
        submitted_at,
        result={
            "score": {"scaled": round(score, 4)},
            "success": passed,
            "completion": True,
            "duration": duration(started_at, submitted_at),
        },
        parents=[module_activity(site, module_slug)],
    )


def practice_reviewed(
    site: Site,
    user_id: int,
    module_slug: str,
    score: float,
    accepted: bool,
    reviewer_id: int | None,
    when: datetime,
) -> dict[str, Any]:
    """A trainer reviewed a learner's practical work: `scored`, success when accepted."""
    return _statement(
        site,
        user_id,
        "scored",
        _activity(site.url(f"/modules/{module_slug}/practice"), "performance"),
        when,
        result={"score": {"scaled": round(score, 4)}, "success": accepted, "completion": accepted},
        parents=[module_activity(site, module_slug)],
        instructor_id=reviewer_id,
    )


def certificate_earned(
    site: Site,
    user_id: int,
    badge_url: str,
    programme_name: str,
    verification_url: str,
    when: datetime,
) -> dict[str, Any]:
    """A learner was issued a certificate: `earned` the programme's badge."""
    return _statement(
        site,
        user_id,
        "earned",
        _activity(badge_url, "badge", programme_name),
        when,
        result={
            "success": True,
            "completion": True,
            "extensions": {site.url("/xapi/extensions/verification"): verification_url},
        },
    )


def response_text(response: Any) -> str | None:
    """A response in xAPI's interaction formats: ids joined by `[,]`, pairs as `l[.]r`."""
    if response is None:
        return None
    if isinstance(response, bool):
        return "true" if response else "false"
    if isinstance(response, list):
        return "[,]".join(str(item) for item in response)
    if isinstance(response, dict):
        return "[,]".join(
            f"{left}[.]{right}" for left, right in response.items() if right is not None
        )
    return str(response)
