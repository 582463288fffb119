"""Routes of the foundation: home, sign-in, account, administration, API base.

Each entry: endpoint -> (method, path, roles allowed or PUBLIC). Paths may use
{self_id} (a user of the caller's organisation), {other_id} (a user of another
organisation for refusals), {org_id}, and {module} / {section} (a module and a
section of the fixture course, loaded when a path uses them).
"""

from lms.models import Role
from tests.access_roles import ALL, PUBLIC

# endpoint: (method, path, roles allowed | PUBLIC)
ROUTES: dict[str, tuple[str, str, tuple[Role, ...] | str]] = {
    "main.index": ("GET", "/", PUBLIC),
    "main.healthz": ("GET", "/healthz", PUBLIC),
    "main.set_language": ("POST", "/language/en", PUBLIC),
    "auth.login": ("GET", "/login", PUBLIC),
    "auth.register": ("GET", "/register", PUBLIC),
    "auth.reset_request": ("GET", "/reset", PUBLIC),
    "auth.reset_password": ("GET", "/reset/invalid", PUBLIC),
    "auth.logout": ("POST", "/logout", ALL),
    "account.index": ("GET", "/account/", ALL),
    "account.create_token": ("POST", "/account/tokens", ALL),
    "account.revoke_token": ("POST", "/account/tokens/999/revoke", ALL),
    "account.join": ("POST", "/account/join", ALL),
    "account.export": ("GET", "/account/export.json", ALL),
    "account.delete": ("POST", "/account/delete", ALL),
    "admin.users": ("GET", "/admin/users", (Role.ORG_ADMIN, Role.ADMIN)),
    "admin.user_new": ("GET", "/admin/users/new", (Role.ORG_ADMIN, Role.ADMIN)),
    "admin.user_edit": ("GET", "/admin/users/{self_id}/edit", (Role.ORG_ADMIN, Role.ADMIN)),
    "admin.user_deactivate": (
        "POST",
        "/admin/users/{other_id}/deactivate",
        (Role.ORG_ADMIN, Role.ADMIN),
    ),
    "admin.organisations": ("GET", "/admin/organisations", (Role.ADMIN,)),
    "admin.organisation_new": ("GET", "/admin/organisations/new", (Role.ADMIN,)),
    "admin.organisation_edit": ("GET", "/admin/organisations/{org_id}/edit", (Role.ADMIN,)),
    "api.create_token": ("POST", "/api/v1/auth/token", PUBLIC),
    "api.me": ("GET", "/api/v1/me", ALL),
    "api.openapi": ("GET", "/api/v1/openapi.json", PUBLIC),
}
