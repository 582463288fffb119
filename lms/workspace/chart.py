"""Charts drawn on the server as SVG: no script, no inline style (the CSP forbids both).

Colours and sizes are SVG presentation attributes, so a chart is self-contained. Each
chart is an image with a title and a description (`role="img"`, `aria-labelledby`);
pages print the same figures as a table beside it. The palette is Okabe–Ito's, which
stays distinct for the common colour-vision deficiencies; segments also carry their
value as text when there is room.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from markupsafe import Markup, escape

from lms.i18n import N_
from lms.workspace import labels
from lms.workspace.analysis import Analysis
from lms.workspace.indicators import EngagementForm
from lms.workspace.reasons import Formatter
from lms.workspace.schemas import AllianceForm, ResourceFamily, ResourceGroup, Target

PALETTE = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#999999")
#: Text on each palette colour that stays readable (dark on light fills).
INK_ON = {
    "#0072B2": "#ffffff",
    "#E69F00": "#1f2933",
    "#009E73": "#ffffff",
    "#CC79A7": "#1f2933",
    "#56B4E9": "#1f2933",
    "#D55E00": "#ffffff",
    "#F0E442": "#1f2933",
    "#999999": "#1f2933",
}
INK = "#1f2933"
MUTED = "#52606d"
GRID = "#d9d4c7"
FONT = "system-ui, sans-serif"

_ids = itertools.count(1)


@dataclass(frozen=True)
class Series:
    """One kind of segment (a resource family, a form of engagement...) and its name."""

    key: str
    label: str


@dataclass(frozen=True)
class Bar:
    """One bar (a year, "current", "target") and its values per series key."""

    label: str
    values: dict[str, float]


def colour(index: int) -> str:
    """The palette colour of the n-th series."""
    return PALETTE[index % len(PALETTE)]


def _svg(width: int, height: int, title: str, description: str, body: list[str]) -> Markup:
    number = next(_ids)
    title_id, desc_id = f"chart-{number}-title", f"chart-{number}-desc"
    head = (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="ws-chart" viewBox="0 0 {width} {height}" '
        f'role="img" aria-labelledby="{title_id} {desc_id}" font-family="{FONT}" font-size="13">'
        f'<title id="{title_id}">{escape(title)}</title>'
        f'<desc id="{desc_id}">{escape(description)}</desc>'
    )
    return Markup(head + "".join(body) + "</svg>")


def _text(x: float, y: float, text: str, **attributes: str) -> str:
    extra = "".join(
        f' {name.replace("_", "-")}="{escape(value)}"' for name, value in attributes.items()
    )
    return f'<text x="{x:.1f}" y="{y:.1f}"{extra}>{escape(text)}</text>'


def _legend(series: Sequence[Series], y: float, width: int) -> tuple[list[str], float]:
    """Legend entries laid out in rows; returns the elements and the height used."""
    parts, x, row_height = [], 10.0, 20
    for index, item in enumerate(series):
        entry_width = 26 + 7.2 * len(item.label)
        if x + entry_width > width - 10 and x > 10:
            x, y = 10.0, y + row_height
        parts.append(
            f'<rect x="{x:.1f}" y="{y - 11:.1f}" width="14" height="14" fill="{colour(index)}"/>'
        )
        parts.append(_text(x + 20, y + 1, item.label, fill=INK))
        x += entry_width
    return parts, y + row_height


def stacked_columns(
    bars: Sequence[Bar],
    series: Sequence[Series],
    *,
    title: str,
    description: str,
    value_text: Callable[[float], str],
) -> Markup:
    """Vertical stacked columns (e.g. resources by family, one column per year).

    Each column's total is written above it; segments tall enough carry their value.
    """
    width, plot_top, plot_height = 640, 30, 240
    column_width = min(90, (width - 80) / max(1, len(bars)) * 0.6)
    step = (width - 80) / max(1, len(bars))
    top = max((sum(bar.values.values()) for bar in bars), default=0) or 1
    body = [
        f'<line x1="60" y1="{plot_top + plot_height}" x2="{width - 10}" '
        f'y2="{plot_top + plot_height}" stroke="{GRID}"/>'
    ]
    for position, bar in enumerate(bars):
        x = 60 + step * position + (step - column_width) / 2
        y = float(plot_top + plot_height)
        for index, item in enumerate(series):
            value = bar.values.get(item.key, 0)
            if value <= 0:
                continue
            height = plot_height * value / top
            y -= height
            fill = colour(index)
            body.append(
                f'<rect x="{x:.1f}" y="{y:.1f}" width="{column_width:.1f}" '
                f'height="{height:.1f}" fill="{fill}"><title>{escape(item.label)}: '
                f"{escape(value_text(value))}</title></rect>"
            )
            if height >= 16:
                body.append(
                    _text(
                        x + column_width / 2,
                        y + height / 2 + 4,
                        value_text(value),
                        text_anchor="middle",
                        fill=INK_ON[fill],
                        font_size="11",
                    )
                )
        total = sum(bar.values.values())
        body.append(
            _text(
                x + column_width / 2,
                y - 6,
                value_text(total),
                text_anchor="middle",
                fill=INK,
                font_weight="600",
            )
        )
        body.append(
            _text(
                x + column_width / 2,
                plot_top + plot_height + 18,
                bar.label,
                text_anchor="middle",
                fill=INK,
            )
        )
    legend, bottom = _legend(series, plot_top + plot_height + 44, width)
    return _svg(width, int(bottom), title, description, body + legend)


def hundred_percent_bars(
    bars: Sequence[Bar],
    series: Sequence[Series],
    *,
    title: str,
    description: str,
    value_text: Callable[[float], str],
) -> Markup:
    """Horizontal bars of shares that add up to 100 (e.g. the current and the target mix)."""
    width, label_width, bar_height, gap = 640, 110, 30, 16
    plot_width = width - label_width - 20
    body = []
    y = 10.0
    for bar in bars:
        total = sum(bar.values.values()) or 1
        x = float(label_width)
        body.append(
            _text(
                label_width - 8,
                y + bar_height / 2 + 5,
                bar.label,
                text_anchor="end",
                fill=INK,
                font_weight="600",
            )
        )
        for index, item in enumerate(series):
            value = bar.values.get(item.key, 0)
            if value <= 0:
                continue
            segment = plot_width * value / max(total, 100)
            fill = colour(index)
            body.append(
                f'<rect x="{x:.1f}" y="{y:.1f}" width="{segment:.1f}" height="{bar_height}" '
                f'fill="{fill}"><title>{escape(item.label)}: {escape(value_text(value))}'
                "</title></rect>"
            )
            if segment >= 38:
                body.append(
                    _text(
                        x + segment / 2,
                        y + bar_height / 2 + 4,
                        value_text(value),
                        text_anchor="middle",
                        fill=INK_ON[fill],
                        font_size="11",
                    )
                )
            x += segment
        y += bar_height + gap
    legend, bottom = _legend(series, y + 14, width)
    return _svg(width, int(bottom), title, description, body + legend)


@dataclass(frozen=True)
class Panel:
    """A small bar chart of one pillar: bars (one per year) split by series."""

    title: str
    bars: Sequence[Bar]
    series: Sequence[Series]
    value_text: Callable[[float], str]


def pillar_panels(panels: Sequence[Panel], *, title: str, description: str) -> Markup:
    """Small multiples side by side: the three pillars over the years, each on its own scale.

    Each pillar keeps its own unit (euros, FTE, alliances), so they are never drawn on
    one axis; the palette restarts in each panel and each has its legend.
    """
    panel_width, plot_top, plot_height = 210, 40, 150
    width = panel_width * len(panels) + 10
    body: list[str] = []
    bottoms = []
    for number, panel in enumerate(panels):
        left = 10 + panel_width * number
        body.append(_text(left + 4, 20, panel.title, fill=INK, font_weight="600", font_size="14"))
        top = max((sum(bar.values.values()) for bar in panel.bars), default=0) or 1
        step = (panel_width - 30) / max(1, len(panel.bars))
        column = min(44, step * 0.6)
        base = plot_top + plot_height
        body.append(
            f'<line x1="{left}" y1="{base}" x2="{left + panel_width - 20}" y2="{base}" '
            f'stroke="{GRID}"/>'
        )
        for position, bar in enumerate(panel.bars):
            x = left + step * position + (step - column) / 2
            y = float(base)
            for index, item in enumerate(panel.series):
                value = bar.values.get(item.key, 0)
                if value <= 0:
                    continue
                height = plot_height * value / top
                y -= height
                body.append(
                    f'<rect x="{x:.1f}" y="{y:.1f}" width="{column:.1f}" height="{height:.1f}" '
                    f'fill="{colour(index)}"><title>{escape(bar.label)}, {escape(item.label)}: '
                    f"{escape(panel.value_text(value))}</title></rect>"
                )
            total = sum(bar.values.values())
            body.append(
                _text(
                    x + column / 2,
                    y - 5,
                    panel.value_text(total),
                    text_anchor="middle",
                    fill=INK,
                    font_size="11",
                )
            )
            body.append(
                _text(
                    x + column / 2,
                    base + 16,
                    bar.label,
                    text_anchor="middle",
                    fill=INK,
                    font_size="12",
                )
            )
        y_legend = base + 36
        for index, item in enumerate(panel.series):
            body.append(
                f'<rect x="{left + 4}" y="{y_legend - 10 + 18 * index}" width="12" height="12" '
                f'fill="{colour(index)}"/>'
            )
            body.append(
                _text(left + 22, y_legend + 18 * index, item.label, fill=INK, font_size="12")
            )
        bottoms.append(y_legend + 18 * len(panel.series))
    return _svg(width, int(max(bottoms, default=200)), title, description, body)


# --- the workspace's charts ---------------------------------------------------------------------


def _families(fmt: Formatter) -> list[Series]:
    return [
        Series(family.value, fmt.translate(labels.FAMILIES[family])) for family in ResourceFamily
    ]


def resources_chart(analysis: Analysis, fmt: Formatter) -> Markup:
    """Resources by family, one column per described year."""
    bars = [
        Bar(str(year.year), {row.family.value: float(row.amount) for row in year.families})
        for year in analysis.years
    ]
    description = " ".join(
        fmt.translate(
            N_("%(year)s: %(total)s in all."), year=year.year, total=fmt.money(year.total_resources)
        )
        for year in analysis.years
    )
    return stacked_columns(
        bars,
        _families(fmt),
        title=fmt.translate(N_("Resources by family over the years")),
        description=description,
        value_text=lambda value: fmt.money(int(value)),
    )


def pillars_chart(analysis: Analysis, fmt: Formatter) -> Markup:
    """The three pillars over the years: resources by group, time by form, alliances by form."""
    t = fmt.translate
    money = Panel(
        t(N_("Financial resources")),
        [
            Bar(str(y.year), {g.group.value: float(g.amount) for g in y.groups})
            for y in analysis.years
        ],
        [Series(group.value, t(labels.GROUPS[group])) for group in ResourceGroup],
        lambda value: fmt.money(int(value)),
    )
    people = Panel(
        t(N_("Human riches (FTE)")),
        [
            Bar(str(y.year), {p.form.value: float(p.fte) for p in y.human.parts})
            for y in analysis.years
        ],
        [Series(form.value, t(labels.ENGAGEMENT[form])) for form in EngagementForm],
        fmt.number,
    )
    alliances = Panel(
        t(N_("Strategic alliances")),
        [
            Bar(str(y.year), {form.value: float(n) for form, n in y.alliances.by_form.items()})
            for y in analysis.years
        ],
        [Series(form.value, t(labels.ALLIANCE_FORMS[form])) for form in AllianceForm],
        lambda value: str(int(value)),
    )
    latest = analysis.years[-1]
    description = t(
        N_(
            "In %(year)s: %(money)s of resources, %(fte)s FTE of time given, "
            "%(alliances)s alliances."
        ),
        year=latest.year,
        money=fmt.money(latest.total_resources),
        fte=fmt.fte(latest.human.total_fte),
        alliances=latest.alliances.total,
    )
    return pillar_panels(
        [money, people, alliances], title=t(N_("The three pillars")), description=description
    )


def mix_chart(analysis: Analysis, target: Target, fmt: Formatter) -> Markup | None:
    """The current resource mix (latest year) beside the target mix, as 100 % bars."""
    latest = analysis.latest
    if not target.resource_shares or latest is None or not latest.total_resources:
        return None
    t = fmt.translate
    current = Bar(
        t(N_("Now (%(year)s)"), year=latest.year),
        {row.family.value: row.share for row in latest.families},
    )
    aimed = Bar(
        t(N_("Target (%(year)s)"), year=target.year) if target.year else t(N_("Target")),
        {family.value: float(share) for family, share in target.resource_shares.items()},
    )
    description = " ".join(
        t(
            N_("%(family)s: %(now)s now, %(target)s in the target."),
            family=t(labels.FAMILIES[family]),
            now=fmt.percent(latest.family(family).share),
            target=fmt.percent(float(target.resource_shares.get(family, 0))),
        )
        for family in ResourceFamily
        if latest.family(family).amount or family in target.resource_shares
    )
    return hundred_percent_bars(
        [current, aimed],
        _families(fmt),
        title=t(N_("Resource mix: now and target")),
        description=description,
        value_text=fmt.percent,
    )
