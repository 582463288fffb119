"""Which file names the lesson image route serves (lms/courses/media.py)."""

from __future__ import annotations

import pytest

from lms.courses.media import is_lesson_image


@pytest.mark.parametrize("name", ["schema.png", "carte.JPG", "a/b.webp", "photo.jpeg", "x.gif"])
def test_images_are_served(name):
    assert is_lesson_image(name)


@pytest.mark.parametrize(
    "name",
    [
        "",
        "../module.yaml",
        "a/../../quiz.yaml",
        "/etc/passwd.png",
        "..\\secret.png",
        ".cache.png",
        "dessin.svg",
        "page.html",
        "module.yaml",
        "images/./x.png/..",
    ],
)
def test_anything_else_is_refused(name):
    assert not is_lesson_image(name)
