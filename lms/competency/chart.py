"""The profile chart as server-side SVG: a pure function from a WheelGeometry to markup.

No script and no ``style`` attribute (the CSP allows neither): colours and
dashes are SVG presentation attributes, and every element has a class the
stylesheet may refine (print, high contrast). The chart is an image
(``role="img"``) labelled by its ``<title>`` and ``<desc>``; the page also
gives the same data as a table.
"""

from __future__ import annotations

from html import escape

from lms.competency.profile import Point, WheelGeometry

SVG_NS = "http://www.w3.org/2000/svg"
#: Theme colours, in theme order (repeated beyond six themes).
THEME_COLOURS = ("#1d5c63", "#b5651d", "#6b4c9a", "#2f7d32", "#a61b1b", "#52606d")
LEVEL_FILL = "#1d5c63"
SELF_STROKE = "#b5651d"


def _n(value: float) -> str:
    # One decimal is plenty for a 460-unit wide drawing and keeps the markup short.
    text = f"{value:.1f}"
    return "0.0" if text == "-0.0" else text


def _points(points: tuple[Point, ...]) -> str:
    return " ".join(f"{_n(p.x)},{_n(p.y)}" for p in points)


def _attr(value: str) -> str:
    return escape(value, quote=True)


def theme_colour(index: int) -> str:
    """The colour of the theme at this position."""
    return THEME_COLOURS[index % len(THEME_COLOURS)]


def render_wheel(
    geometry: WheelGeometry,
    *,
    title: str,
    description: str,
    level_legend: str,
    self_legend: str,
    id_prefix: str = "profile-chart",
) -> str:
    """The chart's SVG markup (text is escaped; the result is safe to embed in HTML).

    The level is a filled polygon, the self-assessment a dashed outline, themes
    are coloured arcs around the wheel, explained in a legend below it.
    """
    g = geometry
    cx, cy = g.center.x, g.center.y
    title_id, desc_id = f"{id_prefix}-title", f"{id_prefix}-desc"
    out: list[str] = [
        f'<svg xmlns="{SVG_NS}" class="profile-chart" viewBox="0 0 {_n(g.width)} {_n(g.height)}" '
        f'role="img" aria-labelledby="{title_id} {desc_id}" font-size="12">',
        f'<title id="{title_id}">{escape(title)}</title>',
        f'<desc id="{desc_id}">{escape(description)}</desc>',
        '<g class="chart-grid" fill="none" stroke="#d9d4c7" stroke-width="1">',
    ]
    for r in g.ring_radii:
        out.append(f'<circle cx="{_n(cx)}" cy="{_n(cy)}" r="{_n(r)}"/>')
    for spoke in g.spokes:
        out.append(
            f'<line x1="{_n(cx)}" y1="{_n(cy)}" x2="{_n(spoke.end.x)}" y2="{_n(spoke.end.y)}"/>'
        )
    out.append("</g>")

    # Level numbers up the first spoke, so the rings can be read.
    out.append('<g class="chart-ring-labels" fill="#52606d" font-size="10">')
    for level, r in enumerate(g.ring_radii, start=1):
        out.append(f'<text x="{_n(cx + 3)}" y="{_n(cy - r + 11)}">{level}</text>')
    out.append("</g>")

    out.append('<g class="chart-themes" fill="none" stroke-width="6" stroke-linecap="butt">')
    for arc in g.arcs:
        colour = theme_colour(arc.index)
        if arc.full_circle:
            out.append(
                f'<circle class="chart-theme chart-theme-{arc.index}" cx="{_n(cx)}" cy="{_n(cy)}" '
                f'r="{_n(g.arc_radius)}" stroke="{colour}"/>'
            )
        else:
            large = 1 if arc.large_arc else 0
            arc_r = _n(g.arc_radius)
            out.append(
                f'<path class="chart-theme chart-theme-{arc.index}" stroke="{colour}" '
                f'd="M {_n(arc.start.x)} {_n(arc.start.y)} A {arc_r} {arc_r} 0 {large} 1 '
                f'{_n(arc.end.x)} {_n(arc.end.y)}"/>'
            )
    out.append("</g>")

    if g.spokes:
        out.append(
            f'<polygon class="chart-level" points="{_points(g.level_polygon)}" '
            f'fill="{LEVEL_FILL}" fill-opacity="0.35" stroke="{LEVEL_FILL}" stroke-width="2" '
            'stroke-linejoin="round"/>'
        )
        out.append(f'<g class="chart-level-points" fill="{LEVEL_FILL}">')
        for spoke in g.spokes:
            out.append(
                f'<circle cx="{_n(spoke.level_point.x)}" cy="{_n(spoke.level_point.y)}" r="3"/>'
            )
        out.append("</g>")

    out.append(
        f'<g class="chart-self" fill="none" stroke="{SELF_STROKE}" stroke-width="2" '
        'stroke-dasharray="6 4" stroke-linejoin="round">'
    )
    for run in g.self_runs:
        tag = "polygon" if g.self_closed else "polyline"
        if len(run) > 1 or g.self_closed:
            out.append(f'<{tag} points="{_points(run)}"/>')
    for spoke in g.spokes:
        if spoke.self_point is not None:
            out.append(
                f'<circle cx="{_n(spoke.self_point.x)}" cy="{_n(spoke.self_point.y)}" r="4" '
                'stroke-dasharray="none"/>'
            )
    out.append("</g>")

    out.append('<g class="chart-labels" fill="#1f2933" dominant-baseline="middle">')
    for spoke in g.spokes:
        # The <title> is the full name, shown as a tooltip on the code.
        out.append(
            f"<g><title>{escape(spoke.code)} — {escape(spoke.title)}</title>"
            f'<text x="{_n(spoke.label.x)}" y="{_n(spoke.label.y)}" text-anchor="{spoke.anchor}">'
            f"{escape(spoke.code)}</text></g>"
        )
    out.append("</g>")

    out.extend(_legend(g, level_legend, self_legend))
    out.append("</svg>")
    return "".join(out)


def _legend(g: WheelGeometry, level_legend: str, self_legend: str) -> list[str]:
    """Swatches below the wheel: level, self-assessment, then one per theme."""
    # The wheel is a square of side g.width; the legend lines go below it.
    x, y, row = 20.0, g.width + 4.0, 20.0
    out = ['<g class="chart-legend" fill="#1f2933" dominant-baseline="middle">']
    out.append(
        f'<rect x="{_n(x)}" y="{_n(y - 6)}" width="18" height="12" fill="{LEVEL_FILL}" '
        f'fill-opacity="0.35" stroke="{LEVEL_FILL}" stroke-width="2"/>'
        f'<text x="{_n(x + 26)}" y="{_n(y)}">{escape(level_legend)}</text>'
    )
    y += row
    out.append(
        f'<line x1="{_n(x)}" y1="{_n(y)}" x2="{_n(x + 18)}" y2="{_n(y)}" stroke="{SELF_STROKE}" '
        'stroke-width="2" stroke-dasharray="6 4"/>'
        f'<text x="{_n(x + 26)}" y="{_n(y)}">{escape(self_legend)}</text>'
    )
    for arc in g.arcs:
        y += row
        out.append(
            f'<rect x="{_n(x)}" y="{_n(y - 3)}" width="18" height="6" '
            f'fill="{theme_colour(arc.index)}"/>'
            f'<text x="{_n(x + 26)}" y="{_n(y)}">{escape(arc.title)}</text>'
        )
    out.append("</g>")
    return out


def legend_rows(theme_count: int) -> int:
    """How many legend lines the chart needs (level, self-assessment, one per theme)."""
    return 2 + theme_count
