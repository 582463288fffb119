"""Role groups used by the per-area route tables (tests/integration/access_*.py)."""

from lms.models import Role

ALL = (Role.LEARNER, Role.TRAINER, Role.ORG_ADMIN, Role.ADMIN)
STAFF = (Role.TRAINER, Role.ORG_ADMIN, Role.ADMIN)
PUBLIC = "public"
