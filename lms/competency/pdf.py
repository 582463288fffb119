"""The profile as a PDF file (fpdf2), for learners who want to keep or send it.

Text is written with DejaVu Sans, shipped in lms/static/fonts (Bitstream Vera
licence, see LICENSE-DejaVu.txt), so that accents and typographic characters
print on any machine. The PDF holds the same data as the printable page: the
levels by theme, the self-assessment, the largest gaps, and the scale.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from flask_babel import format_date
from flask_babel import gettext as _
from fpdf import FPDF
from fpdf.fonts import FontFace

from lms.competency.profile import ScaleEntry
from lms.competency.services import ProfileView

FONT_FILE = Path(__file__).resolve().parent.parent / "static" / "fonts" / "DejaVuSans.ttf"
FONT = "DejaVuSans"
BRAND = (29, 92, 99)  # --brand of escales.css
LIGHT = (236, 232, 220)


def _level_text(level: int | None, scale: dict[int, ScaleEntry]) -> str:
    if level is None:
        return "—"
    entry = scale.get(level)
    return f"{level} · {entry.label}" if entry else str(level)


def profile_pdf(
    profile: ProfileView,
    *,
    learner_name: str,
    framework_title: str | None,
    on: date,
) -> bytes:
    """The learner's profile as PDF bytes (A4, one table per theme)."""
    pdf = FPDF(format="A4")
    pdf.set_title(_("Competency profile") + f" — {learner_name}")
    pdf.set_author("Escales")
    pdf.set_creator("Escales")
    pdf.add_font(FONT, fname=str(FONT_FILE))
    pdf.set_margins(15, 15, 15)
    pdf.set_auto_page_break(True, margin=15)
    pdf.add_page()
    width = pdf.epw

    pdf.set_font(FONT, size=18)
    pdf.set_text_color(*BRAND)
    pdf.multi_cell(width, 9, _("Competency profile"), new_x="LMARGIN", new_y="NEXT")
    pdf.set_text_color(0, 0, 0)
    pdf.set_font(FONT, size=12)
    pdf.multi_cell(width, 7, learner_name, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(FONT, size=9)
    lines = [_("Generated on %(date)s", date=format_date(on, "long"))]
    if framework_title:
        lines.insert(0, framework_title)
    pdf.multi_cell(width, 5, "\n".join(lines), new_x="LMARGIN", new_y="NEXT")

    # No bold face is shipped: headings stand out by size and colour instead.
    headings = FontFace(emphasis="", fill_color=LIGHT)
    for theme, rows in profile.groups:
        pdf.ln(4)
        pdf.set_font(FONT, size=13)
        pdf.set_text_color(*BRAND)
        pdf.multi_cell(width, 7, theme.title, new_x="LMARGIN", new_y="NEXT")
        pdf.set_text_color(0, 0, 0)
        pdf.set_font(FONT, size=9)
        with pdf.table(
            col_widths=(50, 20, 20, 10),
            headings_style=headings,
            text_align=("LEFT", "LEFT", "LEFT", "RIGHT"),
            line_height=5,
        ) as table:
            table.row([_("Competency"), _("Level"), _("Self-assessment"), _("Evidence")])
            for row in rows:
                table.row(
                    [
                        f"{row.code} — {row.title}",
                        _level_text(row.level, profile.scale),
                        _level_text(row.self_level, profile.scale),
                        str(row.evidence_count),
                    ]
                )

    if profile.gaps:
        pdf.ln(4)
        pdf.set_font(FONT, size=13)
        pdf.set_text_color(*BRAND)
        pdf.multi_cell(width, 7, _("Largest gaps"), new_x="LMARGIN", new_y="NEXT")
        pdf.set_text_color(0, 0, 0)
        pdf.set_font(FONT, size=9)
        for row in profile.gaps:
            text = _(
                "%(code)s: self-assessment %(self_level)s, level %(level)s.",
                code=row.code,
                self_level=row.self_level,
                level=row.level,
            )
            pdf.multi_cell(width, 5, "• " + text, new_x="LMARGIN", new_y="NEXT")

    pdf.ln(4)
    pdf.set_font(FONT, size=13)
    pdf.set_text_color(*BRAND)
    pdf.multi_cell(width, 7, _("The scale"), new_x="LMARGIN", new_y="NEXT")
    pdf.set_text_color(0, 0, 0)
    pdf.set_font(FONT, size=9)
    for entry in profile.scale.values():
        text = f"{entry.level} · {entry.label}" + (
            f" — {entry.description}" if entry.description else ""
        )
        pdf.multi_cell(width, 5, text, new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())
