"""Learning events made through the real services (each commits), and a fake LRS."""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass, field
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlparse

from sqlalchemy import select

from lms.certification import services as certification
from lms.courses import services as courses
from lms.extensions import db
from lms.models import (
    CertificationProgramme,
    Organisation,
    ReviewDecision,
    Role,
    User,
    XapiStatement,
)
from lms.models.base import utcnow
from lms.practice import services as practice
from lms.quiz import services as quiz
from tests.factories import make_user


def read_sections(user: User) -> None:
    """Read both sections of premier-module: two `completed` statements."""
    for section in ("introduction", "details"):
        courses.mark_section_read(db.session(), user.id, "premier-module", section)


def take_quiz(user: User, *, right: bool, minutes_later: int = 0) -> None:
    """Submit premier-module's quiz: two `answered` statements and a `passed` or `failed`."""
    module = quiz.find_module(db.session(), "premier-module")
    assert module is not None
    quiz.submit_new_attempt(
        db.session(),
        user.id,
        module,
        quiz.new_idempotency_key(),
        {"trois-piliers": "a", "budget-suffit": not right},
        utcnow() + timedelta(minutes=minutes_later),
    )


def review_practice(learner: User, trainer: User) -> None:
    """Submit premier-module's practical work and have it accepted: one `scored` statement."""
    assignment = practice.find_practice(db.session(), "premier-module")
    assert assignment is not None
    submission = practice.save_work(
        db.session(),
        learner.id,
        assignment,
        text_md="Nos activités : accueil, formation.",
        submit=True,
    )
    practice.record_review(
        db.session(), submission, trainer, [3], ReviewDecision.ACCEPTED, "Bien vu."
    )


def issue_certificate(org: Organisation, holder: User) -> None:
    """Issue a certificate of a requirement-free programme: one `earned` statement."""
    admin = make_user(role=Role.ORG_ADMIN, org=org, name="Émettrice")
    programme = CertificationProgramme(
        organisation_id=org.id, name="Parcours pilote", validity_months=12
    )
    db.session.add(programme)
    db.session.commit()
    certification.issue_certificate(
        db.session(), programme=programme, user_id=holder.id, actor=admin
    )


def outbox(user: User | None = None) -> list[XapiStatement]:
    """The outbox rows (of one user), oldest first."""
    query = select(XapiStatement).order_by(XapiStatement.occurred_at, XapiStatement.id)
    if user is not None:
        query = query.where(XapiStatement.user_id == user.id)
    db.session.expire_all()
    return list(db.session.scalars(query))


@dataclass
class FakeLrs:
    """A small LRS on 127.0.0.1: stores statements by id, checks the xAPI headers.

    A POST holding an id it already has is refused with 409, as a strict LRS may do;
    a PUT of a known, identical statement answers 204. `fail_next` makes the next calls
    answer 503 *after* storing (a lost response), to test retries.
    """

    port: int = 0
    stored: dict[str, dict[str, Any]] = field(default_factory=dict)
    requests: list[tuple[str, str, int]] = field(default_factory=list)
    fail_next: int = 0
    server: ThreadingHTTPServer | None = None

    def start(self) -> FakeLrs:
        lrs = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:  # keep test output clean
                return

            def _answer(self, status: int, body: Any = None) -> None:
                lrs.requests.append((self.command, self.path, status))
                data = b"" if body is None else json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def _body(self) -> Any:
                return json.loads(self.rfile.read(int(self.headers["Content-Length"])))

            def do_POST(self) -> None:
                if self.headers.get("X-Experience-API-Version") != "1.0.3":
                    return self._answer(400, {"error": "version header"})
                if self.headers.get("Authorization") != "Basic bHJzOnNlY3JldA==":  # lrs:secret
                    return self._answer(401)
                statements = self._body()
                if any(s["id"] in lrs.stored for s in statements):
                    return self._answer(409)
                for statement in statements:
                    lrs.stored[statement["id"]] = statement
                if lrs.fail_next:
                    lrs.fail_next -= 1
                    return self._answer(503)
                return self._answer(200, [s["id"] for s in statements])

            def do_PUT(self) -> None:
                statement_id = parse_qs(urlparse(self.path).query)["statementId"][0]
                statement = self._body()
                known = lrs.stored.get(statement_id)
                if known is not None and known != statement:
                    return self._answer(409)
                lrs.stored[statement_id] = statement
                return self._answer(204)

        self.server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()
            self.server = None

    @property
    def endpoint(self) -> str:
        return f"http://127.0.0.1:{self.port}/xapi"
