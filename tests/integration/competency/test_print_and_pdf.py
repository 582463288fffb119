"""The printable profile and its PDF download."""

from __future__ import annotations

import io

from pypdf import PdfReader

from tests.integration.competency.helpers import answers, record


def pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def test_pdf_holds_the_learner_name_and_every_competency(learner, client):
    record(learner.id, *answers("TST-01", [1, 1, 1]))
    response = client.get("/profile.pdf")
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert "attachment" in response.headers["Content-Disposition"]
    text = " ".join(pdf_text(response.data).split())
    assert "Camille Martin" in text
    for title in ("Connaître les trois piliers", "Diagnostiquer son modèle", "Ancrer son modèle"):
        assert title in text
    assert "2 · Compréhension" in text  # TST-01's level, with its label
    assert "Comprendre" in text and "Incarner" in text  # the themes


def test_printable_page_has_the_chart_the_table_and_no_inline_script(learner, client):
    record(learner.id, *answers("TST-01", [1, 1, 1]))
    response = client.get("/profile/print")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Competency profile — Camille Martin" in html
    assert '<svg xmlns="http://www.w3.org/2000/svg" class="profile-chart"' in html
    assert 'class="profile-table"' in html
    assert '<script src="/static/js/competency.js"></script>' in html
    assert 'id="print-button" hidden' in html  # shown by the script only
