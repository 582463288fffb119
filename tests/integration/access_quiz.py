"""Routes of the quiz area: any signed-in person may take a quiz; attempts are their own.

An attempt belongs to one learner: anyone else gets 404 for it (tested in
tests/integration/quiz/test_taking_a_quiz.py), whatever their role.
"""

from lms.models import Role
from tests.access_roles import ALL

# endpoint: (method, path, roles allowed | PUBLIC)
ROUTES: dict[str, tuple[str, str, tuple[Role, ...] | str]] = {
    "quiz.start_or_resume": ("GET", "/modules/{module}/quiz", ALL),
    "quiz.start_attempt": ("POST", "/modules/{module}/quiz/attempts", ALL),
    "quiz.show_attempt": ("GET", "/modules/{module}/quiz/attempts/1", ALL),
    "quiz.answer_attempt": ("POST", "/modules/{module}/quiz/attempts/1", ALL),
    "api.get_module_quiz": ("GET", "/api/v1/modules/{module}/quiz", ALL),
    "api.submit_module_attempt": ("POST", "/api/v1/modules/{module}/attempts", ALL),
    "api.list_my_attempts": ("GET", "/api/v1/me/attempts", ALL),
}
