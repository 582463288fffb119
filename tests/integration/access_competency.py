"""Routes of the competency area: the framework (public), my profile, my evidence, the API.

Every signed-in user has a profile of their own; none of these routes shows
anyone else's data (tests/integration/competency/test_profile_page.py).
"""

from lms.models import Role
from tests.access_roles import ALL, PUBLIC

# endpoint: (method, path, roles allowed | PUBLIC)
ROUTES: dict[str, tuple[str, str, tuple[Role, ...] | str]] = {
    "competency.framework": ("GET", "/framework", PUBLIC),
    "competency.profile": ("GET", "/profile", ALL),
    "competency.print_profile": ("GET", "/profile/print", ALL),
    "competency.profile_pdf": ("GET", "/profile.pdf", ALL),
    "competency.self_assessment": ("GET", "/profile/self-assessment", ALL),
    # TST-01 is a competency of the fixture course; "{module}" in the path makes the
    # access tests load that course (the query string itself is ignored by the page).
    "competency.evidence": ("GET", "/profile/competencies/TST-01?from={module}", ALL),
    "api.my_profile": ("GET", "/api/v1/me/profile", ALL),
    "api.my_evidence": ("GET", "/api/v1/me/evidence", ALL),
    "api.update_my_self_assessment": ("PUT", "/api/v1/me/self-assessment", ALL),
}
