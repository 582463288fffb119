"""CASE 1.1: the export's shape and stable identifiers, the import of ours and of others'."""

from __future__ import annotations

import copy
import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from lms.interop.case import (
    CaseImportError,
    CompetencyRow,
    FrameworkSnapshot,
    ModuleRow,
    case_id,
    export_case,
    import_case,
)

FIXTURES = Path(__file__).parents[2] / "fixtures" / "interop"
SCALE = (
    (0, "Non évalué", ""),
    (1, "Découverte", "Nomme."),
    (2, "Compréhension", ""),
    (3, "Application", ""),
    (4, "Maîtrise", ""),
)
SNAPSHOT = FrameworkSnapshot(
    title="Référentiel",
    scale=SCALE,
    themes=(("comprendre", "Comprendre"), ("conduire", "Conduire")),
    competencies=(
        CompetencyRow(
            "MSE-01", "Expliquer le modèle", "Les trois piliers.", "knowledge", "comprendre"
        ),
        CompetencyRow(
            "MSE-05", "Définir une trajectoire", "Ambition et leviers.", "skill", "conduire"
        ),
    ),
    modules=(
        ModuleRow(
            "au-service", "Au service de quoi ?", "https://e.test/modules/au-service", ("MSE-01",)
        ),
        ModuleRow(
            "trajectoire", "Trajectoire", "https://e.test/modules/trajectoire", ("MSE-01", "MSE-05")
        ),
    ),
    changed_at=datetime(2026, 1, 15, 9, 30, tzinfo=UTC),
)


def package():
    return export_case(SNAPSHOT, "https://e.test/")


def test_one_item_per_competency_with_code_title_description_and_kind():
    competencies = [i for i in package()["CFItems"] if i["CFItemType"] == "Competency"]
    assert [
        (i["humanCodingScheme"], i["fullStatement"], i["notes"], i["conceptKeywords"])
        for i in competencies
    ] == [
        ("MSE-01", "Expliquer le modèle", "Les trois piliers.", ["knowledge"]),
        ("MSE-05", "Définir une trajectoire", "Ambition et leviers.", ["skill"]),
    ]
    assert competencies[0]["identifier"] == case_id("competency", "MSE-01")
    assert package()["CFDocument"]["lastChangeDateTime"] == "2026-01-15T09:30:00Z"


def test_identifiers_are_uuid5_and_stable_across_exports_and_instances():
    first = export_case(SNAPSHOT, "https://e.test")
    again = export_case(SNAPSHOT, "https://other.example")
    ids = [i["identifier"] for i in first["CFItems"]] + [
        a["identifier"] for a in first["CFAssociations"]
    ]
    assert all(str(__import__("uuid").UUID(i)) == i and i[14] == "5" for i in ids)
    assert ids[: len(first["CFItems"])] == [i["identifier"] for i in again["CFItems"]]
    assert len(set(ids)) == len(ids)


def test_associations_place_competencies_under_themes_and_link_the_modules():
    associations = package()["CFAssociations"]
    by_origin = {}
    for a in associations:
        by_origin.setdefault((a["originNodeURI"]["title"], a["associationType"]), []).append(
            a["destinationNodeURI"]
        )
    assert [d["title"] for d in by_origin[("Expliquer le modèle", "isChildOf")]] == ["Comprendre"]
    assert [d["uri"] for d in by_origin[("Expliquer le modèle", "isRelatedTo")]] == [
        "https://e.test/modules/au-service",
        "https://e.test/modules/trajectoire",
    ]
    assert [d["title"] for d in by_origin[("Comprendre", "isChildOf")]] == ["Référentiel"]


def test_round_trip_gives_the_same_framework():
    result = import_case(json.loads(json.dumps(package())))
    assert result.notes == []
    assert result.framework["competencies"] == [
        {
            "code": c.code,
            "title": c.title,
            "description": c.description,
            "kind": c.kind,
            "theme": c.theme,
        }
        for c in SNAPSHOT.competencies
    ]
    assert result.framework["scale"][1] == {
        "level": 1,
        "label": "Découverte",
        "description": "Nomme.",
    }
    assert [level["level"] for level in result.framework["scale"]] == [0, 1, 2, 3, 4]


def test_a_package_from_elsewhere_is_read_with_unknown_fields_tolerated():
    result = import_case(json.loads((FIXTURES / "foreign-case.json").read_text(encoding="utf-8")))
    assert [(c["code"], c["theme"], c["kind"]) for c in result.framework["competencies"]] == [
        ("GOUV-1-A", "gouv", "knowledge"),
        ("GOUV-1-B", "gouv", "skill"),
        ("FIN-1", "fin", "knowledge"),
    ]
    assert result.framework["title"] == "Référentiel régional — pilotage associatif"
    assert result.framework["competencies"][1]["description"] == "Rédiger un rapport d'activité"
    assert any("code 'gouv.1.a' written as 'GOUV-1-A'" in n for n in result.notes)
    assert any("the Escales scale is used" in n for n in result.notes)


def test_missing_required_fields_are_all_reported():
    broken = copy.deepcopy(package())
    del broken["CFDocument"]["title"]
    del broken["CFItems"][2]["fullStatement"]
    del broken["CFItems"][3]["humanCodingScheme"]
    broken["CFAssociations"][0]["originNodeURI"] = {}
    with pytest.raises(CaseImportError) as raised:
        import_case(broken)
    assert raised.value.problems == (
        "CFDocument: missing 'title'",
        "CFItems[2]: missing 'fullStatement'",
        "CFAssociations[0]: missing 'originNodeURI' or 'destinationNodeURI' identifier",
        "CFItems[3]: missing 'humanCodingScheme' (the competency's code)",
    )


@pytest.mark.parametrize(
    "data", [[], "texte", {"CFItems": []}, {"CFDocument": {"identifier": "x", "title": "t"}}]
)
def test_not_a_package_is_refused(data):
    with pytest.raises(CaseImportError):
        import_case(data)
