"""Helpers of the practice tests: post the form, read back what was recorded."""

from __future__ import annotations

import io
from html.parser import HTMLParser

from lms.extensions import db
from lms.models import ModuleProgress, PracticeSubmission
from tests.conftest import csrf_token

PAGE = "/modules/premier-module/practice"
API = "/api/v1/modules/premier-module/practice"


def post_work(client, text="", files=(), *, submit=False, path=PAGE):
    """Post the practice form; `files` are (name, bytes) pairs."""
    data = {"text": text, "csrf_token": csrf_token(client, path)}
    data["submit_work" if submit else "save"] = "1"
    if files:
        data["files"] = [(io.BytesIO(content), name) for name, content in files]
    return client.post(path, data=data, content_type="multipart/form-data")


def submissions(user_id):
    """The user's versions, oldest first (fresh from the database)."""
    db.session.expire_all()
    return list(
        db.session.scalars(
            db.select(PracticeSubmission)
            .where(PracticeSubmission.user_id == user_id)
            .order_by(PracticeSubmission.version)
        )
    )


def practice_status(user_id):
    """ModuleProgress.practice_status for the fixture module (None without a row)."""
    db.session.expire_all()
    return db.session.scalar(
        db.select(ModuleProgress.practice_status).where(ModuleProgress.user_id == user_id)
    )


class _ActiveContent(HTMLParser):
    """Collects what a browser would run: scripts, frames, event handlers, script URLs."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag in ("iframe", "object", "embed"):
            self.found.append(tag)
        for name, value in attrs:
            value = (value or "").strip().lower()
            if name.startswith("on"):
                self.found.append(f"{tag}[{name}]")
            if name in ("href", "src", "action") and value.startswith(("javascript:", "data:")):
                self.found.append(f"{tag}[{name}={value}]")
        if tag == "script" and not (dict(attrs).get("src") or "").startswith("/static/"):
            self.found.append("script")


def active_content(html):
    """Scripts, frames, on* handlers and javascript:/data: URLs of a page (ours excluded)."""
    parser = _ActiveContent()
    parser.feed(html)
    return parser.found
