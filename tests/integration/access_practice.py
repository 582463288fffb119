"""Routes of the practice area: a module's practical work, its files, its API.

Every signed-in role may open a practice page and work on it (their own work
only); downloads are limited per file by can_view_submission (tested in
tests/integration/practice/test_practice_files.py).
"""

from lms.models import Role
from tests.access_roles import ALL

ROUTES: dict[str, tuple[str, str, tuple[Role, ...] | str]] = {
    "practice.show": ("GET", "/modules/{module}/practice", ALL),
    "practice.remove_attachment": (
        "POST",
        "/modules/{module}/practice/attachments/999/delete",
        ALL,
    ),
    "practice.download": ("GET", "/practice/attachments/999", ALL),
    "api.get_practice": ("GET", "/api/v1/modules/{module}/practice", ALL),
    "api.put_practice": ("PUT", "/api/v1/modules/{module}/practice", ALL),
}
