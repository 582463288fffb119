"""The pure rules of the cohorts area: risk, level spread, import checks, list queries."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest

from lms.cohorts.rules import (
    DEFAULT_INACTIVE_DAYS,
    ExistingAccount,
    FollowedModule,
    ImportAction,
    ImportRow,
    LearnerQuery,
    ModuleFacts,
    RiskKind,
    active_since,
    days_inactive,
    is_completed,
    is_overdue,
    level_distribution,
    parse_learner_query,
    percent,
    plan_import,
    risk_reasons,
)

NOW = datetime(2025, 3, 20, 12, 0, tzinfo=UTC)
JOINED = NOW - timedelta(days=60)


def module(id_: int = 1, *, due_on: date | None = None, has_quiz: bool = True) -> FollowedModule:
    return FollowedModule(
        id=id_,
        slug=f"m{id_}",
        title=f"Module {id_}",
        section_count=4,
        has_quiz=has_quiz,
        has_practice=True,
        due_on=due_on,
    )


def facts(id_: int = 1, *, days_ago: int = 1, **values: object) -> ModuleFacts:
    return ModuleFacts(module_id=id_, last_activity_at=NOW - timedelta(days=days_ago), **values)  # type: ignore[arg-type]


# --- percent ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("score", "shown"),
    [(None, None), (0.0, 0), (1.0, 100), (0.825, 83), (0.8249, 82), (0.005, 1), (2 / 3, 67)],
)
def test_percent_rounds_half_up(score, shown):
    assert percent(score) == shown


# --- completion and risk ----------------------------------------------------------------------


def test_a_module_is_completed_when_read_and_its_quiz_passed():
    assert is_completed(module(), facts(reading_completed=True, quiz_passed=True))
    assert not is_completed(module(), facts(reading_completed=True, quiz_passed=False))
    assert not is_completed(module(), facts(reading_completed=False, quiz_passed=True))
    assert not is_completed(module(), None)


def test_a_module_without_questions_only_needs_reading():
    assert is_completed(module(has_quiz=False), facts(reading_completed=True))


def test_overdue_only_after_the_due_day_and_when_not_completed():
    due = NOW.date()
    assert not is_overdue(module(due_on=due), None, NOW.date())  # the due day itself still counts
    assert is_overdue(module(due_on=due), None, NOW.date() + timedelta(days=1))
    done = facts(reading_completed=True, quiz_passed=True)
    assert not is_overdue(module(due_on=due), done, NOW.date() + timedelta(days=1))
    assert not is_overdue(module(), None, NOW.date())  # no due date, never overdue


def test_an_active_learner_on_time_is_not_at_risk():
    modules = [module(1), module(2, due_on=NOW.date() + timedelta(days=3))]
    assert risk_reasons(modules, {1: facts(1, days_ago=2)}, joined_at=JOINED, now=NOW) == []


def test_inactive_for_the_chosen_number_of_days():
    modules = [module(1)]
    reasons = risk_reasons(modules, {1: facts(1, days_ago=20)}, joined_at=JOINED, now=NOW)
    assert [(r.kind, r.days) for r in reasons] == [(RiskKind.INACTIVE, 20)]
    assert (
        risk_reasons(
            modules, {1: facts(1, days_ago=20)}, joined_at=JOINED, now=NOW, inactive_days=30
        )
        == []
    )


def test_inactivity_counts_calendar_days_in_utc():
    """The limit is a day, not an hour: the summaries the dashboard lists keep activity to
    the day, and its filters must flag the same learners."""
    modules = [module(1)]
    limit_day = NOW.date() - timedelta(days=DEFAULT_INACTIVE_DAYS)  # 14 days before today
    last_moment = datetime.combine(limit_day, time(23, 59, 59), tzinfo=UTC)
    next_morning = datetime.combine(limit_day + timedelta(days=1), time(0, 0), tzinfo=UTC)
    late = ModuleFacts(module_id=1, last_activity_at=last_moment)
    reasons = risk_reasons(modules, {1: late}, joined_at=JOINED, now=NOW)
    assert [(r.kind, r.days) for r in reasons] == [(RiskKind.INACTIVE, DEFAULT_INACTIVE_DAYS)]
    early = ModuleFacts(module_id=1, last_activity_at=next_morning)
    assert risk_reasons(modules, {1: early}, joined_at=JOINED, now=NOW) == []
    # The SQL filters' bound is the same rule.
    assert active_since(NOW, DEFAULT_INACTIVE_DAYS) == next_morning
    assert days_inactive(last_moment, NOW) == DEFAULT_INACTIVE_DAYS


def test_a_learner_who_never_started_is_inactive_from_the_day_they_joined():
    modules = [module(1)]
    assert risk_reasons(modules, {}, joined_at=NOW - timedelta(days=3), now=NOW) == []
    reasons = risk_reasons(modules, {}, joined_at=NOW - timedelta(days=15), now=NOW)
    assert [(r.kind, r.days) for r in reasons] == [(RiskKind.INACTIVE, 15)]


def test_activity_outside_the_followed_modules_does_not_count():
    reasons = risk_reasons([module(1)], {2: facts(2, days_ago=0)}, joined_at=JOINED, now=NOW)
    assert [r.kind for r in reasons] == [RiskKind.INACTIVE]


def test_the_last_activity_the_caller_already_knows_gives_the_same_reasons():
    """Dashboards pass the last activity they computed; the reasons are those of the facts."""
    modules = [module(1), module(2, due_on=date(2025, 3, 1))]
    rows = {1: facts(1, days_ago=20), 2: facts(2, days_ago=30)}
    computed = risk_reasons(modules, rows, joined_at=JOINED, now=NOW)
    given = risk_reasons(
        modules, rows, joined_at=JOINED, now=NOW, last_seen=NOW - timedelta(days=20)
    )
    assert given == computed
    assert [r.kind for r in given] == [RiskKind.INACTIVE, RiskKind.OVERDUE]


def test_a_quiz_failed_twice_and_not_passed_since():
    modules = [module(1), module(2)]
    rows = {
        1: facts(1, quiz_failures=2, quiz_attempts=2),
        2: facts(2, quiz_failures=3, quiz_attempts=4, quiz_passed=True),
    }
    reasons = risk_reasons(modules, rows, joined_at=JOINED, now=NOW)
    assert [(r.kind, r.module_title, r.failures) for r in reasons] == [
        (RiskKind.QUIZ_FAILED, "Module 1", 2)
    ]


def test_one_failure_is_not_a_risk():
    reasons = risk_reasons([module(1)], {1: facts(1, quiz_failures=1)}, joined_at=JOINED, now=NOW)
    assert reasons == []


def test_behind_a_due_date_lists_every_late_module():
    past = NOW.date() - timedelta(days=1)
    modules = [module(1, due_on=past), module(2, due_on=past), module(3, due_on=past)]
    rows = {
        1: facts(1, reading_completed=True, quiz_passed=True),
        2: facts(2, reading_completed=True),
    }
    reasons = risk_reasons(modules, rows, joined_at=JOINED, now=NOW)
    assert [(r.kind, r.module_title, r.due_on) for r in reasons] == [
        (RiskKind.OVERDUE, "Module 2", past),
        (RiskKind.OVERDUE, "Module 3", past),
    ]


# --- level distribution -----------------------------------------------------------------------


def test_learners_without_a_profile_row_are_at_level_zero():
    spread = level_distribution({1: 2, 3: 1}, learners=10)
    assert spread.counts == (7, 2, 0, 1, 0)
    assert spread.total == 10
    assert spread.at_least(2) == 1
    assert spread.share(0) == pytest.approx(0.7)


def test_rows_at_level_zero_are_not_counted_twice():
    assert level_distribution({0: 3, 2: 2}, learners=5).counts == (3, 0, 2, 0, 0)


@pytest.mark.parametrize(
    ("counts", "median"),
    [
        ((0, 0, 0, 0, 0), None),
        ((1, 0, 0, 0, 0), 0),
        ((1, 1, 1, 0, 0), 1),
        ((2, 0, 0, 0, 2), 0),  # the lower middle for an even count
        ((0, 0, 1, 5, 1), 3),
    ],
)
def test_median_level(counts, median):
    spread = level_distribution(dict(enumerate(counts)), learners=sum(counts))
    assert spread.median == median


def test_an_empty_cohort_has_no_shares():
    spread = level_distribution({}, learners=0)
    assert spread.share(3) == 0.0 and spread.median is None


def test_inconsistent_counts_never_go_negative():
    assert level_distribution({2: 4}, learners=3).counts == (0, 0, 4, 0, 0)


# --- importing a file -------------------------------------------------------------------------

ORG = 7


def plan(rows, accounts=None, *, may_add_trainers=False, max_rows=2000):
    return plan_import(
        rows,
        accounts or {},
        organisation_id=ORG,
        may_add_trainers=may_add_trainers,
        max_rows=max_rows,
    )


def messages(result):
    return [(p.line, p.text()) for p in result.problems]


def test_a_clean_file_creates_accounts_and_normalises_addresses():
    result = plan(
        [ImportRow(2, " Zoe@Example.org ", "Zoé Lambert"), ImportRow(3, "a@b.fr", "", "Apprenante")]
    )
    assert result.ok
    assert [(r.line, r.email, r.name, r.cohort_role, r.action) for r in result.rows] == [
        (2, "zoe@example.org", "Zoé Lambert", "learner", ImportAction.CREATE),
        (3, "a@b.fr", "", "learner", ImportAction.CREATE),
    ]


def test_every_problem_of_every_line_is_reported_with_its_line():
    result = plan(
        [
            ImportRow(2, "", "Sans adresse"),
            ImportRow(3, "pas-une-adresse", "X" * 121, "chef"),
            ImportRow(4, "ok@example.org", "Ok"),
            ImportRow(5, "OK@example.org", "Double"),
        ]
    )
    assert not result.ok
    assert messages(result) == [
        (2, "The e-mail address is missing."),
        (3, "“pas-une-adresse” is not a valid e-mail address."),
        (3, "The name is longer than 120 characters."),
        (3, "Unknown role “chef”: write learner or trainer, or leave it empty."),
        (5, "ok@example.org already appears on line 4."),
    ]
    assert [r.line for r in result.rows] == [4]  # valid lines are still planned, for the preview


def test_existing_accounts_are_enrolled_re_enrolled_or_left_alone():
    accounts = {
        "new@example.org": ExistingAccount("new@example.org", "learner", None),
        "back@example.org": ExistingAccount(
            "back@example.org", "learner", ORG, membership_role="learner", membership_removed=True
        ),
        "here@example.org": ExistingAccount(
            "here@example.org", "learner", ORG, membership_role="learner"
        ),
    }
    result = plan(
        [
            ImportRow(2, "new@example.org"),
            ImportRow(3, "back@example.org"),
            ImportRow(4, "here@example.org"),
        ],
        accounts,
    )
    assert result.ok
    assert [r.action for r in result.rows] == [
        ImportAction.ENROL,
        ImportAction.REENROL,
        ImportAction.ALREADY,
    ]
    assert (result.count(ImportAction.ENROL), result.count(ImportAction.ALREADY)) == (1, 1)


def test_accounts_of_another_organisation_or_deactivated_are_refused():
    accounts = {
        "other@example.org": ExistingAccount("other@example.org", "learner", ORG + 1),
        "gone@example.org": ExistingAccount("gone@example.org", "learner", ORG, active=False),
        "trainer@example.org": ExistingAccount(
            "trainer@example.org", "trainer", ORG, membership_role="trainer"
        ),
    }
    result = plan(
        [
            ImportRow(2, "other@example.org"),
            ImportRow(3, "gone@example.org"),
            ImportRow(4, "trainer@example.org", role="learner"),
        ],
        accounts,
    )
    assert messages(result) == [
        (2, "other@example.org belongs to another organisation."),
        (3, "The account of gone@example.org is deactivated."),
        (4, "trainer@example.org is already in this cohort as trainer."),
    ]


def test_only_someone_who_may_give_the_trainer_role_imports_trainers():
    accounts = {
        "learner@example.org": ExistingAccount("learner@example.org", "learner", ORG),
        "staff@example.org": ExistingAccount("staff@example.org", "trainer", ORG),
    }
    rows = [
        ImportRow(2, "new@example.org", role="formatrice"),
        ImportRow(3, "learner@example.org", role="trainer"),
        ImportRow(4, "staff@example.org", role="trainer"),
    ]
    refused = plan(rows, accounts)
    assert [line for line, _ in messages(refused)] == [2, 3]
    allowed = plan(rows, accounts, may_add_trainers=True)
    assert allowed.ok
    assert [(r.cohort_role, r.promote) for r in allowed.rows] == [
        ("trainer", False),
        ("trainer", True),
        ("trainer", False),
    ]


def test_an_empty_or_oversized_file_is_refused_on_line_one():
    assert messages(plan([])) == [(1, "The file has no line to import.")]
    rows = [ImportRow(n, f"p{n}@example.org") for n in range(2, 6)]
    assert messages(plan(rows, max_rows=3)) == [
        (1, "The file has 4 lines; import at most 3 at a time.")
    ]


# --- list queries -----------------------------------------------------------------------------


def test_defaults_when_nothing_is_asked():
    assert parse_learner_query({}) == LearnerQuery()


def test_a_full_query_is_read():
    query = parse_learner_query(
        {
            "q": " zoé ",
            "status": "at_risk",
            "sort": "-activity",
            "page": "3",
            "per_page": "100",
            "inactive_days": "30",
        }
    )
    assert query == LearnerQuery("zoé", "at_risk", "activity", True, 3, 100, 30)


@pytest.mark.parametrize(
    "args",
    [
        {"sort": "password_hash"},
        {"sort": "c:'; drop table"},
        {"status": "everything"},
        {"page": "-4"},
        {"page": "abc"},
        {"per_page": "1000"},
        {"per_page": "7"},
        {"inactive_days": "0"},
    ],
)
def test_unknown_values_fall_back_to_safe_ones(args):
    query = parse_learner_query(args)
    assert query.sort in ("name",) and query.status in ("all",)
    assert query.page >= 1 and query.per_page in (25, 50, 100) and 1 <= query.inactive_days <= 365


def test_sorting_by_a_competency():
    query = parse_learner_query({"sort": "-c:MSE-04"})
    assert query.competency_code == "MSE-04" and query.descending


def test_links_keep_the_query_and_leave_defaults_out():
    query = parse_learner_query({"q": "ana", "sort": "activity", "page": "2"})
    assert query.args() == {"q": "ana", "sort": "activity", "page": 2}
    assert query.args(page=1) == {"q": "ana", "sort": "activity"}
    assert query.sort_link("activity") == "-activity"  # a second click reverses
    assert query.sort_link("name") == "name"
    assert query.aria_sort("activity") == "ascending" and query.aria_sort("name") is None
