"""The profile chart: its geometry (lms/competency/profile.py) and its SVG (lms/competency/chart.py)."""

import math
import xml.etree.ElementTree as ET

import pytest

from lms.competency.chart import legend_rows, render_wheel
from lms.competency.profile import CompetencyStatus, ThemeInfo, wheel_geometry

NS = {"svg": "http://www.w3.org/2000/svg"}


def status(code, level=0, self_level=None, theme="t", title=None):
    return CompetencyStatus(code, title or f"Titre {code}", theme, level, level, self_level)


def groups_of(*themes):
    """[(slug, [(code, level, self_level), ...]), ...] -> groups for wheel_geometry."""
    return [
        (ThemeInfo(slug, f"Thème {slug}"), [status(c, lv, sl, slug) for c, lv, sl in rows])
        for slug, rows in themes
    ]


def render(geometry, **labels):
    defaults = {
        "title": "Mon profil",
        "description": "Une roue",
        "level_legend": "Mon niveau",
        "self_legend": "Mon auto-positionnement",
    }
    return render_wheel(geometry, **{**defaults, **labels})


def distance(point, center):
    return math.hypot(point.x - center.x, point.y - center.y)


def test_spokes_start_at_the_top_and_turn_clockwise():
    g = wheel_geometry(groups_of(("a", [("A", 4, None), ("B", 4, None), ("C", 4, None)])))
    first, second = g.spokes[0], g.spokes[1]
    assert first.end.x == pytest.approx(g.center.x)
    assert first.end.y == pytest.approx(g.center.y - g.radius)  # up (SVG y grows downwards)
    assert second.end.x > g.center.x and second.end.y > g.center.y  # then lower right
    assert [s.anchor for s in g.spokes] == ["middle", "start", "end"]


def test_levels_sit_at_a_quarter_of_the_radius_per_level():
    g = wheel_geometry(groups_of(("a", [("A", 0, 1), ("B", 2, 4), ("C", 4, None), ("D", 3, 3)])))
    radii = [distance(s.level_point, g.center) for s in g.spokes]
    assert radii == pytest.approx([0, g.radius / 2, g.radius, g.radius * 3 / 4])
    assert distance(g.spokes[0].self_point, g.center) == pytest.approx(g.radius / 4)
    assert distance(g.spokes[1].self_point, g.center) == pytest.approx(g.radius)
    assert g.spokes[2].self_point is None
    assert g.ring_radii == pytest.approx([g.radius * k / 4 for k in (1, 2, 3, 4)])


def test_themes_keep_their_spokes_together_in_theme_order():
    g = wheel_geometry(
        groups_of(("a", [("A1", 1, None), ("A2", 1, None)]), ("b", [("B1", 1, None)]))
    )
    assert [(s.code, s.theme_index) for s in g.spokes] == [("A1", 0), ("A2", 0), ("B1", 1)]
    assert [a.slug for a in g.arcs] == ["a", "b"]
    assert g.arcs[0].large_arc and not g.arcs[1].large_arc  # 2 of 3 spokes: more than half
    for arc in g.arcs:
        assert distance(arc.start, g.center) == pytest.approx(g.arc_radius)
        assert distance(arc.end, g.center) == pytest.approx(g.arc_radius)


def test_self_outline_is_closed_only_when_every_competency_is_assessed():
    full = wheel_geometry(groups_of(("a", [("A", 1, 2), ("B", 1, 3), ("C", 1, 1)])))
    assert full.self_closed and len(full.self_runs) == 1 and len(full.self_runs[0]) == 3

    # B is not assessed: the outline breaks there; C and A are neighbours around the wheel.
    gap = wheel_geometry(groups_of(("a", [("A", 1, 2), ("B", 1, None), ("C", 1, 1), ("D", 1, 3)])))
    assert not gap.self_closed
    assert [[p for p in run] for run in gap.self_runs] == [
        [gap.spokes[2].self_point, gap.spokes[3].self_point, gap.spokes[0].self_point]
    ]

    none = wheel_geometry(groups_of(("a", [("A", 1, None), ("B", 1, None)])))
    assert none.self_runs == ()


def test_svg_is_well_formed_and_labelled_as_an_image():
    g = wheel_geometry(
        groups_of(("a", [("A", 2, 3), ("B", 1, None)]), ("b", [("C", 4, 4)])),
        legend_rows=legend_rows(2),
    )
    root = ET.fromstring(render(g))
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    assert root.get("role") == "img"
    title = root.find("svg:title", NS)
    desc = root.find("svg:desc", NS)
    assert title.text == "Mon profil" and desc.text == "Une roue"
    assert root.get("aria-labelledby") == f"{title.get('id')} {desc.get('id')}"
    # The level is a filled polygon with one point per competency; self-assessment is dashed.
    level = root.find(".//svg:polygon[@class='chart-level']", NS)
    assert len(level.get("points").split()) == 3
    assert level.get("fill") not in (None, "none")
    self_group = root.find(".//svg:g[@class='chart-self']", NS)
    assert self_group.get("stroke-dasharray")
    labels = [t.text for t in root.iterfind(".//svg:g[@class='chart-labels']//svg:text", NS)]
    assert labels == ["A", "B", "C"]
    legend = [t.text for t in root.iterfind(".//svg:g[@class='chart-legend']/svg:text", NS)]
    assert legend == ["Mon niveau", "Mon auto-positionnement", "Thème a", "Thème b"]
    # Everything fits in the drawing, legend included.
    width, height = (float(v) for v in root.get("viewBox").split()[2:])
    rects = root.iterfind(".//svg:g[@class='chart-legend']/svg:rect", NS)
    assert all(float(r.get("y")) + float(r.get("height")) <= height for r in rects)
    assert width == g.width


def test_svg_has_no_script_no_style_and_escapes_text():
    g = wheel_geometry(
        [(ThemeInfo("a", "<Thème & co>"), [status("A", 1, None, "a", title='<b>"x"</b>')])],
        legend_rows=3,
    )
    svg = render(g, title="<script>alert(1)</script>", description="a & b")
    root = ET.fromstring(svg)  # would fail on unescaped markup
    assert root.find("svg:title", NS).text == "<script>alert(1)</script>"
    assert "<script" not in svg and "style=" not in svg
    for element in root.iter():
        assert "style" not in element.attrib
        assert not any(name.startswith("on") for name in element.attrib)


def test_one_theme_is_drawn_as_a_full_circle():
    g = wheel_geometry(groups_of(("a", [("A", 1, None), ("B", 2, None)])), legend_rows=3)
    assert g.arcs[0].full_circle
    root = ET.fromstring(render(g))
    assert root.find(".//svg:g[@class='chart-themes']/svg:circle", NS) is not None


def test_empty_profile_still_gives_a_valid_image():
    g = wheel_geometry([], legend_rows=2)
    root = ET.fromstring(render(g))
    assert root.find(".//svg:polygon", NS) is None
    assert root.get("role") == "img"
