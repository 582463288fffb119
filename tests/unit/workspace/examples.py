"""The worked examples of docs/workspace-indicators.md, as documents.

All three organisations are the course's own fictional examples (M03, M04, M05):
their figures are invented, and so are the details the course leaves out (which
funder pays the workshops' subsidies, how the 20 000 € of gifts split).
"""

from __future__ import annotations

from decimal import Decimal

from lms.workspace.schemas import (
    Activity,
    Alliance,
    AllianceForm,
    HumanRiches,
    PartnerKind,
    ResourceFamily,
    ResourceLine,
    YearData,
)


def line(label, family, amount, funder="", **flags):
    return ResourceLine(
        label=label, family=ResourceFamily(family), amount=amount, funder=funder, **flags
    )


def terres_partagees() -> YearData:
    """M05's insertion garden, « Terres Partagées » (fictional): 600 000 € of resources."""
    return YearData(
        year=2024,
        resources=[
            line(
                "Aides publiques liées à l'insertion",
                "public_subsidies",
                270_000,
                "État",
                public_policy=True,
            ),
            line("Subvention annuelle du département", "public_subsidies", 90_000, "Département"),
            line(
                "Marché public d'entretien d'espaces verts", "public_contracts", 45_000, "Commune"
            ),
            line("Vente de paniers de légumes", "activity_revenue", 150_000),
            line(
                "Mécénat d'une fondation d'entreprise",
                "corporate_patronage",
                30_000,
                "Fondation Horizon",
                multi_year=True,
            ),
            line("Dons de particuliers", "donations", 12_000),
            line("Cotisations des adhérents", "membership_fees", 3_000),
        ],
    )


def ressourcerie(year: int = 2024) -> YearData:
    """M03's « Ressourcerie du Val » (fictional): three activities, 335 000 € of resources."""
    return YearData(
        year=year,
        activities=[
            Activity(
                name="Collecte et tri",
                costs=130_000,
                budget=120_000,
                revenue=0,
                staff_fte=Decimal("4"),
                volunteer_hours=800,
            ),
            Activity(
                name="Boutique solidaire",
                costs=170_000,
                budget=150_000,
                revenue=150_000,
                staff_fte=Decimal("4"),
                volunteer_hours=2600,
            ),
            Activity(
                name="Ateliers de réparation et de sensibilisation",
                costs=60_000,
                budget=45_000,
                revenue=5_000,
                staff_fte=Decimal("1.5"),
                volunteer_hours=1200,
            ),
        ],
        resources=[
            line(
                "Convention annuelle de collecte", "public_subsidies", 120_000, "Intercommunalité"
            ),
            line("Ventes de la boutique", "activity_revenue", 150_000),
            line("Subventions des ateliers", "public_subsidies", 40_000, "Département"),
            line("Participations aux ateliers", "activity_revenue", 5_000),
            line("Dons", "donations", 8_000),
            line("Mécénat d'une entreprise voisine", "corporate_patronage", 7_000, "Garage Martin"),
            line("Cotisations", "membership_fees", 5_000),
        ],
        human_riches=HumanRiches(
            employees_count=11,
            employees_fte=Decimal("9.5"),
            volunteers_count=60,
            volunteer_hours=4600,
            board_members=9,
        ),
        alliances=[
            Alliance(
                partner="Intercommunalité",
                kind=PartnerKind.PUBLIC_BODY,
                form=AllianceForm.ECONOMIC_COOPERATION,
            ),
            Alliance(
                partner="Garage Martin", kind=PartnerKind.COMPANY, form=AllianceForm.PATRONAGE
            ),
        ],
    )


def club_des_tilleuls() -> HumanRiches:
    """M04's « Union sportive des Tilleuls » (fictional), one season."""
    return HumanRiches(
        employees_count=2,
        employees_fte=Decimal("1.5"),
        volunteers_count=55,
        volunteer_hours=4400,
        board_members=9,
        board_hours=900,
    )
