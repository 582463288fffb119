"""How the cohort pages and reports word statuses and reasons (translated when called)."""

from __future__ import annotations

from flask_babel import format_date, gettext, ngettext

from lms.cohorts.rules import RiskKind, RiskReason
from lms.i18n import N_

PRACTICE_STATUS = {
    "": "—",
    "none": N_("Not started"),
    "draft": N_("Draft"),
    "submitted": N_("To review"),
    "accepted": N_("Accepted"),
    "needs_revision": N_("New version requested"),
}

RISK_FILTERS = {
    "all": N_("All learners"),
    "at_risk": N_("At risk (any reason)"),
    "inactive": N_("Inactive"),
    "quiz_failed": N_("Quiz failed twice"),
    "overdue": N_("Behind a due date"),
    "to_review": N_("Practical work to review"),
}

SOURCES = {
    "lesson": N_("Lessons read"),
    "quiz": N_("Quiz answer"),
    "practice": N_("Practical work reviewed"),
    "rating": N_("Trainer rating"),
    "self": N_("Self-assessment"),
}


def practice_status(status: str) -> str:
    """The words for a practical work status."""
    return gettext(PRACTICE_STATUS.get(status, status))


def practice_statuses() -> dict[str, str]:
    """Every practical work status and its words, translated once (for long tables)."""
    return {status: gettext(words) for status, words in PRACTICE_STATUS.items()}


def reason(item: RiskReason) -> str:
    """One reason a learner is at risk, as a sentence fragment."""
    if item.kind == RiskKind.INACTIVE:
        days = item.days or 0
        return ngettext("No activity for %(num)d day", "No activity for %(num)d days", days)
    if item.kind == RiskKind.QUIZ_FAILED:
        return gettext(
            "Quiz of “%(module)s” failed %(count)d times",
            module=item.module_title or "",
            count=item.failures or 0,
        )
    return gettext(
        "“%(module)s” not completed by %(date)s",
        module=item.module_title or "",
        date=format_date(item.due_on) if item.due_on else "",
    )


def reasons(items: list[RiskReason]) -> str:
    """All of a learner's reasons, in one line."""
    return "; ".join(reason(item) for item in items)
