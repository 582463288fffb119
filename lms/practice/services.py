"""Practical work use cases: show the assignment, save and submit work, review it.

The life of a learner's work on a module's practical assignment:

* the first save creates version 1 as a **draft**; while the latest version is a
  draft, saving updates it, and files can be attached or removed;
* **submitting** freezes the version (status submitted, `submitted_at` set): it
  waits for a trainer and the learner cannot change it;
* a trainer's review (`record_review`) either **accepts** the work, which is
  final, or asks for a new version (**needs_revision**); the learner's next save
  then creates version n+1, a draft starting from a copy of the reviewed text
  and files. Reviewed versions stay as they were, with their reviews.

Evidence for competencies comes from reviews only, never from submitting.
Each use case commits once; files are written before the commit and removed
again if it fails, and removed files are deleted only after the commit.
"""

from __future__ import annotations

import enum
import shutil
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload
from werkzeug.security import safe_join

from lms import access
from lms.competency.services import NewEvidence, record_evidence
from lms.content.rendering import render_markdown
from lms.i18n import N_
from lms.learning.progress import module_progress
from lms.learning.summary import refresh_learner_summary
from lms.models import (
    Competency,
    EvidenceSource,
    Module,
    Practice,
    PracticeAttachment,
    PracticeReview,
    PracticeSubmission,
    ReviewDecision,
    Role,
    SubmissionStatus,
    User,
)
from lms.models.base import utcnow
from lms.practice import rubric
from lms.practice.files import (
    CheckedFile,
    UploadPolicy,
    UploadRejected,
    check_count,
    check_file,
    new_stored_name,
)

# Learners and trainers write Markdown shown under the pages' own headings: the work under
# an <h2> (the review page) or beside a version's <h3>, the feedback under an <h5>. Their "#"
# headings start there, so that the pages' outline stays in order for screen readers.
WORK_HEADING_BASE = 3
FEEDBACK_HEADING_BASE = 6


class PracticeError(Exception):
    """A rule refused the request.

    `code` says which (``not_found``, ``awaiting_review``, ``accepted``, ``not_draft``,
    ``too_long``, ``empty``, ``upload``, ``not_submitted``, ``rubric``); `message` is an
    English msgid with %-placeholders filled from `params`, translated where it is shown.
    """

    def __init__(self, code: str, message: str, **params: object) -> None:
        super().__init__(message % params if params else message)
        self.code = code
        self.message = message
        self.params = params


# --- the editing rule -----------------------------------------------------------------------


class EditMode(enum.StrEnum):
    """What saving does, given the status of the learner's latest version."""

    START = "start"  # nothing yet: saving creates version 1
    UPDATE_DRAFT = "update_draft"  # the latest version is a draft: saving updates it
    NEW_VERSION = "new_version"  # a review asked for changes: saving creates version n+1
    AWAITING_REVIEW = "awaiting_review"  # submitted: locked until a trainer reviews it
    ACCEPTED = "accepted"  # accepted: final

    @property
    def can_edit(self) -> bool:
        """Whether the learner may save (and so submit) work now."""
        return self not in (EditMode.AWAITING_REVIEW, EditMode.ACCEPTED)


def edit_mode(latest_status: SubmissionStatus | None) -> EditMode:
    """The editing rule: what the learner may do after their latest version's status.

    Accepted work is final: a new version could not add a *distinct* practical work
    to the competency profile, and it would take the module back from "accepted".
    """
    if latest_status is None:
        return EditMode.START
    return {
        SubmissionStatus.DRAFT: EditMode.UPDATE_DRAFT,
        SubmissionStatus.NEEDS_REVISION: EditMode.NEW_VERSION,
        SubmissionStatus.SUBMITTED: EditMode.AWAITING_REVIEW,
        SubmissionStatus.ACCEPTED: EditMode.ACCEPTED,
    }[SubmissionStatus(latest_status)]


def _refuse_locked(mode: EditMode) -> None:
    if mode == EditMode.AWAITING_REVIEW:
        raise PracticeError(
            "awaiting_review",
            N_("Your work is submitted and awaits review: it cannot be changed until then."),
        )
    if mode == EditMode.ACCEPTED:
        raise PracticeError("accepted", N_("Your work has been accepted: it is final."))


# --- what pages and the API show --------------------------------------------------------------


@dataclass(frozen=True)
class CompetencyRef:
    """A competency the practical work gives evidence for."""

    code: str
    title: str


@dataclass(frozen=True)
class Assignment:
    """A module's practical assignment, ready to show."""

    module_id: int
    module_slug: str
    module_title: str
    practice_id: int
    title: str
    instructions_html: str
    competencies: list[CompetencyRef]
    rubric: list[dict[str, Any]]  # [{"criterion": str, "levels": [4 descriptors]}]


@dataclass(frozen=True)
class AttachmentInfo:
    """A file attached to a version."""

    id: int
    filename: str
    content_type: str
    size: int
    uploaded_at: datetime


@dataclass(frozen=True)
class CriterionRating:
    """The level a reviewer gave one criterion, with that level's descriptor."""

    criterion: str
    level: int
    descriptor: str


@dataclass(frozen=True)
class ReviewInfo:
    """A trainer's review of a version."""

    id: int
    decision: ReviewDecision
    score: float
    criteria: list[CriterionRating]
    feedback_html: str
    reviewer_name: str | None
    created_at: datetime


@dataclass(frozen=True)
class SubmissionInfo:
    """One version of the learner's work."""

    id: int
    version: int
    status: SubmissionStatus
    text_md: str
    text_html: str
    created_at: datetime
    updated_at: datetime
    submitted_at: datetime | None
    attachments: list[AttachmentInfo]
    reviews: list[ReviewInfo]


@dataclass(frozen=True)
class LearnerPractice:
    """The practice page's data: the assignment and the learner's versions, newest first."""

    assignment: Assignment
    submissions: list[SubmissionInfo] = field(default_factory=list)

    @property
    def current(self) -> SubmissionInfo | None:
        """The latest version (a draft, or the last one submitted)."""
        return self.submissions[0] if self.submissions else None

    @property
    def mode(self) -> EditMode:
        """What saving would do now."""
        return edit_mode(self.current.status if self.current else None)


def find_practice(session: Session, module_slug: str) -> Practice | None:
    """The practical assignment of a published module, or None."""
    return session.scalar(
        select(Practice)
        .join(Module, Practice.module_id == Module.id)
        .where(
            Module.slug == module_slug,
            Module.retired_at.is_(None),
            Practice.retired_at.is_(None),
        )
        .options(selectinload(Practice.module))
    )


def _assignment(session: Session, practice: Practice) -> Assignment:
    titles = dict(
        session.execute(
            select(Competency.code, Competency.title).where(
                Competency.code.in_(practice.competency_codes)
            )
        ).all()
    )
    return Assignment(
        module_id=practice.module.id,
        module_slug=practice.module.slug,
        module_title=practice.module.title,
        practice_id=practice.id,
        title=practice.title,
        instructions_html=practice.instructions_html,
        competencies=[
            CompetencyRef(code, titles[code])
            for code in practice.competency_codes
            if code in titles
        ],
        rubric=list(practice.rubric),
    )


def _descriptor(rubric_rows: Sequence[dict[str, Any]], criterion: str, level: int) -> str:
    for row in rubric_rows:
        if row.get("criterion") == criterion and 1 <= level <= len(row.get("levels", [])):
            return str(row["levels"][level - 1])
    return ""


def learner_practice(session: Session, user_id: int, module_slug: str) -> LearnerPractice | None:
    """The assignment of a module and all the learner's versions, or None without a practice.

    Three queries whatever the number of versions (attachments and reviews are
    loaded in bulk, reviewers' names in one go).
    """
    practice = find_practice(session, module_slug)
    if practice is None:
        return None
    assignment = _assignment(session, practice)
    rows = list(
        session.scalars(
            select(PracticeSubmission)
            .where(
                PracticeSubmission.user_id == user_id,
                PracticeSubmission.module_id == practice.module_id,
            )
            .order_by(PracticeSubmission.version.desc(), PracticeSubmission.id.desc())
            .options(
                selectinload(PracticeSubmission.attachments),
                selectinload(PracticeSubmission.reviews),
            )
        )
    )
    reviewer_ids = {r.reviewer_id for row in rows for r in row.reviews if r.reviewer_id}
    names: dict[int, str] = {}
    if reviewer_ids:
        names = dict(
            session.execute(select(User.id, User.name).where(User.id.in_(reviewer_ids))).all()
        )
    submissions = [
        SubmissionInfo(
            id=row.id,
            version=row.version,
            status=SubmissionStatus(row.status),
            text_md=row.text_md,
            text_html=row.text_html,
            created_at=row.created_at,
            updated_at=row.updated_at,
            submitted_at=row.submitted_at,
            attachments=[
                AttachmentInfo(a.id, a.filename, a.content_type, a.size, a.uploaded_at)
                for a in sorted(row.attachments, key=lambda a: a.id)
            ],
            reviews=[
                ReviewInfo(
                    id=review.id,
                    decision=ReviewDecision(review.decision),
                    score=review.score,
                    criteria=[
                        CriterionRating(
                            str(item["criterion"]),
                            int(item["level"]),
                            _descriptor(assignment.rubric, item["criterion"], int(item["level"])),
                        )
                        for item in review.criteria
                    ],
                    feedback_html=review.feedback_html,
                    reviewer_name=names.get(review.reviewer_id) if review.reviewer_id else None,
                    created_at=review.created_at,
                )
                for review in row.reviews
            ],
        )
        for row in rows
    ]
    return LearnerPractice(assignment, submissions)


# --- saving and submitting ------------------------------------------------------------------


@dataclass(frozen=True)
class Upload:
    """A file as received: the name the browser sent and its bytes."""

    filename: str
    data: bytes


def upload_policy() -> UploadPolicy:
    """The upload rules from the configuration (PRACTICE_* settings)."""
    return UploadPolicy.from_config(current_app.config)


def upload_dir() -> Path:
    """Where attachments are stored: UPLOAD_DIR, outside the web root."""
    return Path(current_app.config["UPLOAD_DIR"])


def max_text_chars() -> int:
    """The longest text a learner may write (PRACTICE_MAX_TEXT_CHARS)."""
    return int(current_app.config["PRACTICE_MAX_TEXT_CHARS"])


def normalise_text(text: str) -> str:
    """Browsers send CRLF line ends; the text is stored with LF and no trailing spaces."""
    return text.replace("\r\n", "\n").replace("\r", "\n").rstrip()


def check_uploads(
    uploads: Sequence[Upload], existing: int, policy: UploadPolicy
) -> list[tuple[CheckedFile, bytes]]:
    """Check every file, and their number, before anything is written (PracticeError if not)."""
    try:
        check_count(existing, len(uploads), policy)
        return [
            (check_file(upload.filename, upload.data, policy), upload.data) for upload in uploads
        ]
    except UploadRejected as error:
        raise PracticeError("upload", error.message, **error.params) from error


def _latest(session: Session, user_id: int, module_id: int) -> PracticeSubmission | None:
    return session.scalar(
        select(PracticeSubmission)
        .where(PracticeSubmission.user_id == user_id, PracticeSubmission.module_id == module_id)
        .order_by(PracticeSubmission.version.desc(), PracticeSubmission.id.desc())
        .limit(1)
        .options(selectinload(PracticeSubmission.attachments))
    )


class _FileWriter:
    """Writes files under the upload folder and can take them back if the commit fails."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.written: list[Path] = []

    def write(self, data: bytes) -> str:
        self.folder.mkdir(parents=True, exist_ok=True)
        name = new_stored_name()
        path = self.folder / name
        # "x": never overwrite a file, even if two random names ever met.
        with path.open("xb") as out:
            out.write(data)
        self.written.append(path)
        return name

    def copy(self, stored_name: str) -> str | None:
        source = self.folder / stored_name
        if not source.is_file():
            current_app.logger.warning("practice attachment file missing: %s", source)
            return None
        name = new_stored_name()
        target = self.folder / name
        shutil.copyfile(source, target)
        self.written.append(target)
        return name

    def undo(self) -> None:
        for path in self.written:
            path.unlink(missing_ok=True)


def save_work(
    session: Session,
    user_id: int,
    practice: Practice,
    *,
    text_md: str | None,
    uploads: Sequence[Upload] = (),
    submit: bool = False,
) -> PracticeSubmission:
    """Save the learner's work as a draft, or submit it for review, and commit.

    `text_md` None keeps the current text. Files are checked (type, content,
    size, number) before anything is written; on any refusal a PracticeError is
    raised and nothing is recorded. See the module docstring for the versions.
    """
    latest = _latest(session, user_id, practice.module_id)
    mode = edit_mode(latest.status if latest else None)
    _refuse_locked(mode)

    text = normalise_text(text_md if text_md is not None else (latest.text_md if latest else ""))
    limit = max_text_chars()
    if len(text) > limit:
        raise PracticeError(
            "too_long",
            N_("The text is too long: %(length)d characters, at most %(limit)d."),
            length=len(text),
            limit=limit,
        )
    carried = list(latest.attachments) if latest is not None else []
    checked = check_uploads(uploads, len(carried), upload_policy())
    if submit and not text.strip() and not carried and not checked:
        raise PracticeError("empty", N_("Write something or attach a file before submitting."))

    writer = _FileWriter(upload_dir())
    try:
        if mode == EditMode.UPDATE_DRAFT:
            assert latest is not None
            submission = latest
        else:
            submission = PracticeSubmission(
                user_id=user_id,
                module_id=practice.module_id,
                practice_id=practice.id,
                version=latest.version + 1 if latest is not None else 1,
                status=SubmissionStatus.DRAFT,
            )
            session.add(submission)
            for old in carried:  # a new version starts from the reviewed one's files
                stored = writer.copy(old.stored_name)
                if stored is not None:
                    submission.attachments.append(
                        PracticeAttachment(
                            filename=old.filename,
                            stored_name=stored,
                            content_type=old.content_type,
                            size=old.size,
                        )
                    )
        for checked_file, data in checked:
            submission.attachments.append(
                PracticeAttachment(
                    filename=checked_file.display_name,
                    stored_name=writer.write(data),
                    content_type=checked_file.content_type,
                    size=checked_file.size,
                )
            )
        now = utcnow()
        submission.text_md = text
        submission.text_html = render_markdown(text, heading_base=WORK_HEADING_BASE).html
        submission.updated_at = now
        if submit:
            submission.status = SubmissionStatus.SUBMITTED
            submission.submitted_at = now
        progress = module_progress(session, user_id, practice.module_id)
        progress.practice_status = str(submission.status)
        refresh_learner_summary(session, [user_id])
        session.commit()
    except BaseException:
        session.rollback()
        writer.undo()
        raise
    return submission


def remove_attachment(session: Session, user_id: int, attachment_id: int) -> str:
    """Remove a file from the learner's draft and commit; returns its display name.

    PracticeError ``not_found`` when it is not the learner's, ``not_draft`` when the
    version is submitted or reviewed (those keep their files). The file on disk is
    deleted after the commit, so a failed commit never loses a file still referenced.
    """
    attachment = session.scalar(
        select(PracticeAttachment)
        .join(PracticeSubmission, PracticeAttachment.submission_id == PracticeSubmission.id)
        .where(PracticeAttachment.id == attachment_id, PracticeSubmission.user_id == user_id)
    )
    if attachment is None:
        raise PracticeError("not_found", N_("This file does not exist."))
    submission = attachment.submission
    if submission.status != SubmissionStatus.DRAFT:
        raise PracticeError("not_draft", N_("Files can only be removed from a draft."))
    name, stored_name = attachment.filename, attachment.stored_name
    session.delete(attachment)
    submission.updated_at = utcnow()
    module_progress(session, user_id, submission.module_id)
    session.commit()
    (upload_dir() / stored_name).unlink(missing_ok=True)
    return name


# --- downloads ----------------------------------------------------------------------------------


def can_view_submission(user: User, submission: PracticeSubmission) -> bool:
    """Who may see a learner's work and download its files: the learner and admins.

    Trainers of the learner's cohorts and org admins of their organisation may too.
    """
    if not user.is_authenticated or not user.is_active:
        return False
    return (
        submission.user_id == user.id
        or user.role == Role.ADMIN
        or access.trains_learner(user, submission.user_id)
    )


@dataclass(frozen=True)
class Download:
    """A file to send: where it is on disk, its content type and the name to offer."""

    path: Path
    content_type: str
    filename: str


def attachment_download(session: Session, user: User, attachment_id: int) -> Download | None:
    """The file of an attachment `user` may see, or None (unknown, not theirs, or missing)."""
    attachment = session.get(PracticeAttachment, attachment_id)
    if attachment is None or not can_view_submission(user, attachment.submission):
        return None
    # stored_name is ours (random hex), but a path is only ever built inside the folder.
    joined = safe_join(str(upload_dir()), attachment.stored_name)
    if joined is None or not Path(joined).is_file():
        return None
    return Download(Path(joined), attachment.content_type, attachment.filename)


# --- reviews (called by the trainers' review page) -------------------------------------------


def record_review(
    session: Session,
    submission: PracticeSubmission,
    reviewer: User,
    criteria_levels: list[int],
    decision: ReviewDecision,
    feedback_md: str,
) -> PracticeReview:
    """Record a trainer's review of a submitted version, in one transaction, and commit.

    Checks one level (1-4) per rubric criterion, computes the score with
    lms.practice.rubric.rubric_score, stores the review, sets the version's
    status to the decision, updates the module's progress, and records PRACTICE
    evidence (that score) for each competency of the practice, dated when the
    learner submitted the work. Whoever calls it has checked that `reviewer`
    may review this learner's work. PracticeError when the version is not
    awaiting review (``not_submitted``) or the levels do not fit (``rubric``).
    """
    if submission.status != SubmissionStatus.SUBMITTED or submission.submitted_at is None:
        raise PracticeError(
            "not_submitted", N_("Only submitted work awaiting review can be reviewed.")
        )
    practice = submission.practice
    try:
        criteria = rubric.rated_criteria(practice.rubric, criteria_levels)
    except rubric.RubricError as error:
        raise PracticeError("rubric", str(error)) from error
    score = rubric.rubric_score(criteria_levels)
    decision = ReviewDecision(decision)
    feedback_md = normalise_text(feedback_md)
    review = PracticeReview(
        submission=submission,
        reviewer_id=reviewer.id,
        criteria=criteria,
        score=score,
        decision=decision,
        feedback_md=feedback_md,
        feedback_html=render_markdown(feedback_md, heading_base=FEEDBACK_HEADING_BASE).html,
    )
    session.add(review)
    submission.status = SubmissionStatus(str(decision))
    progress = module_progress(session, submission.user_id, submission.module_id)
    progress.practice_status = str(submission.status)
    session.flush()  # the review's id, for the evidence rows
    module_slug = submission.module.slug
    record_evidence(
        session,
        submission.user_id,
        [
            NewEvidence(
                competency_code=code,
                source=EvidenceSource.PRACTICE,
                score=score,
                occurred_at=submission.submitted_at,
                key=module_slug,
                module_id=submission.module_id,
                review_id=review.id,
                recorded_by_id=reviewer.id,
            )
            for code in practice.competency_codes
        ],
    )
    refresh_learner_summary(session, [submission.user_id])
    session.commit()
    return review


def attachment_paths_of(session: Session, user_id: int) -> list[Path]:
    """The files on disk of all a learner's attachments (for account deletion to remove)."""
    names = session.scalars(
        select(PracticeAttachment.stored_name)
        .join(PracticeSubmission, PracticeAttachment.submission_id == PracticeSubmission.id)
        .where(PracticeSubmission.user_id == user_id)
    )
    folder = upload_dir()
    return [folder / name for name in names]
