"""The framework as CASE: the public endpoint, and export -> import-case -> same framework."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import yaml

from lms.content.reader import check_course, read_course
from lms.interop.case import case_id
from tests.conftest import FIXTURE_COURSE

FIXTURES = Path(__file__).parents[2] / "fixtures" / "interop"


def test_case_endpoint_is_public_and_lists_the_loaded_framework(client, course):
    response = client.get("/api/v1/framework/case.json")
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "public, max-age=300"
    package = response.json
    codes = [i["humanCodingScheme"] for i in package["CFItems"] if i["CFItemType"] == "Competency"]
    assert codes == [c.code for c in course.framework.competencies]
    related = [a for a in package["CFAssociations"] if a["associationType"] == "isRelatedTo"]
    assert {
        (a["originNodeURI"]["title"], a["destinationNodeURI"]["uri"].rsplit("/", 1)[1])
        for a in related
    } == {
        ("Connaître les trois piliers", "premier-module"),
        ("Diagnostiquer son modèle", "premier-module"),
        ("Connaître les trois piliers", "second-module"),
        ("Ancrer son modèle", "troisieme"),
    }
    # Reloading the content does not change any identifier.
    again = client.get("/api/v1/framework/case.json").json
    assert [i["identifier"] for i in again["CFItems"]] == [
        i["identifier"] for i in package["CFItems"]
    ]
    assert package["CFItems"][2]["identifier"] == case_id("competency", "TST-01")


def test_export_then_import_gives_back_the_same_framework_which_checks(
    runner, course, tmp_path, app_ctx, monkeypatch
):
    exported = tmp_path / "case.json"
    result = runner.invoke(args=["content", "export-case", "--output", str(exported)])
    assert result.exit_code == 0, result.output
    content = tmp_path / "content"
    shutil.copytree(FIXTURE_COURSE, content)
    monkeypatch.setitem(app_ctx.config, "CONTENT_DIR", str(content))
    refused = runner.invoke(args=["content", "import-case", str(exported)])
    assert refused.exit_code == 1 and "pass --force" in refused.output
    result = runner.invoke(args=["content", "import-case", str(exported), "--force"])
    assert result.exit_code == 0, result.output
    assert "3 competencies written" in result.output
    assert check_course(content) == []
    imported = read_course(content).framework
    assert imported.competencies == course.framework.competencies
    assert imported.scale == course.framework.scale


def test_import_of_a_foreign_package_reports_approximations(runner, app_ctx, tmp_path):
    output = tmp_path / "framework.yaml"
    result = runner.invoke(
        args=[
            "content",
            "import-case",
            str(FIXTURES / "foreign-case.json"),
            "--output",
            str(output),
        ]
    )
    assert result.exit_code == 0, result.output
    assert "warning: CFItems[1]: code 'gouv.1.a' written as 'GOUV-1-A'" in result.output
    data = yaml.safe_load(output.read_text(encoding="utf-8"))
    assert [c["code"] for c in data["competencies"]] == ["GOUV-1-A", "GOUV-1-B", "FIN-1"]


def test_import_of_an_incomplete_package_writes_nothing(runner, app_ctx, tmp_path):
    broken = tmp_path / "broken.json"
    broken.write_text(
        json.dumps({"CFDocument": {"identifier": "x"}, "CFItems": [{"identifier": "i"}]})
    )
    output = tmp_path / "framework.yaml"
    result = runner.invoke(args=["content", "import-case", str(broken), "--output", str(output)])
    assert result.exit_code == 1
    assert "CFDocument: missing 'title'" in result.output
    assert "CFItems[0]: missing 'fullStatement'" in result.output
    assert not output.exists()
