"""Lesson images /media/<module>/<file>: served from the module's images/ folder, nothing else."""

from __future__ import annotations

import pytest

from tests.conftest import FIXTURE_COURSE
from tests.integration.courses.conftest import load_changed_course


def test_an_image_of_the_module_is_served(app_ctx, client, course, fixture_images):
    with client.get("/media/premier-module/schema.png") as response:
        assert response.status_code == 200
        assert response.mimetype == "image/png"
        assert response.data.startswith(b"\x89PNG")
        assert "max-age" in response.headers["Cache-Control"]


@pytest.mark.parametrize(
    "path",
    [
        "/media/premier-module/absente.png",  # unknown file
        "/media/nulle-part/schema.png",  # unknown module
        "/media/second-module/schema.png",  # another module's image
        "/media/premier-module/..%2Fmodule.yaml",  # traversal, encoded
        "/media/premier-module/..%2F01-introduction.md",
        "/media/premier-module/..%2F..%2F..%2Fframework.yaml",
        "/media/premier-module/%2Fetc%2Fpasswd",
        "/media/premier-module/images%2F..%2F..%2Fquiz.png",
    ],
)
def test_anything_else_is_404(app_ctx, client, course, fixture_images, path):
    # Werkzeug first merges a doubled slash with a redirect; the end is the same.
    assert client.get(path, follow_redirects=True).status_code == 404


def test_images_of_a_retired_module_are_no_longer_served(
    app_ctx, client, course, fixture_images, tmp_path
):
    second = (FIXTURE_COURSE / "alpha/02-deuxieme/module.yaml").read_text(encoding="utf-8")
    load_changed_course(
        tmp_path,
        rename={"alpha/01-premier-module": "alpha/01-renomme"},
        write={"alpha/02-deuxieme/module.yaml": second.replace("premier-module", "renomme")},
    )
    assert client.get("/media/premier-module/schema.png").status_code == 404
