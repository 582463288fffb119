"""SQLAlchemy models, one module per area. Importing this package registers them all."""

from lms.models.account import ApiToken, Role, User
from lms.models.audit import AuditEvent
from lms.models.competency import CompetencyState, Evidence, EvidenceSource
from lms.models.content import (
    Competency,
    CourseVersion,
    Module,
    Practice,
    Question,
    ScaleLevel,
    Section,
    Theme,
)
from lms.models.learning import ModuleProgress, SectionProgress
from lms.models.organisation import Cohort, CohortMembership, CohortRole, Organisation
from lms.models.practice import (
    PracticeAttachment,
    PracticeReview,
    PracticeSubmission,
    ReviewDecision,
    SubmissionStatus,
)
from lms.models.quiz import Answer, Attempt, AttemptStatus

__all__ = [
    "Answer",
    "ApiToken",
    "Attempt",
    "AuditEvent",
    "AttemptStatus",
    "Cohort",
    "CohortMembership",
    "CohortRole",
    "Competency",
    "CompetencyState",
    "CourseVersion",
    "Evidence",
    "EvidenceSource",
    "Module",
    "ModuleProgress",
    "Organisation",
    "Practice",
    "PracticeAttachment",
    "PracticeReview",
    "PracticeSubmission",
    "Question",
    "ReviewDecision",
    "Role",
    "ScaleLevel",
    "Section",
    "SubmissionStatus",
    "Theme",
    "User",
]
