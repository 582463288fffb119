"""The method's rules: lever prioritisation, progress through the steps, advice, target gaps."""

from __future__ import annotations

from decimal import Decimal

import pytest

from lms.workspace.indicators import year_indicators
from lms.workspace.method import (
    Gauge,
    Priority,
    Step,
    Task,
    lever_matrix,
    method_advice,
    method_progress,
    ranked_levers,
    suggested_priority,
    target_gaps,
)
from lms.workspace.reasons import PLAIN
from lms.workspace.schemas import (
    KeyIssue,
    Lever,
    LeverDecision,
    Method,
    Milestone,
    Pillar,
    ResourceFamily,
    Target,
    WorkspaceData,
)
from tests.unit.workspace.examples import ressourcerie


@pytest.mark.parametrize(
    ("impact", "feasibility", "priority"),
    [
        (3, 3, Priority.PRIORITY),
        (3, 2, Priority.PRIORITY),
        (2, 3, Priority.PRIORITY),
        (3, 1, Priority.TO_PREPARE),
        (1, 3, Priority.TO_PREPARE),
        (2, 2, Priority.TO_PREPARE),
        (2, 1, Priority.SET_ASIDE),
        (1, 2, Priority.SET_ASIDE),
        (1, 1, Priority.SET_ASIDE),
    ],
)
def test_suggested_priority(impact, feasibility, priority):
    assert suggested_priority(impact, feasibility) == priority


def ressourcerie_levers() -> list[Lever]:
    """The six levers of M03's example, rated so that the course's choices come out."""

    def lever(title, pillar, impact, feasibility):
        return Lever(title=title, pillar=Pillar(pillar), impact=impact, feasibility=feasibility)

    return [
        lever("Convention pluriannuelle", "financial_resources", 3, 3),
        lever("Ateliers payants pour les entreprises", "financial_resources", 3, 2),
        lever("Mécénat d'entreprises locales", "financial_resources", 2, 2),
        lever("Bénévoles référents", "human_riches", 3, 3),
        lever("Local partagé avec une autre association", "alliances", 3, 1),
        lever("Boutique en ligne", "activities", 1, 1),
    ]


def test_the_ressourcerie_levers_come_out_as_the_board_decided():
    """Three priorities, two for later, the online shop set aside (M03's example)."""
    ranked = [
        (lever.title, priority) for _, lever, priority in ranked_levers(ressourcerie_levers())
    ]
    assert ranked == [
        ("Convention pluriannuelle", Priority.PRIORITY),
        ("Bénévoles référents", Priority.PRIORITY),
        ("Ateliers payants pour les entreprises", Priority.PRIORITY),
        ("Mécénat d'entreprises locales", Priority.TO_PREPARE),  # 2 × 2 = 4
        ("Local partagé avec une autre association", Priority.TO_PREPARE),  # 3 × 1 = 3
        ("Boutique en ligne", Priority.SET_ASIDE),
    ]


def test_matrix_rows_go_from_high_to_low_impact():
    matrix = lever_matrix(ressourcerie_levers())
    assert [row[0].impact for row in matrix] == [3, 2, 1]
    assert [cell.feasibility for cell in matrix[0]] == [1, 2, 3]
    assert matrix[0][2].levers == ["Convention pluriannuelle", "Bénévoles référents"]
    assert matrix[0][0].levers == ["Local partagé avec une autre association"]
    assert matrix[2][0].priority == Priority.SET_ASIDE
    assert matrix[2][0].levers == ["Boutique en ligne"]


def test_progress_of_an_empty_document():
    progress = method_progress(WorkspaceData())
    assert [p.step for p in progress] == [Step.ANALYSE, Step.AMBITION, Step.TRAJECTORY]
    assert not any(done for p in progress for _, done in p.tasks)


def test_progress_through_the_three_steps():
    data = WorkspaceData(
        years=[ressourcerie()],
        method=Method(
            issues=[KeyIssue(title="Dépendance"), KeyIssue(title="Ateliers sous-financés")],
            debate_notes="Séminaire du 12 mars.",
            ambition="Être le lieu de référence du réemploi.",
            levers=ressourcerie_levers(),
        ),
    )
    steps = {p.step: p for p in method_progress(data)}
    assert steps[Step.ANALYSE].complete
    assert steps[Step.AMBITION].complete
    assert dict(steps[Step.TRAJECTORY].tasks) == {
        Task.PRIORITIES: False,
        Task.TARGET: False,
        Task.TRAJECTORY: False,
    }


def test_one_issue_is_not_enough():
    progress = method_progress(WorkspaceData(method=Method(issues=[KeyIssue(title="x")])))
    assert dict(progress[0].tasks)[Task.ISSUES] is False


def advice(method: Method) -> list[str]:
    return [PLAIN.reason(reason) for reason in method_advice(method)]


def test_advice_on_issues_without_debate():
    assert advice(Method(issues=[KeyIssue(title="x")])) == [
        "Two or three key issues are expected: there is 1.",
        "Share the issues with the board and the team, and note what the debate confirmed, "
        "corrected or added.",
    ]


def test_advice_on_forgotten_pillars_and_too_many_priorities():
    levers = [
        Lever(
            title=f"L{n}",
            pillar=Pillar.FINANCIAL_RESOURCES,
            impact=3,
            feasibility=3,
            decision=LeverDecision.RETAINED,
        )
        for n in range(4)
    ]
    levers.append(
        Lever(
            title="Petit levier",
            pillar=Pillar.FINANCIAL_RESOURCES,
            impact=1,
            feasibility=1,
            decision=LeverDecision.RETAINED,
        )
    )
    assert advice(Method(levers=levers)) == [
        "No lever acts on: human riches, strategic alliances. Forgetting pillars is a frequent "
        "pitfall.",
        "5 levers are retained: the course advises a small number of priorities, the others "
        "postponed or set aside.",
        "« Petit levier » is retained although its impact and feasibility are low.",
    ]


def test_advice_on_the_trajectory():
    method = Method(
        target=Target(year=2027, resource_shares={ResourceFamily.PUBLIC_SUBSIDIES: Decimal("60")}),
        trajectory=[
            Milestone(year=2028, title="Tout"),
            Milestone(year=2028, title="Encore tout"),
        ],
    )
    assert advice(method) == [
        "The target resource mix adds up to 60 %: 40 % is not allocated.",
        "Plan decision points: moments when the board takes stock and may adjust the course, "
        "rather than a fixed plan.",
        "Every milestone is in 2028: changing everything at once exhausts the team; spread the "
        "steps.",
        "Milestones after the target year 2027: 2.",
    ]


def test_a_sound_method_gets_no_advice():
    method = Method(
        issues=[KeyIssue(title="a"), KeyIssue(title="b")],
        debate_notes="Débat en conseil.",
        levers=ressourcerie_levers(),
        target=Target(year=2028, resource_shares={ResourceFamily.ACTIVITY_REVENUE: Decimal(100)}),
        trajectory=[
            Milestone(year=2025, title="a", decision_point=True),
            Milestone(year=2026, title="b"),
        ],
    )
    assert advice(method) == []


def test_target_gaps_of_the_ressourcerie():
    """Target: 420 000 €, the intercommunality under 30 %, twelve volunteer referents (M03)."""
    current = year_indicators(ressourcerie())
    target = Target(
        year=2028,
        total_resources=420_000,
        resource_shares={
            ResourceFamily.PUBLIC_SUBSIDIES: Decimal("40"),
            ResourceFamily.ACTIVITY_REVENUE: Decimal("50"),
            ResourceFamily.CORPORATE_PATRONAGE: Decimal("10"),
        },
        max_funder_share=Decimal("30"),
        employees_fte=Decimal("10"),
    )
    gaps = {(g.gauge, g.subject): g for g in target_gaps(current, target)}
    total = gaps[(Gauge.TOTAL_RESOURCES, None)]
    assert (total.current, total.target, total.gap) == (335_000, 420_000, 85_000)
    subsidies = gaps[(Gauge.FAMILY_SHARE, ResourceFamily.PUBLIC_SUBSIDIES)]
    assert subsidies.current == pytest.approx(47.76, abs=0.01)
    assert subsidies.gap == pytest.approx(-7.76, abs=0.01)
    ceiling = gaps[(Gauge.LARGEST_FUNDER_SHARE, None)]
    assert ceiling.met is False and ceiling.current == pytest.approx(35.82, abs=0.01)
    assert gaps[(Gauge.EMPLOYEES_FTE, None)].gap == pytest.approx(0.5)


def test_target_without_a_described_year():
    gaps = target_gaps(None, Target(total_resources=1000, max_funder_share=Decimal(30)))
    assert [(g.current, g.gap, g.met) for g in gaps] == [(None, None, None), (None, None, None)]
