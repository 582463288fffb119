"""SQLAlchemy models, one module per area. Importing this package registers them all."""

from lms.models.account import ApiToken, Role, User
from lms.models.audit import AuditEvent
from lms.models.certification import (
    Certificate,
    CertificateEvent,
    CertificateEventKind,
    CertificationProgramme,
    IssueMode,
    OrganisationKey,
    ProgrammeModule,
    ProgrammeRequirement,
    RenewalBasis,
)
from lms.models.cohorts import CohortModule
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
from lms.models.learning import LearnerSummary, ModuleProgress, SectionProgress
from lms.models.organisation import Cohort, CohortMembership, CohortRole, Organisation
from lms.models.practice import (
    PracticeAttachment,
    PracticeReview,
    PracticeSubmission,
    ReviewDecision,
    SubmissionStatus,
)
from lms.models.quiz import Answer, Attempt, AttemptStatus, QuestionSnapshot
from lms.models.workspace import (
    Workspace,
    WorkspaceChange,
    WorkspaceMember,
    WorkspaceShare,
    WorkspaceSnapshot,
)
from lms.models.xapi import XapiStatement

__all__ = [
    "Answer",
    "ApiToken",
    "Attempt",
    "AttemptStatus",
    "AuditEvent",
    "Certificate",
    "CertificateEvent",
    "CertificateEventKind",
    "CertificationProgramme",
    "Cohort",
    "CohortMembership",
    "CohortModule",
    "CohortRole",
    "Competency",
    "CompetencyState",
    "CourseVersion",
    "Evidence",
    "EvidenceSource",
    "IssueMode",
    "LearnerSummary",
    "Module",
    "ModuleProgress",
    "Organisation",
    "OrganisationKey",
    "Practice",
    "PracticeAttachment",
    "PracticeReview",
    "PracticeSubmission",
    "ProgrammeModule",
    "ProgrammeRequirement",
    "Question",
    "QuestionSnapshot",
    "RenewalBasis",
    "ReviewDecision",
    "Role",
    "ScaleLevel",
    "Section",
    "SectionProgress",
    "SubmissionStatus",
    "Theme",
    "User",
    "Workspace",
    "WorkspaceChange",
    "WorkspaceMember",
    "WorkspaceShare",
    "WorkspaceSnapshot",
    "XapiStatement",
]
