"""The « fiche modèle socio-économique »: one or two A4 pages for a board meeting (fpdf2).

It holds what a board needs to discuss the model (M03: "lumière sur son modèle"):
who the organisation is and how it qualifies, the key figures of the latest year
beside the year before, the resource mix (drawn) and its positioning in the
typology — as an aid to discussion —, the key issues, the ambition, the priority
levers, the target and the trajectory. Long texts are shortened so that the sheet
stays short; the workspace keeps them whole. Text is set in DejaVu Sans (shipped in
lms/static/fonts), so accents and typographic characters print everywhere.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from flask_babel import format_date
from fpdf import FPDF
from fpdf.fonts import FontFace

from lms.i18n import N_
from lms.workspace import labels
from lms.workspace.analysis import Analysis
from lms.workspace.chart import PALETTE
from lms.workspace.indicators import Metric, YearChange
from lms.workspace.method import Priority, ranked_levers
from lms.workspace.reasons import Formatter
from lms.workspace.schemas import LeverDecision, ResourceFamily, WorkspaceData
from lms.workspace.summary import gap_label, gap_value

FONT_FILE = Path(__file__).resolve().parent.parent / "static" / "fonts" / "DejaVuSans.ttf"
FONT = "DejaVuSans"
BRAND = (29, 92, 99)  # --brand of escales.css
LIGHT = (236, 232, 220)
MUTED = (82, 96, 109)
MAX_LEVERS = 5


def _rgb(hex_colour: str) -> tuple[int, int, int]:
    value = hex_colour.lstrip("#")
    return int(value[0:2], 16), int(value[2:4], 16), int(value[4:6], 16)


def _short(text: str, limit: int) -> str:
    """At most `limit` characters, cut at a word, with an ellipsis."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    return text[:limit].rsplit(" ", 1)[0].rstrip(",;:") + " …"


class _Pdf(FPDF):
    """An A4 document with a footer on every page: the sheet's name and the page number."""

    footer_text = ""

    def footer(self) -> None:
        self.set_y(-11)
        self.set_font(FONT, size=7)
        self.set_text_color(*MUTED)
        self.cell(0, 4, f"{self.footer_text} · {self.page_no()}/{{nb}}", align="C")


class _Sheet:
    def __init__(self, fmt: Formatter) -> None:
        self.fmt = fmt
        self.t = fmt.translate
        pdf = _Pdf(format="A4")
        pdf.add_font(FONT, fname=str(FONT_FILE))
        pdf.set_margins(14, 12, 14)
        pdf.set_auto_page_break(True, margin=14)
        pdf.set_creator("Escales")
        pdf.set_author("Escales")
        self.pdf = pdf

    @property
    def width(self) -> float:
        return float(self.pdf.epw)

    def heading(self, text: str) -> None:
        pdf = self.pdf
        if pdf.get_y() > pdf.h - 40:  # never a heading alone at the bottom of a page
            pdf.add_page()
        pdf.ln(2)
        pdf.set_font(FONT, size=11.5)
        pdf.set_text_color(*BRAND)
        pdf.multi_cell(self.width, 6, text, new_x="LMARGIN", new_y="NEXT")
        pdf.set_draw_color(*BRAND)
        pdf.line(pdf.l_margin, pdf.get_y(), pdf.l_margin + self.width, pdf.get_y())
        pdf.ln(1)
        pdf.set_text_color(0, 0, 0)
        pdf.set_font(FONT, size=8.5)

    def text(self, text: str, size: float = 8.5, colour: tuple[int, int, int] = (0, 0, 0)) -> None:
        if not text.strip():
            return
        self.pdf.set_font(FONT, size=size)
        self.pdf.set_text_color(*colour)
        self.pdf.multi_cell(self.width, size * 0.5, text, new_x="LMARGIN", new_y="NEXT")
        self.pdf.set_text_color(0, 0, 0)

    def bullet(self, text: str) -> None:
        self.text("• " + text)

    def table(
        self,
        widths: tuple[int, ...],
        header: list[str],
        rows: list[list[str]],
        align: tuple[str, ...] | None = None,
    ) -> None:
        self.pdf.set_font(FONT, size=8)
        with self.pdf.table(
            col_widths=widths,
            headings_style=FontFace(emphasis="", fill_color=LIGHT),
            text_align=align or ("LEFT",) * len(widths),
            line_height=4.2,
            padding=1,
        ) as table:
            table.row(header)
            for row in rows:
                table.row(row)
        self.pdf.ln(1)


def _change_text(fmt: Formatter, change: YearChange | None, metric: Metric) -> str:
    if change is None:
        return ""
    item = next(m for m in change.metrics if m.metric == metric)
    if item.delta is None:
        return ""
    sign = "+" if item.delta >= 0 else "−"
    if metric in (
        Metric.PUBLIC_SHARE,
        Metric.PRIVATE_SHARE,
        Metric.ACTIVITY_SHARE,
        Metric.LARGEST_FUNDER_SHARE,
    ):
        return fmt.translate(
            N_("%(sign)s%(points)s pts"),
            sign=sign,
            points=fmt.number(round(abs(item.delta), 1)),
        )
    if item.relative is None:
        return f"{sign}{abs(item.delta):g}"
    return f"{sign}{fmt.percent(abs(item.relative))}"


def _mix_bar(sheet: _Sheet, label: str, shares: dict[ResourceFamily, float]) -> None:
    """A horizontal 100 % bar of the resource mix, drawn with rectangles."""
    pdf = sheet.pdf
    x0, y = pdf.l_margin + 28, pdf.get_y()
    width = sheet.width - 28
    pdf.set_font(FONT, size=8)
    pdf.set_xy(pdf.l_margin, y)
    pdf.cell(27, 6, label)
    x = x0
    total = sum(shares.values()) or 1
    for index, family in enumerate(ResourceFamily):
        value = shares.get(family, 0.0)
        if value <= 0:
            continue
        segment = width * value / max(total, 100)
        pdf.set_fill_color(*_rgb(PALETTE[index]))
        pdf.rect(x, y, segment, 6, style="F")
        if segment > 11:
            pdf.set_xy(x, y)
            dark = PALETTE[index] in ("#E69F00", "#CC79A7", "#56B4E9", "#F0E442", "#999999")
            pdf.set_text_color(*((31, 41, 51) if dark else (255, 255, 255)))
            pdf.cell(segment, 6, sheet.fmt.percent(value), align="C")
            pdf.set_text_color(0, 0, 0)
        x += segment
    pdf.set_fill_color(255, 255, 255)  # tables drawn later must not inherit a segment's colour
    pdf.set_xy(pdf.l_margin, y + 7.5)


def _legend(sheet: _Sheet, families: list[ResourceFamily]) -> None:
    pdf = sheet.pdf
    pdf.set_font(FONT, size=7.5)
    x, y = pdf.l_margin + 28, pdf.get_y()
    for family in families:
        index = list(ResourceFamily).index(family)
        label = sheet.t(labels.FAMILIES[family])
        width = pdf.get_string_width(label) + 8
        if x + width > pdf.l_margin + sheet.width:
            x, y = pdf.l_margin + 28, y + 4.5
        pdf.set_fill_color(*_rgb(PALETTE[index]))
        pdf.rect(x, y + 0.8, 3, 3, style="F")
        pdf.set_xy(x + 4, y)
        pdf.cell(width - 4, 4.5, label)
        x += width
    pdf.set_fill_color(255, 255, 255)
    pdf.set_xy(pdf.l_margin, y + 6)


def model_sheet(
    data: WorkspaceData,
    analysis: Analysis,
    fmt: Formatter,
    *,
    workspace_name: str,
    revision: int,
    on: date,
) -> bytes:
    """The sheet as PDF bytes."""
    sheet = _Sheet(fmt)
    t, pdf = sheet.t, sheet.pdf
    identity = data.identity
    name = identity.name or workspace_name
    title = t(N_("Socio-economic model sheet"))
    pdf.set_title(f"{title} — {name}")
    pdf.footer_text = t(N_("Escales · %(name)s · made with the course's method"), name=name)
    pdf.add_page()

    pdf.set_font(FONT, size=17)
    pdf.set_text_color(*BRAND)
    pdf.multi_cell(sheet.width, 8, title, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(FONT, size=13)
    pdf.set_text_color(0, 0, 0)
    pdf.multi_cell(sheet.width, 7, name, new_x="LMARGIN", new_y="NEXT")
    facts = [
        t(labels.LEGAL_FORMS[identity.legal_form]) if identity.legal_form else "",
        identity.legal_form_detail,
        identity.field_of_action,
        identity.territory,
    ]
    sheet.text(" · ".join(fact for fact in facts if fact), size=9)
    sheet.text(
        t(
            N_("Revision %(revision)s, printed on %(date)s. An aid to the board's discussion."),
            revision=revision,
            date=format_date(on, "long"),
        ),
        size=8,
        colour=MUTED,
    )
    if identity.fictional:
        sheet.text(
            t(N_("Fictional example: the organisation and its figures are invented.")),
            size=9,
            colour=(166, 27, 27),
        )
    if identity.mission:
        sheet.text(_short(identity.mission, 350), size=8.5)

    sheet.heading(t(N_("Qualification")))
    sheet.bullet(
        t(
            N_("General interest (tax sense): %(answer)s. %(reasons)s"),
            answer=t(labels.QUALIFICATIONS[identity.general_interest]),
            reasons=_short(identity.general_interest_reasons, 220),
        )
    )
    sheet.bullet(
        t(
            N_("Social utility (ESS law of 2014): %(answer)s. %(reasons)s"),
            answer=t(labels.QUALIFICATIONS[identity.social_utility]),
            reasons=_short(identity.social_utility_reasons, 220),
        )
    )

    latest = analysis.latest
    if latest is not None:
        previous = analysis.years[-2] if len(analysis.years) > 1 else None
        change = analysis.changes[-1] if analysis.changes else None
        sheet.heading(t(N_("Key figures %(year)s"), year=latest.year))
        largest = latest.concentration.largest
        rows = [
            [
                t(N_("Total resources")),
                fmt.money(latest.total_resources),
                _change_text(fmt, change, Metric.TOTAL_RESOURCES),
            ],
            [
                t(labels.GROUPS[latest.groups[0].group]),
                fmt.percent(latest.groups[0].share),
                _change_text(fmt, change, Metric.PUBLIC_SHARE),
            ],
            [
                t(labels.GROUPS[latest.groups[1].group]),
                fmt.percent(latest.groups[1].share),
                _change_text(fmt, change, Metric.PRIVATE_SHARE),
            ],
            [
                t(labels.GROUPS[latest.groups[2].group]),
                fmt.percent(latest.groups[2].share),
                _change_text(fmt, change, Metric.ACTIVITY_SHARE),
            ],
            [
                t(N_("Largest funder")),
                f"{largest.funder} · {fmt.percent(largest.share)}" if largest else "—",
                _change_text(fmt, change, Metric.LARGEST_FUNDER_SHARE),
            ],
            [
                t(N_("Concentration on funders (HHI)")),
                str(latest.concentration.funder_hhi)
                if latest.concentration.funder_hhi is not None
                else "—",
                "",
            ],
            [
                t(N_("Full costs of the activities and balance")),
                f"{fmt.money(latest.activity_totals.costs)} · {fmt.money(latest.balance)}"
                if latest.balance is not None
                else "—",
                "",
            ],
            [
                t(N_("Employees (FTE)")),
                fmt.fte(latest.human.parts[0].fte),
                _change_text(fmt, change, Metric.EMPLOYEES_FTE),
            ],
            [
                t(N_("Volunteer time (FTE)")),
                fmt.fte(latest.human.volunteer_fte),
                _change_text(fmt, change, Metric.VOLUNTEER_FTE),
            ],
            [
                t(N_("Alliances")),
                str(latest.alliances.total),
                _change_text(fmt, change, Metric.ALLIANCES),
            ],
        ]
        since = t(N_("Since %(year)s"), year=previous.year) if previous else ""
        sheet.table(
            (46, 34, 20),
            [t(N_("Figure")), str(latest.year), since],
            rows,
            ("LEFT", "RIGHT", "RIGHT"),
        )

        if latest.total_resources:
            sheet.heading(t(N_("Resource mix")))
            current = {row.family: row.share for row in latest.families}
            _mix_bar(sheet, str(latest.year), current)
            target = data.method.target
            shown = [f for f in ResourceFamily if current.get(f)]
            if target.resource_shares:
                aimed = {f: float(s) for f, s in target.resource_shares.items()}
                _mix_bar(sheet, t(N_("Target %(year)s"), year=target.year or ""), aimed)
                shown = [f for f in ResourceFamily if current.get(f) or aimed.get(f)]
            _legend(sheet, shown)

        positioning = analysis.positioning.get(latest.year)
        if positioning is not None and (positioning.matches or positioning.readings):
            sheet.heading(t(N_("Positioning and dependency (an aid to discussion)")))
            for match in positioning.matches:
                reasons = " ".join(fmt.reason(reason) for reason in match.reasons)
                sheet.bullet(
                    t(
                        N_("%(model)s (%(strength)s): %(reasons)s"),
                        model=t(labels.MODELS[match.model]),
                        strength=t(labels.STRENGTHS[match.strength]),
                        reasons=reasons,
                    )
                )
            for reading in positioning.readings[:3]:
                sheet.bullet(fmt.reason(reading))
            sheet.text(fmt.reason(positioning.caveats[0]), size=7.5, colour=MUTED)

    method = data.method
    if method.issues:
        sheet.heading(t(N_("Key issues")))
        for number, issue in enumerate(method.issues, start=1):
            statement = _short(issue.statement, 240)
            sheet.text(f"{number}. {issue.title}" + (f" — {statement}" if statement else ""))
    if method.ambition:
        sheet.heading(t(N_("Ambition")))
        sheet.text(_short(method.ambition, 500))

    levers = [
        (lever, priority)
        for _, lever, priority in ranked_levers(method.levers)
        if lever.decision == LeverDecision.RETAINED
        or (lever.decision == LeverDecision.UNDECIDED and priority == Priority.PRIORITY)
    ][:MAX_LEVERS]
    if levers:
        sheet.heading(t(N_("Priority levers")))
        sheet.table(
            (50, 22, 14, 14),
            [t(N_("Lever")), t(N_("Pillar")), t(N_("Impact × feasibility")), t(N_("Decision"))],
            [
                [
                    _short(lever.title, 90),
                    t(labels.PILLARS[lever.pillar]),
                    f"{lever.impact} × {lever.feasibility}",
                    t(labels.DECISIONS[lever.decision]),
                ]
                for lever, _ in levers
            ],
        )

    if analysis.target_gaps or method.trajectory:
        sheet.heading(t(N_("Target and trajectory")))
        if analysis.target_gaps:
            sheet.table(
                (50, 25, 25),
                [t(N_("Figure")), t(N_("Now")), t(N_("Target"))],
                [
                    [
                        gap_label(t, gap),
                        gap_value(fmt, gap, gap.current),
                        gap_value(fmt, gap, gap.target),
                    ]
                    for gap in analysis.target_gaps
                ],
                ("LEFT", "RIGHT", "RIGHT"),
            )
        for milestone in method.trajectory:
            flag = " ◆" if milestone.decision_point else ""
            actions = _short(milestone.actions, 160)
            sheet.text(
                f"{milestone.year} — {milestone.title}{flag}" + (f". {actions}" if actions else "")
            )
        if any(m.decision_point for m in method.trajectory):
            sheet.text(
                t(N_("◆ decision point: the board takes stock and may adjust.")),
                size=7.5,
                colour=MUTED,
            )

    return bytes(pdf.output())
