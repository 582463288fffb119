"""The workspace's data as CSV tables, and reading a JSON export back.

CSV columns are the schema's field names (stable, English) and values are plain
(decimal point, no thousands separator), so the files load in a spreadsheet or a
script alike. Text that a spreadsheet would run as a formula is neutralised.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Iterable
from typing import Any

from lms.csvsafe import safe_cell
from lms.i18n import N_
from lms.workspace.analysis import Analysis
from lms.workspace.method import suggested_priority
from lms.workspace.schemas import WorkspaceData

#: The largest JSON file accepted for import.
MAX_IMPORT_BYTES = 2 * 1024 * 1024


def _safe(value: Any) -> Any:
    """Cells starting with = + - @ (or a tab / return) would run as formulas in a spreadsheet."""
    if isinstance(value, str):
        return safe_cell(value)
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return round(value, 4)
    return value


def _write(header: list[str], rows: Iterable[Iterable[Any]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow([_safe(value) for value in row])
    return out.getvalue()


def _activities(data: WorkspaceData, analysis: Analysis) -> str:
    header = [
        "year",
        "name",
        "description",
        "costs",
        "budget",
        "revenue",
        "staff_fte",
        "volunteer_hours",
        "self_financing_pct",
        "coverage_pct",
    ]
    rows = [
        [
            entry.year,
            a.name,
            a.description,
            a.costs,
            a.budget,
            a.revenue,
            a.staff_fte,
            a.volunteer_hours,
            figures.self_financing,
            figures.coverage,
        ]
        for entry, indicators in zip(data.years, analysis.years, strict=True)
        for a, figures in zip(entry.activities, indicators.activities, strict=True)
    ]
    return _write(header, rows)


def _resources(data: WorkspaceData, analysis: Analysis) -> str:
    header = [
        "year",
        "label",
        "family",
        "funder",
        "amount",
        "multi_year",
        "public_policy",
        "share_pct",
    ]
    rows = [
        [
            entry.year,
            r.label,
            r.family.value,
            r.funder,
            r.amount,
            r.multi_year,
            r.public_policy,
            r.amount * 100 / indicators.total_resources if indicators.total_resources else None,
        ]
        for entry, indicators in zip(data.years, analysis.years, strict=True)
        for r in entry.resources
    ]
    return _write(header, rows)


def _human_riches(data: WorkspaceData, analysis: Analysis) -> str:
    fields = list(type(data.years[0].human_riches).model_fields) if data.years else []
    header = ["year", *fields, "volunteer_fte", "total_fte"]
    rows = [
        [
            entry.year,
            *(getattr(entry.human_riches, name) for name in fields),
            indicators.human.volunteer_fte,
            indicators.human.total_fte,
        ]
        for entry, indicators in zip(data.years, analysis.years, strict=True)
    ]
    return _write(header, rows)


def _alliances(data: WorkspaceData, analysis: Analysis) -> str:
    header = ["year", "partner", "kind", "form", "they_bring", "we_bring"]
    rows = [
        [entry.year, a.partner, a.kind.value, a.form.value, a.they_bring, a.we_bring]
        for entry in data.years
        for a in entry.alliances
    ]
    return _write(header, rows)


def _levers(data: WorkspaceData, analysis: Analysis) -> str:
    header = [
        "title",
        "pillar",
        "description",
        "impact",
        "feasibility",
        "suggested_priority",
        "decision",
    ]
    rows = [
        [
            lever.title,
            lever.pillar.value,
            lever.description,
            lever.impact,
            lever.feasibility,
            suggested_priority(lever.impact, lever.feasibility).value,
            lever.decision.value,
        ]
        for lever in data.method.levers
    ]
    return _write(header, rows)


def _trajectory(data: WorkspaceData, analysis: Analysis) -> str:
    header = ["year", "title", "actions", "indicator", "decision_point"]
    rows = [
        [m.year, m.title, m.actions, m.indicator, m.decision_point] for m in data.method.trajectory
    ]
    return _write(header, rows)


def _indicators(data: WorkspaceData, analysis: Analysis) -> str:
    rows: list[list[Any]] = []
    for year in analysis.years:
        largest = year.concentration.largest
        values: list[tuple[str, Any]] = [("total_resources", year.total_resources)]
        values += [(f"share_{row.family.value}", row.share) for row in year.families]
        values += [(f"share_{row.group.value}", row.share) for row in year.groups]
        values += [
            ("largest_funder", largest.funder if largest else None),
            ("largest_funder_share", largest.share if largest else None),
            ("funder_hhi", year.concentration.funder_hhi),
            ("family_hhi", year.concentration.family_hhi),
            ("multi_year_share", year.multi_year_share),
            ("balance", year.balance),
            ("employees_fte", year.human.parts[0].fte),
            ("volunteer_fte", year.human.volunteer_fte),
            ("total_fte", year.human.total_fte),
            ("alliances_total", year.alliances.total),
        ]
        values += [(f"alliances_{form.value}", n) for form, n in year.alliances.by_form.items()]
        rows += [[year.year, name, value] for name, value in values]
    return _write(["year", "indicator", "value"], rows)


CSV_TABLES: dict[str, Callable[[WorkspaceData, Analysis], str]] = {
    "activities": _activities,
    "resources": _resources,
    "human-riches": _human_riches,
    "alliances": _alliances,
    "levers": _levers,
    "trajectory": _trajectory,
    "indicators": _indicators,
}


def csv_table(table: str, data: WorkspaceData, analysis: Analysis) -> str:
    """One of CSV_TABLES as CSV text."""
    return CSV_TABLES[table](data, analysis)


def read_json(upload: Any) -> tuple[Any, str | None]:
    """The JSON value of an uploaded file, or a problem (an English msgid) and None."""
    if upload is None or not getattr(upload, "filename", ""):
        return None, N_("Choose a JSON file exported from a workspace.")
    body = upload.stream.read(MAX_IMPORT_BYTES + 1)
    if len(body) > MAX_IMPORT_BYTES:
        return None, N_("The file is too large for a workspace export (2 MB at most).")
    try:
        value = json.loads(body.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        return None, N_("This file is not valid JSON.")
    if not isinstance(value, dict):
        return None, N_("This JSON is not a workspace export.")
    return value, None
