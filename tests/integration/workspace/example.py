"""A realistic, fictional workspace: « La Ressourcerie du Val » over two years.

Built on the course's own fictional example (M03, section « Exemple : une ressourcerie
associative revoit son modèle »): the association, its partners and every figure are
invented. 2023 is the course's table; 2024 adds what a second year could look like.
"""

from __future__ import annotations

from typing import Any


def _year_2023() -> dict[str, Any]:
    return {
        "year": 2023,
        "activities": [
            {
                "name": "Collecte et tri",
                "costs": 130000,
                "budget": 120000,
                "revenue": 0,
                "staff_fte": 4,
                "volunteer_hours": 800,
                "description": "Collecte en déchèterie et à domicile, tri des objets.",
            },
            {
                "name": "Boutique solidaire",
                "costs": 170000,
                "budget": 150000,
                "revenue": 150000,
                "staff_fte": 4,
                "volunteer_hours": 2600,
                "description": "Vente d'objets de seconde main ; lieu de lien social.",
            },
            {
                "name": "Ateliers de réparation et de sensibilisation",
                "costs": 60000,
                "budget": 45000,
                "revenue": 5000,
                "staff_fte": 1.5,
                "volunteer_hours": 1200,
                "description": "Ateliers dans les écoles et à la boutique.",
            },
        ],
        "resources": [
            {
                "label": "Convention annuelle de collecte",
                "family": "public_subsidies",
                "amount": 120000,
                "funder": "Intercommunalité du Val",
            },
            {"label": "Ventes de la boutique", "family": "activity_revenue", "amount": 150000},
            {
                "label": "Subventions des ateliers",
                "family": "public_subsidies",
                "amount": 40000,
                "funder": "Département",
            },
            {"label": "Participations aux ateliers", "family": "activity_revenue", "amount": 5000},
            {"label": "Dons", "family": "donations", "amount": 8000},
            {
                "label": "Mécénat du garage Martin",
                "family": "corporate_patronage",
                "amount": 7000,
                "funder": "Garage Martin",
            },
            {"label": "Cotisations", "family": "membership_fees", "amount": 5000},
        ],
        "human_riches": {
            "employees_count": 11,
            "employees_fte": 9.5,
            "volunteers_count": 60,
            "volunteer_hours": 4600,
            "board_members": 9,
            "board_hours": 450,
        },
        "alliances": [
            {
                "partner": "Intercommunalité du Val",
                "kind": "public_body",
                "form": "economic_cooperation",
                "they_bring": "Convention de collecte",
                "we_bring": "Réduction des déchets",
            },
            {
                "partner": "Garage Martin",
                "kind": "company",
                "form": "patronage",
                "they_bring": "Mécénat financier",
                "we_bring": "Visibilité locale",
            },
        ],
    }


def _year_2024() -> dict[str, Any]:
    year = _year_2023()
    year["year"] = 2024
    year["activities"][2].update({"costs": 64000, "budget": 62000, "revenue": 17000})
    year["resources"].append(
        {
            "label": "Ateliers pour les entreprises (test)",
            "family": "activity_revenue",
            "amount": 12000,
        }
    )
    year["resources"][0]["multi_year"] = True
    year["human_riches"]["volunteers_count"] = 64
    year["human_riches"]["volunteer_hours"] = 5000
    year["alliances"].append(
        {
            "partner": "Recyclerie des Coteaux",
            "kind": "association",
            "form": "pooling",
            "they_bring": "Local partagé à l'étude",
            "we_bring": "Savoir-faire de la boutique",
        }
    )
    return year


def ressourcerie_document() -> dict[str, Any]:
    """The whole document, as the JSON export writes it."""
    return {
        "format": "escales-workspace",
        "format_version": 1,
        "identity": {
            "name": "La Ressourcerie du Val",
            "fictional": True,
            "legal_form": "association_1901",
            "field_of_action": "Réemploi et prévention des déchets",
            "territory": "Une petite ville et son intercommunalité",
            "mission": "Donner une seconde vie aux objets et sensibiliser les habitants au "
            "réemploi.",
            "general_interest": "yes",
            "general_interest_reasons": "Activité non lucrative, gestion désintéressée, "
            "ouverte à tous (rescrit à demander).",
            "social_utility": "yes",
            "social_utility_reasons": "Lien social et développement durable (loi ESS, art. 2).",
        },
        "years": [_year_2023(), _year_2024()],
        "method": {
            "issues": [
                {
                    "title": "Une dépendance forte à un seul partenaire",
                    "statement": "La convention pèse 36 % des ressources et sera réexaminée.",
                },
                {
                    "title": "L'activité la plus proche de la mission est la moins financée",
                    "statement": "Les ateliers ne couvrent que les trois quarts de leur coût.",
                },
                {
                    "title": "Un bénévolat concentré et fatigué",
                    "statement": "Six bénévoles assurent plus de la moitié des heures.",
                },
            ],
            "debate_notes": "Séminaire avec le conseil, l'équipe et dix bénévoles : la "
            "boutique est aussi un lieu de lien social ; piste des entreprises du territoire.",
            "ambition": "Dans quatre ans, être le lieu de référence du réemploi et de la "
            "sensibilisation sur le territoire, à l'équilibre, aucun financeur au-delà de 30 %.",
            "horizon_year": 2028,
            "levers": [
                {
                    "title": "Convention pluriannuelle",
                    "pillar": "financial_resources",
                    "impact": 3,
                    "feasibility": 3,
                    "decision": "retained",
                },
                {
                    "title": "Ateliers payants pour les entreprises",
                    "pillar": "financial_resources",
                    "impact": 3,
                    "feasibility": 2,
                    "decision": "retained",
                },
                {
                    "title": "Bénévoles référents",
                    "pillar": "human_riches",
                    "impact": 3,
                    "feasibility": 3,
                    "decision": "retained",
                },
                {
                    "title": "Mécénat d'entreprises locales",
                    "pillar": "financial_resources",
                    "impact": 2,
                    "feasibility": 2,
                    "decision": "postponed",
                },
                {
                    "title": "Local partagé avec la Recyclerie",
                    "pillar": "alliances",
                    "impact": 3,
                    "feasibility": 1,
                    "decision": "postponed",
                },
                {
                    "title": "Boutique en ligne",
                    "pillar": "activities",
                    "impact": 1,
                    "feasibility": 1,
                    "decision": "dismissed",
                },
            ],
            "target": {
                "year": 2028,
                "total_resources": 420000,
                "resource_shares": {
                    "public_subsidies": 40,
                    "activity_revenue": 50,
                    "corporate_patronage": 5,
                    "donations": 3,
                    "membership_fees": 2,
                },
                "max_funder_share": 30,
                "employees_fte": 10,
                "volunteers_count": 70,
                "alliances_by_form": {"pooling": 1, "economic_cooperation": 2},
                "notes": "Douze bénévoles référents formés ; deux alliances formalisées.",
            },
            "trajectory": [
                {
                    "year": 2025,
                    "title": "Négocier la convention et tester les ateliers",
                    "actions": "Trois ateliers en entreprise ; quatre référents formés.",
                    "indicator": "Convention signée",
                    "decision_point": True,
                },
                {
                    "year": 2026,
                    "title": "Structurer l'offre aux entreprises",
                    "actions": "Mécénat ; étude du local partagé.",
                    "indicator": "CA ateliers",
                },
                {
                    "year": 2028,
                    "title": "Équilibre et local partagé",
                    "actions": "Emménager ; consolider les alliances.",
                    "indicator": "Aucun financeur > 30 %",
                    "decision_point": True,
                },
            ],
        },
    }
