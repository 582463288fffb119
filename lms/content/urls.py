"""The addresses of course pages, built without a request (content is rendered at load time).

lms.courses.views registers routes matching these paths.
"""

from __future__ import annotations

from urllib.parse import quote


def module_url(module_slug: str) -> str:
    """The module's summary page."""
    return f"/modules/{quote(module_slug)}"


def section_url(module_slug: str, section_slug: str) -> str:
    """A section page of a module."""
    return f"/modules/{quote(module_slug)}/sections/{quote(section_slug)}"


def image_url(module_slug: str, relative_path: str) -> str:
    """An image of a module, from its `images/` folder (`images/x.png` -> /media/<slug>/x.png)."""
    name = relative_path.removeprefix("./").removeprefix("images/")
    return f"/media/{quote(module_slug)}/{quote(name)}"
