"""Files over a feature's own limit get a form error naming it, and nothing is recorded.

The whole request is capped by MAX_CONTENT_LENGTH (413, test_malformed_requests.py);
under that cap, the learners CSV and the workspace JSON have smaller limits of their
own. (Practical work files: tests/integration/practice/test_practice_files.py.)
"""

from __future__ import annotations

import io
import json

from lms.cohorts import csv_import
from lms.extensions import db
from lms.models import CohortRole, Role, User
from lms.workspace import exports
from tests.conftest import csrf_token
from tests.factories import enrol, make_cohort, make_org, make_user
from tests.integration.workspace.example import ressourcerie_document
from tests.integration.workspace.helpers import make_workspace, stored


def test_a_learners_csv_over_its_limit_is_refused(app_ctx, client, auth, monkeypatch):
    monkeypatch.setattr(csv_import, "MAX_FILE_BYTES", 1024)
    org = make_org()
    cohort = make_cohort(org)
    trainer = make_user(Role.TRAINER, org, email="trainer@example.org")
    trainer.locale = "en"  # the message as written in the code, whatever the catalogue says
    enrol(cohort, trainer, CohortRole.TRAINER)
    auth.login("trainer@example.org")
    path = f"/cohorts/{cohort.id}/import"
    lines = "".join(f"person{n}@example.org;Person {n};\n" for n in range(100))
    response = client.post(
        path,
        data={
            "csrf_token": csrf_token(client, path),
            "file": (io.BytesIO(("email;name;role\n" + lines).encode()), "learners.csv"),
        },
        content_type="multipart/form-data",
    )
    assert response.status_code in (200, 422)
    assert "larger than 1 KB" in response.get_data(as_text=True)
    assert db.session.scalar(db.select(User).where(User.email == "person1@example.org")) is None


def test_a_workspace_import_over_its_limit_is_refused(app_ctx, client, auth, monkeypatch):
    monkeypatch.setattr(exports, "MAX_IMPORT_BYTES", 1024)
    owner = make_user(org=make_org(), email="owner@example.org")
    workspace_id = make_workspace(owner)
    before = stored(workspace_id).dump()
    document = ressourcerie_document()
    document["method"]["ambition"] = "Remplacée par un fichier trop gros."
    auth.login("owner@example.org")
    path = f"/workspace/{workspace_id}/import"
    response = client.post(
        path,
        data={
            "csrf_token": csrf_token(client, path),
            "file": (io.BytesIO(json.dumps(document).encode()), "modele.json"),
            "confirm": "y",
        },
        content_type="multipart/form-data",
    )
    assert response.status_code == 422
    assert stored(workspace_id).dump() == before
