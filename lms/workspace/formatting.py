"""Numbers and reasons written for the reader: the page's locale, or plain English."""

from __future__ import annotations

from decimal import Decimal

from flask_babel import format_decimal
from flask_babel import gettext as _

from lms.workspace.reasons import Formatter


def _percent(value: float) -> str:
    return _("%(value)s %%", value=format_decimal(round(value, 1), "#,##0.#"))


def _money(value: int) -> str:
    return _("%(value)s €", value=format_decimal(value, "#,##0"))


def _fte(value: Decimal) -> str:
    return str(format_decimal(value, "#,##0.##"))


def _number(value: float) -> str:
    return str(format_decimal(round(value, 2), "#,##0.##"))


def page_formatter() -> Formatter:
    """The formatter for the current request's locale (call inside a request)."""
    return Formatter(translate=_, percent=_percent, money=_money, fte=_fte, number=_number)
