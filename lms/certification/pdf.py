"""The printable certificate: one A4 landscape page, French or English, with a QR code.

fpdf2's core fonts (Helvetica here) cover Latin-1 only. French needs nothing more
(é, è, à, ç, «, » are Latin-1), but names and programme titles may contain
typographic apostrophes, œ, dashes or other scripts: `latin1_safe` replaces the
common ones by their plain equivalents and drops what has no Latin-1 form, so a
certificate is always produced (the verification page shows the exact text).
Embedding a TTF font would avoid this but would add a font file to maintain;
docs/certification.md records the choice.
"""

from __future__ import annotations

import io
import unicodedata
from dataclasses import dataclass
from datetime import datetime

import segno
from flask_babel import force_locale, format_date, gettext
from fpdf import FPDF

# Characters outside Latin-1 that have an obvious plain replacement.
_REPLACEMENTS = {
    "\u2018": "'",
    "\u2019": "'",
    "\u201a": "'",
    "\u2032": "'",
    "\u201c": '"',
    "\u201d": '"',
    "\u201e": '"',
    "\u2013": "-",
    "\u2014": "-",
    "\u2212": "-",
    "\u2026": "...",
    "\u2022": "-",
    "\u0153": "oe",
    "\u0152": "OE",
    "\u0178": "Y",
    "\u0141": "L",
    "\u0142": "l",
    "\u0110": "D",
    "\u0111": "d",
    "\u20ac": "EUR",
    "\u2009": " ",
    "\u202f": " ",
    "\u2007": " ",
}


def latin1_safe(text: str) -> str:
    """`text` with every character representable in Latin-1 (the core PDF fonts)."""
    out = []
    for char in text:
        if char in _REPLACEMENTS:
            out.append(_REPLACEMENTS[char])
            continue
        if ord(char) < 256:
            out.append(char)
            continue
        # Letters with accents outside Latin-1 (ł, ő, ș...) keep their base letter.
        base = unicodedata.normalize("NFKD", char).encode("latin-1", "ignore").decode("latin-1")
        out.append(base or "?")
    return "".join(out)


@dataclass(frozen=True)
class CertificatePrint:
    """What the printed certificate says (a certificate's snapshot)."""

    public_id: str
    recipient_name: str
    programme_name: str
    organisation_name: str
    issuer_name: str  # "" when issued automatically
    issued_at: datetime
    expires_at: datetime | None
    # [{"code", "title", "level", "level_label", "required_level"}]
    competencies: tuple[dict[str, object], ...]
    verification_url: str


def _qr_png(url: str) -> io.BytesIO:
    buffer = io.BytesIO()
    segno.make(url, error="m").save(buffer, kind="png", scale=8, border=2)
    buffer.seek(0)
    return buffer


BRAND = (29, 92, 99)
INK = (31, 41, 51)
MUTED = (82, 96, 109)
LINE = 5.5  # mm, one competency line


def render_certificate_pdf(cert: CertificatePrint, lang: str) -> bytes:
    """The certificate as PDF bytes, with labels and dates in `lang` ("fr" or "en")."""
    with force_locale(lang):
        labels = {
            "title": gettext("Certificate"),
            "awarded": gettext("is awarded to"),
            "for": gettext("for the certification programme"),
            "competencies": gettext("Competencies certified"),
            "level": gettext("level"),
            "issued": gettext("Issued on %(date)s", date=format_date(cert.issued_at, "long")),
            "expires": (
                gettext("Valid until %(date)s", date=format_date(cert.expires_at, "long"))
                if cert.expires_at
                else gettext("No expiry date")
            ),
            "by": (
                gettext(
                    "Issued by %(name)s, %(org)s",
                    name=cert.issuer_name,
                    org=cert.organisation_name,
                )
                if cert.issuer_name
                else gettext("Issued automatically by %(org)s", org=cert.organisation_name)
            ),
            "verify": gettext("Check this certificate at"),
            "id": gettext("Certificate number"),
        }
    pdf = FPDF(orientation="landscape", unit="mm", format="A4")
    pdf.set_title(latin1_safe(f"{labels['title']} - {cert.programme_name}"))
    pdf.set_author(latin1_safe(cert.organisation_name))
    pdf.set_creator("Escales")
    pdf.set_lang(lang)
    pdf.set_auto_page_break(auto=False)
    pdf.set_margins(20, 18, 20)
    pdf.add_page()
    width = pdf.w - 40

    # Frame.
    pdf.set_draw_color(*BRAND)
    pdf.set_line_width(1.2)
    pdf.rect(8, 8, pdf.w - 16, pdf.h - 16)
    pdf.set_line_width(0.3)
    pdf.rect(11, 11, pdf.w - 22, pdf.h - 22)

    pdf.set_text_color(*MUTED)
    pdf.set_font("Helvetica", "B", 13)
    pdf.set_y(20)
    organisation = latin1_safe(cert.organisation_name)
    pdf.cell(width, 8, organisation, align="C", new_x="LMARGIN", new_y="NEXT")

    pdf.set_text_color(*BRAND)
    pdf.set_font("Helvetica", "B", 34)
    pdf.cell(width, 18, latin1_safe(labels["title"]), align="C", new_x="LMARGIN", new_y="NEXT")

    pdf.set_text_color(*INK)
    pdf.set_font("Helvetica", "", 13)
    pdf.cell(width, 8, latin1_safe(labels["awarded"]), align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "B", 24)
    pdf.cell(width, 14, latin1_safe(cert.recipient_name), align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "", 13)
    pdf.cell(width, 8, latin1_safe(labels["for"]), align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "B", 17)
    pdf.multi_cell(
        width, 9, latin1_safe(cert.programme_name), align="C", new_x="LMARGIN", new_y="NEXT"
    )

    # Competencies: one column, or two when they do not fit; "+ N" beyond that.
    pdf.ln(3)
    left_width = width - 60
    pdf.set_font("Helvetica", "B", 11)
    pdf.cell(width, 7, latin1_safe(labels["competencies"]), new_x="LMARGIN", new_y="NEXT")
    rows = max(int((pdf.h - 56 - pdf.get_y()) // LINE), 1)
    items = [_competency_line(item, labels["level"]) for item in cert.competencies]
    columns = 1 if len(items) <= rows else 2
    capacity = rows * columns
    if len(items) > capacity:
        items = [*items[: capacity - 1], f"+ {len(items) - capacity + 1}"]
    rows = -(-len(items) // columns)  # balance the two columns
    pdf.set_font("Helvetica", "", 10 if columns == 1 else 8.5)
    column_width = width / columns
    top = pdf.get_y()
    for index, line in enumerate(items):
        column, row = divmod(index, rows)
        pdf.set_xy(pdf.l_margin + column * column_width, top + row * LINE)
        limit = 120 if columns == 1 else 72
        pdf.cell(column_width - 2, LINE, latin1_safe(_truncate(line, limit)))

    # Dates, issuer, verification (bottom left) and the QR code (bottom right).
    pdf.set_y(pdf.h - 52)
    pdf.set_font("Helvetica", "", 10.5)
    for text in (labels["issued"], labels["expires"], labels["by"]):
        pdf.cell(left_width, 6, latin1_safe(text), new_x="LMARGIN", new_y="NEXT")
    pdf.set_text_color(*MUTED)
    pdf.set_font("Helvetica", "", 9)
    pdf.cell(
        left_width,
        5,
        latin1_safe(f"{labels['verify']} {cert.verification_url}"),
        new_x="LMARGIN",
        new_y="NEXT",
        link=cert.verification_url,
    )
    pdf.cell(left_width, 5, f"{labels['id']}: {cert.public_id}", new_x="LMARGIN", new_y="NEXT")
    qr_size = 38
    pdf.image(
        _qr_png(cert.verification_url),
        x=pdf.w - 20 - qr_size,
        y=pdf.h - 20 - qr_size,
        w=qr_size,
        h=qr_size,
        link=cert.verification_url,
        alt_text=latin1_safe(f"QR code: {cert.verification_url}"),
    )
    return bytes(pdf.output())


def _competency_line(item: dict[str, object], level_word: str) -> str:
    # The level comes before the title, so truncating a long title never hides it.
    level = f"{level_word} {item['level']}"
    if item.get("level_label"):
        level += f" ({item['level_label']})"
    return f"{item['code']}  {level}  {item['title']}"


def _truncate(text: str, length: int) -> str:
    return text if len(text) <= length else text[: length - 3].rstrip() + "..."
