"""CSV cells that a spreadsheet will not run as formulas (CSV injection), shared by every export."""

from __future__ import annotations

from typing import Any

# A cell starting with one of these would be read as a formula by Excel or LibreOffice.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: Any) -> Any:
    """A value as written in a cell: formula-like text gets a leading apostrophe;
    numbers are left alone and None becomes an empty cell."""
    if value is None:
        return ""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value
