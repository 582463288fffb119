"""A learner maps a fictional association's model over two years, with the course's method.

« La Ressourcerie du Val » is the course's own fictional example (M03): every figure is
invented, and the workspace is marked as a fictional example. The learner fills the
identity, two years of the three pillars (adding rows without JavaScript), reads the
indicators and charts, writes the method's three steps, exports the board sheet (its
text is read back), and submits the M03 practical work; a trainer's review then raises
MSE-04 to level 3.
"""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader

from lms.content.services import load_content
from lms.extensions import db
from lms.models import PracticeSubmission, ReviewDecision, Role, Workspace
from lms.practice import services as practice_services
from tests.browser.conftest import sign_in
from tests.factories import PASSWORD, make_org, make_user
from tests.integration.workspace.helpers import M03, m03_course

pytestmark = pytest.mark.browser


def fill_rows(page, rows: list[dict[str, str]], start: int = 0) -> None:
    """Fill rows from `start`, asking for more rows (a submit button, no JS) when needed."""
    for offset, row in enumerate(rows):
        index = start + offset
        if page.locator(f"#rows-{index}-{next(iter(row))}").count() == 0:
            page.locator('input[name="add_rows"]').click()
        for name, value in row.items():
            field = page.locator(f"#rows-{index}-{name}")
            tag = field.evaluate("el => el.tagName + (el.type || '')")
            if tag == "INPUTcheckbox":
                field.check() if value else field.uncheck()
            elif tag.startswith("SELECT"):
                field.select_option(value)
            else:
                field.fill(value)


def save(page) -> None:
    page.locator('input[name="save"]').click()
    page.wait_for_load_state()
    assert page.locator(".ws-errors").count() == 0, page.locator(".ws-errors").inner_text()


RESOURCES_2023 = [
    {
        "label": "Convention annuelle de collecte",
        "family": "public_subsidies",
        "funder": "Intercommunalité du Val",
        "amount": "120 000",
    },
    {"label": "Ventes de la boutique", "family": "activity_revenue", "amount": "150 000"},
    {
        "label": "Subventions des ateliers",
        "family": "public_subsidies",
        "funder": "Département",
        "amount": "40 000",
    },
    {"label": "Participations aux ateliers", "family": "activity_revenue", "amount": "5 000"},
    {"label": "Dons", "family": "donations", "amount": "8 000"},
    {
        "label": "Mécénat du garage Martin",
        "family": "corporate_patronage",
        "funder": "Garage Martin",
        "amount": "7 000",
    },
    {"label": "Cotisations", "family": "membership_fees", "amount": "5 000"},
]


def test_a_learner_maps_a_fictional_association_and_submits_it(page, browser_db, tmp_path):
    load_content(m03_course(tmp_path))
    org = make_org(name="La Ressourcerie du Val")
    learner = make_user(org=org, email="camille@example.org", name="Camille Martin")
    trainer = make_user(role=Role.TRAINER, email="formatrice@example.org", name="Nadia Formatrice")
    sign_in(page, "camille@example.org", PASSWORD)

    # Start the organisation's workspace, then its identity.
    page.goto("/workspace/")
    page.locator("#start-workspace").click()
    page.wait_for_load_state()
    assert page.url.endswith("/identity")
    workspace_id = db.session.scalar(db.select(Workspace.id))
    page.locator("#name").fill("La Ressourcerie du Val")
    page.locator("#fictional").check()
    page.locator("#legal_form").select_option("association_1901")
    page.locator("#field_of_action").fill("Réemploi et prévention des déchets")
    page.locator("#territory").fill("Une petite ville et son intercommunalité")
    page.locator("#mission").fill("Donner une seconde vie aux objets et sensibiliser au réemploi.")
    page.locator("#general_interest-0").check()  # yes
    page.locator("#general_interest_reasons").fill("Non lucrative, gestion désintéressée.")
    page.locator("#social_utility-0").check()
    save(page)

    # Year 2023: activities, resources (seven lines: "add rows" twice), human riches, alliances.
    page.goto(f"/workspace/{workspace_id}/")
    page.locator("#year").fill("2023")
    page.locator('input[name="add"]').click()
    page.wait_for_load_state()
    assert page.url.endswith("/years/2023/activities")
    fill_rows(
        page,
        [
            {
                "name": "Collecte et tri",
                "costs": "130 000",
                "budget": "120 000",
                "revenue": "0",
                "staff_fte": "4",
                "volunteer_hours": "800",
            },
            {
                "name": "Boutique solidaire",
                "costs": "170 000",
                "budget": "150 000",
                "revenue": "150 000",
                "staff_fte": "4",
                "volunteer_hours": "2 600",
            },
            {
                "name": "Ateliers de réparation",
                "costs": "60 000",
                "budget": "45 000",
                "revenue": "5 000",
                "staff_fte": "1,5",
                "volunteer_hours": "1 200",
            },
        ],
    )
    save(page)
    assert "88,2" in page.locator("main").inner_text()  # the shop's self-financing rate

    page.goto(f"/workspace/{workspace_id}/years/2023/resources")
    fill_rows(page, RESOURCES_2023)
    save(page)
    assert "35,8" in page.locator("main").inner_text()  # the convention's share

    page.goto(f"/workspace/{workspace_id}/years/2023/human-riches")
    page.locator("#employees_count").fill("11")
    page.locator("#employees_fte").fill("9,5")
    page.locator("#volunteers_count").fill("60")
    page.locator("#volunteer_hours").fill("4 600")
    page.locator("#board_members").fill("9")
    save(page)

    page.goto(f"/workspace/{workspace_id}/years/2023/alliances")
    fill_rows(
        page,
        [
            {
                "partner": "Intercommunalité du Val",
                "kind": "public_body",
                "form": "economic_cooperation",
                "they_bring": "Convention de collecte",
            },
            {"partner": "Garage Martin", "kind": "company", "form": "patronage"},
        ],
    )
    save(page)

    # Year 2024 starts from a copy of 2023; the workshops now sell to companies.
    page.goto(f"/workspace/{workspace_id}/")
    page.locator("#year").fill("2024")
    page.locator("#copy_from").select_option("2023")
    page.locator('input[name="add"]').click()
    page.wait_for_load_state()
    page.goto(f"/workspace/{workspace_id}/years/2024/resources")
    fill_rows(
        page,
        [
            {
                "label": "Ateliers pour les entreprises",
                "family": "activity_revenue",
                "amount": "12 000",
            }
        ],
        start=7,
    )
    page.locator("#rows-0-multi_year").check()
    save(page)

    # The indicators, the charts and the positioning with its reasons.
    page.goto(f"/workspace/{workspace_id}/analysis")
    main = page.locator("main")
    assert main.locator("svg.ws-chart[role=img]").count() == 2
    assert main.locator("#families-h").count() == 1  # the table beside the charts
    text = main.inner_text()
    assert "34,6" in text  # 2024: 120 000 ÷ 347 000
    assert "Intercommunalité du Val" in text
    assert "47,8 %" in text  # 2023 public subsidies, in the positioning's reasons

    # The method: key issues and debate, ambition, levers, target, trajectory.
    page.goto(f"/workspace/{workspace_id}/method/issues")
    fill_rows(
        page,
        [
            {
                "title": "Une dépendance forte à un seul partenaire",
                "statement": "La convention pèse 35 % des ressources.",
            },
            {"title": "L'activité la plus proche de la mission est la moins financée"},
            {"title": "Un bénévolat concentré et fatigué"},
        ],
    )
    page.locator("#debate_notes").fill("Séminaire avec le conseil et l'équipe.")
    save(page)
    page.goto(f"/workspace/{workspace_id}/method/ambition")
    page.locator("#ambition").fill(
        "Être le lieu de référence du réemploi, aucun financeur au-delà de 30 %."
    )
    page.locator("#horizon_year").fill("2028")
    save(page)
    page.goto(f"/workspace/{workspace_id}/method/levers")
    fill_rows(
        page,
        [
            {
                "title": "Convention pluriannuelle",
                "pillar": "financial_resources",
                "impact": "3",
                "feasibility": "3",
                "decision": "retained",
            },
            {
                "title": "Bénévoles référents",
                "pillar": "human_riches",
                "impact": "3",
                "feasibility": "3",
                "decision": "retained",
            },
            {
                "title": "Local partagé avec une association voisine",
                "pillar": "alliances",
                "impact": "3",
                "feasibility": "1",
                "decision": "postponed",
            },
            {
                "title": "Boutique en ligne",
                "pillar": "activities",
                "impact": "1",
                "feasibility": "1",
                "decision": "dismissed",
            },
        ],
    )
    save(page)
    priority = page.locator(".ws-matrix .ws-cell-priority", has_text="Convention pluriannuelle")
    assert priority.count() == 1
    assert page.locator(".ws-matrix .ws-cell-set_aside", has_text="Boutique en ligne").count() == 1
    page.goto(f"/workspace/{workspace_id}/method/target")
    page.locator("#year").fill("2028")
    page.locator("#total_resources").fill("420 000")
    page.locator("#max_funder_share").fill("30")
    page.locator("#share_public_subsidies").fill("45")
    page.locator("#share_activity_revenue").fill("45")
    page.locator("#share_donations").fill("10")
    save(page)
    assert page.locator("svg.ws-chart").count() == 1  # now and target
    page.goto(f"/workspace/{workspace_id}/method/trajectory")
    fill_rows(
        page,
        [
            {"year": "2025", "title": "Négocier la convention", "decision_point": "y"},
            {"year": "2026", "title": "Structurer l'offre aux entreprises"},
            {"year": "2028", "title": "Équilibre", "decision_point": "y"},
        ],
    )
    save(page)
    page.goto(f"/workspace/{workspace_id}/")
    assert page.locator(".ws-steps .ws-todo").count() == 0  # the three steps are done

    # The board sheet, read back.
    response = page.request.get(f"/workspace/{workspace_id}/export.pdf")
    assert response.headers["content-type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.body()))
    assert len(reader.pages) <= 2
    sheet = " ".join(" ".join(p.extract_text() for p in reader.pages).split())
    sheet = sheet.replace("\u202f", " ").replace("\xa0", " ")
    for expected in (
        "La Ressourcerie du Val",
        "347 000",
        "Intercommunalité du Val",
        "Une dépendance forte à un seul partenaire",
        "Convention pluriannuelle",
    ):
        assert expected in sheet, expected

    # The M03 practical work, written from the workspace and submitted.
    page.goto(f"/workspace/{workspace_id}/practice/{M03}")
    assert "Collecte et tri" in page.locator("#text").input_value()
    assert page.locator('[data-competency="MSE-04"]').get_attribute("data-level") == "0"
    page.locator('input[name="submit_work"]').click()
    page.wait_for_load_state()
    assert page.locator("#practice-status").get_attribute("data-status") == "submitted"

    # A trainer reviews it (the cohorts area's review page calls the same service).
    db.session.expire_all()
    submission = db.session.scalar(
        db.select(PracticeSubmission).where(PracticeSubmission.user_id == learner.id)
    )
    practice_services.record_review(
        db.session,
        submission,
        trainer,
        [4, 3, 4, 3],
        ReviewDecision.ACCEPTED,
        "Cartographie claire, problématiques bien appuyées sur les données.",
    )
    page.reload()
    assert page.locator('[data-competency="MSE-04"]').get_attribute("data-level") == "3"
    assert "problématiques bien appuyées" in page.locator("main").inner_text()
    page.goto(f"/workspace/{workspace_id}/versions")
    assert page.locator("tbody tr").count() == 1  # the version kept when submitting
