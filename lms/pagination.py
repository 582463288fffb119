"""Offset pagination for HTML lists (the API uses cursors)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import current_app
from sqlalchemy import Select, func, select

from lms.extensions import db


@dataclass(frozen=True)
class Page:
    """One page of results and where it sits."""

    items: list[Any]
    number: int
    size: int
    total: int

    @property
    def pages(self) -> int:
        """How many pages there are (at least one)."""
        return max(1, -(-self.total // self.size))

    @property
    def has_prev(self) -> bool:
        return self.number > 1

    @property
    def has_next(self) -> bool:
        return self.number < self.pages


def paginate(query: Select[Any], number: int, size: int | None = None) -> Page:
    """Run `query` for page `number` (from 1); two queries whatever the page size."""
    size = size or current_app.config["PAGE_SIZE"]
    number = max(1, number)
    total = db.session.scalar(select(func.count()).select_from(query.order_by(None).subquery()))
    items = list(db.session.scalars(query.limit(size).offset((number - 1) * size)))
    return Page(items=items, number=number, size=size, total=total or 0)
