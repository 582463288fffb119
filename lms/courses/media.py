"""Which files of a module's `images/` folder may be served (a pure rule)."""

from __future__ import annotations

from pathlib import PurePosixPath

#: The formats authoring.md allows; never SVG or HTML, which could carry scripts.
IMAGE_EXTENSIONS = frozenset({".png", ".jpg", ".jpeg", ".gif", ".webp"})


def is_lesson_image(filename: str) -> bool:
    """True for a plain image file name: an allowed extension, no hidden file, no folder escape."""
    path = PurePosixPath(filename)
    if not filename or "\\" in filename or path.is_absolute():
        return False
    if any(part in ("", ".", "..") or part.startswith(".") for part in path.parts):
        return False
    return path.suffix.lower() in IMAGE_EXTENSIONS
