"""Routes of the course pages and the courses API (see test_access.py).

The catalogue and the lesson images are public; reading pages, search and the
API are for every signed-in role (trainers and admins read the course too).
"""

from lms.models import Role
from tests.access_roles import ALL, PUBLIC

ROUTES: dict[str, tuple[str, str, tuple[Role, ...] | str]] = {
    "courses.catalogue": ("GET", "/modules", PUBLIC),
    "courses.media": ("GET", "/media/{module}/schema.png", PUBLIC),
    "courses.module": ("GET", "/modules/{module}", ALL),
    "courses.section": ("GET", "/modules/{module}/sections/{section}", ALL),
    "courses.mark_read": ("POST", "/modules/{module}/sections/{section}/read", ALL),
    "courses.print_module": ("GET", "/modules/{module}/print", ALL),
    "courses.search": ("GET", "/search?q=piliers", ALL),
    "api.list_modules": ("GET", "/api/v1/modules", ALL),
    "api.get_module": ("GET", "/api/v1/modules/{module}", ALL),
    "api.mark_section_read": ("POST", "/api/v1/modules/{module}/sections/{section}/read", ALL),
}
