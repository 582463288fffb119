"""The SVG charts: accessible images, no inline style or script, text escaped."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from lms.workspace.analysis import analyse
from lms.workspace.chart import (
    Bar,
    Series,
    hundred_percent_bars,
    mix_chart,
    pillars_chart,
    resources_chart,
    stacked_columns,
)
from lms.workspace.reasons import PLAIN
from lms.workspace.schemas import WorkspaceData
from tests.integration.workspace.example import ressourcerie_document

SVG = "{http://www.w3.org/2000/svg}"


def parse(markup) -> ET.Element:
    return ET.fromstring(str(markup))


def test_a_chart_is_an_image_with_a_title_and_a_description():
    svg = parse(
        stacked_columns(
            [Bar("2023", {"a": 10.0, "b": 30.0})],
            [Series("a", "Dons"), Series("b", "Ventes")],
            title="Ressources",
            description="40 en tout.",
            value_text=str,
        )
    )
    assert svg.get("role") == "img"
    title_id, desc_id = svg.get("aria-labelledby").split()
    assert svg.find(f"{SVG}title").get("id") == title_id
    assert svg.find(f"{SVG}title").text == "Ressources"
    assert svg.find(f"{SVG}desc").get("id") == desc_id
    segments = [r for r in svg.iter(f"{SVG}rect") if r.find(f"{SVG}title") is not None]
    assert [r.find(f"{SVG}title").text for r in segments] == ["Dons: 10.0", "Ventes: 30.0"]
    assert float(segments[1].get("height")) == 3 * float(segments[0].get("height"))


def test_no_style_attribute_no_script_and_labels_escaped():
    markup = str(
        hundred_percent_bars(
            [Bar("<b>Now</b>", {"a": 60.0, "b": 40.0})],
            [Series("a", 'Dons & "legs"'), Series("b", "<script>x</script>")],
            title="Mix",
            description="d",
            value_text=lambda v: f"{v:.0f} %",
        )
    )
    assert "style=" not in markup and "<script>" not in markup
    assert "&lt;script&gt;" in markup and "&amp;" in markup
    parse(markup)  # well-formed


def test_the_workspace_charts_show_every_year():
    data = WorkspaceData.model_validate(ressourcerie_document())
    analysis = analyse(data)
    resources = str(resources_chart(analysis, PLAIN))
    assert "2023" in resources and "2024" in resources
    assert "335,000 €" in resources and "347,000 €" in resources
    pillars = parse(pillars_chart(analysis, PLAIN))
    assert [t.text for t in pillars.iter(f"{SVG}text") if t.get("font-size") == "14"] == [
        "Financial resources",
        "Human riches (FTE)",
        "Strategic alliances",
    ]
    mix = str(mix_chart(analysis, data.method.target, PLAIN))
    assert "Now (2024)" in mix and "Target (2028)" in mix
    assert re.search(r"Activity revenue: 50 %", mix)


def test_no_mix_chart_without_a_target_mix():
    data = WorkspaceData.model_validate(ressourcerie_document())
    data.method.target.resource_shares.clear()
    assert mix_chart(analyse(data), data.method.target, PLAIN) is None
