"""Routes of the interop area: API reference, CASE export, xAPI statements.

{cohort_id} is a cohort of the caller's organisation (made by `placeholders`); org admins
come first among its roles because they follow every cohort of their organisation.
Finer refusals (a trainer of another cohort, another learner) are tested in
tests/integration/interop/test_xapi_export.py.
"""

from __future__ import annotations

from lms.models import Organisation, Role
from tests.access_roles import ALL, PUBLIC

# endpoint: (method, path, roles allowed | PUBLIC)
ROUTES: dict[str, tuple[str, str, tuple[Role, ...] | str]] = {
    "interop.api_docs": ("GET", "/api/docs", PUBLIC),
    "interop.my_statements": ("GET", "/xapi/statements.json", ALL),
    "interop.cohort_statements": (
        "GET",
        "/xapi/cohorts/{cohort_id}/statements.json",
        (Role.ORG_ADMIN, Role.TRAINER, Role.ADMIN),
    ),
    "api.framework_case": ("GET", "/api/v1/framework/case.json", PUBLIC),
    "api.xapi_statements": ("GET", "/api/v1/xapi/statements", ALL),
}


def placeholders(org: Organisation) -> dict[str, object]:
    """A cohort of `org`."""
    from tests.factories import make_cohort

    return {"cohort_id": make_cohort(org).id}
