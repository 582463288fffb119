"""The workspace written out as Markdown: the starting text of a module's practical work.

Each module's practical work asks for a part of the model (M03: the activities, the
qualification, the key issues and the debate; M05: the resources, the positioning and
the dependency; M04: human riches; M06: alliances; M07: ambition, levers, target,
trajectory). The learner starts from this text, completes it and submits it. Pure:
the reader's language and number formats come in a Formatter.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from lms.i18n import N_
from lms.workspace import labels
from lms.workspace.analysis import Analysis
from lms.workspace.method import Gauge, TargetGap, ranked_levers
from lms.workspace.reasons import Formatter
from lms.workspace.schemas import AllianceForm, Pillar, ResourceFamily, WorkspaceData

MAX_YEARS_SHOWN = 3


def _cell(text: object) -> str:
    """Text safe inside a Markdown table cell."""
    return str(text).replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ").strip() or "—"


def _table(headers: Sequence[str], rows: Sequence[Sequence[object]]) -> list[str]:
    lines = ["| " + " | ".join(_cell(h) for h in headers) + " |"]
    lines.append("|" + "|".join(" --- " for _ in headers) + "|")
    lines += ["| " + " | ".join(_cell(value) for value in row) + " |" for row in rows]
    return [*lines, ""]


def _pct(fmt: Formatter, value: float | None) -> str:
    return "—" if value is None else fmt.percent(value)


class _Writer:
    def __init__(self, fmt: Formatter) -> None:
        self.fmt = fmt
        self.t: Callable[..., str] = fmt.translate
        self.lines: list[str] = []

    def heading(self, msgid: str, level: int = 2, **params: object) -> None:
        self.lines += ["#" * level + " " + self.t(msgid, **params), ""]

    def para(self, text: str) -> None:
        if text.strip():
            self.lines += [text.strip(), ""]

    def table(self, headers: Sequence[str], rows: Sequence[Sequence[object]]) -> None:
        self.lines += _table(headers, rows)


def _qualification(w: _Writer, data: WorkspaceData) -> None:
    identity = data.identity
    t = w.t
    w.heading(N_("Qualification of the organisation"))
    facts = []
    if identity.legal_form:
        facts.append(
            t(N_("Legal form: %(form)s."), form=t(labels.LEGAL_FORMS[identity.legal_form]))
        )
    if identity.field_of_action:
        facts.append(t(N_("Field of action: %(field)s."), field=identity.field_of_action))
    if identity.territory:
        facts.append(t(N_("Territory: %(territory)s."), territory=identity.territory))
    w.para(" ".join(facts))
    w.para(
        t(
            N_("General interest (tax sense): %(answer)s. %(reasons)s"),
            answer=t(labels.QUALIFICATIONS[identity.general_interest]),
            reasons=identity.general_interest_reasons,
        )
    )
    w.para(
        t(
            N_("Social utility (ESS law of 2014): %(answer)s. %(reasons)s"),
            answer=t(labels.QUALIFICATIONS[identity.social_utility]),
            reasons=identity.social_utility_reasons,
        )
    )


def _activities(w: _Writer, data: WorkspaceData, analysis: Analysis) -> None:
    fmt, t = w.fmt, w.t
    for entry, indicators in list(zip(data.years, analysis.years, strict=True))[-MAX_YEARS_SHOWN:]:
        w.heading(N_("Activities in %(year)s"), level=3, year=entry.year)
        rows = [
            [
                figures.name,
                fmt.money(figures.costs),
                fmt.money(figures.budget),
                _pct(fmt, figures.self_financing),
                fmt.fte(figures.staff_fte),
                figures.volunteer_hours,
            ]
            for figures in indicators.activities
        ]
        totals = indicators.activity_totals
        rows.append(
            [
                t(N_("Total")),
                fmt.money(totals.costs),
                fmt.money(totals.budget),
                _pct(fmt, totals.self_financing),
                fmt.fte(totals.staff_fte),
                totals.volunteer_hours,
            ]
        )
        w.table(
            [
                t(N_("Activity")),
                t(N_("Full cost")),
                t(N_("Allocated resources")),
                t(N_("Self-financing rate")),
                t(N_("Employees (FTE)")),
                t(N_("Volunteer hours")),
            ],
            rows,
        )
        for activity in entry.activities:
            if activity.description:
                w.para(f"- **{activity.name}**. {activity.description}")
        if indicators.balance is not None:
            w.para(
                t(
                    N_("Resources %(resources)s, full costs %(costs)s: balance %(balance)s."),
                    resources=fmt.money(indicators.total_resources),
                    costs=fmt.money(totals.costs),
                    balance=fmt.money(indicators.balance),
                )
            )


def _issues(w: _Writer, data: WorkspaceData) -> None:
    method = data.method
    w.heading(N_("Key issues"))
    for number, issue in enumerate(method.issues, start=1):
        w.para(f"{number}. **{issue.title}** — {issue.statement}".rstrip(" —"))
    w.heading(N_("Putting them to debate"))
    w.para(method.debate_notes or w.t(N_("(to be completed: with whom, when, what changed)")))


def _resources(w: _Writer, data: WorkspaceData, analysis: Analysis) -> None:
    fmt, t = w.fmt, w.t
    for entry, indicators in list(zip(data.years, analysis.years, strict=True))[-MAX_YEARS_SHOWN:]:
        w.heading(N_("Resources in %(year)s"), level=3, year=entry.year)
        total = indicators.total_resources
        w.table(
            [
                t(N_("Resource")),
                t(N_("Family")),
                t(N_("Funder")),
                t(N_("Amount")),
                t(N_("Share")),
                t(N_("Multi-year")),
            ],
            [
                [
                    line.label,
                    t(labels.FAMILIES[line.family]),
                    line.funder,
                    fmt.money(line.amount),
                    _pct(fmt, line.amount * 100 / total if total else None),
                    t(N_("yes")) if line.multi_year else t(N_("no")),
                ]
                for line in entry.resources
            ],
        )
        w.para(
            " · ".join(
                f"{t(labels.GROUPS[group.group])} {fmt.percent(group.share)}"
                for group in indicators.groups
                if group.amount
            )
        )
        positioning = analysis.positioning.get(entry.year)
        if positioning is not None:
            for reading in positioning.readings:
                w.para("- " + fmt.reason(reading))
    latest = data.years[-1].year if data.years else None
    positioning = analysis.positioning.get(latest) if latest is not None else None
    if positioning is not None and positioning.matches:
        w.heading(N_("Positioning in the typology of resource models"))
        for match in positioning.matches:
            reasons = " ".join(fmt.reason(reason) for reason in match.reasons)
            w.para(
                "- "
                + t(
                    N_("**%(model)s** (%(strength)s): %(reasons)s"),
                    model=t(labels.MODELS[match.model]),
                    strength=t(labels.STRENGTHS[match.strength]),
                    reasons=reasons,
                )
            )
        w.para("*" + " ".join(fmt.reason(caveat) for caveat in positioning.caveats) + "*")


def _levers(w: _Writer, data: WorkspaceData, pillar: Pillar | None) -> None:
    t = w.t
    levers = [
        (index, lever, priority)
        for index, lever, priority in ranked_levers(data.method.levers)
        if pillar is None or lever.pillar == pillar
    ]
    if not levers:
        return
    w.heading(N_("Levers"))
    w.table(
        [t(N_("Lever")), t(N_("Pillar")), t(N_("Impact")), t(N_("Feasibility")), t(N_("Decision"))],
        [
            [
                lever.title,
                t(labels.PILLARS[lever.pillar]),
                t(labels.LEVELS[lever.impact]),
                t(labels.LEVELS[lever.feasibility]),
                t(labels.DECISIONS[lever.decision]),
            ]
            for _, lever, _ in levers
        ],
    )


def _human_riches(w: _Writer, data: WorkspaceData, analysis: Analysis) -> None:
    fmt, t = w.fmt, w.t
    for indicators in analysis.years[-MAX_YEARS_SHOWN:]:
        w.heading(N_("Human riches in %(year)s"), level=3, year=indicators.year)
        w.table(
            [
                t(N_("Form of engagement")),
                t(N_("People")),
                t(N_("Hours")),
                t(N_("FTE")),
                t(N_("Share of time")),
            ],
            [
                [
                    t(labels.ENGAGEMENT[part.form]),
                    part.people,
                    "—" if part.hours is None else part.hours,
                    fmt.fte(part.fte),
                    fmt.percent(part.share),
                ]
                for part in indicators.human.parts
            ],
        )


def _alliances(w: _Writer, data: WorkspaceData, analysis: Analysis) -> None:
    t = w.t
    if not data.years:
        return
    entry, indicators = data.years[-1], analysis.years[-1]
    w.heading(N_("Alliances in %(year)s"), level=3, year=entry.year)
    w.table(
        [
            t(N_("Partner")),
            t(N_("Kind")),
            t(N_("Form of relation")),
            t(N_("What they bring")),
            t(N_("What we bring")),
        ],
        [
            [
                a.partner,
                t(labels.PARTNER_KINDS[a.kind]),
                t(labels.ALLIANCE_FORMS[a.form]),
                a.they_bring,
                a.we_bring,
            ]
            for a in entry.alliances
        ],
    )
    missing = indicators.alliances.missing_kinds
    if missing:
        w.para(
            t(
                N_("No alliance yet with: %(kinds)s."),
                kinds=", ".join(t(labels.PARTNER_KINDS[kind]) for kind in missing),
            )
        )


def _trajectory(w: _Writer, data: WorkspaceData, analysis: Analysis) -> None:
    fmt, t = w.fmt, w.t
    method = data.method
    w.heading(N_("Ambition"))
    w.para(method.ambition)
    _levers(w, data, None)
    w.heading(N_("Target"))
    gaps = analysis.target_gaps
    if gaps:
        w.table(
            [t(N_("Figure")), t(N_("Now")), t(N_("Target"))],
            [
                [
                    gap_label(t, gap),
                    gap_value(fmt, gap, gap.current),
                    gap_value(fmt, gap, gap.target),
                ]
                for gap in gaps
            ],
        )
    w.para(method.target.notes)
    w.heading(N_("Trajectory"))
    for milestone in method.trajectory:
        flag = " " + t(N_("(decision point)")) if milestone.decision_point else ""
        w.para(
            f"- **{milestone.year} — {milestone.title}**{flag} : {milestone.actions} "
            f"{milestone.indicator}".rstrip(" :")
        )


def gap_label(t: Callable[..., str], gap: TargetGap) -> str:
    """The name of a target figure."""
    msgid = labels.GAUGES[gap.gauge]
    if isinstance(gap.subject, ResourceFamily):
        return t(msgid, subject=t(labels.FAMILIES[gap.subject]))
    if isinstance(gap.subject, AllianceForm):
        return t(msgid, subject=t(labels.ALLIANCE_FORMS[gap.subject]))
    return t(msgid)


def gap_value(fmt: Formatter, gap: TargetGap, value: float | None) -> str:
    """A target figure written in its unit."""
    if value is None:
        return "—"
    if gap.gauge == Gauge.TOTAL_RESOURCES:
        return fmt.money(int(value))
    if gap.gauge in (Gauge.FAMILY_SHARE, Gauge.LARGEST_FUNDER_SHARE):
        return fmt.percent(value)
    if gap.gauge == Gauge.EMPLOYEES_FTE:
        return fmt.number(value)
    return str(int(value))


def practice_text(
    module_slug: str,
    data: WorkspaceData,
    analysis: Analysis,
    fmt: Formatter,
    *,
    workspace_name: str,
    revision: int,
    on: str,
) -> str:
    """The Markdown starting text of `module_slug`'s practical work, from the workspace."""
    w = _Writer(fmt)
    t = w.t
    intro = t(
        N_("*Written from the workspace « %(name)s », revision %(revision)s, on %(date)s.*"),
        name=workspace_name,
        revision=revision,
        date=on,
    )
    w.para(intro)
    if data.identity.fictional:
        w.para(t(N_("**Fictional example**: the organisation and its figures are invented.")))
    if data.identity.mission:
        w.para(data.identity.mission)
    if module_slug == "accompagner-la-transformation":
        _qualification(w, data)
        w.heading(N_("Map of the activities"))
        _activities(w, data, analysis)
        _issues(w, data)
    elif module_slug == "leviers-financiers":
        _qualification(w, data)
        w.heading(N_("Resources"))
        _resources(w, data, analysis)
        _levers(w, data, Pillar.FINANCIAL_RESOURCES)
    elif module_slug == "richesses-humaines":
        w.heading(N_("Human riches"))
        _human_riches(w, data, analysis)
        _levers(w, data, Pillar.HUMAN_RICHES)
    elif module_slug == "alliances-strategiques":
        w.heading(N_("Strategic alliances"))
        _alliances(w, data, analysis)
        _levers(w, data, Pillar.ALLIANCES)
    else:
        if data.method.issues:
            _issues(w, data)
        _trajectory(w, data, analysis)
    return "\n".join(w.lines).strip() + "\n"


def gap_delta(fmt: Formatter, gap: TargetGap) -> str:
    """The way to go, signed: euros, points (for shares), FTE or a count."""
    if gap.gap is None:
        return "—"
    sign = "+" if gap.gap > 0 else ("−" if gap.gap < 0 else "")
    size = abs(gap.gap)
    if gap.gauge in (Gauge.FAMILY_SHARE, Gauge.LARGEST_FUNDER_SHARE):
        points = fmt.number(round(size, 1))
        return sign + fmt.translate(N_("%(points)s pts"), points=points)
    return sign + gap_value(fmt, gap, size)
