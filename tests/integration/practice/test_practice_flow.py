"""Saving, submitting and revising work: versions, statuses, and the module's progress."""

from __future__ import annotations

import re
from itertools import pairwise

import pytest

from lms.extensions import db
from lms.models import Evidence, PracticeAttachment, ReviewDecision, SubmissionStatus
from lms.practice import services
from tests.integration.practice.helpers import (
    PAGE,
    active_content,
    post_work,
    practice_status,
    submissions,
)


def test_saving_a_draft_twice_updates_the_same_version(learner, client):
    response = post_work(client, "Première idée.")
    assert response.status_code == 302
    assert practice_status(learner.id) == "draft"

    post_work(client, "Première idée,\r\nmieux dite.")
    [draft] = submissions(learner.id)
    assert (draft.version, draft.status) == (1, SubmissionStatus.DRAFT)
    assert draft.text_md == "Première idée,\nmieux dite."  # CRLF from browsers stored as LF
    assert draft.text_html == "<p>Première idée,\nmieux dite.</p>"
    assert draft.submitted_at is None


def test_submitting_freezes_the_version_and_creates_no_evidence(learner, client):
    post_work(client, "Brouillon.")
    response = post_work(client, "Version finale.", submit=True)
    assert response.status_code == 302
    [work] = submissions(learner.id)
    assert (work.version, work.status) == (1, SubmissionStatus.SUBMITTED)
    assert work.text_md == "Version finale."
    assert work.submitted_at is not None
    assert practice_status(learner.id) == "submitted"
    assert (
        db.session.scalar(db.select(db.func.count(Evidence.id))) == 0
    )  # evidence comes from reviews


def test_submitted_work_cannot_be_changed(learner, client, upload_dir):
    post_work(client, "Rendu.", submit=True)
    before = sorted(upload_dir.iterdir())
    response = post_work(client, "Changement.", [("a.txt", b"texte")])
    assert response.status_code == 409
    assert "cannot be changed until then" in response.get_data(as_text=True)  # the refusal
    [work] = submissions(learner.id)
    assert (work.text_md, work.status, work.attachments) == (
        "Rendu.",
        SubmissionStatus.SUBMITTED,
        [],
    )
    assert sorted(upload_dir.iterdir()) == before


def test_needs_revision_then_saving_creates_a_new_version_from_the_old_one(
    learner, trainer, client, upload_dir
):
    post_work(client, "Version 1.", [("carte.txt", "Carte des activités".encode())], submit=True)
    first = submissions(learner.id)[0]
    services.record_review(
        db.session, first, trainer, [2], ReviewDecision.NEEDS_REVISION, "À revoir."
    )
    assert practice_status(learner.id) == "needs_revision"

    # Saving without changing the text: the new version starts from the reviewed one.
    html = client.get(PAGE).get_data(as_text=True)
    assert "Version 1." in html  # the textarea is prefilled with the reviewed text
    post_work(client, "Version 1.\n\nAvec les dons.")
    old, new = submissions(learner.id)
    assert (old.version, old.status, old.text_md) == (
        1,
        SubmissionStatus.NEEDS_REVISION,
        "Version 1.",
    )
    assert (new.version, new.status) == (2, SubmissionStatus.DRAFT)
    assert new.text_md == "Version 1.\n\nAvec les dons."
    assert practice_status(learner.id) == "draft"
    # The files are carried over as copies: the reviewed version keeps its own.
    [old_file], [new_file] = old.attachments, new.attachments
    assert new_file.filename == old_file.filename == "carte.txt"
    assert new_file.stored_name != old_file.stored_name
    assert (upload_dir / new_file.stored_name).read_bytes() == (
        upload_dir / old_file.stored_name
    ).read_bytes()

    # Saving again updates version 2; submitting it waits for review again.
    post_work(client, "Version 2.", submit=True)
    assert [(s.version, s.status) for s in submissions(learner.id)] == [
        (1, SubmissionStatus.NEEDS_REVISION),
        (2, SubmissionStatus.SUBMITTED),
    ]
    assert practice_status(learner.id) == "submitted"


def test_accepted_work_is_final(learner, trainer, client):
    post_work(client, "Mon travail.", submit=True)
    services.record_review(
        db.session, submissions(learner.id)[0], trainer, [4], ReviewDecision.ACCEPTED, "Bravo."
    )
    response = post_work(client, "Je voudrais l'améliorer.")
    assert response.status_code == 409
    assert "Your work has been accepted: it is final." in response.get_data(as_text=True)
    assert len(submissions(learner.id)) == 1
    assert practice_status(learner.id) == "accepted"
    html = client.get(PAGE).get_data(as_text=True)
    assert 'name="text"' not in html and 'data-status="accepted"' in html


def test_an_empty_submission_is_refused(learner, client):
    response = post_work(client, "   \n", submit=True)
    assert response.status_code == 422
    assert "Write something or attach a file" in response.get_data(as_text=True)
    assert submissions(learner.id) == []
    assert practice_status(learner.id) is None


def test_a_file_alone_can_be_submitted(learner, client):
    post_work(client, "", [("carte.pdf", b"%PDF-1.4\n%%EOF")], submit=True)
    [work] = submissions(learner.id)
    assert work.status == SubmissionStatus.SUBMITTED and len(work.attachments) == 1


def test_too_long_text_is_refused_and_kept_in_the_form(learner, client, config):
    config["PRACTICE_MAX_TEXT_CHARS"] = 20
    response = post_work(client, "x" * 21)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "The text is too long: 21 characters, at most 20." in html
    assert "x" * 21 in html  # what was typed is not lost
    assert submissions(learner.id) == []


def test_the_default_text_limit_is_50000_characters(learner, client):
    assert post_work(client, "x" * 50_000).status_code == 302
    assert post_work(client, "x" * 50_001).status_code == 422
    assert len(submissions(learner.id)[0].text_md) == 50_000


@pytest.mark.parametrize(
    ("hostile", "forbidden"),
    [
        ("<script>alert('x')</script>", "<script"),
        ('<img src="x" onerror="alert(1)">', "<img"),
        ("[clic](javascript:alert(1))", "javascript:"),
        ('<a href="javascript:alert(1)">clic</a>', "<a "),
        ("<iframe src='https://evil.example'></iframe>", "<iframe"),
        ("[x](data:text/html;base64,PHNjcmlwdD4=)", "data:"),
    ],
)
def test_hostile_markdown_is_sanitised(learner, client, hostile, forbidden):
    post_work(client, f"Mon travail.\n\n{hostile}\n", submit=True)
    [work] = submissions(learner.id)
    assert work.text_md.endswith(hostile)  # the source is kept as written
    assert "Mon travail." in work.text_html
    assert forbidden not in work.text_html
    # The page shows the rendered work; nothing in it can run.
    assert active_content(client.get(PAGE).get_data(as_text=True)) == []


def test_the_active_content_finder_finds_what_it_looks_for():
    html = (
        '<script src="/static/js/practice.js"></script><script>x()</script>'
        '<img src="x" onerror="y()"><a href=" JavaScript:z()">a</a><iframe></iframe>'
    )
    assert active_content(html) == [
        "script",
        "img[onerror]",
        "a[href=javascript:z()]",
        "iframe",
    ]


def test_only_csrf_protected_posts_are_accepted(learner, client):
    response = client.post(PAGE, data={"text": "x", "save": "1"})
    assert response.status_code == 400
    assert submissions(learner.id) == []


def test_another_learners_work_is_separate(learner, client, auth):
    from tests.factories import make_user

    post_work(client, "Le travail de Camille.", submit=True)
    other = make_user(email="other@example.org")
    auth.logout()
    auth.login("other@example.org")
    html = client.get(PAGE).get_data(as_text=True)
    assert "Le travail de Camille." not in html
    assert post_work(client, "Le mien.").status_code == 302
    assert [s.text_md for s in submissions(other.id)] == ["Le mien."]
    assert db.session.scalar(db.select(db.func.count(PracticeAttachment.id))) == 0


def test_headings_written_in_work_and_feedback_stay_below_the_pages_headings(
    learner, trainer, client
):
    """The work is shown under the review page's <h2> and beside a version's <h3>, the
    feedback under an <h5>: a learner's "#" must not become an <h1> that breaks the
    pages' outline."""
    post_work(client, "# Mon diagnostic\n\nTexte.\n\n## Ressources\n\n### Détail\n", submit=True)
    [work] = submissions(learner.id)
    assert "<h3" in work.text_html and "<h4" in work.text_html and "<h5" in work.text_html
    assert "<h1" not in work.text_html and "<h2" not in work.text_html
    review = services.record_review(
        db.session, work, trainer, [4], ReviewDecision.ACCEPTED, "## Points forts\n\nBravo."
    )
    assert review.feedback_html.startswith("<h6") and "<h2" not in review.feedback_html
    page = client.get(PAGE).get_data(as_text=True)
    assert "Mon diagnostic" in page
    levels = [int(level) for level in re.findall(r"<h([1-6])", page)]
    # No heading jumps more than one level deeper than the one before it.
    assert all(b <= a + 1 for a, b in pairwise(levels)), levels
