"""SQLAlchemy models, one module per area. Importing this package registers them all."""

from lms.models.account import ApiToken, Role, User
from lms.models.organisation import Cohort, CohortMembership, CohortRole, Organisation

__all__ = [
    "ApiToken",
    "Cohort",
    "CohortMembership",
    "CohortRole",
    "Organisation",
    "Role",
    "User",
]
